//! `text/html` bodies to a sanitized HTML fragment, via an ammonia allow-list.
//!
//! Policy (everything not listed is removed; the text inside removed
//! formatting elements is kept, the content of `CONTENT_DROPPED` is not):
//! - elements: ordinary text formatting, lists, tables, `a`, `img`, `font`
//!   (`ALLOWED_TAGS`); no script, style, frames, forms, media, svg, math.
//! - attributes: `title`, `dir`, `lang` everywhere, plus the per-element
//!   lists in `tag_attributes`; values are checked by `attr_values.rs`.
//!   No `style`, no `class`/`id`, no event handlers, no `target`.
//!   Formatting elements (`b`, `font`, ...) lose all attributes in the
//!   pre-pass (`tame.rs`), so `<font color>` renders as plain text.
//! - `a href`: absolute `http`, `https`, `mailto`, `ftp` only.
//! - `img src`: a `cid:` URL the caller maps (rewritten to that URL), or,
//!   with `allow_remote_images`, absolute `http`/`https`. Otherwise the
//!   `src` is dropped and an `<img alt=...>` without source remains, which
//!   browsers show as its alt text. Never `data:`.
//! - every `a` gets `rel="nofollow noopener noreferrer"`.
//! - nesting deeper than 256 is flattened (`tame.rs`); a body whose output
//!   would still grow past 8x its input is reduced to text and paragraphs.
//!
//! Must not touch: plain-text rendering, and no I/O.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use ammonia::{Builder, UrlRelative};

use super::BodyOptions;
use super::attr_values;
use super::clean::clean_text;
use super::links::LINK_REL;
use super::tame::tame;

/// Elements kept (with their allowed attributes).
pub(crate) const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "div",
    "span",
    "b",
    "i",
    "u",
    "em",
    "strong",
    "small",
    "big",
    "sub",
    "sup",
    "s",
    "strike",
    "blockquote",
    "pre",
    "code",
    "tt",
    "kbd",
    "samp",
    "var",
    "dfn",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "caption",
    "colgroup",
    "col",
    "hr",
    "a",
    "img",
    "font",
    "center",
    "abbr",
    "cite",
    "q",
    "del",
    "ins",
    "mark",
    "address",
    "figure",
    "figcaption",
    "wbr",
    "ruby",
    "rt",
    "rp",
];

/// Elements removed together with everything inside them.
const CONTENT_DROPPED: &[&str] = &[
    "script",
    "style",
    "title",
    "template",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "noframes",
    "object",
    "embed",
    "applet",
    "audio",
    "video",
    "svg",
    "math",
    "head",
    "select",
    "textarea",
    "xmp",
    "plaintext",
    "noembed",
    "canvas",
];

/// Attributes allowed on every kept element.
pub(crate) const GENERIC_ATTRIBUTES: &[&str] = &["title", "dir", "lang"];

/// Schemes that may pass the parser stage. `cid` only ever survives as an
/// `img src` that the caller maps; the attribute filter enforces the rest.
const URL_SCHEMES: &[&str] = &["http", "https", "mailto", "ftp", "cid"];

/// At most this many distinct `cid:` references are resolved per body.
const MAX_CIDS: usize = 4096;

/// Output longer than `MAX_GROWTH` times the input (plus `GROWTH_SLACK`)
/// means the parser multiplied elements; such bodies are reduced to text.
/// Ordinary mail grows at most about 5x (link `rel`s, `&quot;`).
const MAX_GROWTH: usize = 8;
const GROWTH_SLACK: usize = 64 * 1024;

pub(crate) fn tag_attributes() -> HashMap<&'static str, HashSet<&'static str>> {
    let cells: &[&str] = &["colspan", "rowspan", "align", "valign", "width", "height"];
    let rows: &[&str] = &["align", "valign"];
    let blocks: &[&str] = &["align"];
    let pairs: &[(&str, &[&str])] = &[
        ("a", &["href"]),
        ("img", &["src", "alt", "width", "height"]),
        ("td", cells),
        ("th", cells),
        ("tr", rows),
        ("thead", rows),
        ("tbody", rows),
        ("tfoot", rows),
        (
            "table",
            &[
                "width",
                "height",
                "align",
                "border",
                "cellpadding",
                "cellspacing",
            ],
        ),
        ("col", &["span", "width", "align", "valign"]),
        ("colgroup", &["span", "width", "align", "valign"]),
        ("ol", &["start"]),
        ("p", blocks),
        ("div", blocks),
        ("h1", blocks),
        ("h2", blocks),
        ("h3", blocks),
        ("h4", blocks),
        ("h5", blocks),
        ("h6", blocks),
    ];
    pairs
        .iter()
        .map(|(tag, attrs)| (*tag, attrs.iter().copied().collect()))
        .collect()
}

