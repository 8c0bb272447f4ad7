//! Query latency of an archive's search index: each query of a typical set
//! is parsed and run (top 20 with snippets) `REPS` times on one open index;
//! prints per-query medians and the p50/p99 over all runs. With `update`,
//! also times `update_index` of one message (the newest, re-indexed in
//! place), as `larch add` would run it.
//!
//!     cargo run --release --ignore-rust-version -p larch --example search_bench -- DIR [REPS] [update]
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Instant;

use larch::build::search_docs::{open_index, update_index};
use larch::build::{Archive, LOCK_WAIT};
use larch::search::{Sort, parse_query};

/// Typical queries for the generated corpus (gen-mbox.py vocabulary).
const QUERIES: &[(&str, Sort)] = &[
    ("allocator", Sort::Relevance),
    ("garbage heavy load", Sort::Relevance),
    ("\"heavy load\"", Sort::Relevance),
    ("s:installer", Sort::Relevance),
    ("f:adams@freemail.example.com", Sort::Relevance),
    ("f:patel", Sort::Date),
    ("regression d:2006-01-01..2006-12-31", Sort::Relevance),
    ("s:\"salon 0.8.0\"", Sort::Relevance),
    ("bisecting OR bisect", Sort::Relevance),
    ("config* loader", Sort::Relevance),
    ("unicode -s:re", Sort::Relevance),
    ("q:regression -nq:regression", Sort::Relevance),
    ("n:patch", Sort::Date),
    ("m:<95BED120.0000001@example.cz>", Sort::Relevance),
    ("mingw", Sort::Relevance),
    ("locking", Sort::Date),
    ("the", Sort::Relevance),
    ("b:\"default configuration\"", Sort::Relevance),
    ("проблемой", Sort::Relevance),
    ("编译", Sort::Relevance),
    ("naive cafe", Sort::Relevance),
    ("f:дмитрий патч", Sort::Relevance),
];

fn ms(v: &[f64], q: f64) -> f64 {
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v[i]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: search_bench DIR [REPS]"));
    let reps: usize = args.next().map_or(20, |r| r.parse().unwrap());
    let update = args.next().as_deref() == Some("update");
    let archive = Archive::open(&dir).unwrap();
    let t = Instant::now();
    let index = open_index(&archive).unwrap();
    println!(
        "index of {} messages opened in {:.1} ms",
        index.doc_count(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut all = Vec::new();
    let mut first = Vec::new();
    println!("| query | sort | hits | first ms | median ms |");
    println!("|---|---|---:|---:|---:|");
    for (q, sort) in QUERIES {
        let mut times = Vec::with_capacity(reps);
        let mut total = 0;
        for i in 0..reps {
            let t = Instant::now();
            let parsed = parse_query(q).unwrap();
            let hits = index.search(&parsed, *sort, 0, 20).unwrap();
            let e = t.elapsed().as_secs_f64() * 1e3;
            total = hits.total;
            if i == 0 {
                first.push(e);
            }
            times.push(e);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| `{q}` | {sort:?} | {total} | {:.2} | {:.2} |",
            first[first.len() - 1],
            ms(&times, 0.5)
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    first.sort_by(f64::total_cmp);
    println!(
        "\nall {} runs: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; first runs: p50 {:.2} ms, max {:.2} ms",
        all.len(),
        ms(&all, 0.5),
        ms(&all, 0.99),
        all[all.len() - 1],
        ms(&first, 0.5),
        first[first.len() - 1]
    );
    if update {
        drop(index);
        let archive = Archive::open_for_write(&dir, LOCK_WAIT).unwrap();
        let last = archive.store().count().unwrap() - 1;
        let mut times = Vec::new();
        for _ in 0..reps {
            let t = Instant::now();
            update_index(&archive, &[last], &[]).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "update_index of one message, {} runs: p50 {:.1} ms, p99 {:.1} ms",
            times.len(),
            ms(&times, 0.5),
            ms(&times, 0.99)
        );
    }
}
