//! A linear pre-pass over hostile HTML that bounds the super-linear work of
//! the HTML5 tree builder before ammonia parses it.
//!
//! The tree builder scans its stack of open elements for many tags, so
//! 100,000 nested `<div>`s cost seconds to minutes; and formatting elements
//! with distinct attributes are re-opened ("reconstructed") in every new
//! block, so `<p><b title=N>` repeated blows up quadratically in time and
//! output. This pass tokenizes roughly like a browser, mimics the stack of
//! open elements, and
//! - drops start tags that would nest deeper than `MAX_DEPTH` (their
//!   content stays), and
//! - removes the attributes of formatting elements other than `a` (`<b>`,
//!   `<font>`, ...), so the parser's "Noah's Ark" rule caps how many of
//!   them can be reconstructed. None of those attributes survive
//!   sanitizing anyway except `title`/`dir`/`lang`.
//!
//! Safety never depends on this pass: its output is parsed and sanitized
//! like any other input. It only has to be linear and leave sane mail alone.
//!
//! Must not touch: the sanitizer policy (see `html.rs`), and no I/O.

use super::tame_rules::{FORMATTING, RAWTEXT};
use super::tame_stack::OpenElements;

#[cfg(test)]
use super::tame_stack::MAX_DEPTH;

/// Rewrite `html` as described in the module documentation.
pub(crate) fn tame(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 16);
    let mut open = OpenElements::default();
    let b = html.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        let lt = i + off;
        if off > 0 {
            open.text();
        }
        let after = &b[lt + 1..];
        match after.first() {
            Some(b'!') if after.starts_with(b"!--") => {
                i = find(b, lt + 2, b"-->").map_or(b.len(), |p| p + 3);
            }
            Some(b'!' | b'?') => i = find(b, lt + 1, b">").map_or(b.len(), |p| p + 1),
            Some(b'/') if after.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                let (name, name_end) = tag_name(html, lt + 2);
                let Some((end, _)) = tag_end(b, name_end) else {
                    break;
                };
                i = end;
                open.end_tag(&name);
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, name_end) = tag_name(html, lt + 1);
                let Some((end, has_attrs)) = tag_end(b, name_end) else {
                    // The tokenizer drops a tag cut off by the end of input.
                    break;
                };
                let keep = open.start_tag(&name);
                let strip = has_attrs && FORMATTING.contains(&name.as_str()) && name != "a";
                if !keep || strip {
                    out.push_str(&html[copied..lt]);
                    if keep {
                        out.push('<');
                        out.push_str(&name);
                        out.push('>');
                    }
                    copied = end;
                }
                i = end;
                if name == "plaintext" {
                    break;
                }
                if RAWTEXT.contains(&name.as_str()) {
                    i = raw_text_end(html, i, &name);
                }
            }
            _ => i = lt + 1,
        }
        if i >= b.len() {
            break;
        }
    }
    out.push_str(&html[copied..]);
    out
}

/// Lower-cased tag name starting at `start`, and the index after it.
fn tag_name(html: &str, start: usize) -> (String, usize) {
    let len = html.as_bytes()[start..]
        .iter()
        .position(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        .unwrap_or(html.len() - start);
    // `start` follows an ASCII byte and the name ends before an ASCII byte.
    let name = html
        .get(start..start + len)
        .unwrap_or("")
        .to_ascii_lowercase();
    (name, start + len)
}

/// Index after the `>` ending a tag whose attributes start at `j`, and
/// whether the tag has any attributes; `None` if input ends first. Follows
/// the HTML tokenizer's attribute states, so quoted `>` does not end the tag.
fn tag_end(b: &[u8], mut j: usize) -> Option<(usize, bool)> {
    let mut has_attrs = false;
    let space = |c: u8| c.is_ascii_whitespace() || c == b'/';
    loop {
        while j < b.len() && space(b[j]) {
            j += 1;
        }
        match b.get(j) {
            None => return None,
            Some(b'>') => return Some((j + 1, has_attrs)),
            Some(_) => {}
        }
        has_attrs = true;
        // Attribute name (a leading '=' belongs to the name).
        j += 1;
        while j < b.len() && !space(b[j]) && b[j] != b'>' && b[j] != b'=' {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        if b.get(j) != Some(&b'=') {
            continue;
        }
        j += 1;
        while j < b.len() && b[j].is_ascii_whitespace() {
            j += 1;
        }
        match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                j = j + 1 + b[j + 1..].iter().position(|&c| c == q)? + 1;
            }
            _ => {
                while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                    j += 1;
                }
            }
        }
    }
}

/// Index of the `</name` that ends a raw-text element's content.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let b = html.as_bytes();
    let mut j = from;
    while let Some(p) = find(b, j, b"</") {
        let after = p + 2 + name.len();
        let matches = b
            .get(p + 2..after)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        if matches
            && b.get(after)
                .is_none_or(|&c| c.is_ascii_whitespace() || c == b'/' || c == b'>')
        {
            return p;
        }
        j = p + 2;
    }
    b.len()
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_html_is_untouched() {
        let html = "<div class=x><p>Hi <a href='x>y'>there</a><br>\
                    <table><tr><td>1<td>2</table><!-- <b> --><script>if (a<b) {}</script>";
        assert_eq!(tame(html), html);
    }

    #[test]
    fn formatting_attributes_are_removed() {
        assert_eq!(
            tame("<B title=\"1\">x</B><font color=red>y"),
            "<b>x</B><font>y"
        );
        assert_eq!(tame("<a href=x><i>z</i></a>"), "<a href=x><i>z</i></a>");
    }

    #[test]
    fn deep_nesting_is_cut() {
        let html = "<div>".repeat(1000) + "x" + &"</div>".repeat(1000);
        let out = tame(&html);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert!(out.contains('x'));
    }

    #[test]
    fn balanced_siblings_are_not_cut() {
        let html = "<div><span>x</span></div>".repeat(5000);
        assert_eq!(tame(&html), html);
        let sloppy = "<ul><li>a<li>b</ul><p>x<p>y<table><tr><td>1<td>2<tr><td>3</table>\
                      <dl><dt>t<dd>d</dl><select><option>1<option>2</select>"
            .repeat(2000);
        assert_eq!(tame(&sloppy), sloppy);
        let blocks = "<div><span>x</div>".repeat(2000);
        assert_eq!(tame(&blocks), blocks);
    }

    #[test]
    fn real_html_mail_loses_no_tags() {
        let dir = "/work/shared/corpora/A/mimekit/UnitTests/TestData/html";
        for f in [
            "xamarin3.html",
            "papercut.html",
            "papercut-4.4.html",
            "blocked.html",
            "test.html",
        ] {
            let Ok(bytes) = std::fs::read(format!("{dir}/{f}")) else {
                continue;
            };
            let html = String::from_utf8_lossy(&bytes);
            assert_eq!(
                tame(&html).matches('<').count(),
                html.matches('<').count(),
                "{f}"
            );
        }
    }

    #[test]
    fn unterminated_constructs() {
        for s in [
            "<",
            "<a",
            "<a href='",
            "<!--",
            "</",
            "</a",
            "<script>x",
            "<b x=\"",
            "<!x",
            "<b x=\">",
        ] {
            assert_eq!(tame(s), s);
        }
    }
}
