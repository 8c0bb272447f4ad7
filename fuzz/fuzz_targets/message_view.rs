//! The MIME view (`larch::parse::mime::message_view`) and body rendering
//! (`render_text`, `sanitize_html`, `safe_filename`, `is_active_type`) over
//! arbitrary bytes: first as a whole message, then the same bytes (as
//! lossy UTF-8) straight into each renderer, so the sanitizer is reached
//! without the fuzzer having to build MIME around it.
//!
//! Checks (the promises of SECURITY.md, checked on the serialized output
//! tag by tag, as the library's hostile tests do):
//! - sanitized HTML: only markup from the allow-list; no `<script`, `<svg`,
//!   `<iframe`, `<style`, `<base`, `<meta`, `<form`, `<object`, `<embed`,
//!   `<link`, `<math`, comments; no `on*`, `style`, `class`, `id`
//!   attribute; `href` only http/https/mailto/ftp; `img src` only a mapped
//!   `cid:` part (or http/https with remote images allowed); no
//!   `javascript:`, `data:` or `expression(` in any other attribute;
//! - text: one `<pre class="body">` with only our spans and links, and (not
//!   flowed) the visible text is exactly the input less controls and bidi
//!   overrides, CRs normalized, blank edges trimmed;
//! - attachment names: non-empty, at most 100 bytes, only letters, digits,
//!   `.`, `-`, `_` (and combining accents), no leading or trailing dot, not a
//!   Windows device name; the file as written never ends with an active
//!   extension (HTML, SVG, XML, JS...) unless `.bin` follows it.

#![no_main]

#[path = "common.rs"]
mod common;

use std::collections::{HashMap, HashSet};

use larch::parse::mime::{PartView, message_view};
use larch::render::body::{BodyOptions, is_active_type, render_text, safe_filename, sanitize_html};
use larch::render::urls;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(|| check(data)));

fn check(data: &[u8]) {
    // One bit of the input chooses the remote-image policy, so both are fuzzed.
    let remote = data.first().is_some_and(|b| b & 1 == 1);
    let view = message_view(data);
    let mut cid_map: HashMap<String, String> = HashMap::new();
    let mut indexes = HashSet::new();
    for a in view.attachments() {
        assert!(a.index >= 1, "attachment index 0");
        assert!(
            indexes.insert(a.index),
            "attachment index {} twice",
            a.index
        );
        let safe = safe_filename(a.filename.as_deref(), a.index, &a.content_type);
        check_filename(&safe, a.filename.as_deref());
        let active = is_active_type(&a.content_type, &safe);
        let file = urls::attachment_file(a.index, &safe, active);
        check_written_name(&file, &a.content_type, active);
        if let Some(cid) = &a.content_id {
            cid_map.insert(cid.clone(), format!("{}/{file}", urls::attachment_dir(1)));
        }
    }
    let mapped: HashSet<String> = cid_map.values().cloned().collect();
    let cid = |c: &str| cid_map.get(c).cloned();
    let opts = BodyOptions {
        allow_remote_images: remote,
    };
    for part in &view.parts {
        match part {
            PartView::Text {
                text,
                flowed,
                delsp,
                ..
            } => {
                let out = render_text(text, *flowed, *delsp);
                if let Err(e) = check_text(&out, text, *flowed) {
                    panic!("render_text: {e}\n in: {text:?}\nout: {out:?}");
                }
            }
            PartView::Html { html, .. } => {
                let out = sanitize_html(html, &opts, &cid);
                if let Err(e) = check_sanitized(&out, remote, &|v| mapped.contains(v)) {
                    panic!("sanitize_html: {e}\n in: {html:?}\nout: {out:?}");
                }
            }
            PartView::Nested { .. } | PartView::Attachment(_) => {}
        }
    }

    // The same bytes straight into the renderers.
    let text = String::from_utf8_lossy(data);
    let lookup = |c: &str| (c.len() % 2 == 0).then(|| format!("cid-{}.png", c.len()));
    // Any even-length id maps to `cid-<even>.png`.
    let direct_mapped = |v: &str| {
        v.strip_prefix("cid-")
            .and_then(|v| v.strip_suffix(".png"))
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n % 2 == 0)
    };
    let out = sanitize_html(&text, &opts, &lookup);
    if let Err(e) = check_sanitized(&out, remote, &direct_mapped) {
        panic!("sanitize_html (direct): {e}\n in: {text:?}\nout: {out:?}");
    }
    let flowed = data.first().is_some_and(|b| b & 2 == 2);
    let delsp = data.first().is_some_and(|b| b & 4 == 4);
    let out = render_text(&text, flowed, delsp);
    if let Err(e) = check_text(&out, &text, flowed) {
        panic!("render_text (direct): {e}\n in: {text:?}\nout: {out:?}");
    }
    // File names: the first line is the name, the second the content type.
    let mut lines = text.splitn(3, '\n');
    let name = lines.next().unwrap_or("");
    let ctype = lines.next().unwrap_or("");
    let safe = safe_filename(Some(name), 1, ctype);
    check_filename(&safe, Some(name));
    let active = is_active_type(ctype, &safe);
    check_written_name(&urls::attachment_file(1, &safe, active), ctype, active);
}

