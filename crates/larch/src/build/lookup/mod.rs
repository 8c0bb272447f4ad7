//! Read-only lookups for `larch serve`, and what the static build needs to
//! offer feeds and thread downloads too: a message by Message-ID or number,
//! its raw bytes (as received, or as a one-message mboxrd), its thread, the
//! newest messages, Atom feeds (made by [`crate::render::feed`]), gzipped
//! thread mboxes, periods and their messages, and the file names of `t/`.
//!
//! Threads come from the store's site index (kept up to date by every
//! `import`/`add`/`remove` through [`super::sync_index`]): a message's
//! component (messages sharing an id) is threaded with JWZ, exactly as the
//! site does, and the thread holding the message is taken. When the index
//! is behind the store (an archive from before the index, or a writer in
//! the middle of its work) every function here falls back to a correct but
//! slower path over all summaries. Takes no lock and writes nothing.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use flate2::{Compression, GzBuilder};
use sha2::{Digest, Sha256};

use super::Archive;
use super::export::from_line;
use super::site_index::signature;
use crate::ingest::escape_rd;
use crate::model::{MessageId, Summary, period_name};
use crate::parse::mime::{PartView, message_view};
use crate::render::feed::{self, Feed, FeedEntry};
use crate::render::urls;
use crate::store::{PeriodRow, Removal, Store};
use crate::thread::{Forest, Item};
use crate::{Error, Result};

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

