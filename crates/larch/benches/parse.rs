//! Parse + summary, as `larch import` does it before the store
//! (`parse::extract`, then the filing-date choice): one message of median
//! size, and one import batch of 2,048 messages, on one core and in parallel
//! (rayon, as the import runs it).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use larch::ingest::RawMessage;
use larch::parse;
use rayon::prelude::*;

/// Messages per import batch (`build/import.rs`, BATCH_MESSAGES).
const BATCH: usize = 2048;

fn parse(c: &mut Criterion) {
    let (_, mbox) = common::corpus_bytes();
    let batch = common::split(&mbox, BATCH);
    drop(mbox);
    let batch_bytes: u64 = batch.iter().map(|r| r.bytes.len() as u64).sum();
    let mut by_size: Vec<&RawMessage> = batch.iter().collect();
    by_size.sort_by_key(|r| r.bytes.len());
    let one = by_size[by_size.len() / 2];

    let mut g = c.benchmark_group("parse");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::ElementsAndBytes {
        elements: 1,
        bytes: one.bytes.len() as u64,
    });
    g.bench_function(
        format!("summary/one_median_message_{}_bytes", one.bytes.len()),
        |b| b.iter(|| common::summarize(black_box(one), None)),
    );
    g.sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::ElementsAndBytes {
            elements: batch.len() as u64,
            bytes: batch_bytes,
        });
    g.bench_function(format!("summary/batch_{}_one_core", batch.len()), |b| {
        b.iter(|| {
            let mut previous = None;
            let mut out = Vec::with_capacity(batch.len());
            for raw in black_box(&batch) {
                let s = common::summarize(raw, previous);
                previous = Some(s.filed_at);
                out.push(s);
            }
            out
        })
    });
    g.bench_function(
        format!(
            "summary/batch_{}_rayon_{}_threads",
            batch.len(),
            rayon::current_num_threads()
        ),
        |b| {
            b.iter(|| {
                // As the import runs it: extract in parallel, file in order.
                let extracted: Vec<_> = black_box(&batch)
                    .par_iter()
                    .map(|raw| parse::extract(&raw.bytes, false))
                    .collect();
                let mut previous = None;
                let mut out = Vec::with_capacity(batch.len());
                for (raw, ex) in batch.iter().zip(extracted) {
                    let s = common::file(raw, ex, previous);
                    previous = Some(s.filed_at);
                    out.push(s);
                }
                out
            })
        },
    );
    g.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