// ---- file names ----

fn is_invisible_or_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
    )
}

fn check_filename(safe: &str, given: Option<&str>) {
    let ctx = || format!("{given:?} -> {safe:?}");
    assert!(!safe.is_empty(), "empty name {}", ctx());
    assert!(safe.len() <= 100, "name over 100 bytes {}", ctx());
    assert!(!safe.starts_with('.'), "hidden name {}", ctx());
    assert!(!safe.ends_with('.'), "trailing dot {}", ctx());
    assert!(safe != "." && safe != "..");
    for c in safe.chars() {
        let ok = c.is_alphanumeric()
            || matches!(c, '.' | '-' | '_')
            || ('\u{300}'..='\u{36f}').contains(&c);
        assert!(ok, "character {c:?} kept {}", ctx());
        assert!(
            !c.is_control() && !is_invisible_or_bidi(c),
            "{c:?} kept {}",
            ctx()
        );
    }
    let stem = safe.split('.').next().unwrap_or("").to_ascii_uppercase();
    let device = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit());
    assert!(!device, "Windows device name {}", ctx());
}

/// Extensions a browser or a static server would treat as active content.
const ACTIVE: &[&str] = &[
    "html", "htm", "xhtml", "xht", "shtml", "shtm", "mht", "mhtml", "svg", "svgz", "xml", "xsl",
    "xslt", "js", "mjs", "swf", "hta", "htc",
];

fn check_written_name(file: &str, ctype: &str, active: bool) {
    assert!(
        !file.contains(['/', '\\', '\0']) && !file.starts_with('.'),
        "{file:?}"
    );
    let ext = file.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    assert!(
        !ACTIVE.contains(&ext.as_str()),
        "active file {file:?} served as is (type {ctype:?}, active={active})"
    );
    let essence = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if matches!(
        essence.as_str(),
        "text/html"
            | "application/xhtml+xml"
            | "image/svg+xml"
            | "text/xml"
            | "application/javascript"
    ) {
        assert!(file.ends_with(".bin"), "{essence} written as {file:?}");
    }
}

// ---- serialized HTML ----

/// One tag of serialized output: name (with `/` for end tags) and attributes.
type Tag = (String, Vec<(String, String)>);

fn unescape(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// Tokenize serializer output strictly (as the library's hostile tests do):
/// every `<` starts a tag with a name, attributes are `name="value"`.
fn tags_and_text(out: &str) -> Result<(Vec<Tag>, String), String> {
    let mut tags = Vec::new();
    let mut text = String::new();
    let mut rest = out;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        rest = &rest[lt + 1..];
        let end = rest.starts_with('/');
        let body = if end { &rest[1..] } else { rest };
        let name_len = body
            .find(|c: char| !c.is_ascii_alphanumeric())
            .ok_or("unterminated tag")?;
        if name_len == 0 {
            return Err(format!("raw '<' before {:?}", &rest[..rest.len().min(20)]));
        }
        let name = body[..name_len].to_string();
        let mut attrs = Vec::new();
        let mut p = &body[name_len..];
        loop {
            p = p.trim_start_matches(' ');
            if let Some(r) = p.strip_prefix('>') {
                rest = r;
                break;
            }
            let eq = p.find('=').ok_or("attribute without value")?;
            let attr = p[..eq].to_string();
            if attr.is_empty() || !attr.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
                return Err(format!("odd attribute name {attr:?}"));
            }
            let v = p[eq + 1..].strip_prefix('"').ok_or("unquoted attribute")?;
            let close = v.find('"').ok_or("unterminated attribute")?;
            attrs.push((attr, unescape(&v[..close])));
            p = &v[close + 1..];
        }
        tags.push((if end { format!("/{name}") } else { name }, attrs));
    }
    text.push_str(rest);
    if text.contains('>') {
        return Err("unescaped '>' in text".into());
    }
    Ok((tags, unescape(&text)))
}

