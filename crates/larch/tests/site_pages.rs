//! Every message of every corpus (A and B) builds into a page without
//! panicking, and every page of those sites is clean HTML: one `<title>`,
//! no script, no event handler, no `javascript:` URL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::path::{Path, PathBuf};

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;

fn gz_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            gz_files(&p, out);
        } else if p.to_string_lossy().ends_with(".gz") {
            out.push(p);
        }
    }
}

fn eml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            eml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "eml") {
            out.push(p);
        }
    }
}

fn build_and_check(name: &str, files: &[PathBuf]) {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "corpus", Some(name), Period::Month).unwrap();
    let report = build::import(
        &mut archive,
        files,
        &ImportOptions { now: 1_700_000_000 },
        &mut (),
    );
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let site = dir.path().join("site");
    let r = build::build_site(&archive, &site).unwrap();
    assert_eq!(r.messages, report.archived);
    let mut pages = Vec::new();
    common::html_files(&site, &mut pages);
    let mut bad = Vec::new();
    let mut message_pages = 0;
    for p in &pages {
        // Attachments are files, not pages we generate; `.html` ones are renamed `.bin`.
        assert!(
            !p.to_string_lossy().contains("/attachments/"),
            "{} is an attachment saved as .html",
            p.display()
        );
        let html = std::fs::read_to_string(p).unwrap();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(|c: char| c.is_ascii_digit())
        {
            message_pages += 1;
        }
        if let Err(e) = common::check_page(&html) {
            bad.push(format!("{}: {e}", p.strip_prefix(&site).unwrap().display()));
        }
    }
    assert_eq!(
        message_pages as u64, report.archived,
        "one page per message"
    );
    assert!(
        bad.is_empty(),
        "{} bad pages in {name}, e.g.:\n{}",
        bad.len(),
        bad.iter().take(20).cloned().collect::<Vec<_>>().join("\n")
    );
    eprintln!("{name}: {} pages checked", pages.len());
}

#[test]
fn corpus_a_pages_are_clean() {
    let Some(root) = common::corpora() else {
        return;
    };
    let mut files = Vec::new();
    eml_files(&root.join("A"), &mut files);
    // Not only .eml: every file of A that is mail (.msg, .raw, .txt messages,
    // mbox files); expected-answer files (.json, .xml, .ref, ...) are not.
    let mut others = Vec::new();
    all_files(&root.join("A"), &mut others);
    for p in others {
        let ext = p
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let name = p.file_name().unwrap().to_string_lossy().to_lowercase();
        let candidate = matches!(ext.as_str(), "msg" | "raw" | "txt" | "mbox" | "patch")
            && !name.contains("summary")
            && !name.contains("license");
        if candidate && larch::ingest::detect(&p).is_ok() {
            files.push(p);
        }
    }
    files.sort();
    files.dedup();
    eprintln!("corpus A: {} mail files", files.len());
    assert!(files.len() > 400, "{} files", files.len());
    build_and_check("a", &files);
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn corpus_b_pages_are_clean() {
    let Some(root) = common::corpora() else {
        return;
    };
    for set in [
        "B/twisted-pipermail/archives",
        "B/imagej-pipermail/archives",
        "B/linux-mips-public-inbox",
    ] {
        let mut files = Vec::new();
        gz_files(&root.join(set), &mut files);
        files.sort();
        build_and_check(set, &files);
    }
}
