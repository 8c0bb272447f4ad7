//! The search index as part of the build: archived messages -> `SearchDoc`s
//! (store + parse), fed to `search::SearchIndex` in `DIR/search/`.
//!
//! - [`reindex`]: full rebuild into a fresh directory, swapped in by rename,
//!   so a crash never leaves a half-built index in place.
//! - [`update_index`]: the incremental step after the store committed
//!   (messages added and removed), which also repairs what an interrupted
//!   earlier step left behind.
//! - [`refresh_index`]: the same with nothing new: bring a missing,
//!   outdated or lagging index up to date (cheap when it is current).
//!
//! Callers hold the archive's write lock for all three. The store always
//! commits first, so the index may lag the store but never claims a
//! message the store lacks: removed messages are deleted from the index
//! and never indexed again.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::Archive;
use crate::model::Summary;
use crate::parse::mime::{PartView, message_view};
use crate::parse::recipients;
use crate::search::{SearchDoc, SearchError, SearchIndex};
use crate::{Error, Result};

/// Messages read from the store per parallel parsing chunk.
const CHUNK: usize = 1024;
/// Body text kept per message and field (bytes).
const MAX_BODY: usize = 1 << 20;
/// Text attachments larger than this are not indexed (bytes).
const MAX_TEXT_ATTACHMENT: usize = 256 << 10;
/// Writer threads and memory for a full rebuild.
const BULK_THREADS: usize = 2;
const BULK_MEMORY: usize = 192 << 20;

/// What an index run did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexReport {
    /// Messages indexed (or re-indexed) by this run.
    pub indexed: u64,
    /// Messages deleted from the index by this run.
    pub deleted: u64,
    /// Messages in the index afterwards.
    pub total: u64,
    /// Size of the index directory afterwards, bytes.
    pub bytes: u64,
    pub seconds: f64,
    /// True when the whole index was rebuilt.
    pub rebuilt: bool,
}

/// Open the archive's index for searching.
pub fn open_index(archive: &Archive) -> Result<SearchIndex> {
    Ok(SearchIndex::open(&archive.paths.search_dir())?)
}

/// Rebuild the whole index from the store. The new index is written to
/// `DIR/search.new` and renamed over `DIR/search` when complete.
pub fn reindex(archive: &Archive) -> Result<IndexReport> {
    let start = Instant::now();
    let dir = archive.paths.search_dir();
    let tmp = dir.with_file_name("search.new");
    let old = dir.with_file_name("search.old");
    for d in [&tmp, &old] {
        remove_dir(d)?;
    }
    let mut index = SearchIndex::create(&tmp)?;
    index.set_writer(BULK_THREADS, BULK_MEMORY);
    let store = archive.store();
    let removed: HashSet<u64> = store.removals()?.iter().map(|r| r.num).collect();
    let mut chunk: Vec<(u64, Summary, Vec<u8>)> = Vec::with_capacity(CHUNK);
    let mut indexed = 0u64;
    store.for_each(&mut |m| {
        if m.removed || removed.contains(&m.num) {
            return Ok(());
        }
        // Purged raw bytes: nothing to index.
        if let Some(raw) = store.raw(m.num)? {
            chunk.push((m.num, m.summary, raw));
        }
        if chunk.len() >= CHUNK {
            indexed += index_chunk(&mut index, &mut chunk)?;
        }
        Ok(())
    })?;
    indexed += index_chunk(&mut index, &mut chunk)?;
    index.finish()?;
    let total = index.doc_count();
    drop(index);
    if dir.exists() {
        std::fs::rename(&dir, &old).map_err(|e| Error::io(&dir, e))?;
    }
    std::fs::rename(&tmp, &dir).map_err(|e| Error::io(&tmp, e))?;
    if let Some(parent) = dir.parent()
        && let Ok(f) = std::fs::File::open(parent)
    {
        let _ = f.sync_all();
    }
    remove_dir(&old)?;
    Ok(IndexReport {
        indexed,
        deleted: 0,
        total,
        bytes: dir_size(&dir),
        seconds: start.elapsed().as_secs_f64(),
        rebuilt: true,
    })
}

