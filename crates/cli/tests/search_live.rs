//! The search index follows the archive: a message is found as soon as
//! `larch add` returns, and a removed message is gone from search as soon
//! as `larch remove` returns.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn larch() -> Command {
    Command::new(env!("CARGO_BIN_EXE_larch"))
}

fn search(a: &Path, q: &str) -> String {
    let o = larch()
        .args(["search", "--archive"])
        .arg(a)
        .args(["--json", "--", q])
        .output()
        .unwrap();
    // Like grep: 0 with hits, 1 without.
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn add_and_remove_update_search_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    assert!(
        larch()
            .arg("init")
            .arg(&a)
            .args(["--name", "t"])
            .status()
            .unwrap()
            .success()
    );
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo/showcase.mbox");
    assert!(
        larch()
            .args(["import", "--archive"])
            .arg(&a)
            .arg(&demo)
            .status()
            .unwrap()
            .success()
    );
    assert!(
        larch()
            .args(["reindex", "--archive"])
            .arg(&a)
            .status()
            .unwrap()
            .success()
    );
    assert!(!search(&a, "zanzibarquokka").contains("zanzibarquokka-1@example.org"));
    let mut c = larch()
        .args(["add", "--archive"])
        .arg(&a)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin
        .take()
        .unwrap()
        .write_all(b"From: Q <q@example.org>\nSubject: the zanzibarquokka report\nMessage-ID: <zanzibarquokka-1@example.org>\nDate: Mon, 1 Mar 2021 10:00:00 +0000\n\nbody\n")
        .unwrap();
    assert!(c.wait().unwrap().success());
    let hits = search(&a, "zanzibarquokka");
    assert!(hits.contains("zanzibarquokka-1@example.org"), "{hits}");
    let o = larch()
        .args(["remove", "--archive"])
        .arg(&a)
        .args(["zanzibarquokka-1@example.org", "--reason", "spam"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let hits = search(&a, "zanzibarquokka");
    assert!(!hits.contains("zanzibarquokka-1@example.org"), "{hits}");
}
