//! Feeds and `t/` names: Atom feeds of the newest messages and of a
//! thread (entries made from summaries and a plain-text preview of the
//! body; the XML is [`crate::render::feed`]'s), and the file-system-safe
//! stems of the static `t/` downloads.

use sha2::{Digest, Sha256};

use super::{Archive, latest, sender, thread_of};
use crate::Result;
use crate::model::period_name;
use crate::parse::mime::{PartView, message_view};
use crate::render::feed::{self, Feed, FeedEntry};
use crate::render::urls;
use crate::store::Store;

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