/// Is the site index up to date with the store (same messages, same
/// removals, same period settings)?
pub fn index_fresh(archive: &Archive) -> Result<bool> {
    let Some(st) = archive.store.index_state()? else {
        return Ok(false);
    };
    Ok(st.sig == signature(&archive.config)
        && st.through == archive.store.count()?
        && st.change == archive.store.last_change()?)
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

/// Messages `nums` (live ones, in number order) as one gzipped mboxrd,
/// byte-identical for the same messages (no name or time in the header).
pub fn thread_mbox_gz(archive: &Archive, nums: &[u64]) -> Result<Vec<u8>> {
    let mut sorted = nums.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::new(6));
    let mut buf = Vec::new();
    for num in sorted {
        let Some(s) = archive.store.stored(num)?.filter(|s| !s.removed) else {
            continue;
        };
        let Some(raw) = archive.store.raw(num)? else {
            continue;
        };
        buf.clear();
        push_mbox(&mut buf, &s.summary, &raw);
        gz.write_all(&buf)
            .map_err(|e| Error::io("thread mbox", e))?;
    }
    gz.finish().map_err(|e| Error::io("thread mbox", e))
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
    let mut summaries: HashMap<u64, Summary> = HashMap::new();
    if index_fresh(archive)? {
        let Some(row) = archive.store.index_row(num)? else {
            return Ok(None);
        };
        if row.removed {
            return Ok(None);
        }
        for m in archive.store.comp_members(row.comp)? {
            if let Some(s) = archive.store.stored(m)?.filter(|s| !s.removed) {
                summaries.insert(m, s.summary);
            }
        }
    } else {
        // Slow path: the index is behind the store, so thread everything.
        archive.store.for_each(&mut |s| {
            if !s.removed {
                summaries.insert(s.num, s.summary);
            }
            Ok(())
        })?;
    }
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

/// The `n` newest live messages by filing date (then number), newest first.
pub fn latest(archive: &Archive, n: usize) -> Result<Vec<u64>> {
    let mut out = Vec::with_capacity(n);
    if index_fresh(archive)? {
        let (mut at, mut num) = (i64::MAX, i64::MAX as u64);
        while out.len() < n {
            let Some(prev) = archive.store.date_neighbors(at, num)?.0 else {
                break;
            };
            let Some(row) = archive.store.index_row(prev)? else {
                break;
            };
            out.push(prev);
            (at, num) = (row.filed_at, prev);
        }
        return Ok(out);
    }
    // Slow path: the index is behind the store.
    let mut all: Vec<(i64, u64)> = Vec::new();
    archive.store.for_each(&mut |s| {
        if !s.removed {
            all.push((s.summary.filed_at, s.num));
        }
        Ok(())
    })?;
    all.sort_unstable_by(|a, b| b.cmp(a));
    out.extend(all.into_iter().take(n).map(|(_, num)| num));
    Ok(out)
}

/// Periods oldest first, with their live message counts.
pub fn periods(archive: &Archive) -> Result<Vec<PeriodRow>> {
    if index_fresh(archive)? {
        return archive.store.index_periods();
    }
    let (tz, period) = (archive.config.tz(), archive.config.period);
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
    let mut rows: Vec<(i64, u64, bool)> = Vec::new();
    if index_fresh(archive)? {
        for r in archive.store.period_members(period)? {
            rows.push((r.filed_at, r.num, r.removed));
        }
    } else {
        let (tz, p) = (archive.config.tz(), archive.config.period);
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

/// The sender as the list shows it: (name, address shown, address for
/// machines, only when the list does not obfuscate addresses).
pub fn sender(archive: &Archive, s: &Summary) -> (String, String, Option<String>) {
    let shown = if archive.config.obfuscate_addresses {
        s.from_addr.replacen('@', " at ", 1)
    } else {
        s.from_addr.clone()
    };
    let email = (!archive.config.obfuscate_addresses && !s.from_addr.is_empty())
        .then(|| s.from_addr.clone());
    (s.from_name.clone(), shown, email)
}

/// The first text of a message's body, for previews (plain text).
pub fn body_text(raw: &[u8]) -> String {
    let view = message_view(raw);
    for p in &view.parts {
        match p {
            PartView::Text { depth: 0, text, .. } => return text.clone(),
            PartView::Html { depth: 0, html } => return feed::html_text(html),
            _ => {}
        }
    }
    String::new()
}

/// Feed entries for `nums` (removed ones skipped); links are relative to
/// the feed's directory through `root` (`""` at the site root, `"../"` in `t/`).
fn entries(archive: &Archive, nums: &[u64], root: &str) -> Result<Vec<FeedEntry>> {
    let mut out = Vec::with_capacity(nums.len());
    for &num in nums {
        let Some(s) = archive.store.stored(num)?.filter(|s| !s.removed) else {
            continue;
        };
        let sum = &s.summary;
        let (name, shown, email) = sender(archive, sum);
        let period = period_name(sum.filed_at, &archive.config.tz(), archive.config.period);
        let text = archive
            .store
            .raw(num)?
            .map(|r| body_text(&r))
            .unwrap_or_default();
        out.push(FeedEntry {
            id: feed::entry_id(&archive.config.name, num),
            title: sum.subject.clone(),
            author_name: if name.is_empty() { shown } else { name },
            author_email: email,
            href: format!("{root}{}", urls::message_path(&period, num)),
            updated: sum.filed_at,
            summary: feed::summary_text(&text),
        });
    }
    Ok(out)
}

fn list_title(archive: &Archive) -> String {
    if archive.config.title.is_empty() {
        archive.config.name.clone()
    } else {
        archive.config.title.clone()
    }
}

/// `new.atom` (at the site root): the `n` newest messages.
pub fn new_feed(archive: &Archive, n: usize) -> Result<Feed> {
    let title = list_title(archive);
    Ok(Feed {
        id: feed::feed_id(&archive.config.name, "new"),
        title: format!("{title}: new messages"),
        author: title,
        self_href: "new.atom".into(),
        alternate_href: "index.html".into(),
        entries: entries(archive, &latest(archive, n)?, "")?,
    })
}

/// `t/<stem>.atom`: the thread of message `num`, newest first, with links
/// relative to `t/` (`None` when the message is absent or removed). Its id
/// is named by the thread's first archived message.
pub fn thread_feed(archive: &Archive, num: u64) -> Result<Option<Feed>> {
    let Some(view) = thread_of(archive, num)? else {
        return Ok(None);
    };
    let first = view.first();
    let Some(root) = view.summaries.get(&first) else {
        return Ok(None);
    };
    let stem = thread_file_stem(root.message_id.as_str());
    let mut nums = view.nums();
    nums.sort_unstable_by_key(|n| {
        std::cmp::Reverse(view.summaries.get(n).map(|s| (s.filed_at, *n)))
    });
    let period = period_name(root.filed_at, &archive.config.tz(), archive.config.period);
    let subject = if root.subject.is_empty() {
        crate::render::strings::EN.no_subject.to_owned()
    } else {
        root.subject.clone()
    };
    Ok(Some(Feed {
        id: feed::feed_id(&archive.config.name, &format!("t:{stem}")),
        title: subject,
        author: list_title(archive),
        self_href: format!("{}.atom", urls::encode(&stem)),
        alternate_href: format!("../{}", urls::message_path(&period, first)),
        entries: entries(archive, &nums, "../")?,
    }))
}

/// Longest file stem in `t/` before it is cut and hashed.
const STEM_MAX: usize = 120;

/// The file-system-safe stem of a thread download in `t/`
/// (`t/<stem>.atom`, `t/<stem>.mbox.gz`) for Message-ID `mid` (no angle
/// brackets): every byte but `A-Z a-z 0-9 . _ @ + -` percent-encoded, a
/// leading `.` too (never a dotfile); stems longer than 120 bytes are cut
/// and end in `-` and 16 hex digits of the id's SHA-256. Distinct ids give
/// distinct stems. In a link, encode the stem once more
/// ([`urls::encode`]), since it may contain `%`; `larch serve` answers
/// `/t/<id percent-encoded once>.atom` and the twice-encoded form alike.
pub fn thread_file_stem(mid: &str) -> String {
    let mut out = String::with_capacity(mid.len());
    for (i, b) in mid.bytes().enumerate() {
        let keep = b.is_ascii_alphanumeric() || b"._@+-".contains(&b);
        if keep && !(i == 0 && b == b'.') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.len() <= STEM_MAX {
        return out;
    }
    let mut cut = STEM_MAX - 17;
    while out.as_bytes()[..cut]
        .iter()
        .rev()
        .take(2)
        .any(|&b| b == b'%')
    {
        cut -= 1;
    }
    let hash = Sha256::digest(mid.as_bytes());
    format!("{}-{}", &out[..cut], hex::encode(&hash[..8]))
}

#[cfg(test)]
mod tests {
    use super::thread_file_stem;

    #[test]
    fn stems_are_safe_and_distinct() {
        assert_eq!(thread_file_stem("a.b+c@x-y_z"), "a.b+c@x-y_z");
        assert_eq!(thread_file_stem("a/b@x"), "a%2Fb@x");
        assert_eq!(thread_file_stem("a%2Fb@x"), "a%252Fb@x");
        assert_eq!(thread_file_stem(".x@y"), "%2Ex@y");
        assert_eq!(thread_file_stem("../../etc"), "%2E.%2F..%2Fetc");
        assert_eq!(thread_file_stem("é"), "%C3%A9");
        let long = "%".repeat(300);
        let s = thread_file_stem(&long);
        assert!(s.len() <= 120, "{}", s.len());
        assert!(!s[..s.len() - 17].ends_with('%'));
        assert_ne!(s, thread_file_stem(&"%".repeat(301)));
    }
}
