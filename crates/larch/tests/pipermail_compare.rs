//! Build twisted-python 2015-June and compare with Pipermail's own HTML for
//! that month (../shared/corpora/B/twisted-pipermail/pipermail-html-reference):
//! Pipermail's file names, and the thread index grouping the same messages
//! into the same threads. Where they differ, each difference must be one
//! larch makes on purpose: Pipermail also threads by subject alone; larch
//! shows such a message as its own thread with a "maybe related" link.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;

/// (depth, href) of every `<li>` link in a nested-list thread index.
fn tree(html: &str) -> Vec<(usize, String)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(off) = lower[i..].find('<') {
        let at = i + off;
        let rest = &lower[at..];
        if rest.starts_with("<ul") {
            depth += 1;
        } else if rest.starts_with("</ul") {
            depth = depth.saturating_sub(1);
        } else if rest.starts_with("<a href=\"") {
            let start = at + 9;
            let end = start + lower[start..].find('"').unwrap();
            let href = &html[start..end];
            if href.len() == 11
                && href.ends_with(".html")
                && href[..6].bytes().all(|b| b.is_ascii_digit())
            {
                out.push((depth, href.to_owned()));
            }
        }
        i = at + 1;
    }
    out
}

/// child -> parent (None for roots) from a (depth, id) pre-order list.
fn parents(items: &[(usize, String)]) -> HashMap<String, Option<String>> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut out = HashMap::new();
    for (d, id) in items {
        while stack.last().is_some_and(|(sd, _)| sd >= d) {
            stack.pop();
        }
        out.insert(id.clone(), stack.last().map(|(_, p)| p.clone()));
        stack.push((*d, id.clone()));
    }
    out
}

fn reference_mid(page: &Path) -> String {
    let html = std::fs::read_to_string(page).unwrap();
    let at = html.find("In-Reply-To=").unwrap() + 12;
    let end = at + html[at..].find('"').unwrap();
    let mut id = String::new();
    let raw = &html.as_bytes()[at..end];
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() {
            id.push(
                u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap(), 16).unwrap()
                    as char,
            );
            i += 3;
        } else {
            id.push(raw[i] as char);
            i += 1;
        }
    }
    id.trim_start_matches('<').trim_end_matches('>').to_owned()
}

#[test]
fn twisted_2015_june_matches_pipermail() {
    let Some(root) = common::corpora() else {
        return;
    };
    let reference =
        root.join("B/twisted-pipermail/pipermail-html-reference/twisted-python/2015-June");
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(
        dir.path(),
        "twisted-python",
        Some("Twisted-Python"),
        Period::Month,
    )
    .unwrap();
    let mbox = root.join("B/twisted-pipermail/archives/twisted-python/2015-June.txt.gz");
    let report = build::import(&mut archive, &[mbox], &ImportOptions { now: 0 }, &mut ());
    assert!(report.errors.is_empty());
    assert_eq!(report.archived, 74);
    let site = dir.path().join("site");
    build::build_site(&archive, &site).unwrap();

    // Pipermail's names.
    for f in [
        "index.html",
        "2015-June.txt.gz",
        "2015-June/thread.html",
        "2015-June/date.html",
        "2015-June/subject.html",
        "2015-June/author.html",
        "2015-June/index.html",
    ] {
        assert!(site.join(f).is_file(), "{f} missing");
    }
    let model = build::site_model(&archive).unwrap();
    let mut our_mid = HashMap::new();
    for m in &model.msgs {
        let f = format!("{:06}.html", m.num);
        assert!(site.join("2015-June").join(&f).is_file(), "{f} missing");
        our_mid.insert(f, m.summary.message_id.as_str().to_owned());
    }

    // Thread structure, by Message-ID.
    let theirs_items: Vec<(usize, String)> =
        tree(&std::fs::read_to_string(reference.join("thread.html")).unwrap())
            .into_iter()
            .map(|(d, f)| (d, reference_mid(&reference.join(f))))
            .collect();
    let ours_items: Vec<(usize, String)> =
        tree(&std::fs::read_to_string(site.join("2015-June/thread.html")).unwrap())
            .into_iter()
            .map(|(d, f)| (d, our_mid[&f].clone()))
            .collect();
    let theirs = parents(&theirs_items);
    let ours = parents(&ours_items);
    assert_eq!(theirs.len(), 74, "Pipermail's index lists 74 messages");
    assert_eq!(
        ours.keys().collect::<HashSet<_>>(),
        theirs.keys().collect::<HashSet<_>>(),
        "same messages in both thread indexes"
    );
    let summary_of = |mid: &str| &model.msgs[model.by_mid[mid] as usize].summary;
    let mut same = 0;
    let mut differences = Vec::new();
    for (mid, their_parent) in &theirs {
        let our_parent = &ours[mid];
        if our_parent == their_parent {
            same += 1;
            continue;
        }
        let s = summary_of(mid);
        let linked = |p: &str| {
            s.in_reply_to.as_ref().is_some_and(|i| i.as_str() == p)
                || s.references.iter().any(|r| r.as_str() == p)
        };
        // Allowed: Pipermail attached by subject only (no header names its parent);
        // larch keeps it apart and links it as maybe related.
        let subject_only =
            their_parent.as_deref().is_some_and(|p| !linked(p)) && our_parent.is_none();
        // Allowed: larch's parent is the one the message itself names
        // (In-Reply-To, else the last reference) and Pipermail chose another
        // (an older ancestor, or a subject match): Pipermail links only to
        // messages it has already seen and falls back to subjects.
        let direct = s
            .in_reply_to
            .as_ref()
            .or(s.references.last())
            .map(|m| m.as_str().to_owned());
        let nearer = our_parent.is_some() && *our_parent == direct;
        let related = model
            .related
            .contains_key(&model.msgs[model.by_mid[mid.as_str()] as usize].num);
        differences.push(format!(
            "{mid}: pipermail parent {their_parent:?}, larch parent {our_parent:?} (subject-only: {subject_only}, maybe-related link: {related}; direct parent: {nearer}) subject {:?}",
            s.subject
        ));
        assert!(
            subject_only || nearer,
            "unexplained difference: {}",
            differences.last().unwrap()
        );
    }
    eprintln!(
        "{same} of 74 messages have the same parent as in Pipermail; differences:\n{}",
        differences.join("\n")
    );
}
