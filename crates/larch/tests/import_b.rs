//! Import every list of ../shared/corpora/B into its own archive and check
//! the counts against the independent ones (testdata/corpus-counts.json),
//! then export and check the round trip is byte-exact, and `check` is clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::path::PathBuf;

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;
use larch::ingest::{Escaping, MboxReader};

fn list_files(root: &std::path::Path, list_dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root.join(list_dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".gz"))
        .collect();
    v.sort();
    v
}

fn import_and_verify(files: &[PathBuf], expect_read: u64, expect_archived: u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "t", None, Period::Month).unwrap();
    let report = build::import(
        &mut archive,
        files,
        &ImportOptions { now: 1_700_000_000 },
        &mut (),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.read, expect_read, "messages read");
    assert_eq!(
        report.archived + report.no_archive,
        expect_archived,
        "archived (+ not archived on request)"
    );
    assert_eq!(
        report.read,
        report.archived + report.duplicates + report.no_archive
    );
    assert!(archive.store().check().unwrap().is_empty());

    // Export, split the export, compare each message with the store.
    let mut out = Vec::new();
    let count = build::export_mbox(archive.store(), &mut out).unwrap();
    assert_eq!(count.messages, report.archived);
    let back: Vec<_> = MboxReader::new(&out[..], "export", Escaping::Rd)
        .map(|m| m.unwrap())
        .collect();
    assert_eq!(back.len() as u64, report.archived);
    let mut exact = 0;
    for (num, m) in back.iter().enumerate() {
        let raw = archive.store().raw(num as u64).unwrap().unwrap();
        if raw.ends_with(b"\n") {
            assert_eq!(m.bytes, raw, "message {num} does not round-trip");
            exact += 1;
        }
    }
    assert_eq!(exact, count.messages - count.newline_added);
}

#[test]
fn twisted_lists_import_with_independent_counts() {
    let Some(root) = common::corpora() else {
        return;
    };
    let counts = common::corpus_counts();
    for list in [
        "twisted-python",
        "inheritance",
        "twisted-web",
        "divunal-list",
        "divunal-author",
        "reality",
        "divunal-devel",
    ] {
        let t = &counts["totals_by_list"][list];
        let files = list_files(&root, &format!("B/twisted-pipermail/archives/{list}"));
        eprintln!("{list}: {} files", files.len());
        import_and_verify(
            &files,
            t["messages"].as_u64().unwrap(),
            t["distinct"].as_u64().unwrap(),
        );
    }
}

#[test]
fn imagej_lists_import_with_independent_counts() {
    let Some(root) = common::corpora() else {
        return;
    };
    let counts = common::corpus_counts();
    for list in ["imagej-builds", "imagej-devel", "imagej-bugs"] {
        let t = &counts["totals_by_list"][list];
        let files = list_files(&root, &format!("B/imagej-pipermail/archives/{list}"));
        import_and_verify(
            &files,
            t["messages"].as_u64().unwrap(),
            t["distinct"].as_u64().unwrap(),
        );
    }
}

#[test]
fn linux_mips_imports_with_independent_counts() {
    let Some(root) = common::corpora() else {
        return;
    };
    let counts = common::corpus_counts();
    let t = &counts["totals"]["linux-mips-public-inbox"];
    let files = list_files(&root, "B/linux-mips-public-inbox");
    let messages = t["messages"].as_u64().unwrap();
    import_and_verify(&files, messages, messages);
}