/// Index the messages just `added` and drop the `removed` ones, after the
/// store committed them. Also catches up on whatever an interrupted earlier
/// run left behind (messages numbered past the index's highest, removed
/// messages still indexed). A missing or outdated index, or an empty one
/// while the store holds more than a chunk of messages, is rebuilt instead.
pub fn update_index(archive: &Archive, added: &[u64], removed: &[u64]) -> Result<IndexReport> {
    let start = Instant::now();
    let mut index = match SearchIndex::open(&archive.paths.search_dir()) {
        Ok(ix) => ix,
        Err(SearchError::Missing(_) | SearchError::Outdated(_)) => return reindex(archive),
        Err(e) => return Err(e.into()),
    };
    let store = archive.store();
    let count = store.count()?;
    let max = index.max_num()?;
    if max.is_none() && count > CHUNK as u64 {
        drop(index);
        return reindex(archive);
    }
    let mut add: BTreeSet<u64> = added.iter().copied().collect();
    add.extend(max.map_or(0, |m| m + 1)..count);
    let removals: HashSet<u64> = store.removals()?.iter().map(|r| r.num).collect();
    let mut delete: BTreeSet<u64> = removed.iter().copied().collect();
    for &num in &removals {
        if !delete.contains(&num) && index.contains(num)? {
            delete.insert(num);
        }
    }
    let (mut indexed, mut deleted) = (0, 0);
    if !add.is_empty() || !delete.is_empty() {
        for &num in &delete {
            index.delete(num)?;
            deleted += 1;
        }
        let mut chunk = Vec::new();
        for num in add {
            if removals.contains(&num) {
                index.delete(num)?;
                continue;
            }
            let (Some(summary), Some(raw)) = (store.summary(num)?, store.raw(num)?) else {
                continue;
            };
            chunk.push((num, summary, raw));
            if chunk.len() >= CHUNK {
                indexed += index_chunk(&mut index, &mut chunk)?;
            }
        }
        indexed += index_chunk(&mut index, &mut chunk)?;
        index.finish()?;
    }
    Ok(IndexReport {
        indexed,
        deleted,
        total: index.doc_count(),
        bytes: 0,
        seconds: start.elapsed().as_secs_f64(),
        rebuilt: false,
    })
}

/// Make the index match the store (see [`update_index`]): cheap when it
/// is current; for callers that open an archive after a crash or upgrade.
pub fn refresh_index(archive: &Archive) -> Result<IndexReport> {
    update_index(archive, &[], &[])
}

/// Parse a chunk in parallel and add it to the index.
fn index_chunk(index: &mut SearchIndex, chunk: &mut Vec<(u64, Summary, Vec<u8>)>) -> Result<u64> {
    let docs: Vec<SearchDoc> = chunk
        .par_iter()
        .map(|(num, summary, raw)| search_doc(*num, summary, raw))
        .collect();
    chunk.clear();
    index.add(&docs)?;
    Ok(docs.len() as u64)
}

/// The search document of one archived message.
pub fn search_doc(num: u64, summary: &Summary, raw: &[u8]) -> SearchDoc {
    let rcpt = recipients(raw);
    let view = message_view(raw);
    let mut body = Body::default();
    let mut attachment_names = Vec::new();
    for part in &view.parts {
        match part {
            PartView::Text { text, .. } => body.add(text),
            PartView::Html { html, .. } => body.add(&html_text(html)),
            PartView::Nested {
                from,
                to,
                subject,
                date,
                ..
            } => body.add(&format!(
                "From: {from}\nTo: {to}\nDate: {date}\nSubject: {subject}\n"
            )),
            PartView::Attachment(a) => {
                if let Some(name) = &a.filename {
                    attachment_names.push(name.clone());
                }
                if a.content_type.starts_with("text/")
                    && a.content_type != "text/html"
                    && a.data.len() <= MAX_TEXT_ATTACHMENT
                {
                    body.add(&String::from_utf8_lossy(&a.data));
                }
            }
        }
    }
    SearchDoc {
        num,
        message_id: summary.message_id.as_str().to_owned(),
        subject: summary.subject.clone(),
        from_name: summary.from_name.clone(),
        from_addr: summary.from_addr.clone(),
        to: rcpt.to,
        cc: rcpt.cc,
        body_unquoted: body.unquoted,
        body_quoted: body.quoted,
        attachment_names,
        list_id: summary.list_id.clone().unwrap_or_default(),
        date: summary.filed_at,
    }
}

/// Body text split into quoted lines (`>` after optional blanks) and the rest.
#[derive(Default)]
struct Body {
    unquoted: String,
    quoted: String,
}

