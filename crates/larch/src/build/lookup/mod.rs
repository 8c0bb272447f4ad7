//! Read-only lookups for `larch serve`, and what the static build needs to
//! offer feeds and thread downloads too: a message by Message-ID or number,
//! its raw bytes (as received, or as a one-message mboxrd), its thread, the
//! newest messages, Atom feeds (made by [`crate::render::feed`]), gzipped
//! thread mboxes, periods and their messages, and the file names of `t/`
//! (made by [`crate::render::urls`]). The thread feed and mbox are made by
//! functions the static build calls too ([`thread_feed_of`], [`MboxGz`]),
//! so `t/` files and served answers are the same bytes.
//!
//! Threads come from the store's site index (kept up to date by every
//! `import`/`add`/`remove` through [`super::sync_index`]; `index.rs`
//! overlays what it has not seen yet, or falls back to a slower scan): a
//! message's component (messages sharing an id) is threaded with JWZ,
//! exactly as the site does, and the thread holding the message is taken.
//! `feeds.rs` makes the Atom feeds. Takes no lock and writes nothing.

mod feeds;
mod index;

use std::collections::{HashMap, HashSet};
use std::io::Write;

use flate2::{Compression, GzBuilder};

use super::Archive;
use super::export::from_line;
use crate::config::Config;
use crate::ingest::escape_rd;
use crate::model::{MessageId, Summary, period_name};
use crate::render::urls;
use crate::store::{Removal, Store};
use crate::thread::{Forest, Item};
use crate::{Error, Result};

pub use crate::render::urls::thread_file_stem;
pub use feeds::{body_text, new_feed, preview, thread_feed, thread_feed_of};
pub use index::{index_fresh, latest, period_nums, periods};

/// An archived message found by id or number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub num: u64,
    /// Its period directory (`2015-June`).
    pub period: String,
    /// Removed by the administrator: its page is a tombstone.
    pub removed: bool,
}

impl Located {
    /// Site-relative path of its page (`2015-June/000123.html`).
    pub fn page(&self) -> String {
        urls::message_path(&self.period, self.num)
    }
}

/// The message carrying Message-ID `mid` (angle brackets optional); when
/// several do, the first archived. Removed messages are found too.
pub fn find_message(archive: &Archive, mid: &str) -> Result<Option<Located>> {
    let Some(id) = MessageId::new(mid) else {
        return Ok(None);
    };
    match archive.store.find_by_mid(id.as_str())?.first() {
        Some(e) => locate(archive, e.num),
        None => Ok(None),
    }
}

/// Message `num`, if archived.
pub fn locate(archive: &Archive, num: u64) -> Result<Option<Located>> {
    Ok(message(archive, num)?.map(|(loc, _)| loc))
}

/// Message `num` with its summary (purged to ids and dates when removed).
pub fn message(archive: &Archive, num: u64) -> Result<Option<(Located, Summary)>> {
    Ok(archive.store.stored(num)?.map(|s| {
        let loc = Located {
            num,
            period: period_name(
                s.summary.filed_at,
                &archive.config.tz(),
                archive.config.period,
            ),
            removed: s.removed,
        };
        (loc, s.summary)
    }))
}

/// Why and when message `num` was removed, if it was.
pub fn removal(archive: &Archive, num: u64) -> Result<Option<Removal>> {
    Ok(archive.store.removals()?.into_iter().find(|r| r.num == num))
}

/// The bytes of message `num` exactly as received; `None` when it is not
/// archived or was removed (even with its bytes kept for `--undo`).
pub fn raw(archive: &Archive, num: u64) -> Result<Option<Vec<u8>>> {
    match archive.store.stored(num)? {
        Some(s) if !s.removed => archive.store.raw(num),
        _ => Ok(None),
    }
}

/// Append message `raw` as one mboxrd entry (From_ line, escaped body,
/// blank line), as `larch export` writes it.
fn push_mbox(out: &mut Vec<u8>, summary: &Summary, raw: &[u8]) {
    out.extend_from_slice(from_line(summary, false).as_bytes());
    escape_rd(raw, out);
    if !raw.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.push(b'\n');
}

/// Message `num` as a one-message mboxrd (`None` when absent or removed).
pub fn message_mbox(archive: &Archive, num: u64) -> Result<Option<Vec<u8>>> {
    let Some(s) = archive.store.stored(num)?.filter(|s| !s.removed) else {
        return Ok(None);
    };
    let Some(raw) = archive.store.raw(num)? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(raw.len() + 128);
    push_mbox(&mut out, &s.summary, &raw);
    Ok(Some(out))
}

/// A gzipped mboxrd being written, one message at a time (as
/// [`push_mbox`] writes them), byte-identical for the same messages (no
/// name or time in the gzip header).
#[derive(Debug)]
pub struct MboxGz {
    gz: flate2::write::GzEncoder<Vec<u8>>,
    buf: Vec<u8>,
}

impl Default for MboxGz {
    fn default() -> Self {
        MboxGz {
            gz: GzBuilder::new()
                .mtime(0)
                .write(Vec::new(), Compression::new(6)),
            buf: Vec::new(),
        }
    }
}

