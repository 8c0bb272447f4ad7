//! The mbox splitter: a stream of bytes -> raw messages, surviving real damage.
//!
//! A line beginning `From ` is a separator only when it has the shape of a
//! From_ line (a sender and a date, or a lone sender token as some writers
//! produce) and is followed by a header field. An empty line before it is
//! usual but not required (older Pipermail writes the next From_ line right
//! after the scrubber's `URL:` line); when present it is not part of the message. Body lines that were never escaped
//! (Pipermail `.txt` files, old mboxo archives) therefore stay in their message,
//! and `Content-Length:` is never trusted. Reads through a `BufRead`: memory is
//! bounded by the largest message, never the input size, and a message is
//! held to [`MAX_MESSAGE`] bytes: a bigger one (a mail-shaped gzip bomb) is
//! read past and reported as [`Error::Skipped`] with its offset, and the
//! messages after it are still read.
//!
//! Owns splitting and un-escaping only; never parses MIME.

use std::io::{BufRead, Read};
use std::path::PathBuf;

use super::fromline::{is_from_line, looks_like_header};
use super::{Origin, RawMessage};
use crate::{Error, Result};

/// The largest message kept: 256 MiB, five times the biggest limit a
/// mail server is commonly set to.
pub const MAX_MESSAGE: usize = 256 << 20;

/// How body lines beginning `From ` were escaped in this mbox.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Escaping {
    /// mboxrd: `>From `, `>>From `... each lose one `>` on reading.
    Rd,
    /// Nothing was escaped (Pipermail `.txt`): bytes are kept as they are.
    None,
}

/// Iterator over the messages of one mbox stream.
#[derive(Debug)]
pub struct MboxReader<R> {
    reader: R,
    path: PathBuf,
    escaping: Escaping,
    /// Bytes consumed so far (offset of the next line).
    offset: u64,
    /// A line read ahead and not yet handled: (bytes, offset).
    pending: Option<(Vec<u8>, u64)>,
    /// The From_ line of the message being collected, and its offset.
    current_from: Option<(Vec<u8>, u64)>,
    /// Bytes of the message being collected.
    current: Vec<u8>,
    /// The message being collected went past `max`: its bytes are dropped.
    oversize: bool,
    max: usize,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    /// Split `reader`, reporting offsets and errors against `path`.
    pub fn new(reader: R, path: impl Into<PathBuf>, escaping: Escaping) -> Self {
        MboxReader {
            reader,
            path: path.into(),
            escaping,
            offset: 0,
            pending: None,
            current_from: None,
            current: Vec::new(),
            oversize: false,
            max: MAX_MESSAGE,
            done: false,
        }
    }

