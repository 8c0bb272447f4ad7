//! Which messages a lookup needs, from the store's site index: a message's
//! thread component, the newest messages, the periods and their members.
//!
//! The index may lag the store by the messages archived since a writer
//! last brought it up to date (`larch add --no-site`, or a writer at work):
//! those few are overlaid from their summaries, exactly (components are
//! joined through their ids). When the index cannot be used at all (never
//! built, other period settings, removals or restores since, or too many
//! messages behind) every function falls back to a correct but slower scan
//! of all summaries.

use std::collections::HashMap;

use super::super::Archive;
use super::super::site_index::{entry, signature};
use crate::Result;
use crate::model::{Summary, period_name};
use crate::store::{PeriodRow, Store, Stored};

/// Past this many messages behind, the index is not used.
const MAX_BEHIND: u64 = 5000;

/// Messages the index has not seen yet (all live: a removal since would
/// have made the index unusable).
pub(super) struct Overlay {
    pub new: Vec<Stored>,
}

/// Is the site index exactly up to date with the store (same messages,
/// same removals, same period settings)?
pub fn index_fresh(archive: &Archive) -> Result<bool> {
    Ok(overlay(archive)?.is_some_and(|o| o.new.is_empty()))
}

/// The index and what it lacks; `None` when the index cannot be used.
pub(super) fn overlay(archive: &Archive) -> Result<Option<Overlay>> {
    let Some(st) = archive.store.index_state()? else {
        return Ok(None);
    };
    let count = archive.store.count()?;
    if st.sig != signature(&archive.config)
        || st.change != archive.store.last_change()?
        || st.through > count
        || count - st.through > MAX_BEHIND
    {
        return Ok(None);
    }
    let mut new = Vec::new();
    for num in st.through..count {
        match archive.store.stored(num)? {
            Some(s) if !s.removed => new.push(s),
            Some(_) => return Ok(None),
            None => {}
        }
    }
    Ok(Some(Overlay { new }))
}

/// Every live summary (the slow path).
fn all_live(archive: &Archive) -> Result<HashMap<u64, Summary>> {
    let mut out = HashMap::new();
    archive.store.for_each(&mut |s| {
        if !s.removed {
            out.insert(s.num, s.summary);
        }
        Ok(())
    })?;
    Ok(out)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    /// A component of the index (named by its smallest number).
    Comp(u64),
    /// A message the index has not seen.
    New(u64),
}

fn find(uf: &mut HashMap<Node, Node>, x: Node) -> Node {
    let mut root = x;
    while let Some(&up) = uf.get(&root) {
        if up == root {
            break;
        }
        root = up;
    }
    let mut cur = x;
    while cur != root {
        let up = uf.get(&cur).copied().unwrap_or(root);
        uf.insert(cur, root);
        cur = up;
    }
    root
}

fn union(uf: &mut HashMap<Node, Node>, a: Node, b: Node) {
    uf.entry(a).or_insert(a);
    uf.entry(b).or_insert(b);
    let (ra, rb) = (find(uf, a), find(uf, b));
    if ra != rb {
        uf.insert(ra, rb);
    }
}

/// The live messages linked to `num` by shared ids (its component, which
/// holds its thread), with their summaries; `None` when `num` is absent
/// or removed. Without a usable index: every live message.
pub(super) fn component(archive: &Archive, num: u64) -> Result<Option<HashMap<u64, Summary>>> {
    let Some(ov) = overlay(archive)? else {
        let all = all_live(archive)?;
        return Ok(all.contains_key(&num).then_some(all));
    };
    let (config, tz) = (&archive.config, archive.config.tz());
    let mut uf: HashMap<Node, Node> = HashMap::new();
    let mut owner: HashMap<String, u64> = HashMap::new();
    for s in &ov.new {
        let ids = entry(s, config, &tz).ids;
        uf.entry(Node::New(s.num)).or_insert(Node::New(s.num));
        for c in archive.store.linked_comps(s.num, &ids)? {
            union(&mut uf, Node::New(s.num), Node::Comp(c));
        }
        for id in ids {
            match owner.get(&id) {
                Some(&other) => union(&mut uf, Node::New(s.num), Node::New(other)),
                None => {
                    owner.insert(id, s.num);
                }
            }
        }
    }
    let start = if ov.new.iter().any(|s| s.num == num) {
        Node::New(num)
    } else {
        match archive.store.index_row(num)? {
            Some(row) if !row.removed => Node::Comp(row.comp),
            _ => return Ok(None),
        }
    };
    let root = find(&mut uf, start);
    let mut comps = vec![start];
    let nodes: Vec<Node> = uf.keys().copied().collect();
    for n in nodes {
        if n != start && find(&mut uf, n) == root {
            comps.push(n);
        }
    }
    let mut out = HashMap::new();
    for node in comps {
        match node {
            Node::Comp(c) => {
                for m in archive.store.comp_members(c)? {
                    if let Some(s) = archive.store.stored(m)?.filter(|s| !s.removed) {
                        out.insert(m, s.summary);
                    }
                }
            }
            Node::New(n) => {
                if let Some(s) = ov.new.iter().find(|s| s.num == n) {
                    out.insert(n, s.summary.clone());
                }
            }
        }
    }
    Ok(Some(out))
}

