//! Splitting a cleaned body into display lines with their quote depth,
//! including RFC 3676 `format=flowed` reassembly.
//!
//! Must not touch: escaping, classification or output (see `text.rs`),
//! and no I/O. Works on text already cleaned by `clean.rs`.

use std::borrow::Cow;

/// One display line and how deeply it is quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// Number of leading `>` quote markers.
    pub(crate) depth: usize,
    /// The text to display, quote markers included.
    pub(crate) text: Cow<'a, str>,
}

/// Quote depth of a fixed (non-flowed) line: leading `>` characters,
/// optionally separated by spaces (`> > text` is depth 2). The line must
/// start with `>`; indented text is not a quote.
pub(crate) fn quote_depth(line: &str) -> usize {
    let mut depth = 0;
    for b in line.bytes() {
        match b {
            b'>' => depth += 1,
            b' ' if depth > 0 => {}
            _ => break,
        }
    }
    depth
}

/// Lines of a fixed-format body.
pub(crate) fn fixed_lines(body: &str) -> impl Iterator<Item = Line<'_>> {
    body.split('\n').map(|text| Line {
        depth: quote_depth(text),
        text: Cow::Borrowed(text),
    })
}

/// Logical lines of a `format=flowed` body (RFC 3676 section 4).
///
/// A line ending in a space is joined with the next line of the same quote
/// depth. Quote depth is the count of leading `>` (no spaces between them),
/// one space after them is space-stuffing and removed. With `delsp` the
/// trailing space of a flowed line is removed too. The signature separator
/// `-- ` never joins with anything. Quoted output is shown as `>>> text`.
#[derive(Debug)]
pub(crate) struct Unflow<'a> {
    raw: std::str::Split<'a, char>,
    delsp: bool,
    /// Paragraph being assembled: its depth and text so far.
    pending: Option<(usize, String)>,
    /// A finished line to hand out on the next call.
    queued: Option<Line<'a>>,
}

impl<'a> Unflow<'a> {
    pub(crate) fn new(body: &'a str, delsp: bool) -> Self {
        Self {
            raw: body.split('\n'),
            delsp,
            pending: None,
            queued: None,
        }
    }
}

fn display(depth: usize, content: Cow<'_, str>) -> Line<'_> {
    if depth == 0 {
        return Line {
            depth,
            text: content,
        };
    }
    let mut text = String::with_capacity(depth + 1 + content.len());
    text.extend(std::iter::repeat_n('>', depth));
    if !content.is_empty() {
        text.push(' ');
        text.push_str(&content);
    }
    Line {
        depth,
        text: Cow::Owned(text),
    }
}

impl<'a> Iterator for Unflow<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if let Some(line) = self.queued.take() {
            return Some(line);
        }
        loop {
            let Some(raw) = self.raw.next() else {
                return self
                    .pending
                    .take()
                    .map(|(depth, text)| display(depth, Cow::Owned(text)));
            };
            let depth = raw.bytes().take_while(|&b| b == b'>').count();
            let rest = &raw[depth..];
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            let is_sig = rest == "-- ";
            let flowed = !is_sig && rest.ends_with(' ');
            let content = match rest.strip_suffix(' ') {
                Some(trimmed) if flowed && self.delsp => trimmed,
                _ => rest,
            };

            let mut finished = None;
            if let Some((pending_depth, mut text)) = self.pending.take() {
                if pending_depth == depth && !is_sig {
                    text.push_str(content);
                    if flowed {
                        self.pending = Some((pending_depth, text));
                        continue;
                    }
                    return Some(display(depth, Cow::Owned(text)));
                }
                // Depth changed (or a signature follows): the paragraph ends.
                finished = Some(display(pending_depth, Cow::Owned(text)));
            }

            let current = if flowed {
                self.pending = Some((depth, content.to_owned()));
                None
            } else {
                Some(display(depth, Cow::Borrowed(content)))
            };
            match (finished, current) {
                (Some(done), Some(now)) => {
                    self.queued = Some(now);
                    return Some(done);
                }
                (Some(line), None) | (None, Some(line)) => return Some(line),
                (None, None) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unflow(body: &str, delsp: bool) -> Vec<(usize, String)> {
        Unflow::new(body, delsp)
            .map(|l| (l.depth, l.text.into_owned()))
            .collect()
    }

    #[test]
    fn quote_depth_counts_spaced_markers() {
        assert_eq!(quote_depth("> > >x"), 3);
        assert_eq!(quote_depth(">>x"), 2);
        assert_eq!(quote_depth(" > x"), 0);
        assert_eq!(quote_depth("x > y"), 0);
    }

    #[test]
    fn joins_flowed_lines() {
        let got = unflow("Hello \nworld.\nNext\n", false);
        assert_eq!(got[0], (0, "Hello world.".into()));
        assert_eq!(got[1], (0, "Next".into()));
    }

    #[test]
    fn delsp_removes_the_soft_break_space() {
        let got = unflow("Hyphen-\u{20}\nated\n", true);
        assert_eq!(got[0], (0, "Hyphen-ated".into()));
    }

    #[test]
    fn space_stuffing_and_quotes() {
        let got = unflow(">> quoted \n>> more\n> less\n From here\n", false);
        assert_eq!(got[0], (2, ">> quoted more".into()));
        assert_eq!(got[1], (1, "> less".into()));
        assert_eq!(got[2], (0, "From here".into()));
    }

    #[test]
    fn depth_change_ends_paragraph() {
        let got = unflow("> soft \nhard\n", false);
        assert_eq!(got[0], (1, "> soft ".into()));
        assert_eq!(got[1], (0, "hard".into()));
    }

    #[test]
    fn signature_separator_never_joins() {
        let got = unflow("text \n-- \nsig\n", false);
        assert_eq!(got[0], (0, "text ".into()));
        assert_eq!(got[1], (0, "-- ".into()));
        assert_eq!(got[2], (0, "sig".into()));
    }

    #[test]
    fn trailing_flowed_line_is_flushed() {
        let got = unflow("one \ntwo ", false);
        assert_eq!(got, vec![(0, "one two ".into())]);
    }
}
