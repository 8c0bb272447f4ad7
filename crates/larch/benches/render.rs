//! Rendering, through the calls `build/site.rs` makes: the corpus is
//! imported into a temporary archive and loaded with `build::site_model`
//! (untimed), then one message page (`render::render_message`, with and
//! without the `parse::mime::message_view` that precedes it in a build) and
//! one period index (`render::render_period`) are rendered into an output
//! that only counts bytes (no file I/O is timed).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;
use larch::parse::mime::message_view;
use larch::render::{self, Output, Renderer};

/// Counts what would be written.
#[derive(Debug, Default)]
struct Sink {
    files: AtomicU64,
    bytes: AtomicU64,
}

impl Output for Sink {
    fn write(&self, _path: &str, bytes: &[u8]) -> larch::Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }
    fn remove(&self, _path: &str) -> larch::Result<()> {
        Ok(())
    }
    fn remove_dir(&self, _path: &str) -> larch::Result<()> {
        Ok(())
    }
}

impl Sink {
    /// Bytes written since the last call.
    fn take(&self) -> u64 {
        self.files.store(0, Ordering::Relaxed);
        self.bytes.swap(0, Ordering::Relaxed)
    }
}

fn rendering(c: &mut Criterion) {
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "salon", None, Period::Month).unwrap();
    let report = build::import(
        &mut archive,
        &[corpus],
        &ImportOptions { now: common::NOW },
        &mut (),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let renderer = Renderer::new(Some(&archive.paths.root.join("templates"))).unwrap();
    let site = build::site_model(&archive).unwrap();

    // A typical page: the reply of median size among replies that have
    // both a parent and replies of their own in the archive.
    let mut replies: Vec<(u64, u32)> = (0..site.msgs.len() as u32)
        .filter_map(|i| {
            let m = &site.msgs[i as usize];
            let f = &site.forest;
            let threaded = f.parent(m.num).is_some_and(|p| !p.is_ghost())
                && f.children(m.num).next().is_some();
            threaded.then_some((m.summary.size, i))
        })
        .collect();
    replies.sort_unstable();
    let (size, idx) = replies[replies.len() / 2];
    let raw = archive
        .store()
        .raw(site.msgs[idx as usize].num)
        .unwrap()
        .unwrap();
    let view = message_view(&raw);
    // A typical period: the one of median size.
    let mut periods: Vec<(usize, usize)> = (site.periods.iter().enumerate())
        .map(|(p, info)| (info.members.len(), p))
        .collect();
    periods.sort_unstable();
    let (members, period) = periods[periods.len() / 2];

    let out = Sink::default();
    render::render_message(&renderer, &site, idx, &view, &out).unwrap();
    let page_bytes = out.take();
    render::render_period(&renderer, &site, period, &out).unwrap();
    let period_bytes = out.take();
    eprintln!(
        "{} messages in {} periods; message page: {size}-byte message -> {page_bytes} bytes; \
         period index {}: {members} messages -> {period_bytes} bytes",
        site.msgs.len(),
        site.periods.len(),
        site.periods[period].name
    );

    let mut g = c.benchmark_group("render");
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.throughput(Throughput::Bytes(page_bytes));
    g.bench_function("message_page", |b| {
        b.iter(|| render::render_message(&renderer, &site, black_box(idx), &view, &out).unwrap())
    });
    g.bench_function("message_view_and_page", |b| {
        b.iter(|| {
            let view = message_view(black_box(&raw));
            render::render_message(&renderer, &site, idx, &view, &out).unwrap()
        })
    });
    g.throughput(Throughput::ElementsAndBytes {
        elements: members as u64,
        bytes: period_bytes,
    });
    g.bench_function(format!("period_index/{members}_messages"), |b| {
        b.iter(|| render::render_period(&renderer, &site, black_box(period), &out).unwrap())
    });
    g.finish();
}

criterion_group!(benches, rendering);
criterion_main!(benches);
