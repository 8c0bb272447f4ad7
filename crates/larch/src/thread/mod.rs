//! Thread: summaries -> thread forest (JWZ). Pure, non-recursive.
//!
//! Owns the threading stage: [`thread`] turns [`Item`]s into a [`Forest`],
//! and [`base_subject`] gives the subject comparison key. It must not do
//! I/O, read the store or know about rendering; callers build the `Item`s
//! and decide what to draw. Nothing here recurses, so a 100,000-deep chain
//! is fine, and memory is a few flat vectors per message.
//!
//! The algorithm is JWZ's (<https://www.jwz.org/doc/threading.html>),
//! adapted for an archive:
//! - `link`: containers keyed by Message-ID, ghosts for referenced but
//!   absent ids. A message's parent is its In-Reply-To when present (it names
//!   the direct parent), else its last reference; References (followed by
//!   In-Reply-To when that is not among them) only fill in the ancestry of
//!   ghosts. A message's own headers beat other messages' claims, so a reply
//!   numbered before its parent threads exactly like one numbered after it;
//!   only loop breaking (the loop-closing link is dropped) and rival claims
//!   about a ghost's parent are settled by `num` order, lowest first.
//!   Self-references are ignored. The first (lowest `num`) item owns a
//!   reused id; later ones thread as if their id were unique.
//! - `tree`: prune ghosts (none left childless, single children promoted,
//!   multi-child ghosts kept as placeholders), order siblings by
//!   `(date, num)` and threads by their earliest message.
//! - no subject merging: a root whose subject carries a reply prefix and
//!   matches an earlier thread's base subject is only reported in
//!   [`Forest::maybe_related`].

mod forest;
mod link;
mod subject;
mod tree;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use forest::{Children, Entry, Forest, Location, NestStep, Nested, Thread};
pub use subject::{base_subject, subject_key};

/// One message as threading sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    /// Permanent message number (unique).
    pub num: u64,
    /// Normalized Message-ID (no angle brackets). When several items share
    /// one, only the lowest-numbered owns it for linking.
    pub message_id: String,
    /// References, oldest first, normalized.
    pub references: Vec<String>,
    /// The (first) In-Reply-To id, normalized.
    pub in_reply_to: Option<String>,
    /// Decoded subject.
    pub subject: String,
    /// Filing timestamp, UTC seconds.
    pub date: i64,
}

/// Threads `items` (any order; the result depends only on the set).
///
/// Supports up to `u32::MAX - 1` items plus ghosts.
pub fn thread(items: &[Item]) -> Forest {
    let mut keyed: Vec<(u64, u32)> = (items.iter().enumerate())
        .map(|(i, it)| (it.num, i as u32))
        .collect();
    keyed.sort_unstable();
    let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
    let links = link::link(items, &order);
    drop(order);
    let (mut forest, reps) = tree::build(links);
    forest.maybe_related = maybe_related(items, &forest, &reps);
    forest
}

/// Pairs `(num, earlier)` for root messages with a reply prefix whose base
/// subject equals that of the most recent earlier thread. Every thread
/// registers its representative (root message, or first message under a
/// ghost root) under its base subject; only message roots are reported.
fn maybe_related(items: &[Item], forest: &Forest, reps: &[u32]) -> Vec<(u64, u64)> {
    let mut latest: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::new();
    for (thread, &rep) in forest.threads().zip(reps) {
        let Some(item) = items.get(rep as usize) else {
            continue;
        };
        let (key, reply) = subject::analyze(&item.subject);
        if key.is_empty() {
            continue;
        }
        if reply
            && !thread.root().is_ghost()
            && let Some(&earlier) = latest.get(&key)
        {
            out.push((item.num, earlier));
        }
        latest.insert(key, item.num);
    }
    out
}
