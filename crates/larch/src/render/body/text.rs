//! `text/plain` bodies to an HTML fragment: one `<pre class="body">` whose
//! runs of quoted, signature, patch and diffstat lines are wrapped in
//! `<span class="...">` (class names are listed in `mod.rs`).
//!
//! Must not touch: the HTML sanitizer, attachments, or any I/O. Single pass
//! over the lines, one output `String`, no recursion.

use super::clean::clean_text;
use super::diff::{self, Patch};
use super::flowed::{Line, Unflow, fixed_lines};
use super::links::Linker;

/// Quote classes by depth; deeper quotes share the last one.
const QUOTE_CLASSES: [&str; 4] = ["q1", "q2", "q3", "q4"];
const SIG: &str = "sig";

/// text/plain (already decoded to UTF-8) -> HTML fragment.
///
/// `flowed` and `delsp` are the `format=flowed` and `delsp=yes` parameters
/// of the part's Content-Type. Leading and trailing blank lines are dropped;
/// everything else is kept, escaped, with http/https/ftp URLs and explicit
/// `mailto:` addresses linked.
pub fn render_text(text: &str, flowed: bool, delsp: bool) -> String {
    let cleaned = clean_text(text);
    let body = trim_blank_edges(&cleaned);
    let mut out = Output::new(body.len());
    if flowed {
        out.lines(Unflow::new(body, delsp));
    } else {
        out.lines(fixed_lines(body));
    }
    out.finish()
}

/// Drop blank lines at both ends (and trailing whitespace of the last line).
pub(crate) fn trim_blank_edges(text: &str) -> &str {
    let text = text.trim_end();
    let first = text
        .find(|c: char| !c.is_whitespace())
        .unwrap_or(text.len());
    let start = text[..first].rfind('\n').map_or(0, |nl| nl + 1);
    &text[start..]
}

/// What region of the body the previous line was in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Region {
    Prose,
    Patch(Patch),
    Diffstat,
    Signature,
}

/// Line classifier: a small state machine fed one line at a time.
#[derive(Debug)]
struct Classifier {
    region: Region,
}

impl Classifier {
    /// The class for `line`, given the line after it (for patch starts).
    fn classify(&mut self, line: &Line<'_>, next: Option<&str>) -> Option<&'static str> {
        let text: &str = &line.text;
        if let Region::Patch(patch) = &mut self.region {
            if let Some(class) = patch.step(text) {
                return class;
            }
            self.region = Region::Prose;
        }
        if line.depth > 0 {
            // A quote ends a signature (top-posted replies quote below it).
            self.region = Region::Prose;
            let index = line.depth.min(QUOTE_CLASSES.len()) - 1;
            return Some(QUOTE_CLASSES[index]);
        }
        if self.region == Region::Signature {
            return Some(SIG);
        }
        if text == "-- " || text == "--" {
            self.region = Region::Signature;
            return Some(SIG);
        }
        if Patch::starts_at(text, next) {
            self.region = Region::Patch(Patch::default());
            return Some(diff::FILE);
        }
        let in_stat = self.region == Region::Diffstat;
        if diff::is_stat_line(text)
            || diff::is_stat_summary(text)
            || (in_stat && diff::is_stat_mode_line(text))
        {
            self.region = Region::Diffstat;
            return Some(diff::DIFFSTAT);
        }
        self.region = Region::Prose;
        None
    }
}

/// The output buffer and the span currently open in it.
struct Output {
    html: String,
    open: Option<&'static str>,
    first: bool,
    linker: Linker,
    classifier: Classifier,
}

impl Output {
    fn new(input_len: usize) -> Self {
        let mut html = String::with_capacity(input_len + input_len / 8 + 64);
        // The newline after <pre> is eaten by HTML parsers; adding one keeps
        // the first line intact whatever it starts with.
        html.push_str("<pre class=\"body\">\n");
        Self {
            html,
            open: None,
            first: true,
            linker: Linker::new(),
            classifier: Classifier {
                region: Region::Prose,
            },
        }
    }

    fn lines<'a>(&mut self, lines: impl Iterator<Item = Line<'a>>) {
        let mut lines = lines.peekable();
        while let Some(line) = lines.next() {
            let next = lines.peek().map(|l| &*l.text);
            let class = self.classifier.classify(&line, next);
            self.push(class, &line.text);
        }
    }

    fn push(&mut self, class: Option<&'static str>, text: &str) {
        if class != self.open {
            if self.open.is_some() {
                self.html.push_str("</span>");
            }
            if !self.first {
                self.html.push('\n');
            }
            if let Some(class) = class {
                self.html.push_str("<span class=\"");
                self.html.push_str(class);
                self.html.push_str("\">");
            }
            self.open = class;
        } else if !self.first {
            self.html.push('\n');
        }
        self.first = false;
        self.linker.push_line(text, &mut self.html);
    }

