//! Pruning and ordering: linked containers -> the display-ordered [`Forest`].
//!
//! Owns JWZ step 4 (prune ghosts) and the sort/flatten step. Reads the
//! parent pointers made by `link`; never changes who is whose parent except
//! by skipping pruned ghosts. No I/O, no recursion (explicit stacks and
//! breadth-first orders only), no subject logic.
//!
//! Pruning, for the ghosts (containers without a message):
//! - a container is *live* when its subtree holds at least one message;
//!   dead ghosts are dropped;
//! - a ghost with exactly one live child is dropped and that child takes its
//!   place (at the root too);
//! - a ghost with two or more live children is kept, as a root or not: its
//!   children stay together under a "message not in archive" placeholder
//!   instead of being promoted to the ghost's parent (unlike JWZ), which
//!   keeps the archive honest about who replied to what.
//!
//! Ordering: siblings by `(date, num)`; a ghost sorts as its earliest
//! descendant. Threads by the `(date, num)` of their earliest message.

use super::forest::{Entry, Forest, ThreadInfo};
use super::link::{Links, NONE};

/// Sort key: `(date, num)`.
type Key = (i64, u64);

/// Builds the forest. Also returns, per thread, the item index of its
/// representative message: the root, or the first message in display order
/// when the root is a ghost.
pub(super) fn build(links: Links) -> (Forest, Vec<u32>) {
    let Links {
        msg,
        parent,
        num,
        date,
    } = links;
    let total = msg.len();
    let messages = num.len();

    // Live containers: every ancestor of a message (each visited once).
    let mut live = vec![false; total];
    for (c, &m) in msg.iter().enumerate() {
        if m == NONE {
            continue;
        }
        let mut v = c as u32;
        while v != NONE && !live[v as usize] {
            live[v as usize] = true;
            v = parent[v as usize];
        }
    }
    // Live children per container, saturating at 2.
    let mut fanout = vec![0u8; total];
    for c in 0..total {
        let p = parent[c];
        if live[c] && p != NONE {
            fanout[p as usize] = (fanout[p as usize] + 1).min(2);
        }
    }
    let collapsed = |c: u32| msg[c as usize] == NONE && fanout[c as usize] == 1;

    // Kept containers and their effective parents (collapsed ghosts skipped;
    // each collapsed ghost is skipped by exactly one child, so this is linear).
    let mut up = vec![NONE; total];
    let mut kept = Vec::with_capacity(total);
    for c in 0..total as u32 {
        if !live[c as usize] || collapsed(c) {
            continue;
        }
        let mut p = parent[c as usize];
        while p != NONE && collapsed(p) {
            p = parent[p as usize];
        }
        up[c as usize] = p;
        kept.push(c);
    }
    drop(live);
    drop(fanout);

    // Children lists, compressed: child[start[c]..start[c + 1]].
    let mut start = vec![0u32; total + 1];
    for &c in &kept {
        let p = up[c as usize];
        if p != NONE {
            start[p as usize + 1] += 1;
        }
    }
    for i in 0..total {
        start[i + 1] += start[i];
    }
    let mut fill = start.clone();
    let mut child = vec![0u32; start[total] as usize];
    let mut roots = Vec::new();
    for &c in &kept {
        let p = up[c as usize];
        if p == NONE {
            roots.push(c);
        } else {
            child[fill[p as usize] as usize] = c;
            fill[p as usize] += 1;
        }
    }
    drop(fill);
    let kids = |c: u32| start[c as usize] as usize..start[c as usize + 1] as usize;

    // Earliest (date, num) in each subtree, bottom-up over a BFS order.
    // Message containers are 0..messages; the rest are ghosts.
    let own = |c: u32| match num.get(c as usize) {
        Some(&n) => (date[c as usize], n),
        None => (i64::MAX, u64::MAX),
    };
    let mut earliest: Vec<Key> = (0..total as u32).map(own).collect();
    let mut bfs = roots.clone();
    let mut i = 0;
    while i < bfs.len() {
        let c = bfs[i];
        bfs.extend_from_slice(&child[kids(c)]);
        i += 1;
    }
    for &c in bfs.iter().rev() {
        let p = up[c as usize];
        if p != NONE && earliest[c as usize] < earliest[p as usize] {
            earliest[p as usize] = earliest[c as usize];
        }
    }
    drop(bfs);

    // Sort siblings (messages by their own key, ghosts by their earliest
    // descendant) and threads. Keys are unique, so unstable sorts are fine.
    let sibling_key = |k: u32| {
        if (k as usize) < messages {
            own(k)
        } else {
            earliest[k as usize]
        }
    };
    for &c in &kept {
        child[kids(c)].sort_unstable_by_key(|&k| sibling_key(k));
    }
    roots.sort_unstable_by_key(|&r| earliest[r as usize]);

    // Flatten each thread in pre-order with an explicit stack.
    let mut forest = Forest {
        entries: Vec::with_capacity(kept.len()),
        threads: Vec::with_capacity(roots.len()),
        nums: Vec::new(),
        at: vec![0; messages],
        maybe_related: Vec::new(),
    };
    let mut reps = Vec::with_capacity(roots.len());
    let mut stack: Vec<(u32, u32, u32)> = Vec::new();
    for (t, &root) in roots.iter().enumerate() {
        let base = forest.entries.len();
        let mut rep = NONE;
        let mut count = 0u32;
        let mut last_date = i64::MIN;
        stack.push((root, u32::MAX, 0));
        while let Some((c, parent_pos, depth)) = stack.pop() {
            let pos = (forest.entries.len() - base) as u32;
            let num = if (c as usize) < messages {
                forest.at[c as usize] = forest.entries.len() as u32;
                count += 1;
                last_date = last_date.max(date[c as usize]);
                if rep == NONE {
                    rep = msg[c as usize];
                }
                Some(num[c as usize])
            } else {
                None
            };
            forest.entries.push(Entry {
                num,
                depth,
                parent: parent_pos,
                size: 1,
                thread: t as u32,
            });
            for &k in child[kids(c)].iter().rev() {
                stack.push((k, pos, depth + 1));
            }
        }
        // Subtree sizes: parents precede children, so sum back to front.
        for e in (base + 1..forest.entries.len()).rev() {
            let size = forest.entries[e].size;
            let p = base + forest.entries[e].parent as usize;
            forest.entries[p].size += size;
        }
        forest.threads.push(ThreadInfo {
            start: base as u32,
            len: (forest.entries.len() - base) as u32,
            messages: count,
            first_date: earliest[root as usize].0,
            last_date,
        });
        reps.push(rep);
    }
    forest.nums = num;
    (forest, reps)
}
