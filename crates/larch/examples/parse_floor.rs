//! The parse floor: how fast mail-parser alone reads every message of an
//! mbox, against larch's own parse + summary (what `larch import` does per
//! message before the store: `parse::extract`, then the filing-date choice),
//! both on all cores (rayon) over the same messages, split first by larch's
//! splitter from a memory map (the split is timed apart, on one core).
//!
//!     cargo run --release --ignore-rust-version -p larch --example parse_floor -- FILE.mbox [REPS]
//!
//! Each measurement is the best of REPS runs (default 3, interleaved); the SHA-256 that
//! `parse::extract` computes for the store is also timed alone, to show how
//! much of the gap to the floor is hashing rather than parsing. The last line is
//! for scripts: `PARSE_FLOOR floor_msgs_per_s=.. larch_msgs_per_s=.. ratio=..`
//! (ratio = floor rate / larch rate: how many times slower larch is).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::fs::File;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use larch::ingest::RawMessage;
use mail_parser::MessageParser;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

/// Seconds `f` takes.
fn time(f: impl FnOnce()) -> f64 {
    let t = Instant::now();
    f();
    t.elapsed().as_secs_f64()
}

/// The floor: mail-parser's parse, touching what a summary reads (and the
/// body text), so that nothing is optimized away.
fn floor(raw: &RawMessage) -> usize {
    let Some(m) = MessageParser::default().parse(&raw.bytes) else {
        return 0;
    };
    m.subject().map_or(0, str::len)
        + m.from()
            .and_then(|f| f.first())
            .and_then(|a| a.address())
            .map_or(0, str::len)
        + m.date().map_or(0, |d| d.day as usize)
        + m.body_text(0).map_or(0, |b| b.len())
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = PathBuf::from(
        args.next()
            .expect("usage: parse_floor FILE.mbox [REPS] (reps default 3)"),
    );
    let reps: usize = args
        .next()
        .map_or(3, |r| r.parse().expect("REPS: a number"));
    let file = File::open(&path).expect("open the mbox");
    // SAFETY: the file is only read, and nothing else in this process
    // writes it; a concurrent writer elsewhere could change the bytes under
    // us, which for a benchmark input is the caller's business.
    #[allow(unsafe_code)]
    let map = unsafe { memmap2::Mmap::map(&file) }.expect("mmap the mbox");

    let t = Instant::now();
    let messages = common::split(&map, usize::MAX);
    let split_s = t.elapsed().as_secs_f64();
    let n = messages.len() as f64;
    let bytes: usize = messages.iter().map(|r| r.bytes.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{}: {} messages, {:.1} MB of messages ({:.1} MB file), {} threads, best of {reps}",
        path.display(),
        messages.len(),
        mb,
        map.len() as f64 / 1e6,
        rayon::current_num_threads()
    );
    println!(
        "split (larch, 1 core): {:.0} msg/s {:.1} MB/s",
        n / split_s,
        map.len() as f64 / 1e6 / split_s
    );

    // Interleaved, so that each gets its best of the same moments of a
    // shared machine.
    let (mut floor_s, mut larch_s, mut sha_s) = (f64::INFINITY, f64::INFINITY, f64::INFINITY);
    for _ in 0..reps.max(1) {
        floor_s = floor_s.min(time(|| {
            let touched: usize = messages.par_iter().map(floor).sum();
            black_box(touched);
        }));
        larch_s = larch_s.min(time(|| {
            let summaries: Vec<_> = messages
                .par_iter()
                .map(|raw| common::summarize(raw, None))
                .collect();
            black_box(summaries);
        }));
        // The part of larch's work that is not parsing: the store's content hash.
        sha_s = sha_s.min(time(|| {
            let hashes: Vec<[u8; 32]> = messages
                .par_iter()
                .map(|raw| Sha256::digest(&raw.bytes).into())
                .collect();
            black_box(hashes);
        }));
    }
    let (floor_rate, larch_rate) = (n / floor_s, n / larch_s);
    let ratio = floor_rate / larch_rate;
    println!(
        "floor mail-parser: {floor_rate:.0} msg/s {:.1} MB/s",
        mb / floor_s
    );
    println!(
        "larch parse+summary: {larch_rate:.0} msg/s {:.1} MB/s ratio {ratio:.2}x of floor",
        mb / larch_s
    );
    println!(
        "  of which SHA-256 of the raw bytes (the store's content hash): {:.0} msg/s {:.1} MB/s, {:.0}% of larch's time",
        n / sha_s,
        mb / sha_s,
        100.0 * sha_s / larch_s
    );
    println!(
        "PARSE_FLOOR floor_msgs_per_s={floor_rate:.0} larch_msgs_per_s={larch_rate:.0} ratio={ratio:.3}"
    );
}
