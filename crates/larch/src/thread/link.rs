//! Linking: Message-IDs -> containers -> parent pointers (JWZ steps 1-3).
//!
//! Owns the id table, ghost creation and the loop check. Produces flat
//! parent pointers only; pruning and ordering belong to `tree`. No I/O, no
//! recursion, no subject logic.
//!
//! Passes over the items in `num` order:
//! 1. every item gets a container; the lowest-numbered item with a given id
//!    owns it, later items with the same id keep an unnamed container that
//!    nothing can reference;
//! 2. each item's claimed ancestry (its References, then In-Reply-To when it
//!    is not among them; self-references dropped) is resolved to containers
//!    once, creating ghosts for absent ids;
//! 3. every message links itself under its own parent: In-Reply-To when
//!    present (it names the direct parent, RFC 5322 3.6.4), else the last
//!    reference;
//! 4. the ancestry chains link consecutive ids parent -> child, but only give
//!    a parent to a *ghost* that has none yet (lowest `num` chain first).
//!
//! A message's own headers therefore always beat what other messages claim
//! about it, whatever the arrival order, and a container's parent, once set,
//! never changes. Because links are only ever added between a root and
//! another tree, "would this create a loop?" is "are both already in the same
//! tree?", answered by a union-find in near-constant time.

use std::collections::HashMap;

use super::Item;

/// "No container" / "no item" in the flat index vectors.
pub(super) const NONE: u32 = u32::MAX;

/// The linked containers: index `c` is one container. Containers
/// `0..num.len()` are the messages in `num` order; the rest are ghosts.
#[derive(Debug)]
pub(super) struct Links {
    /// Index into the input items, or [`NONE`] for a ghost.
    pub(super) msg: Vec<u32>,
    /// Parent container, or [`NONE`] for a root.
    pub(super) parent: Vec<u32>,
    /// Per message container: its `num` (ascending).
    pub(super) num: Vec<u64>,
    /// Per message container: its date.
    pub(super) date: Vec<i64>,
}

/// Links `items`, visited in `order` (item indices sorted by `num`).
pub(super) fn link(items: &[Item], order: &[u32]) -> Links {
    let n = order.len();
    let mut t = Table {
        ids: HashMap::with_capacity(n + n / 4),
        msg: Vec::with_capacity(n + n / 4),
        parent: Vec::with_capacity(n + n / 4),
        sets: Sets::default(),
    };
    let mut num = Vec::with_capacity(n);
    let mut date = Vec::with_capacity(n);
    // Pass 1: containers for every present message (container k = order[k]).
    for (k, &i) in order.iter().enumerate() {
        let item = &items[i as usize];
        t.push(i);
        num.push(item.num);
        date.push(item.date);
        if !item.message_id.is_empty() {
            t.ids.entry(item.message_id.as_str()).or_insert(k as u32);
        }
    }
    // Pass 2: resolve every claimed ancestry to containers once.
    let mut chain: Vec<u32> = Vec::with_capacity(n * 2);
    let mut chain_end: Vec<u32> = Vec::with_capacity(n);
    let mut own: Vec<u32> = Vec::with_capacity(n);
    for &i in order {
        own.push(t.resolve(&items[i as usize], &mut chain));
        chain_end.push(chain.len() as u32);
    }
    // Pass 3: each message under its own parent.
    for (k, &p) in own.iter().enumerate() {
        if p != NONE {
            t.try_link(p, k as u32);
        }
    }
    drop(own);
    // Pass 4: the ancestry chains, for ghosts only.
    let mut from = 0;
    for &end in &chain_end {
        let end = end as usize;
        for w in chain[from..end].windows(2) {
            if t.msg[w[1] as usize] == NONE {
                t.try_link(w[0], w[1]);
            }
        }
        from = end;
    }
    Links {
        msg: t.msg,
        parent: t.parent,
        num,
        date,
    }
}

/// An id this item may point at: non-empty and not its own (self-references
/// are dropped, also for items that reuse an earlier item's id).
fn usable(item: &Item, id: &str) -> bool {
    !id.is_empty() && id != item.message_id
}

/// The growing container table.
struct Table<'a> {
    ids: HashMap<&'a str, u32>,
    msg: Vec<u32>,
    parent: Vec<u32>,
    sets: Sets,
}

impl<'a> Table<'a> {
    fn push(&mut self, msg: u32) -> u32 {
        let c = self.msg.len() as u32;
        self.msg.push(msg);
        self.parent.push(NONE);
        self.sets.push();
        c
    }

    /// The container owning `id`, created as a ghost if unseen.
    fn container(&mut self, id: &'a str) -> u32 {
        let next = self.msg.len() as u32;
        let c = *self.ids.entry(id).or_insert(next);
        if c == next {
            self.push(NONE);
        }
        c
    }

    /// Appends the containers of the ancestry `item` claims, oldest first
    /// (its references, then In-Reply-To when it is not one of them), to
    /// `chain`, and returns its own parent: In-Reply-To, else the last
    /// reference, else [`NONE`].
    fn resolve(&mut self, item: &'a Item, chain: &mut Vec<u32>) -> u32 {
        let irt = item.in_reply_to.as_deref().filter(|r| usable(item, r));
        let mut irt_container = NONE;
        let mut last = NONE;
        for r in &item.references {
            if usable(item, r) {
                last = self.container(r);
                chain.push(last);
                if irt == Some(r.as_str()) {
                    irt_container = last;
                }
            }
        }
        match irt {
            Some(r) if irt_container == NONE => {
                let c = self.container(r);
                chain.push(c);
                c
            }
            Some(_) => irt_container,
            None => last,
        }
    }

    /// Makes `child` a child of `parent` unless it already has a parent or
    /// the link would close a loop.
    fn try_link(&mut self, parent: u32, child: u32) {
        if self.parent[child as usize] != NONE {
            return;
        }
        let (a, b) = (self.sets.find(parent), self.sets.find(child));
        if a != b {
            self.parent[child as usize] = parent;
            self.sets.union(a, b);
        }
    }
}

/// Union-find over containers: one set per tree of the forest being built.
#[derive(Default)]
struct Sets {
    up: Vec<u32>,
    size: Vec<u32>,
}

impl Sets {
    fn push(&mut self) {
        self.up.push(self.up.len() as u32);
        self.size.push(1);
    }

    /// The set representative, with path halving (iterative).
    fn find(&mut self, mut x: u32) -> u32 {
        loop {
            let up = self.up[x as usize];
            if up == x {
                return x;
            }
            let grand = self.up[up as usize];
            self.up[x as usize] = grand;
            x = grand;
        }
    }

    /// Merges two distinct representatives, smaller under larger.
    fn union(&mut self, a: u32, b: u32) {
        let (big, small) = if self.size[a as usize] < self.size[b as usize] {
            (b, a)
        } else {
            (a, b)
        };
        self.up[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}