/// The allow-list of SECURITY.md / render/body/html.rs.
const ALLOWED_TAGS: &[&str] = &[
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
/// Every attribute any kept element may carry.
const ALLOWED_ATTRS: &[&str] = &[
    "title",
    "dir",
    "lang",
    "href",
    "rel",
    "src",
    "alt",
    "width",
    "height",
    "colspan",
    "rowspan",
    "align",
    "valign",
    "border",
    "cellpadding",
    "cellspacing",
    "span",
    "start",
];
const LINK_REL: &str = "nofollow noopener noreferrer";

fn has_scheme(url: &str, schemes: &[&str]) -> bool {
    let lower = url.to_ascii_lowercase();
    schemes.iter().any(|s| lower.starts_with(s))
}

fn check_sanitized(out: &str, remote: bool, mapped: &dyn Fn(&str) -> bool) -> Result<(), String> {
    let (tags, _) = tags_and_text(out)?;
    for (name, attrs) in &tags {
        let bare = name.trim_start_matches('/');
        if !ALLOWED_TAGS.contains(&bare) {
            return Err(format!("element {name}"));
        }
        for (attr, value) in attrs {
            if !ALLOWED_ATTRS.contains(&attr.as_str()) {
                return Err(format!("attribute {attr} on {name}"));
            }
            let lower = value.to_ascii_lowercase();
            match attr.as_str() {
                "href" => {
                    if bare != "a" || !has_scheme(value, &["http:", "https:", "mailto:", "ftp:"]) {
                        return Err(format!("href {value:?} on {name}"));
                    }
                }
                "src" => {
                    let web = remote && has_scheme(value, &["http:", "https:"]);
                    if bare != "img" || !(mapped(value) || web) {
                        return Err(format!("src {value:?} on {name}"));
                    }
                }
                "rel" => {
                    if bare != "a" || value != LINK_REL {
                        return Err(format!("rel {value:?} on {name}"));
                    }
                }
                "title" | "alt" => {}
                _ if lower.contains("javascript:")
                    || lower.contains("data:")
                    || lower.contains("expression(") =>
                {
                    return Err(format!("{attr}={value:?}"));
                }
                _ => {}
            }
        }
    }
    let lower = out.to_ascii_lowercase();
    for bad in [
        "<script", "<iframe", "<svg", "<base", "<meta", "<form", "<style", "<object", "<embed",
        "<link", "<math", "<!--",
    ] {
        if lower.contains(bad) {
            return Err(format!("contains {bad}"));
        }
    }
    Ok(())
}

// ---- text ----

/// Reference model of the library's character cleaning, written the slow
/// obvious way: CRLF and lone CR -> LF; C0 controls but tab and LF, DEL, C1
/// controls and bidi embedding/override/isolate controls dropped.
fn reference_clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\t' | '\n' => out.push(c),
            '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// Blank lines at both ends dropped, and trailing white space.
fn trim_blank_edges(text: &str) -> &str {
    let text = text.trim_end();
    let first = text
        .find(|c: char| !c.is_whitespace())
        .unwrap_or(text.len());
    let start = text[..first].rfind('\n').map_or(0, |nl| nl + 1);
    &text[start..]
}

fn check_text(out: &str, input: &str, flowed: bool) -> Result<(), String> {
    let inner = out
        .strip_prefix("<pre class=\"body\">\n")
        .and_then(|o| o.strip_suffix("</pre>"))
        .ok_or("wrapper")?;
    let (tags, text) = tags_and_text(inner)?;
    let classes = [
        "q1",
        "q2",
        "q3",
        "q4",
        "sig",
        "diff-file",
        "diff-hunk",
        "diff-add",
        "diff-del",
        "diffstat",
    ];
    let mut depth = 0i64;
    for (name, attrs) in &tags {
        let attrs: Vec<(&str, &str)> = attrs
            .iter()
            .map(|(a, v)| (a.as_str(), v.as_str()))
            .collect();
        let ok = match (name.as_str(), attrs.as_slice()) {
            ("/span" | "/a", []) => {
                depth -= 1;
                true
            }
            ("span", [("class", c)]) => {
                depth += 1;
                classes.contains(c)
            }
            ("a", [("href", h), ("rel", r)]) => {
                depth += 1;
                *r == LINK_REL && has_scheme(h, &["http://", "https://", "ftp://", "mailto:"])
            }
            _ => false,
        };
        if !ok {
            return Err(format!("tag {name} {attrs:?}"));
        }
        if depth < 0 {
            return Err(format!("unbalanced {name}"));
        }
    }
    if depth != 0 {
        return Err("unclosed span or link".into());
    }
    if !flowed {
        let cleaned = reference_clean(input);
        let expected = trim_blank_edges(&cleaned);
        if text != expected {
            return Err(format!("text changed: {text:?} vs {expected:?}"));
        }
    }
    Ok(())
}
