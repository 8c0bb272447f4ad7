//! Tests that run public XSS corpora and pathological inputs through every
//! renderer and check the output token by token.
//!
//! Reads the corpora under /work/shared/corpora/C (skipped, with a note, when
//! absent). Must not touch anything else on disk; test-only code.

use std::collections::HashSet;

use super::clean::clean_text;
use super::html::{ALLOWED_TAGS, GENERIC_ATTRIBUTES, tag_attributes};
use super::links::LINK_REL;
use super::{BodyOptions, render_text, sanitize_html};

/// Where the corpora are: the workspace's shared folder, or a `shared/`
/// beside the repository checkout (as CI lays it out).
fn corpora_dir() -> Option<String> {
    let beside = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpora/C");
    ["/work/shared/corpora/C", beside]
        .into_iter()
        .find(|d| std::path::Path::new(d).is_dir())
        .map(String::from)
}

/// Payloads by corpus name; corpora whose files are absent are left out.
fn corpora() -> Vec<(&'static str, Vec<String>)> {
    let mut all = Vec::new();
    let Some(root) = corpora_dir() else {
        return all;
    };
    let read = |p: &str| std::fs::read_to_string(format!("{root}/{p}")).ok();
    if let Some(json) = read("dompurify/expect.json") {
        let v: serde_json::Value = serde_json::from_str(&json).expect("dompurify json");
        let items = v.as_array().expect("array");
        let payloads = items
            .iter()
            .filter_map(|i| i["payload"].as_str().map(String::from))
            .collect();
        all.push(("dompurify", payloads));
    }
    if let Some(json) = read("owasp-xss-filter-evasion/vectors.json") {
        let v: Vec<String> = serde_json::from_str(&json).expect("owasp json");
        all.push(("owasp", v));
    }
    let dir = format!("{root}/PayloadsAllTheThings/XSS Injection/Intruders");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut lines = Vec::new();
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        {
            // Some lines are not UTF-8; mail reaching us is decoded lossily too.
            let bytes = std::fs::read(path).expect("read intruder file");
            let text = String::from_utf8_lossy(&bytes);
            lines.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(String::from),
            );
        }
        all.push(("payloadsallthethings", lines));
    }
    if let Some(text) = read("html5sec-H5SC/vectors.txt") {
        let lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with(">>>"))
            .map(String::from)
            .collect();
        all.push(("html5sec", lines));
    }
    all
}

/// Decode the entities the serializers emit.
fn unescape(s: &str) -> String {
    html_escape::decode_html_entities(s).into_owned()
}

/// One tag of serialized output: name (with `/` for end tags) and attributes.
pub(super) type Tag = (String, Vec<(String, String)>);