impl MboxGz {
    /// Append message `raw` with its summary (for the From_ line).
    pub fn push(&mut self, summary: &Summary, raw: &[u8]) -> Result<()> {
        self.buf.clear();
        push_mbox(&mut self.buf, summary, raw);
        self.gz
            .write_all(&self.buf)
            .map_err(|e| Error::io("thread mbox", e))
    }

    /// The gzip file.
    pub fn finish(self) -> Result<Vec<u8>> {
        self.gz.finish().map_err(|e| Error::io("thread mbox", e))
    }
}

/// Messages `nums` (live ones, in number order) as one gzipped mboxrd,
/// byte-identical for the same messages (no name or time in the header).
pub fn thread_mbox_gz(archive: &Archive, nums: &[u64]) -> Result<Vec<u8>> {
    let mut sorted = nums.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut gz = MboxGz::default();
    for num in sorted {
        let Some(s) = archive.store.stored(num)?.filter(|s| !s.removed) else {
            continue;
        };
        let Some(raw) = archive.store.raw(num)? else {
            continue;
        };
        gz.push(&s.summary, &raw)?;
    }
    gz.finish()
}

/// One thread, threaded exactly as the site threads it.
#[derive(Debug)]
pub struct ThreadView {
    /// The forest of the messages considered (usually one thread).
    pub forest: Forest,
    /// Index of the thread asked for in `forest`.
    pub thread: usize,
    /// The summary of every message in `forest`.
    pub summaries: HashMap<u64, Summary>,
}

impl ThreadView {
    /// The thread's messages, in display order (root first).
    pub fn nums(&self) -> Vec<u64> {
        self.forest
            .thread(self.thread)
            .map(|t| t.nums().collect())
            .unwrap_or_default()
    }

    /// The thread's id: its first archived (lowest-numbered) message.
    pub fn first(&self) -> u64 {
        self.nums().into_iter().min().unwrap_or(0)
    }
}

fn item(num: u64, s: &Summary) -> Item {
    Item {
        num,
        message_id: s.message_id.as_str().to_owned(),
        references: s.references.iter().map(|r| r.as_str().to_owned()).collect(),
        in_reply_to: s.in_reply_to.as_ref().map(|r| r.as_str().to_owned()),
        subject: s.subject.clone(),
        date: s.filed_at,
    }
}

/// The thread of live message `num` (`None` when absent or removed).
pub fn thread_of(archive: &Archive, num: u64) -> Result<Option<ThreadView>> {
    let Some(summaries) = index::component(archive, num)? else {
        return Ok(None);
    };
    if !summaries.contains_key(&num) {
        return Ok(None);
    }
    let items: Vec<Item> = summaries.iter().map(|(&n, s)| item(n, s)).collect();
    let forest = crate::thread::thread(&items);
    let Some(loc) = forest.locate(num) else {
        return Ok(None);
    };
    let mut view = ThreadView {
        forest,
        thread: loc.thread,
        summaries,
    };
    if view.forest.thread_count() > 1 {
        let keep: HashSet<u64> = view.nums().into_iter().collect();
        view.summaries.retain(|n, _| keep.contains(n));
    }
    Ok(Some(view))
}

/// For each of `nums`, its thread's first archived (lowest-numbered)
/// message; a removed or unknown message is its own.
pub fn thread_firsts(archive: &Archive, nums: &[u64]) -> Result<HashMap<u64, u64>> {
    let mut out: HashMap<u64, u64> = HashMap::new();
    for &n in nums {
        if out.contains_key(&n) {
            continue;
        }
        let Some(view) = thread_of(archive, n)? else {
            out.insert(n, n);
            continue;
        };
        // Every thread threaded along (the component, or the whole archive
        // on the slow path) is recorded, so each is threaded once.
        for t in view.forest.threads() {
            let first = t.nums().min().unwrap_or(n);
            for m in t.nums() {
                out.insert(m, first);
            }
        }
        out.entry(n).or_insert(n);
    }
    Ok(out)
}

/// The thread of message `num` in number order (empty when absent or removed).
pub fn thread_nums(archive: &Archive, num: u64) -> Result<Vec<u64>> {
    let mut nums = thread_of(archive, num)?
        .map(|v| v.nums())
        .unwrap_or_default();
    nums.sort_unstable();
    Ok(nums)
}

/// The sender as the list shows it: (name, address shown, address for
/// machines, only when the list does not obfuscate addresses).
pub fn sender(archive: &Archive, s: &Summary) -> (String, String, Option<String>) {
    sender_of(&archive.config, s)
}

/// [`sender`] under list settings `config`.
fn sender_of(config: &Config, s: &Summary) -> (String, String, Option<String>) {
    let shown = if config.obfuscate_addresses {
        s.from_addr.replacen('@', " at ", 1)
    } else {
        s.from_addr.clone()
    };
    let email =
        (!config.obfuscate_addresses && !s.from_addr.is_empty()).then(|| s.from_addr.clone());
    (s.from_name.clone(), shown, email)
}
