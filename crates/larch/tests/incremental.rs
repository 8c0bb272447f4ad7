//! Incremental site updates give byte-identical sites to a fresh full
//! build, over randomized sequences of adds (out of order, late replies,
//! subject-only replies), removals (purged or kept), restores, and updates
//! skipped as if killed (caught up by the next update).
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;
use larch::ingest::{self, RawMessage};

/// Every file of a site but spare files (`.larch-spare.*`: scratch space
/// for replacing files, never served, not site content).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".larch-spare."))
            {
                out.insert(
                    p.strip_prefix(dir).unwrap().display().to_string(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

fn pool() -> Vec<RawMessage> {
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo");
    let mut out = Vec::new();
    for name in ["showcase.mbox", "salon-2024.mbox.gz"] {
        let p = demo.join(name);
        let kind = ingest::detect(&p).unwrap();
        for m in ingest::open(&p, kind).unwrap().take(220) {
            out.push(m.unwrap());
        }
    }
    // Subject-only replies (no reply headers) to subjects in the pool.
    for i in 0..12 {
        let bytes = format!(
            "From: Late {i} <late{i}@example.org>\nSubject: Re: {}\nMessage-ID: <late{i}@example.org>\nDate: Mon, {} Feb 2024 10:00:00 +0000\n\nno headers\n",
            subject_of(&out[(i * 37) % out.len()].bytes),
            1 + i * 2
        );
        out.push(ingest::read_single(bytes.into_bytes(), Path::new("-")));
    }
    out
}

fn subject_of(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or("x")
        .trim_start_matches("Re: ")
        .to_owned()
}

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn compare(archive: &Archive, site: &Path, scratch: &Path, step: &str) {
    let _ = std::fs::remove_dir_all(scratch);
    build::build_site(archive, scratch).unwrap();
    let live = tree(site);
    let fresh = tree(scratch);
    let lk: Vec<_> = live.keys().collect();
    let fk: Vec<_> = fresh.keys().collect();
    assert_eq!(lk, fk, "same files after {step}");
    assert!(
        fk.iter()
            .any(|k| k.starts_with("t/") && k.ends_with(".mbox.gz")),
        "the thread files are compared too"
    );
    for (k, v) in &fresh {
        if live[k] != *v {
            let (a, b) = (
                String::from_utf8_lossy(&live[k]),
                String::from_utf8_lossy(v),
            );
            let line = a
                .lines()
                .zip(b.lines())
                .find(|(x, y)| x != y)
                .map(|(x, y)| format!("incremental: {x}\nfull build:  {y}"))
                .unwrap_or_else(|| "(lengths differ)".into());
            panic!("{k} differs after {step}:\n{line}");
        }
    }
}

fn run(seed: u64) {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().to_path_buf();
    let _guard = if std::env::var_os("LARCH_KEEP_TMP").is_some() {
        eprintln!("work dir (kept): {}", base.display());
        std::mem::forget(tmp);
        None
    } else {
        Some(tmp)
    };
    let dir = base.join("arch");
    drop(Archive::init(&dir, "salon", Some("Salon"), Period::Month).unwrap());
    let mut archive = Archive::open_for_write(&dir, build::archive_lock_wait()).unwrap();
    let site = archive.site_dir();
    let scratch = base.join("fresh");
    let opts = ImportOptions { now: 1_700_000_000 };
    let mut rng = Rng(seed * 0x9E37_79B9_7F4A_7C15 + 1);
    let mut pool = pool();
    // Shuffle: replies may come before their parents.
    for i in (1..pool.len()).rev() {
        let j = rng.below(i + 1);
        pool.swap(i, j);
    }
    let mut pending = pool.into_iter();
    for m in pending.by_ref().take(120) {
        build::import_message(&mut archive, m, &opts).unwrap();
    }
    build::build_site(&archive, &site).unwrap();
    let mut kept: Vec<u64> = Vec::new();
    let mut removed: Vec<u64> = Vec::new();
    for step in 0..45 {
        let roll = rng.below(100);
        let what = if roll < 65 {
            let Some(m) = pending.next() else { break };
            let r = build::import_message(&mut archive, m, &opts).unwrap();
            format!("adding {:?}", r.numbers)
        } else if roll < 85 {
            let count = archive.store().count().unwrap();
            let n = rng.below(count as usize) as u64;
            if removed.contains(&n) {
                continue;
            }
            let keep = rng.below(2) == 0;
            build::remove(&mut archive, &[n], "spam", keep, 1_700_000_100).unwrap();
            removed.push(n);
            if keep {
                kept.push(n);
            }
            format!("removing {n} (keep raw: {keep})")
        } else if !kept.is_empty() {
            let n = kept.swap_remove(rng.below(kept.len()));
            removed.retain(|&r| r != n);
            build::undo_remove(&mut archive, &[n]).unwrap();
            format!("restoring {n}")
        } else {
            continue;
        };
        // Now and then the update is "killed": the next one catches up.
        if rng.below(100) < 15 {
            continue;
        }
        build::update_site(&mut archive, &site).unwrap();
        compare(
            &archive,
            &site,
            &scratch,
            &format!("step {step}: {what} (seed {seed})"),
        );
    }
    build::update_site(&mut archive, &site).unwrap();
    compare(&archive, &site, &scratch, &format!("the end (seed {seed})"));
    eprintln!(
        "seed {seed}: {} messages, {} removed",
        archive.store().count().unwrap(),
        removed.len()
    );
}

#[test]
fn random_adds_and_removes_match_a_full_build() {
    for seed in 1..=3 {
        run(seed);
    }
}

/// A rebuild after a template change keeps the files made from the store
/// alone (downloads, `t/` mbox files): it does not make them again, and the
/// site is still the one a fresh build with the new templates makes. Any
/// other change since the last build (here a new message) makes them all.
#[test]
fn template_change_rebuild_keeps_store_files_and_matches_a_fresh_build() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("arch");
    drop(Archive::init(&dir, "salon", Some("Salon"), Period::Month).unwrap());
    let mut archive = Archive::open_for_write(&dir, build::archive_lock_wait()).unwrap();
    let site = archive.site_dir();
    let opts = ImportOptions { now: 1_700_000_000 };
    let mut pool = pool().into_iter();
    for m in pool.by_ref().take(150) {
        build::import_message(&mut archive, m, &opts).unwrap();
    }
    let first = build::build_site(&archive, &site).unwrap();
    let made_from_store = tree(&site)
        .keys()
        .filter(|k| k.ends_with(".txt.gz") || k.ends_with(".mbox.gz"))
        .count() as u64;
    assert!(made_from_store > 20, "{made_from_store}");

    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base = include_str!("../src/render/templates/base.html");
    std::fs::write(
        templates.join("base.html"),
        base.replace("</body>", "<!-- changed -->\n</body>"),
    )
    .unwrap();
    drop(archive);
    let mut archive = Archive::open_for_write(&dir, build::archive_lock_wait()).unwrap();
    let second = build::build_site(&archive, &site).unwrap();
    assert_eq!(
        second.files_written + second.files_unchanged,
        first.files_written + first.files_unchanged - made_from_store,
        "every file but those made from the store alone is made again"
    );
    assert!(
        String::from_utf8_lossy(&tree(&site)["index.html"]).contains("<!-- changed -->"),
        "the new template is used"
    );
    let fresh = tmp.path().join("fresh");
    build::build_site(&archive, &fresh).unwrap();
    assert!(tree(&site) == tree(&fresh), "same site as a fresh build");

    // A new message: everything is made again.
    build::import_message(&mut archive, pool.next().unwrap(), &opts).unwrap();
    let third = build::build_site(&archive, &site).unwrap();
    assert!(
        third.files_written + third.files_unchanged > second.files_written + second.files_unchanged,
        "{third:?}"
    );
    let _ = std::fs::remove_dir_all(&fresh);
    build::build_site(&archive, &fresh).unwrap();
    assert!(tree(&site) == tree(&fresh), "same site as a fresh build");
}