/// Tokenize serialized output the way a browser's tokenizer would for
/// well-formed serializer output; error on anything unexpected.
pub(super) fn tags_and_text(out: &str) -> Result<(Vec<Tag>, String), String> {
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

fn url_has_scheme(url: &str, schemes: &[&str]) -> bool {
    let lower = url.to_ascii_lowercase();
    schemes.iter().any(|s| lower.starts_with(s))
}

/// Check sanitizer output: only allowed elements and attributes, only
/// safe URLs, nothing active anywhere in a tag.
pub(super) fn check_sanitized(out: &str, remote: bool) -> Result<(), String> {
    let (tags, _) = tags_and_text(out)?;
    let allowed_tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
    let per_tag = tag_attributes();
    for (name, attrs) in &tags {
        let bare = name.trim_start_matches('/');
        if !allowed_tags.contains(bare) {
            return Err(format!("element {name}"));
        }
        for (attr, value) in attrs {
            let ok = GENERIC_ATTRIBUTES.contains(&attr.as_str())
                || per_tag.get(bare).is_some_and(|s| s.contains(attr.as_str()))
                || (bare == "a" && attr == "rel" && value == LINK_REL);
            if !ok || attr.starts_with("on") || attr == "style" {
                return Err(format!("attribute {attr} on {name}"));
            }
            let lower = value.to_ascii_lowercase();
            match attr.as_str() {
                "href" if !url_has_scheme(value, &["http:", "https:", "mailto:", "ftp:"]) => {
                    return Err(format!("href {value}"));
                }
                "src" => {
                    let mapped = value.starts_with("cid-") && value.ends_with(".png");
                    let web = remote && url_has_scheme(value, &["http:", "https:"]);
                    if !mapped && !web {
                        return Err(format!("src {value}"));
                    }
                }
                "title" | "alt" => {}
                _ if lower.contains("javascript:")
                    || lower.contains("data:")
                    || lower.contains("expression(") =>
                {
                    return Err(format!("{attr}={value}"));
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

/// Check render_text output: only our own tags, everything else escaped,
/// and the visible text is exactly the cleaned input.
pub(super) fn check_text(out: &str, payload: &str, flowed: bool) -> Result<(), String> {
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
    for (name, attrs) in &tags {
        let attrs: Vec<(&str, &str)> = attrs
            .iter()
            .map(|(a, v)| (a.as_str(), v.as_str()))
            .collect();
        let ok = match (name.as_str(), attrs.as_slice()) {
            ("/span" | "/a", []) => true,
            ("span", [("class", c)]) => classes.contains(c),
            ("a", [("href", h), ("rel", r)]) => {
                *r == LINK_REL && url_has_scheme(h, &["http://", "https://", "ftp://", "mailto:"])
            }
            _ => false,
        };
        if !ok {
            return Err(format!("tag {name} {attrs:?}"));
        }
    }
    if !flowed {
        let cleaned = clean_text(payload);
        let expected = super::text::trim_blank_edges(&cleaned);
        if text != expected {
            return Err(format!("text changed: {text:?} vs {expected:?}"));
        }
    }
    Ok(())
}

pub(super) fn cid_map(id: &str) -> Option<String> {
    Some(format!("cid-{}.png", id.len()))
}

#[test]
#[allow(clippy::print_stderr)]
fn corpora_are_neutralised() {
    let corpora = corpora();
    if corpora.is_empty() {
        eprintln!("note: no XSS corpora (shared/corpora/C) found; skipping");
        return;
    }
    let mut failures = Vec::new();
    let mut count = 0;
    for (corpus, payloads) in &corpora {
        for payload in payloads {
            count += 1;
            for remote in [false, true] {
                let opts = BodyOptions {
                    allow_remote_images: remote,
                };
                let out = sanitize_html(payload, &opts, &cid_map);
                if let Err(e) = check_sanitized(&out, remote) {
                    failures.push(format!(
                        "[{corpus}] html: {e}\n  in:  {payload}\n  out: {out}"
                    ));
                }
            }
            for flowed in [false, true] {
                let out = render_text(payload, flowed, flowed);
                if let Err(e) = check_text(&out, payload, flowed) {
                    failures.push(format!(
                        "[{corpus}] text: {e}\n  in:  {payload}\n  out: {out}"
                    ));
                }
            }
        }
    }
    for (corpus, payloads) in &corpora {
        assert!(!payloads.is_empty(), "corpus {corpus} is empty");
    }
    assert!(count > 0);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn whole_corpus_as_one_body() {
    let all: Vec<String> = corpora().into_iter().flat_map(|(_, p)| p).collect();
    let body = all.join("\n");
    check_text(&render_text(&body, false, false), &body, false).expect("text");
    let opts = BodyOptions::default();
    check_sanitized(&sanitize_html(&body, &opts, &cid_map), false).expect("html");
}

#[test]
fn many_cid_references() {
    let html: String = (0..10_000)
        .map(|i| format!("<img src=\"cid:{i}@x\">"))
        .collect();
    let out = sanitize_html(&html, &BodyOptions::default(), &cid_map);
    check_sanitized(&out, false).expect("cids");
}
