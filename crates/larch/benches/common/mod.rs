//! Shared by the benches (and `examples/parse_floor.rs`): the corpus, the
//! mbox splitter over bytes in memory, and the per-message parse + summary
//! step of an import.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};

use larch::ingest::{Escaping, MboxReader, RawMessage};
use larch::model::Summary;
use larch::parse::{self, Extracted, date::parse_from_line};

/// The import time given to the filing-date choice (its last fallback).
pub const NOW: i64 = 1_700_000_000;

/// The corpus the benches read: `$LARCH_BENCH_MBOX`, else the repository's
/// `bench/cache/m10000.mbox` (made by `bench/run.sh`), else 2,000 messages
/// generated once by `../shared/bench/gen-mbox.py` into the temp directory.
pub fn corpus() -> PathBuf {
    if let Some(p) = std::env::var_os("LARCH_BENCH_MBOX") {
        return PathBuf::from(p);
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cached = manifest.join("../../bench/cache/m10000.mbox");
    if cached.is_file() {
        return cached;
    }
    let dir = std::env::temp_dir().join("larch-bench");
    let out = dir.join("m2000-seed1.mbox");
    if out.is_file() {
        return out;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let script = manifest.join("../../../shared/bench/gen-mbox.py");
    let tmp = dir.join(format!("m2000-seed1.mbox.{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .arg(&script)
        .args(["--messages", "2000", "--seed", "1", "--out"])
        .arg(&tmp)
        .status()
        .unwrap_or_else(|e| panic!("python3 {}: {e}", script.display()));
    assert!(status.success(), "{} failed", script.display());
    std::fs::rename(&tmp, &out).unwrap();
    out
}

/// The corpus's bytes, and where they came from (for the bench output).
pub fn corpus_bytes() -> (PathBuf, Vec<u8>) {
    let path = corpus();
    let bytes = std::fs::read(&path).unwrap();
    eprintln!("corpus: {} ({} bytes)", path.display(), bytes.len());
    (path, bytes)
}

/// Split `mbox` (mboxrd, as `larch import` reads an mbox) with larch's splitter.
pub fn split(mbox: &[u8], limit: usize) -> Vec<RawMessage> {
    MboxReader::new(mbox, "bench.mbox", Escaping::Rd)
        .take(limit)
        .collect::<larch::Result<_>>()
        .unwrap()
}

/// What `larch import` does with one message before the store: extract the
/// summary fields (parallel in an import), then choose the filing date
/// (sequential in an import: `previous` is the previous message's filing date).
pub fn summarize(raw: &RawMessage, previous: Option<i64>) -> Summary {
    file(raw, parse::extract(&raw.bytes, false), previous)
}

/// The filing-date choice from the Date: header, the From_ line and
/// Received:, completing the summary (the import's sequential step).
pub fn file(raw: &RawMessage, ex: Extracted, previous: Option<i64>) -> Summary {
    let from_line_date = raw
        .origin
        .from_line
        .as_deref()
        .and_then(|l| parse_from_line(&String::from_utf8_lossy(l)));
    let (filing, defect) = parse::choose_filing_date(
        ex.date,
        ex.date_raw.as_deref(),
        from_line_date,
        ex.received,
        previous,
        NOW,
    );
    ex.into_summary(filing, defect)
}
