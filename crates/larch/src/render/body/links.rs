//! Escaping one line of plain text into HTML while turning URLs into links.
//!
//! Only `http://`, `https://`, `ftp://` URLs and explicit `mailto:` addresses
//! become links; bare e-mail addresses stay text (archives do not advertise
//! addresses). Everything else is HTML-escaped.
//!
//! Must not touch: line classification or quoting (see `text.rs`), and no I/O.

use linkify::{LinkFinder, LinkKind};

/// The `rel` every generated link carries.
pub(crate) const LINK_REL: &str = "nofollow noopener noreferrer";

const MAILTO: &str = "mailto:";

/// Reusable link finders for one rendering run.
pub(crate) struct Linker {
    /// URLs only (`scheme://`); the common case.
    urls: LinkFinder,
    /// URLs and addresses; used only on lines containing `mailto:`.
    urls_and_mail: LinkFinder,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker").finish_non_exhaustive()
    }
}

impl Linker {
    pub(crate) fn new() -> Self {
        let mut urls = LinkFinder::new();
        urls.kinds(&[LinkKind::Url]).url_must_have_scheme(true);
        let mut urls_and_mail = LinkFinder::new();
        urls_and_mail
            .kinds(&[LinkKind::Url, LinkKind::Email])
            .url_must_have_scheme(true);
        Self {
            urls,
            urls_and_mail,
        }
    }

    /// Append `line` to `out`, escaped, with qualifying URLs linked.
    pub(crate) fn push_line(&self, line: &str, out: &mut String) {
        // Every link we make contains a ':'; most lines have none.
        if !line.contains(':') {
            html_escape::encode_text_to_string(line, out);
            return;
        }
        let finder = if has_mailto(line) {
            &self.urls_and_mail
        } else {
            &self.urls
        };
        let mut done = 0;
        for link in finder.links(line) {
            let (start, end) = (link.start(), link.end());
            let start = match link.kind() {
                LinkKind::Url if is_linkable_url(link.as_str()) => start,
                LinkKind::Email if ends_with_ignore_ascii_case(&line[..start], MAILTO) => {
                    start - MAILTO.len()
                }
                _ => continue,
            };
            if start < done {
                continue;
            }
            html_escape::encode_text_to_string(&line[done..start], out);
            push_link(&line[start..end], out);
            done = end;
        }
        html_escape::encode_text_to_string(&line[done..], out);
    }
}

/// Is this URL (as found by linkify, so `scheme://...`) one we link?
fn is_linkable_url(url: &str) -> bool {
    let scheme = url.split_once("://").map_or("", |(s, _)| s);
    ["http", "https", "ftp"]
        .iter()
        .any(|s| scheme.eq_ignore_ascii_case(s))
}

fn push_link(target: &str, out: &mut String) {
    out.push_str("<a href=\"");
    html_escape::encode_quoted_attribute_to_string(target, out);
    out.push_str("\" rel=\"");
    out.push_str(LINK_REL);
    out.push_str("\">");
    html_escape::encode_text_to_string(target, out);
    out.push_str("</a>");
}

fn ends_with_ignore_ascii_case(hay: &str, suffix: &str) -> bool {
    hay.len() >= suffix.len()
        && hay.as_bytes()[hay.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// Does `line` contain `mailto:` in any case? Checks only at colons.
fn has_mailto(line: &str) -> bool {
    line.match_indices(':')
        .any(|(at, _)| ends_with_ignore_ascii_case(&line[..=at], MAILTO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(line: &str) -> String {
        let mut out = String::new();
        Linker::new().push_line(line, &mut out);
        out
    }

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(render("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
    }

    #[test]
    fn http_link_without_trailing_punctuation() {
        assert_eq!(
            render("see https://example.org/a?b=1&c=2."),
            "see <a href=\"https://example.org/a?b=1&amp;c=2\" \
             rel=\"nofollow noopener noreferrer\">https://example.org/a?b=1&amp;c=2</a>."
        );
    }

    #[test]
    fn angle_bracketed_url_links_without_brackets() {
        let out = render("<https://x.example/>");
        assert_eq!(
            out,
            "&lt;<a href=\"https://x.example/\" rel=\"nofollow noopener noreferrer\">\
             https://x.example/</a>&gt;"
        );
    }

    #[test]
    fn other_schemes_are_not_linked() {
        for s in [
            "javascript://%0aalert(1)",
            "data://text/html,x",
            "file:///etc/passwd",
            "vbscript://x",
            "xhttp://example.org/",
        ] {
            let out = render(s);
            assert!(!out.contains("<a"), "{s} -> {out}");
        }
    }

    #[test]
    fn ftp_is_linked() {
        assert!(render("ftp://ftp.example.org/pub/").contains("<a href=\"ftp://"));
    }

    #[test]
    fn bare_addresses_are_not_linked_but_mailto_is() {
        assert_eq!(render("mail joe@example.org"), "mail joe@example.org");
        assert_eq!(
            render("write MailTo:joe@example.org!"),
            "write <a href=\"MailTo:joe@example.org\" \
             rel=\"nofollow noopener noreferrer\">MailTo:joe@example.org</a>!"
        );
    }

    #[test]
    fn quotes_in_urls_cannot_break_the_attribute() {
        let out = render("http://e.example/?q=\"x\"'y'onmouseover=alert(1)");
        assert!(out.starts_with(
            "<a href=\"http://e.example/?q=&quot;x&quot;&#x27;y&#x27;onmouseover=alert(1)\" rel="
        ) || out.starts_with("<a href=\"http://e.example/?q=\" rel="), "{out}");
    }
}