    /// The same reader with another message size limit (tests).
    pub fn with_max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    fn read_line(&mut self) -> Result<Option<(Vec<u8>, u64)>> {
        if let Some(p) = self.pending.take() {
            return Ok(Some(p));
        }
        let mut line = Vec::new();
        let at = self.offset;
        // At most `max + 1` bytes of one line are kept; the rest of an
        // endless line is read and dropped, and its message is oversize.
        let limit = self.max as u64 + 1;
        let n = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io_at(&self.path, at, e))?;
        if n == 0 {
            return Ok(None);
        }
        self.offset += n as u64;
        if !line.ends_with(b"\n") && n as u64 == limit {
            self.oversize = true;
            self.offset += self
                .skip_line()
                .map_err(|e| Error::io_at(&self.path, at, e))?;
        }
        Ok(Some((line, at)))
    }

    /// Reads and drops bytes up to and including the next newline.
    fn skip_line(&mut self) -> std::io::Result<u64> {
        let mut skipped = 0u64;
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok(skipped);
            }
            let (used, found) = match memchr::memchr(b'\n', buf) {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            self.reader.consume(used);
            skipped += used as u64;
            if found {
                return Ok(skipped);
            }
        }
    }

    /// Finish the message being collected, without the empty line that
    /// separates it from the next From_ line (when there is one).
    fn take_current(&mut self) -> Option<Result<RawMessage>> {
        let mut bytes = std::mem::take(&mut self.current);
        let from = self.current_from.take();
        if std::mem::take(&mut self.oversize) {
            return Some(Err(Error::Skipped {
                path: self.path.clone(),
                offset: from.map_or(0, |(_, o)| o),
                reason: format!("message larger than {} MiB: not archived", self.max >> 20),
            }));
        }
        if bytes.ends_with(b"\n\n") || bytes.ends_with(b"\r\n\r\n") {
            strip_one_newline(&mut bytes);
        }
        if from.is_none() && bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return None; // leading blank lines before the first From_
        }
        let (from_line, offset) = match from {
            Some((l, o)) => (Some(trim_eol(&l).to_vec()), o),
            None => (None, 0),
        };
        Some(Ok(RawMessage {
            bytes,
            origin: Origin {
                path: self.path.clone(),
                offset,
                from_line,
            },
        }))
    }

    fn push_body_line(&mut self, line: &[u8]) {
        if self.oversize || self.current.len() + line.len() > self.max {
            self.oversize = true;
            self.current = Vec::new();
            return;
        }
        if self.escaping == Escaping::Rd && is_escaped_from(line) {
            self.current.extend_from_slice(&line[1..]);
        } else {
            self.current.extend_from_slice(line);
        }
    }

    fn next_message(&mut self) -> Result<Option<Result<RawMessage>>> {
        while let Some((mut line, at)) = self.read_line()? {
            // A byte-order mark before the first From_ line is not content;
            // it stays when the line turns out not to be a separator.
            let bom = if at == 0 && line.starts_with(b"\xEF\xBB\xBFFrom ") {
                3
            } else {
                0
            };
            if line[bom..].starts_with(b"From ") && is_from_line(&line[bom..]) {
                // Look ahead: a real separator is followed by a header field.
                let next = self.read_line()?;
                let confirmed = match &next {
                    Some((n, _)) => looks_like_header(n),
                    None => false,
                };
                self.pending = next;
                if confirmed {
                    let had_message =
                        self.current_from.is_some() || !self.current.is_empty() || self.oversize;
                    let done = if had_message {
                        self.take_current()
                    } else {
                        None
                    };
                    line.drain(..bom);
                    self.current_from = Some((line, at));
                    if done.is_some() {
                        return Ok(done);
                    }
                    continue;
                }
            }
            self.push_body_line(&line);
        }
        self.done = true;
        if self.current_from.is_some() || !self.current.is_empty() || self.oversize {
            return Ok(self.take_current());
        }
        Ok(None)
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_message() {
            Ok(Some(m)) => Some(m),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn strip_one_newline(bytes: &mut Vec<u8>) {
    if bytes.ends_with(b"\r\n") {
        bytes.truncate(bytes.len() - 2);
    } else if bytes.ends_with(b"\n") {
        bytes.truncate(bytes.len() - 1);
    }
}

/// `>From `, `>>From `, ...: a line mboxrd escaped.
fn is_escaped_from(line: &[u8]) -> bool {
    let gts = line.iter().take_while(|&&b| b == b'>').count();
    gts > 0 && line[gts..].starts_with(b"From ")
}

/// Escape one message for writing into an mboxrd file: every line matching
/// `^>*From ` gets one more `>`.
pub fn escape_rd(bytes: &[u8], out: &mut Vec<u8>) {
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        let gts = line.iter().take_while(|&&b| b == b'>').count();
        if line[gts..].starts_with(b"From ") {
            out.push(b'>');
        }
        out.extend_from_slice(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8], esc: Escaping) -> Vec<RawMessage> {
        MboxReader::new(input, "t.mbox", esc)
            .collect::<Result<Vec<_>>>()
            .unwrap()
    }

    #[test]
    fn splits_and_strips_separator_blank_line() {
        let m = split(
            b"From a@b Mon Jan  3 10:20:30 2005\nSubject: one\n\nbody\n\nFrom c@d Mon Jan  3 10:20:31 2005\nSubject: two\n\nbody2\n",
            Escaping::Rd,
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].bytes, b"Subject: one\n\nbody\n");
        assert_eq!(m[1].bytes, b"Subject: two\n\nbody2\n");
        assert_eq!(m[1].origin.offset, 54);
        assert_eq!(
            m[0].origin.from_line.as_deref(),
            Some(&b"From a@b Mon Jan  3 10:20:30 2005"[..])
        );
    }

    #[test]
    fn unescaped_body_from_lines_do_not_split() {
        let input = b"From a at b.org  Wed Jun  3 23:23:00 2015\nFrom: a at b.org (A)\n\nhello\n\nFrom the docs: it works.\n\nFrom here on\nnothing\n\nFrom c at d.org  Wed Jun  3 23:24:00 2015\nFrom: c at d.org\n\nx\n";
        let m = split(input, Escaping::None);
        assert_eq!(m.len(), 2);
        assert!(m[0].bytes.ends_with(b"From here on\nnothing\n"));
    }

    #[test]
    fn pasted_from_line_without_header_after_is_body() {
        let input = b"From a@b Mon Jan  3 10:20:30 2005\nSubject: s\n\nsee:\n\nFrom a@b Mon Jan  3 10:20:30 2005\nbody, not headers\n";
        assert_eq!(split(input, Escaping::None).len(), 1);
    }

    #[test]
    fn mboxrd_unescape_round_trips() {
        let original = b"Subject: s\n\nFrom me\n>From you\n>>From them\n> From quoted\n".to_vec();
        let mut file = b"From x@y Mon Jan  3 10:20:30 2005\n".to_vec();
        escape_rd(&original, &mut file);
        file.extend_from_slice(b"\n");
        let m = split(&file, Escaping::Rd);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].bytes, original);
    }

    #[test]
    fn crlf_mbox() {
        let input = b"From a@b Mon Jan  3 10:20:30 2005\r\nSubject: 1\r\n\r\nx\r\n\r\nFrom a@b Mon Jan  3 10:20:30 2005\r\nSubject: 2\r\n\r\ny\r\n";
        let m = split(input, Escaping::Rd);
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].bytes, b"Subject: 1\r\n\r\nx\r\n");
    }

    #[test]
    fn last_message_kept_without_trailing_newline() {
        let m = split(
            b"From a@b Mon Jan  3 10:20:30 2005\nSubject: 1\n\nlast line",
            Escaping::Rd,
        );
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].bytes, b"Subject: 1\n\nlast line");
    }

    #[test]
    fn junk_before_first_separator_is_kept() {
        let m = split(
            b"Subject: orphan\n\ntext\n\nFrom a@b Mon Jan  3 10:20:30 2005\nSubject: 1\n\nx\n",
            Escaping::Rd,
        );
        assert_eq!(m.len(), 2);
        assert!(m[0].origin.from_line.is_none());
    }

    #[test]
    fn separator_without_blank_line() {
        let m = split(
            b"From a at b  Wed Jun  3 23:23:00 2005\nFrom: a at b\n\nx\nURL: <http://x/>\nFrom c at d  Wed Jun  3 23:24:00 2005\nFrom: c at d\n\ny\n",
            Escaping::None,
        );
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].bytes, b"From: a at b\n\nx\nURL: <http://x/>\n");
    }

    #[test]
    fn dateless_from_lines() {
        let m = split(
            b"From -\nSubject: 1\n\nx\n\nFrom 123@xxx\nSubject: 2\n\ny\n",
            Escaping::Rd,
        );
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn byte_order_mark() {
        // Before a separator: dropped. Before a line that is not one: kept
        // (found by fuzz/mbox_split; the message lost its first 3 bytes).
        let m = split(
            b"\xEF\xBB\xBFFrom a@b Mon Jan  3 10:20:30 2005\nSubject: 1\n\nx\n",
            Escaping::Rd,
        );
        assert_eq!(m.len(), 1);
        assert_eq!(
            m[0].origin.from_line.as_deref(),
            Some(&b"From a@b Mon Jan  3 10:20:30 2005"[..])
        );
        assert_eq!(m[0].bytes, b"Subject: 1\n\nx\n");
        let input = b"\xEF\xBB\xBFFrom a@b Tue Jul :37 +0200 2003\nX-A:b\n\nbody\n";
        for esc in [Escaping::Rd, Escaping::None] {
            let m = split(input, esc);
            assert_eq!(m.len(), 1);
            assert!(m[0].origin.from_line.is_none());
            assert_eq!(m[0].bytes, input);
        }
    }

    #[test]
    fn empty_input() {
        assert!(split(b"", Escaping::Rd).is_empty());
        assert!(split(b"\n\n", Escaping::Rd).is_empty());
    }

    #[test]
    fn oversize_message_is_skipped_and_reading_goes_on() {
        let big = "x".repeat(300);
        let input = format!(
            "From a@b Mon Jan  1 00:00:00 2024\nSubject: one\n\nshort\n\n\
             From a@b Mon Jan  1 00:00:00 2024\nSubject: two\n\n{big}\n{big}\n\n\
             From a@b Mon Jan  1 00:00:00 2024\nSubject: three\n\n{big}{big}{big}\n\n\
             From a@b Mon Jan  1 00:00:00 2024\nSubject: four\n\nshort\n"
        );
        let out: Vec<_> = MboxReader::new(input.as_bytes(), "t.mbox", Escaping::Rd)
            .with_max(500)
            .collect();
        assert_eq!(out.len(), 4);
        assert!(out[0].as_ref().unwrap().bytes.ends_with(b"short\n"));
        // Two lines of 301 bytes: over 500 in total.
        let Err(Error::Skipped { offset, .. }) = &out[1] else {
            panic!("{:?}", out[1])
        };
        assert_eq!(
            *offset,
            input
                .find("From a@b Mon Jan  1 00:00:00 2024\nSubject: two")
                .unwrap() as u64
        );
        // One line of 901 bytes, longer than the limit: read past, skipped.
        assert!(matches!(out[2], Err(Error::Skipped { .. })), "{:?}", out[2]);
        let four = out[3].as_ref().unwrap();
        assert!(four.bytes.starts_with(b"Subject: four"));
        assert_eq!(four.origin.offset, input.rfind("From a@b").unwrap() as u64);
    }
}
