//! Atom 1.0 feeds (RFC 4287): a [`Feed`] of plain-text entries -> one XML
//! document, and the plain-text summaries entries carry.
//!
//! Owns the feed format only. Everything written is XML-escaped and
//! stripped of characters XML 1.0 cannot carry (and of bidi controls); no
//! mail HTML ever goes in: summaries are plain text (`type="text"`).
//! Dates are filing dates given by the caller, never the clock, so a feed
//! is byte-identical across builds. Never reads the store, never parses mail.

use std::fmt::Write as _;

/// One feed: the newest messages of a list, or one thread.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Feed {
    /// Absolute IRI naming the feed for ever, e.g. `urn:larch:salon:new`.
    pub id: String,
    pub title: String,
    /// Who the feed is from when entries say nothing (the list's title).
    pub author: String,
    /// The feed's own URL, relative to where the feed is served.
    pub self_href: String,
    /// The HTML page the feed follows, relative to the feed's URL.
    pub alternate_href: String,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

/// One message in a feed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FeedEntry {
    /// Absolute IRI naming the entry, e.g. `urn:larch:salon:m:42`.
    pub id: String,
    /// The subject ("" becomes "(no subject)").
    pub title: String,
    /// Sender's display name, or their (possibly obfuscated) address.
    pub author_name: String,
    /// Sender's address, only when the list shows addresses.
    pub author_email: Option<String>,
    /// The message page, relative to the feed's URL.
    pub href: String,
    /// The filing date, UTC seconds.
    pub updated: i64,
    /// Plain text (see [`summary_text`]).
    pub summary: String,
}

/// Most characters of body text in an entry's summary.
pub const SUMMARY_CHARS: usize = 300;

/// Entry id for message `num` of list `list`: `urn:larch:<list>:m:<num>`.
pub fn entry_id(list: &str, num: u64) -> String {
    format!("urn:larch:{}:m:{num}", urn_part(list))
}

/// Feed id: `urn:larch:<list>:<what>` (`what` percent-encoded but `:`).
pub fn feed_id(list: &str, what: &str) -> String {
    let what: Vec<String> = what.split(':').map(urn_part).collect();
    format!("urn:larch:{}:{}", urn_part(list), what.join(":"))
}

/// Percent-encode all but `A-Z a-z 0-9 - . _ @`.
fn urn_part(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._@".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The feed as an Atom 1.0 document (UTF-8, ends with a newline). The
/// feed's `updated` is the newest entry's (the epoch when there is none).
pub fn atom(feed: &Feed) -> String {
    let updated = feed.entries.iter().map(|e| e.updated).max().unwrap_or(0);
    let mut x = String::with_capacity(1024 + feed.entries.len() * 800);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    elem(&mut x, 1, "id", &feed.id);
    elem(&mut x, 1, "title", &feed.title);
    elem(&mut x, 1, "updated", &rfc3339(updated));
    link(&mut x, 1, "self", "application/atom+xml", &feed.self_href);
    link(&mut x, 1, "alternate", "text/html", &feed.alternate_href);
    x.push_str("  <author>\n");
    elem(&mut x, 2, "name", non_empty(&feed.author, "larch"));
    x.push_str("  </author>\n");
    let _ = writeln!(
        x,
        "  <generator uri=\"https://crates.io/crates/larch\" version=\"{}\">larch</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for e in &feed.entries {
        x.push_str("  <entry>\n");
        elem(&mut x, 2, "id", &e.id);
        elem(&mut x, 2, "title", non_empty(&e.title, "(no subject)"));
        elem(&mut x, 2, "updated", &rfc3339(e.updated));
        x.push_str("    <author>\n");
        elem(&mut x, 3, "name", non_empty(&e.author_name, "(unknown)"));
        if let Some(email) = e.author_email.as_deref().filter(|m| !m.is_empty()) {
            elem(&mut x, 3, "email", email);
        }
        x.push_str("    </author>\n");
        link(&mut x, 2, "alternate", "text/html", &e.href);
        if !e.summary.is_empty() {
            x.push_str("    <summary type=\"text\">");
            escape_into(&mut x, &e.summary);
            x.push_str("</summary>\n");
        }
        x.push_str("  </entry>\n");
    }
    x.push_str("</feed>\n");
    x
}

fn non_empty<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.trim().is_empty() { default } else { s }
}

fn elem(x: &mut String, depth: usize, name: &str, text: &str) {
    for _ in 0..depth {
        x.push_str("  ");
    }
    let _ = write!(x, "<{name}>");
    escape_into(x, text);
    let _ = writeln!(x, "</{name}>");
}

fn link(x: &mut String, depth: usize, rel: &str, ty: &str, href: &str) {
    for _ in 0..depth {
        x.push_str("  ");
    }
    let _ = write!(x, "<link rel=\"{rel}\" type=\"{ty}\" href=\"");
    escape_into(x, href);
    x.push_str("\"/>\n");
}

