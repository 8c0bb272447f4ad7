//! The mbox splitter (`ingest::MboxReader`, mboxrd, as `larch import` reads
//! an mbox) over the whole corpus held in memory: no file I/O is timed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use larch::ingest::{Escaping, MboxReader};

fn mbox_split(c: &mut Criterion) {
    let (_, mbox) = common::corpus_bytes();
    let messages = common::split(&mbox, usize::MAX).len() as u64;
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::ElementsAndBytes {
            elements: messages,
            bytes: mbox.len() as u64,
        });
    g.bench_function(format!("mbox_split/{messages}_messages"), |b| {
        b.iter(|| {
            let mut n = 0u64;
            let mut bytes = 0usize;
            for raw in MboxReader::new(black_box(&mbox[..]), "bench.mbox", Escaping::Rd) {
                let raw = raw.unwrap();
                n += 1;
                bytes += raw.bytes.len();
            }
            assert_eq!(n, messages);
            black_box(bytes)
        })
    });
    g.finish();
}

criterion_group!(benches, mbox_split);
criterion_main!(benches);