    fn finish(mut self) -> String {
        if self.open.is_some() {
            self.html.push_str("</span>");
        }
        self.html.push_str("</pre>");
        self.html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner(html: &str) -> &str {
        html.strip_prefix("<pre class=\"body\">\n")
            .and_then(|h| h.strip_suffix("</pre>"))
            .unwrap_or("<bad wrapper>")
    }

    #[test]
    fn empty_body() {
        assert_eq!(
            render_text("", false, false),
            "<pre class=\"body\">\n</pre>"
        );
        assert_eq!(
            render_text("\n \r\n\t\n", true, false),
            "<pre class=\"body\">\n</pre>"
        );
    }

    #[test]
    fn escapes_and_trims() {
        let out = render_text("\n\n  <b>&amp;</b>\r\n\n\n", false, false);
        assert_eq!(inner(&out), "  &lt;b&gt;&amp;amp;&lt;/b&gt;");
    }

    #[test]
    fn quotes_are_grouped_by_depth() {
        let out = render_text(
            "On x wrote:\n> a\n> b\n>> c\n> > d\n>>>>>> deep\nreply\n",
            false,
            false,
        );
        assert_eq!(
            inner(&out),
            "On x wrote:\n<span class=\"q1\">&gt; a\n&gt; b</span>\n\
             <span class=\"q2\">&gt;&gt; c\n&gt; &gt; d</span>\n\
             <span class=\"q4\">&gt;&gt;&gt;&gt;&gt;&gt; deep</span>\nreply"
        );
    }

    #[test]
    fn signature_runs_to_end_or_quote() {
        let out = render_text(
            "hi\n-- \nJoe\nhttp://joe.example/\n> old\nmore",
            false,
            false,
        );
        assert!(inner(&out).starts_with("hi\n<span class=\"sig\">-- \nJoe\n<a href="));
        assert!(inner(&out).ends_with("</span>\n<span class=\"q1\">&gt; old</span>\nmore"));
        assert!(render_text("a\n--\nb", false, false).contains("<span class=\"sig\">--\nb</span>"));
        assert!(!render_text("a\n---\nb", false, false).contains("sig"));
    }

    #[test]
    fn patch_is_styled_prose_is_not() {
        let mail = "Fix it.\n\n- not a diff\n+ neither\n---\n \
                    x.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n\
                    diff --git a/x.c b/x.c\nindex 1..2 100644\n--- a/x.c\n+++ b/x.c\n\
                    @@ -1,2 +1,2 @@\n ctx\n-old\n+new\n-- \n2.43.0\n";
        let out = render_text(mail, false, false);
        let body = inner(&out);
        assert!(
            body.starts_with("Fix it.\n\n- not a diff\n+ neither\n---\n"),
            "{body}"
        );
        assert!(body.contains(
            "<span class=\"diffstat\"> x.c | 2 +-\n 1 file changed, \
             1 insertion(+), 1 deletion(-)</span>"
        ));
        assert!(body.contains(
            "<span class=\"diff-file\">diff --git a/x.c b/x.c\nindex 1..2 100644\n\
             --- a/x.c\n+++ b/x.c</span>\n<span class=\"diff-hunk\">@@ -1,2 +1,2 @@</span>\n ctx\n\
             <span class=\"diff-del\">-old</span>\n<span class=\"diff-add\">+new</span>\n\
             <span class=\"sig\">-- \n2.43.0</span>"
        ));
    }

    #[test]
    fn flowed_text_is_joined() {
        let out = render_text("Long \nline.\n> quo \n> ted\n", true, false);
        assert_eq!(
            inner(&out),
            "Long line.\n<span class=\"q1\">&gt; quo ted</span>"
        );
    }

    #[test]
    fn controls_and_bidi_are_removed() {
        let out = render_text("a\u{1b}[2Jb\u{202e}gnp.exe\u{7}\tc", false, false);
        assert_eq!(inner(&out), "a[2Jbgnp.exe\tc");
    }

    #[test]
    fn links_inside_quotes_and_brackets() {
        let out = render_text("> see <https://x.example/a>.", false, false);
        assert_eq!(
            inner(&out),
            "<span class=\"q1\">&gt; see &lt;<a href=\"https://x.example/a\" \
             rel=\"nofollow noopener noreferrer\">https://x.example/a</a>&gt;.</span>"
        );
    }

    #[test]
    fn deep_quote_line_is_fine() {
        let deep = ">".repeat(200_000) + " x";
        let out = render_text(&deep, false, false);
        assert!(out.contains("class=\"q4\""));
        let out = render_text(&deep, true, false);
        assert!(out.contains("class=\"q4\""));
    }
}
