//! Shared helpers for the integration tests.
#![allow(dead_code, clippy::print_stderr, clippy::unwrap_used)]

use std::path::PathBuf;

/// The shared corpora, if present beside the repository.
pub fn corpora() -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if root.join("B").is_dir() {
        Some(root)
    } else {
        eprintln!("note: ../shared/corpora not present; corpus test skipped");
        None
    }
}

/// testdata/corpus-counts.json, the independent counts.
pub fn corpus_counts() -> serde_json::Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/corpus-counts.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The repository's testdata directory.
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}