/// text/html (already decoded to UTF-8) -> sanitized HTML fragment.
///
/// `cid` maps a Content-ID (without `<>`) to the URL of the saved inline
/// part (relative, e.g. "000123-2.png"); unknown `cid:` URLs are dropped.
pub fn sanitize_html(
    html: &str,
    opts: &BodyOptions,
    cid: &dyn Fn(&str) -> Option<String>,
) -> String {
    // Controls and bidi overrides go before parsing; anything this creates
    // is still parsed and sanitized below. `tame` bounds the parser's work.
    let html = tame(&clean_text(html));
    let cids = Arc::new(resolve_cids(&html, cid));
    let out = policy(cids, opts.allow_remote_images)
        .clean(&html)
        .to_string();
    if out.len() > MAX_GROWTH * html.len() + GROWTH_SLACK {
        return text_only(&html);
    }
    out
}

/// The ammonia configuration for one body.
fn policy(cids: Arc<HashMap<String, String>>, allow_remote: bool) -> Builder<'static> {
    let mut builder = Builder::default();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(CONTENT_DROPPED.iter().copied().collect())
        .tag_attributes(tag_attributes())
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .generic_attribute_prefixes(HashSet::new())
        .allowed_classes(HashMap::new())
        .url_schemes(URL_SCHEMES.iter().copied().collect())
        // Relative URLs are refused by the attribute filter, which runs
        // before ammonia's relative-URL policy; Deny here would also drop
        // the relative URLs our cid rewrite produces.
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .id_prefix(None)
        .attribute_filter(move |element: &str, attribute: &str, value: &str| {
            attr_values::filter(element, attribute, value, &cids, allow_remote)
        });
    builder
}

/// Fallback for pathological bodies: text and paragraph breaks only.
fn text_only(html: &str) -> String {
    let mut builder = Builder::empty();
    builder
        .tags(["p", "br"].into_iter().collect())
        .clean_content_tags(CONTENT_DROPPED.iter().copied().collect())
        .tag_attributes(HashMap::new())
        .generic_attributes(HashSet::new())
        .link_rel(None);
    builder.clean(html).to_string()
}

/// Find the `cid:` references in the raw HTML and ask the caller for each.
///
/// Keys are what the attribute filter will see after the parser decodes
/// character references: the text after `cid:` up to a quote, `<`, `>` or
/// whitespace, entity-decoded. A reference hidden some other way is simply
/// not found, and its image loses its source.
fn resolve_cids(html: &str, cid: &dyn Fn(&str) -> Option<String>) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut seen = HashSet::new();
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(pos) = find_cid(bytes, from) {
        let start = pos + 4;
        let len = html[start..]
            .find(|c: char| matches!(c, '"' | '\'' | '<' | '>' | '`') || c.is_whitespace())
            .unwrap_or(html.len() - start);
        from = start + len;
        if len == 0 || seen.len() >= MAX_CIDS {
            continue;
        }
        let key = html_escape::decode_html_entities(&html[start..start + len]).into_owned();
        if !seen.insert(key.clone()) {
            continue;
        }
        let found = percent_decode(&key)
            .and_then(|id| cid(&id))
            .or_else(|| cid(&key));
        if let Some(url) = found {
            map.insert(key, url);
        }
    }
    map
}

/// Position of the next ASCII-case-insensitive `cid:` at or after `from`.
fn find_cid(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(4)
        .position(|w| w.eq_ignore_ascii_case(b"cid:"))
        .map(|p| from + p)
}

/// Decode `%XX` escapes (RFC 2392 cid URLs are percent-encoded Content-IDs).
/// `None` when there is nothing to decode or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let hex = |b: Option<&u8>| b.and_then(|&b| (b as char).to_digit(16));
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (hex(bytes.get(i + 1)), hex(bytes.get(i + 2)))
        {
            // Two hex digits: at most 255.
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%40b.c"), Some("a@b.c".into()));
        assert_eq!(percent_decode("abc"), None);
        assert_eq!(percent_decode("bad%zz%4"), Some("bad%zz%4".into()));
        assert_eq!(percent_decode("%ff"), None);
    }

    #[test]
    fn cid_references_are_resolved_once() {
        let calls = std::cell::Cell::new(0);
        let lookup = |id: &str| {
            calls.set(calls.get() + 1);
            (id == "img1@x").then(|| "000001-2.png".to_string())
        };
        let html = r#"<img src="cid:img1@x"><img src='CID:img1@x'><img src=cid:img1%40x>"#;
        let map = resolve_cids(html, &lookup);
        assert_eq!(map.get("img1@x").map(String::as_str), Some("000001-2.png"));
        assert_eq!(
            map.get("img1%40x").map(String::as_str),
            Some("000001-2.png")
        );
        assert_eq!(calls.get(), 2);
    }
}