/// The `n` newest live messages by filing date (then number), newest first.
pub fn latest(archive: &Archive, n: usize) -> Result<Vec<u64>> {
    let mut all: Vec<(i64, u64)> = Vec::new();
    match overlay(archive)? {
        Some(ov) => {
            let (mut at, mut num) = (i64::MAX, i64::MAX as u64);
            while all.len() < n {
                let Some(prev) = archive.store.date_neighbors(at, num)?.0 else {
                    break;
                };
                let Some(row) = archive.store.index_row(prev)? else {
                    break;
                };
                all.push((row.filed_at, prev));
                (at, num) = (row.filed_at, prev);
            }
            all.extend(ov.new.iter().map(|s| (s.summary.filed_at, s.num)));
        }
        None => {
            archive.store.for_each(&mut |s| {
                if !s.removed {
                    all.push((s.summary.filed_at, s.num));
                }
                Ok(())
            })?;
        }
    }
    all.sort_unstable_by(|a, b| b.cmp(a));
    Ok(all.into_iter().take(n).map(|(_, num)| num).collect())
}

/// Periods oldest first, with their live message counts.
pub fn periods(archive: &Archive) -> Result<Vec<PeriodRow>> {
    let (tz, period) = (archive.config.tz(), archive.config.period);
    if let Some(ov) = overlay(archive)? {
        let mut rows = archive.store.index_periods()?;
        let mut new = ov.new.iter().collect::<Vec<_>>();
        new.sort_unstable_by_key(|s| (s.summary.filed_at, s.num));
        for s in new {
            let name = period_name(s.summary.filed_at, &tz, period);
            if let Some(r) = rows.iter_mut().find(|r| r.name == name) {
                r.live += 1;
                continue;
            }
            // A new period goes after the period of the live message filed
            // just before its first one (periods are disjoint in time).
            let before = archive
                .store
                .date_neighbors(s.summary.filed_at, s.num)?
                .0
                .map(|p| archive.store.index_row(p))
                .transpose()?
                .flatten()
                .and_then(|row| rows.iter().position(|r| r.name == row.period));
            let at = before.map_or(0, |i| i + 1);
            rows.insert(at, PeriodRow { name, live: 1 });
        }
        return Ok(rows);
    }
    let mut by_name: HashMap<String, (i64, u64, u64)> = HashMap::new();
    archive.store.for_each(&mut |s| {
        let name = period_name(s.summary.filed_at, &tz, period);
        let e = by_name
            .entry(name)
            .or_insert((s.summary.filed_at, s.num, 0));
        if (s.summary.filed_at, s.num) < (e.0, e.1) {
            (e.0, e.1) = (s.summary.filed_at, s.num);
        }
        e.2 += u64::from(!s.removed);
        Ok(())
    })?;
    let mut v: Vec<_> = by_name.into_iter().collect();
    v.sort_unstable_by_key(|(_, (at, num, _))| (*at, *num));
    Ok(v.into_iter()
        .map(|(name, (_, _, live))| PeriodRow { name, live })
        .collect())
}

/// The messages filed in `period` (live and removed), by filing date.
pub fn period_nums(archive: &Archive, period: &str) -> Result<Vec<(u64, bool)>> {
    let (tz, p) = (archive.config.tz(), archive.config.period);
    let mut rows: Vec<(i64, u64, bool)> = Vec::new();
    if let Some(ov) = overlay(archive)? {
        for r in archive.store.period_members(period)? {
            rows.push((r.filed_at, r.num, r.removed));
        }
        for s in &ov.new {
            if period_name(s.summary.filed_at, &tz, p) == period {
                rows.push((s.summary.filed_at, s.num, false));
            }
        }
    } else {
        archive.store.for_each(&mut |s| {
            if period_name(s.summary.filed_at, &tz, p) == period {
                rows.push((s.summary.filed_at, s.num, s.removed));
            }
            Ok(())
        })?;
    }
    rows.sort_unstable();
    Ok(rows.into_iter().map(|(_, n, r)| (n, r)).collect())
}
