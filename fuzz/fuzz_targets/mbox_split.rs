//! The mbox splitter (`larch::ingest::MboxReader`) over arbitrary bytes,
//! with both escapings (mboxrd and none, as for Pipermail files).
//!
//! Checks, for every input:
//! - no panic, no error (reading from memory cannot fail);
//! - the messages tile the input in order: each message is the bytes
//!   between its From_ line and the next message's, un-escaped (mboxrd) or
//!   as is (none), less one separating newline; only leading blank lines
//!   before the first From_ line are dropped; offsets strictly increase;
//! - every From_ line passes `is_from_line` and the line after it passes
//!   `looks_like_header`; only the first message may lack a From_ line;
//! - the same input read one byte at a time splits the same way;
//! - (mboxrd) writing the messages back the way `larch export` does and
//!   splitting again gives the same messages.

#![no_main]

#[path = "common.rs"]
mod common;

use std::io::{BufReader, Read};

use larch::ingest::{Escaping, MboxReader, RawMessage, escape_rd, is_from_line, looks_like_header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(|| check(data)));

fn split(reader: impl std::io::BufRead, esc: Escaping) -> Vec<RawMessage> {
    MboxReader::new(reader, "fuzz.mbox", esc)
        .collect::<larch::Result<Vec<_>>>()
        .expect("reading from memory never fails")
}

fn check(data: &[u8]) {
    for esc in [Escaping::Rd, Escaping::None] {
        let msgs = split(data, esc);
        check_tiling(data, &msgs, esc);
        // Tiny reads: line assembly across buffer refills must not matter.
        let slow = split(BufReader::with_capacity(1, OneByte(data)), esc);
        assert_eq!(msgs.len(), slow.len(), "count differs with 1-byte reads");
        for (a, b) in msgs.iter().zip(&slow) {
            assert_eq!(a.bytes, b.bytes);
            assert_eq!(a.origin, b.origin);
        }
        if esc == Escaping::Rd {
            check_round_trip(&msgs);
        }
    }
}

/// A reader that hands out one byte per `read`.
struct OneByte<'a>(&'a [u8]);

impl Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.0.is_empty() {
            return Ok(0);
        }
        buf[0] = self.0[0];
        self.0 = &self.0[1..];
        Ok(1)
    }
}

/// The line of `data` starting at `at`, with its `\n` (if any).
fn line_at(data: &[u8], at: usize) -> &[u8] {
    let rest = &data[at..];
    match rest.iter().position(|&b| b == b'\n') {
        Some(n) => &rest[..=n],
        None => rest,
    }
}

/// mboxrd un-escaping: `>From ` loses one `>` (any number of `>` before it).
fn unescape_rd(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let gts = line.iter().take_while(|&&b| b == b'>').count();
        if gts > 0 && line[gts..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    out
}

fn check_tiling(data: &[u8], msgs: &[RawMessage], esc: Escaping) {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    // Where each message's raw span (after its From_ line) starts.
    let mut starts = Vec::with_capacity(msgs.len());
    let mut prev_offset: Option<u64> = None;
    for (i, m) in msgs.iter().enumerate() {
        let off = usize::try_from(m.origin.offset).expect("offset fits");
        assert!(off <= data.len(), "offset past the end");
        if let Some(p) = prev_offset {
            assert!(m.origin.offset > p, "offsets not increasing");
        }
        prev_offset = Some(m.origin.offset);
        match &m.origin.from_line {
            None => {
                assert_eq!(i, 0, "only the first message may lack a From_ line");
                assert_eq!(off, 0);
                starts.push(0);
            }
            Some(fl) => {
                let line = line_at(data, off);
                // At offset 0 a byte-order mark before `From ` is not content.
                let shown = if off == 0 && line.starts_with(BOM) {
                    &line[3..]
                } else {
                    line
                };
                assert!(shown.starts_with(fl), "From_ line is not the input's line");
                let eol = &shown[fl.len()..];
                assert!(eol == b"\n" || eol == b"\r\n", "From_ line end {eol:?}");
                assert!(is_from_line(fl), "separator fails is_from_line");
                let next = off + line.len();
                assert!(next < data.len(), "From_ line at the end of input");
                assert!(
                    looks_like_header(line_at(data, next)),
                    "separator not followed by a header"
                );
                starts.push(next);
            }
        }
    }
    // Before the first message: nothing, or only blank lines (dropped).
    let first = msgs
        .first()
        .map_or(data.len(), |m| m.origin.offset as usize);
    assert!(
        data[..first].iter().all(u8::is_ascii_whitespace),
        "bytes before the first message were dropped"
    );
    for (i, m) in msgs.iter().enumerate() {
        let end = msgs
            .get(i + 1)
            .map_or(data.len(), |n| n.origin.offset as usize);
        assert!(starts[i] <= end, "message span inverted");
        let raw = &data[starts[i]..end];
        let mut expected = match esc {
            Escaping::Rd => unescape_rd(raw),
            Escaping::None => raw.to_vec(),
        };
        if expected.ends_with(b"\n\n") || expected.ends_with(b"\r\n\r\n") {
            let cut = if expected.ends_with(b"\r\n") { 2 } else { 1 };
            expected.truncate(expected.len() - cut);
        }
        assert!(
            m.bytes == expected,
            "message {i} bytes are not its span of the input\n got: {:?}\nwant: {:?}",
            String::from_utf8_lossy(&m.bytes),
            String::from_utf8_lossy(&expected)
        );
    }
}

/// Write the messages that had a From_ line as `larch export` does and split
/// again: the same bytes come back (plus the newline export adds to a
/// message that lacks a final one).
fn check_round_trip(msgs: &[RawMessage]) {
    let kept: Vec<&RawMessage> = msgs
        .iter()
        .filter(|m| m.origin.from_line.is_some())
        .collect();
    let mut file = Vec::new();
    for m in &kept {
        file.extend_from_slice(b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n");
        escape_rd(&m.bytes, &mut file);
        if !m.bytes.ends_with(b"\n") {
            file.push(b'\n');
        }
        file.push(b'\n');
    }
    let again = split(&file[..], Escaping::Rd);
    assert_eq!(
        again.len(),
        kept.len(),
        "export round trip changed the count"
    );
    for (a, b) in kept.iter().zip(&again) {
        let mut want = a.bytes.clone();
        if !want.ends_with(b"\n") {
            want.push(b'\n');
        }
        assert!(
            b.bytes == want,
            "export round trip changed a message\n got: {:?}\nwant: {:?}",
            String::from_utf8_lossy(&b.bytes),
            String::from_utf8_lossy(&want)
        );
    }
}
