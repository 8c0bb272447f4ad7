//! Checking and rewriting the values of the attributes the HTML sanitizer
//! lets through: URLs (`href`, `src`, including the `cid:` rewrite),
//! numbers, keywords and language tags.
//!
//! Runs as ammonia's attribute filter, after ammonia's own allow-list and
//! scheme check; returning `None` removes the attribute. Anything not
//! explicitly recognised here is removed, so a wider allow-list in `html.rs`
//! cannot let an unchecked attribute through by accident.
//!
//! Must not touch: which elements are kept (see `html.rs`), and no I/O.

use std::borrow::Cow;
use std::collections::HashMap;

use ammonia::url::Url;

use super::links::LINK_REL;

const ALIGN: &[&str] = &[
    "left", "right", "center", "justify", "top", "middle", "bottom", "baseline",
];
const VALIGN: &[&str] = &["top", "middle", "bottom", "baseline"];
const DIR: &[&str] = &["ltr", "rtl", "auto"];

/// The attribute filter: `Some(value)` keeps (possibly rewritten), `None` drops.
pub(crate) fn filter<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
    cids: &HashMap<String, String>,
    allow_remote_images: bool,
) -> Option<Cow<'u, str>> {
    match attribute {
        "href" => absolute_url(value, &["http", "https", "mailto", "ftp"]),
        "src" if element == "img" => image_src(value, cids, allow_remote_images),
        // ammonia adds rel to links before filtering; authors' rel is never allowed.
        "rel" if element == "a" && value == LINK_REL => Some(Cow::Borrowed(value)),
        "title" | "alt" => Some(Cow::Borrowed(value)),
        "width" | "height" => length(value),
        "colspan" | "rowspan" | "span" | "border" | "cellpadding" | "cellspacing" | "start" => {
            number(value)
        }
        "align" => keyword(value, ALIGN),
        "valign" => keyword(value, VALIGN),
        "dir" => keyword(value, DIR),
        "lang" => language(value),
        _ => None,
    }
}

/// An absolute URL with one of `schemes`, in the parsed (WHATWG) form a
/// browser would use: tabs and newlines inside it removed, host normalised.
fn absolute_url<'u>(value: &'u str, schemes: &[&str]) -> Option<Cow<'u, str>> {
    match Url::parse(value) {
        Ok(url) if schemes.contains(&url.scheme()) => {
            let url: String = url.into();
            Some(if url == value {
                Cow::Borrowed(value)
            } else {
                Cow::Owned(url)
            })
        }
        _ => None,
    }
}

/// `cid:` references the caller mapped become that URL; remote images
/// are kept only when allowed; everything else loses its source.
fn image_src<'u>(
    value: &'u str,
    cids: &HashMap<String, String>,
    allow_remote_images: bool,
) -> Option<Cow<'u, str>> {
    let trimmed = value.trim_matches(|c: char| c <= ' ');
    let bytes = trimmed.as_bytes();
    if bytes.len() > 4 && bytes[..4].eq_ignore_ascii_case(b"cid:") {
        return cids.get(&trimmed[4..]).map(|url| Cow::Owned(url.clone()));
    }
    if allow_remote_images {
        absolute_url(value, &["http", "https"])
    } else {
        None
    }
}

/// A pixel or percentage length: `600`, `100%`, `600px`.
fn length(value: &str) -> Option<Cow<'_, str>> {
    let v = value.trim();
    let digits = v.bytes().take_while(u8::is_ascii_digit).count();
    let unit = &v[digits..];
    ((1..=5).contains(&digits) && matches!(unit, "" | "%" | "px")).then_some(Cow::Borrowed(v))
}

/// A small non-negative integer (spans, borders, list starts).
fn number(value: &str) -> Option<Cow<'_, str>> {
    let v = value.trim();
    ((1..=4).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()))
        .then_some(Cow::Borrowed(v))
}

/// One of `allowed`, case-insensitively; returned in lower case.
fn keyword<'u>(value: &str, allowed: &[&'static str]) -> Option<Cow<'u, str>> {
    let v = value.trim();
    allowed
        .iter()
        .find(|k| k.eq_ignore_ascii_case(v))
        .map(|k| Cow::Borrowed(*k))
}

/// A BCP 47-looking tag: letters, digits and hyphens, starting with a letter.
fn language(value: &str) -> Option<Cow<'_, str>> {
    let v = value.trim();
    let ok = (1..=35).contains(&v.len())
        && v.starts_with(|c: char| c.is_ascii_alphabetic())
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then_some(Cow::Borrowed(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(element: &str, attribute: &str, value: &str) -> Option<String> {
        let mut cids = HashMap::new();
        cids.insert("logo@x".to_string(), "000123-2.png".to_string());
        filter(element, attribute, value, &cids, false).map(Cow::into_owned)
    }

    #[test]
    fn hrefs() {
        assert_eq!(
            f("a", "href", "https://x.example/").as_deref(),
            Some("https://x.example/")
        );
        assert!(f("a", "href", "mailto:a@b.example").is_some());
        assert!(f("a", "href", "ftp://x.example/").is_some());
        assert_eq!(
            f("a", "href", " htt\tp://X.example/a b").as_deref(),
            Some("http://x.example/a%20b")
        );
        for bad in [
            "/relative",
            "#frag",
            "cid:logo@x",
            "javascript:alert(1)",
            "data:,x",
            "",
        ] {
            assert_eq!(f("a", "href", bad), None, "{bad}");
        }
    }

    #[test]
    fn image_sources() {
        assert_eq!(
            f("img", "src", " CID:logo@x ").as_deref(),
            Some("000123-2.png")
        );
        assert_eq!(f("img", "src", "cid:other@x"), None);
        assert_eq!(f("img", "src", "https://x.example/p.gif"), None);
        let cids = HashMap::new();
        let remote = filter("img", "src", "https://x.example/p.gif", &cids, true);
        assert!(remote.is_some());
        assert!(filter("img", "src", "data:image/png;base64,AA", &cids, true).is_none());
        assert!(filter("img", "src", "//x.example/p.gif", &cids, true).is_none());
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(f("td", "width", "100%").as_deref(), Some("100%"));
        assert_eq!(f("td", "width", "expression(alert(1))"), None);
        assert_eq!(f("td", "colspan", "2").as_deref(), Some("2"));
        assert_eq!(f("td", "colspan", "99999"), None);
        assert_eq!(f("td", "align", "CENTER").as_deref(), Some("center"));
        assert_eq!(f("p", "dir", "rtl").as_deref(), Some("rtl"));
        assert_eq!(f("p", "dir", "x"), None);
        assert_eq!(f("p", "lang", "en-GB").as_deref(), Some("en-GB"));
        assert_eq!(f("p", "lang", "en\"x"), None);
        assert_eq!(f("a", "rel", "nofollow"), None);
        assert_eq!(f("a", "style", "color:red"), None);
        assert_eq!(f("a", "onclick", "x"), None);
    }
}