impl Body {
    fn add(&mut self, text: &str) {
        for line in text.lines() {
            let quoted = line.trim_start().starts_with('>');
            let out = if quoted {
                &mut self.quoted
            } else {
                &mut self.unquoted
            };
            if out.len() + line.len() < MAX_BODY {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
}

/// The text of an HTML part: tags dropped, entities decoded, script and
/// style skipped, block elements on their own lines, `<blockquote>`
/// content as `> ` quoted lines.
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut depth = 0usize;
    let mut rest = html;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth.min(8) {
            out.push_str("> ");
        }
    };
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        push_text(&mut out, text, depth);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            push_text(&mut out, rest, depth);
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match name.as_str() {
            "script" | "style" | "head" | "title" if !closing => {
                rest = find_close(rest, &name).map_or("", |e| &rest[e..]);
            }
            "blockquote" => {
                depth = if closing {
                    depth.saturating_sub(1)
                } else {
                    depth + 1
                };
                newline(&mut out, depth);
            }
            "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre"
            | "table" | "ul" | "ol" | "hr" => newline(&mut out, depth),
            "td" | "th" => out.push(' '),
            _ => {}
        }
    }
    push_text(&mut out, rest, depth);
    out
}

/// Where `</name` starts in `s` (ASCII case-insensitive), in one pass.
fn find_close(s: &str, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'<', &b[from..]) {
        let at = from + i;
        let tail = &b[at + 1..];
        if tail.first() == Some(&b'/')
            && tail.len() > name.len()
            && tail[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Decoded text, with the quote marks of `depth` after each line break.
fn push_text(out: &mut String, text: &str, depth: usize) {
    let decoded = html_escape::decode_html_entities(text);
    for (i, line) in decoded.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            for _ in 0..depth.min(8) {
                out.push_str("> ");
            }
        }
        out.push_str(line);
    }
}

fn remove_dir(d: &Path) -> Result<()> {
    match std::fs::remove_dir_all(d) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(d, e)),
    }
}

/// Total size of the files in `dir` (not recursive: tantivy's layout is flat).
fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_text_drops_tags_and_quotes_blockquotes() {
        let t = html_text(
            "<html><head><title>T</title><style>p{}</style></head><body><p>Hello &amp; <b>bye</b></p><script>x()</script><blockquote type=cite>old<br>text</blockquote>after<!-- c --></body>",
        );
        assert!(t.contains("Hello & bye"), "{t:?}");
        assert!(
            !t.contains("x()") && !t.contains("p{}") && !t.contains('T'),
            "{t:?}"
        );
        assert!(t.contains("> old\n> text"), "{t:?}");
        assert!(t.contains("\nafter"), "{t:?}");
        let mut b = Body::default();
        b.add(&t);
        assert!(b.quoted.contains("old") && !b.unquoted.contains("old"));
        assert!(b.unquoted.contains("after"));
    }

    #[test]
    fn search_doc_splits_quotes_and_names_attachments() {
        let raw = b"From: Ann <ann@x.org>\nTo: list@x.org\nCc: Bob <bob@y.org>\nSubject: hi\nMessage-ID: <1@x>\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nOn Monday Bob wrote:\n> quoted words\n  >> deeper\nmy answer\n--b\nContent-Type: text/x-patch; name=fix.patch\nContent-Disposition: attachment; filename=fix.patch\n\n+patched line\n--b\nContent-Type: application/pdf; name=r.pdf\nContent-Disposition: attachment; filename=r.pdf\n\n%PDF\n--b--\n";
        let summary = crate::parse::extract(raw, false).into_summary(
            crate::parse::Filing {
                at: 7,
                source: crate::model::DateSource::Header,
            },
            None,
        );
        let d = search_doc(3, &summary, raw);
        assert_eq!(d.num, 3);
        assert_eq!(d.date, 7);
        assert_eq!(d.message_id, "1@x");
        assert_eq!(d.to, ["list@x.org"]);
        assert_eq!(d.cc, ["Bob <bob@y.org>"]);
        assert_eq!(d.body_quoted, "> quoted words\n  >> deeper\n");
        assert!(d.body_unquoted.contains("my answer"));
        assert!(d.body_unquoted.contains("+patched line"));
        assert!(!d.body_unquoted.contains("%PDF"));
        assert_eq!(d.attachment_names, ["fix.patch", "r.pdf"]);
    }
}