/// `2025-02-05T12:00:00Z` for a UTC timestamp.
pub fn rfc3339(ts: i64) -> String {
    let t = jiff::Timestamp::from_second(ts).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Is `c` dropped from XML text? Everything XML 1.0 forbids (C0 controls
/// but tab and newlines, U+FFFE, U+FFFF), C1 controls, and the bidi
/// controls that could reorder what a reader shows.
fn dropped(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{fffe}' | '\u{ffff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{61c}')
}

/// Escape `s` for XML text and attribute values (`& < > " '`), dropping
/// what XML cannot carry.
pub fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            c if dropped(c) => {}
            c => out.push(c),
        }
    }
}

/// A preview of a message body for a feed: the author's own words (quoted
/// lines, attribution lines ending in "wrote:" and the signature left out),
/// white space collapsed, cut to [`SUMMARY_CHARS`] characters with "…".
pub fn summary_text(body: &str) -> String {
    let mut out = String::new();
    let mut chars = 0usize;
    let mut space = false;
    for line in body.lines() {
        let t = line.trim_end();
        if t == "-- " || t == "--" {
            break;
        }
        if t.trim_start().starts_with('>') || (t.ends_with("wrote:") && t.len() < 200) {
            continue;
        }
        for c in t.chars().chain(std::iter::once(' ')) {
            if c.is_whitespace() || c.is_control() {
                space = !out.is_empty();
                continue;
            }
            if dropped(c) {
                continue;
            }
            if chars + usize::from(space) >= SUMMARY_CHARS {
                out.push('…');
                return out;
            }
            if space {
                out.push(' ');
                chars += 1;
                space = false;
            }
            out.push(c);
            chars += 1;
        }
    }
    out
}

/// Plain text of an HTML body, for [`summary_text`]: tags dropped (with
/// the content of `script`, `style`, `head` and comments), entities
/// decoded, block ends as newlines. Linear; never fails.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let (inner, next) = match rest.find('>') {
            Some(e) => (&rest[1..e], &rest[e + 1..]),
            None => (&rest[1..], ""),
        };
        let closing = inner.starts_with('/');
        let name = inner
            .trim_start_matches('/')
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .map(|b| b.to_ascii_lowercase() as char)
            .collect::<String>();
        rest = next;
        if !closing && matches!(name.as_str(), "script" | "style" | "head" | "title") {
            let close = format!("</{name}");
            rest = match find_ignore_case(rest, &close) {
                Some(i) => rest[i..].find('>').map_or("", |e| &rest[i + e + 1..]),
                None => "",
            };
            continue;
        }
        if matches!(
            name.as_str(),
            "br" | "p"
                | "div"
                | "li"
                | "tr"
                | "h1"
                | "h2"
                | "h3"
                | "h4"
                | "h5"
                | "h6"
                | "blockquote"
        ) {
            out.push('\n');
        }
    }
    out.push_str(rest);
    html_escape::decode_html_entities(&out).into_owned()
}

/// Byte offset of the first ASCII-case-insensitive `needle` in `hay`.
fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed() -> Feed {
        Feed {
            id: feed_id("sa lon", "new"),
            title: "Salon <new> & \"more\"".into(),
            author: "Salon".into(),
            self_href: "new.atom".into(),
            alternate_href: "index.html".into(),
            entries: vec![FeedEntry {
                id: entry_id("sa lon", 7),
                title: "<script>alert(1)</script>\u{1}\u{202e}".into(),
                author_name: "A & B".into(),
                author_email: Some("a@example.org".into()),
                href: "2025-February/000007.html?x=1&y=2".into(),
                updated: 1_738_756_800,
                summary: "x < y ]]> done".into(),
            }],
        }
    }

    #[test]
    fn escapes_everything_and_dates_from_entries() {
        let x = atom(&feed());
        assert!(x.contains("<id>urn:larch:sa%20lon:new</id>"));
        assert!(x.contains("<updated>2025-02-05T12:00:00Z</updated>"));
        assert!(x.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"));
        assert!(x.contains("href=\"2025-February/000007.html?x=1&amp;y=2\""));
        assert!(x.contains("<summary type=\"text\">x &lt; y ]]&gt; done</summary>"));
        assert!(x.contains("<id>urn:larch:sa%20lon:m:7</id>"));
        assert!(!x.contains('\u{1}') && !x.contains('\u{202e}'));
        assert_eq!(x, atom(&feed()), "deterministic");
    }

    #[test]
    fn empty_feed_is_valid() {
        let x = atom(&Feed::default());
        assert!(x.contains("<updated>1970-01-01T00:00:00Z</updated>"));
        assert!(x.contains("<name>larch</name>"));
        assert!(x.ends_with("</feed>\n"));
    }

    #[test]
    fn summaries_keep_own_words() {
        let body = "Hi all,\n\nOn Monday Bob wrote:\n> quoted\n>> more\nMy   answer.\n-- \nsig";
        assert_eq!(summary_text(body), "Hi all, My answer.");
        let long = "word ".repeat(200);
        let s = summary_text(&long);
        assert!(s.chars().count() <= SUMMARY_CHARS + 1 && s.len() > 250);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn html_to_text() {
        let h = "<html><head><title>T</title><style>p{}</style></head><body><p>Hello &amp; <b>bye</b><!-- c --><script>x()</script>!</p></body>";
        assert_eq!(summary_text(&html_text(h)), "Hello & bye!");
        assert_eq!(html_text("a < b"), "a ");
        assert_eq!(html_text("<SCRIPT>never closed"), "");
    }
}
