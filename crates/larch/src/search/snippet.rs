//! Highlighted, escaped result text. Everything in a message is hostile:
//! the text is HTML-escaped here (all of `& < > " ' /`), control and bidi
//! characters are dropped, white space is collapsed, and the only markup
//! in the output is our own `<mark>`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use tantivy::Searcher;
use tantivy::schema::Field as TField;
use tantivy::snippet::{Snippet, SnippetGenerator};

use super::index::Fields;
use super::tokenizer::analyzer;

/// Body snippet length, in bytes of text.
const SNIPPET_BYTES: usize = 200;
/// Subjects longer than this are cut (bytes).
const SUBJECT_BYTES: usize = 400;

/// Marks a query's words in subjects and bodies.
pub(super) struct Highlighter {
    subject: SnippetGenerator,
    unquoted: SnippetGenerator,
    quoted: SnippetGenerator,
}

impl Highlighter {
    pub fn new(
        searcher: &Searcher,
        f: &Fields,
        terms: &HashMap<TField, BTreeSet<String>>,
    ) -> Highlighter {
        let generator = |field: TField, max: usize| {
            let mut scored = BTreeMap::new();
            for t in terms.get(&field).into_iter().flatten() {
                let df = searcher
                    .doc_freq(&tantivy::Term::from_field_text(field, t))
                    .unwrap_or(0);
                scored.insert(t.clone(), 1.0 / (1.0 + df as f32));
            }
            SnippetGenerator::new(scored, analyzer(), field, max)
        };
        Highlighter {
            subject: generator(f.subject, SUBJECT_BYTES),
            unquoted: generator(f.unquoted, SNIPPET_BYTES),
            quoted: generator(f.quoted, SNIPPET_BYTES),
        }
    }

    /// The subject, escaped, with matches marked.
    pub fn subject(&self, subject: &str) -> String {
        let end = cut(subject, SUBJECT_BYTES);
        let s = self.subject.snippet(&subject[..end]);
        let shift = s.fragment_range().start;
        let ranges: Vec<Range<usize>> = s
            .highlighted()
            .iter()
            .map(|r| r.start + shift..r.end + shift)
            .collect();
        let mut out = marked(&subject[..end], &ranges);
        if end < subject.len() {
            out.push_str(" …");
        }
        out
    }

    /// A piece of the body around the best match: the unquoted text first,
    /// then the quoted; without a match, the start of the unquoted text.
    pub fn body(&self, unquoted: &str, quoted: &str) -> String {
        let s = self.unquoted.snippet(unquoted);
        if !s.is_empty() {
            return to_html(&s, unquoted.len());
        }
        let s = self.quoted.snippet(quoted);
        if !s.is_empty() {
            return to_html(&s, quoted.len());
        }
        let text = if unquoted.trim().is_empty() {
            quoted
        } else {
            unquoted
        };
        let end = cut(text, SNIPPET_BYTES);
        let mut out = escape(&text[..end]);
        if end < text.len() {
            out.push_str(" …");
        }
        out
    }
}

/// The largest char boundary at or below `max`.
fn cut(s: &str, max: usize) -> usize {
    if s.len() <= max {
        return s.len();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn to_html(s: &Snippet, text_len: usize) -> String {
    let range = s.fragment_range();
    let mut out = String::new();
    if range.start > 0 {
        out.push_str("… ");
    }
    out.push_str(&marked(s.fragment(), s.highlighted()));
    if range.end < text_len {
        out.push_str(" …");
    }
    out
}

/// `text` escaped, with the byte `ranges` in `<mark>`.
fn marked(text: &str, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut at = 0;
    for r in merge(ranges) {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&escape(&text[at..r.start]));
        out.push_str("<mark>");
        out.push_str(&escape(&text[r.clone()]));
        out.push_str("</mark>");
        at = r.end;
    }
    out.push_str(&escape(&text[at..]));
    out
}

/// Sorted, overlapping ranges merged (CJK bigrams overlap by a character).
fn merge(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut v = ranges.to_vec();
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in v {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2069 | 0xFEFF)
}

/// HTML-escape `s`, collapsing white space and dropping invisible controls.
fn escape(s: &str) -> String {
    let mut clean = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if is_hidden(c) {
            continue;
        }
        if space {
            clean.push(' ');
        }
        space = false;
        clean.push(c);
    }
    if space {
        clean.push(' ');
    }
    html_escape::encode_safe(&clean).into_owned()
}

/// A highlighted snippet as plain text: the marks removed, entities decoded.
pub fn plain_text(html: &str) -> String {
    let stripped = html.replace("<mark>", "").replace("</mark>", "");
    html_escape::decode_html_entities(&stripped).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_is_total() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2F;script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{202E}b\0c\n\n\td "), "abc d ");
        assert_eq!(plain_text(&escape("<b>&amp;")), "<b>&amp;");
    }

    #[test]
    fn overlapping_marks_merge() {
        assert_eq!(merge(&[3..9, 0..6, 12..15]), vec![0..9, 12..15]);
    }
}
