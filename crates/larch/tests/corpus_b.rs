//! Real list archives (../shared/corpora/B): every file splits into exactly
//! the number of messages an independent count found (Python's `mailbox`,
//! corrected for unescaped body From_ lines: testdata/corpus-counts.md).
//! Skipped with a notice when the corpora are not present.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::path::PathBuf;

use larch::ingest;

#[test]
fn every_b_file_splits_into_the_independent_count() {
    let Some(root) = common::corpora() else {
        return;
    };
    let counts = common::corpus_counts();
    let files = counts["files"].as_object().expect("files");
    assert!(
        files.len() > 700,
        "expected the whole B set in corpus-counts.json"
    );
    let mut wrong = Vec::new();
    let mut total = 0u64;
    for (rel, entry) in files {
        let path: PathBuf = root.join(rel);
        let kind = ingest::detect(&path).expect("detect");
        let mut n = 0u64;
        for m in ingest::open(&path, kind).expect("open") {
            m.expect("read");
            n += 1;
        }
        total += n;
        let want = entry["messages"].as_u64().expect("messages");
        if n != want {
            wrong.push(format!("{rel}: split {n}, expected {want}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} files differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(total, 89_280 + 17_292 + 21_491);
}
