//! Threading (`thread::thread`, as `larch build` runs it over the whole
//! archive) of 100,000 and 1,000,000 synthetic summaries: reply trees with
//! References/In-Reply-To chains (some with only one of the two, long
//! References lists truncated), `Re:`/`AW:` subjects, replies to messages
//! that are not in the archive (ghosts), subject-only replies, and a few
//! replies numbered before their parent. Sample counts are small: one
//! iteration of 1,000,000 takes seconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use larch::thread::{Item, thread};

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const TOPICS: &[&str] = &[
    "allocator regression on heavy load",
    "config loader ignores defaults",
    "installer fails on mingw",
    "unicode filenames in the archive",
    "locking order in the scheduler",
    "release 0.8.0 planning",
    "bisecting the build failure",
    "patch: faster date parsing",
];

const PREFIXES: &[&str] = &["Re: ", "Re: ", "Re: ", "Re: ", "RE: ", "AW: ", "Re: Re: "];

/// Most references a message carries (MUAs truncate long chains).
const MAX_REFS: usize = 12;
/// Threads still receiving replies at any time.
const ACTIVE: usize = 300;

/// `n` items over 15 years, numbered from 1 with gaps: 3% of the messages
/// generated never reached the archive, so replies to them (and a thread's
/// later messages whose References name them) meet ghosts, some kept as
/// placeholders (several replies), some pruned (one reply).
fn synthesize(n: usize, seed: u64) -> Vec<Item> {
    let mut rng = Rng(seed);
    let mut items: Vec<Item> = Vec::with_capacity(n + n / 25);
    let mut lost: Vec<bool> = Vec::with_capacity(n + n / 25);
    // Active threads: (root subject, indices of its messages in `items`).
    let mut active: Vec<(String, Vec<u32>)> = Vec::new();
    let start: i64 = 1_104_537_600; // 2005-01-01
    let step = (15 * 365 * 86_400) / n.max(1) as i64;
    let mut kept = 0;
    while kept < n {
        let i = items.len();
        let num = i as u64 + 1;
        let date = start + kept as i64 * step + (rng.next() % 3600) as i64;
        let message_id = format!(
            "{:X}.{:07}.{:04x}@{}.example.org",
            date,
            i,
            rng.next() & 0xffff,
            ["mail", "mx1", "laptop", "gmail"][rng.below(4)]
        );
        let is_lost = rng.chance(3);
        lost.push(is_lost);
        if !is_lost {
            kept += 1;
        }
        if active.is_empty() || rng.chance(25) {
            // A new thread.
            let subject = format!(
                "[Salon] {} ({})",
                TOPICS[rng.below(TOPICS.len())],
                rng.below(100_000)
            );
            let entry = (subject.clone(), vec![i as u32]);
            if active.len() < ACTIVE {
                active.push(entry);
            } else {
                let slot = rng.below(ACTIVE);
                active[slot] = entry;
            }
            items.push(Item {
                num,
                message_id,
                references: Vec::new(),
                in_reply_to: None,
                subject,
                date,
            });
            continue;
        }
        // A reply, most often to a recent thread and a recent message in it.
        let t = active.len() - 1 - rng.below(active.len()).min(rng.below(active.len()));
        let (root_subject, members) = &mut active[t];
        let p = members.len() - 1 - rng.below(members.len()).min(rng.below(members.len()));
        let parent = &items[members[p] as usize];
        let subject = format!("{}{}", PREFIXES[rng.below(PREFIXES.len())], root_subject);
        let mut references = parent.references.clone();
        references.push(parent.message_id.clone());
        let mut in_reply_to = Some(parent.message_id.clone());
        if references.len() > MAX_REFS {
            // Keep the thread's root and the most recent ancestors.
            references.drain(1..references.len() - (MAX_REFS - 1));
        }
        match rng.below(100) {
            0..=4 => in_reply_to = None,      // References only
            5..=7 => references = Vec::new(), // In-Reply-To only
            8..=9 => {
                // Subject-only reply (no threading headers).
                references = Vec::new();
                in_reply_to = None;
            }
            _ => {}
        }
        members.push(i as u32);
        items.push(Item {
            num,
            message_id,
            references,
            in_reply_to,
            subject,
            date,
        });
    }
    let mut items: Vec<Item> = items
        .into_iter()
        .zip(lost)
        .filter_map(|(item, lost)| (!lost).then_some(item))
        .collect();
    // A few replies numbered before their parent (imported out of order).
    for i in 0..n.saturating_sub(1) {
        if rng.next().is_multiple_of(200) {
            let (a, b) = (items[i].num, items[i + 1].num);
            items[i].num = b;
            items[i + 1].num = a;
        }
    }
    items
}

fn threading(c: &mut Criterion) {
    let mut g = c.benchmark_group("thread");
    g.sample_size(10).warm_up_time(Duration::from_secs(1));
    for (n, seconds) in [(100_000usize, 15), (1_000_000, 60)] {
        g.measurement_time(Duration::from_secs(seconds));
        let items = synthesize(n, 1);
        let forest = thread(&items);
        eprintln!(
            "{n} items: {} threads, {} ghosts kept, {} maybe-related, {} references",
            forest.thread_count(),
            forest.threads().map(|t| t.len()).sum::<usize>() - n,
            forest.maybe_related.len(),
            items.iter().map(|i| i.references.len()).sum::<usize>(),
        );
        drop(forest);
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("summaries", n), &items, |b, items| {
            b.iter_with_large_drop(|| thread(items))
        });
    }
    g.finish();
}

criterion_group!(benches, threading);
criterion_main!(benches);
