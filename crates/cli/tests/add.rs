//! `larch add`: one message on stdin into a live archive. The site after any
//! sequence of adds is byte-identical to a fresh full build; parallel adds
//! all land exactly once; a held lock gives EX_TEMPFAIL (75).
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::io::Write;
mod common;

use std::path::Path;
use std::process::{Command, Stdio};

fn larch() -> Command {
    Command::new(env!("CARGO_BIN_EXE_larch"))
}

fn add(archive: &Path, msg: &[u8], extra: &[&str]) -> std::process::Output {
    let mut child = larch()
        .args(["add", "--archive", archive.to_str().unwrap()])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(msg).unwrap();
    child.wait_with_output().unwrap()
}

fn message(i: usize, reply_to: Option<usize>) -> Vec<u8> {
    if (100..200).contains(&i) {
        // Subject-only reply to topic (i - 100): no reply headers at all.
        return format!(
            "From: Late {i} <l{i}@example.org>\nSubject: Re: topic {}\nMessage-ID: <m{i}@example.org>\nDate: Tue, 2 Mar 2021 11:00:00 +0000\n\nno headers\n",
            i - 100
        )
        .into_bytes();
    }
    let month = 1 + (i * 7) % 3;
    let mut m = format!(
        "From: Poster {i} <p{i}@example.org>\nSubject: {}topic {}\nMessage-ID: <m{i}@example.org>\nDate: Mon, {} {} 2021 10:{:02}:00 +0000\n",
        if reply_to.is_some() { "Re: " } else { "" },
        reply_to.unwrap_or(i),
        1 + i % 27,
        ["Jan", "Feb", "Mar"][month - 1],
        i % 60
    );
    if let Some(r) = reply_to {
        m.push_str(&format!(
            "In-Reply-To: <m{r}@example.org>\nReferences: <m{r}@example.org>\n"
        ));
    }
    m.push_str(&format!("\nBody {i}\n> quoted\n"));
    m.into_bytes()
}

#[test]
fn adds_keep_the_site_identical_to_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    assert!(
        larch()
            .args(["init", a.to_str().unwrap(), "--name", "t"])
            .status()
            .unwrap()
            .success()
    );
    // Out of order on purpose: replies before their parents, parents later.
    let order: [(usize, Option<usize>); 8] = [
        (3, Some(1)),
        (1, None),
        (2, Some(1)),
        (5, None),
        (4, Some(3)),
        (6, Some(5)),
        (7, None),
        (8, Some(2)),
    ];
    for (i, reply) in order {
        let o = add(&a, &message(i, reply), &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let full = tmp.path().join(format!("full-{i}"));
        let b = larch()
            .args([
                "build",
                "--archive",
                a.to_str().unwrap(),
                "--out",
                full.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        assert!(b.status.success());
        let live = common::tree(&a.join("site"));
        let fresh = common::tree(&full);
        assert_eq!(
            live.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "same files after adding {i}"
        );
        for (k, v) in &fresh {
            assert!(live[k] == *v, "{k} differs after adding {i}");
        }
    }
    // A re-delivery is not archived twice and still exits 0.
    let o = add(&a, &message(1, None), &[]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("duplicate"));
}

#[test]
fn parallel_adds_all_land_once() {
    // 8 writers at once, as an MTA delivering in parallel: 1,000 messages,
    // each archived exactly once, and the site equals a full build.
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    assert!(
        larch()
            .args(["init", a.to_str().unwrap(), "--name", "t"])
            .status()
            .unwrap()
            .success()
    );
    let per = 125;
    let handles: Vec<_> = (0..8)
        .map(|p| {
            let a = a.clone();
            std::thread::spawn(move || {
                for k in 0..per {
                    let i = 1000 + p * per + k;
                    let reply = (k > 0 && k % 3 != 0).then(|| i - 1);
                    let o = add(&a, &message(i, reply), &[]);
                    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let o = larch()
        .args(["check", "--archive", a.to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("ok: {} messages", 8 * per)), "{out}");
    let full = tmp.path().join("full");
    let b = larch()
        .args(["build", "--archive", a.to_str().unwrap(), "--out"])
        .arg(&full)
        .output()
        .unwrap();
    assert!(b.status.success());
    let live = common::tree(&a.join("site"));
    let fresh = common::tree(&full);
    assert_eq!(live.len(), fresh.len());
    for (k, v) in &fresh {
        assert!(live[k] == *v, "{k} differs from a full build");
    }
}

#[test]
fn locked_archive_gives_tempfail() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    assert!(
        larch()
            .args(["init", a.to_str().unwrap(), "--name", "t"])
            .status()
            .unwrap()
            .success()
    );
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(a.join("store/write.lock"))
        .unwrap();
    lock.lock().unwrap();
    let o = add(&a, &message(1, None), &["--lock-wait", "1"]);
    assert_eq!(
        o.status.code(),
        Some(75),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    drop(lock);
    let o = add(&a, &message(1, None), &[]);
    assert_eq!(o.status.code(), Some(0));
    // Not an archive: EX_CONFIG, so the admin sees it.
    let o = add(&tmp.path().join("nowhere"), &message(2, None), &[]);
    assert_eq!(o.status.code(), Some(78));
}

#[test]
fn import_into_a_built_archive_updates_the_site_incrementally() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    let arch = a.to_str().unwrap();
    assert!(
        larch()
            .args(["init", arch, "--name", "t"])
            .status()
            .unwrap()
            .success()
    );
    let write_mbox = |name: &str, range: std::ops::Range<usize>| {
        let mut m = Vec::new();
        for i in range {
            m.extend_from_slice(b"From someone@example.org Mon Jan  4 10:00:00 2021\n");
            m.extend_from_slice(&message(i, (i % 3 != 0).then(|| i - 1)));
            m.push(b'\n');
        }
        let p = tmp.path().join(name);
        std::fs::write(&p, m).unwrap();
        p
    };
    let first = write_mbox("a.mbox", 300..360);
    let second = write_mbox("b.mbox", 360..366);
    let o = larch()
        .args(["import", "--archive", arch])
        .arg(&first)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(
        larch()
            .args(["build", "--archive", arch])
            .status()
            .unwrap()
            .success()
    );
    let o = larch()
        .args(["import", "--archive", arch])
        .arg(&second)
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    // Six new messages: their pages, their threads' pages, neighbours,
    // indexes, download and list page; far from the 60+ pages of the site.
    let written: usize = out
        .split("updated the site in ")
        .nth(1)
        .and_then(|s| s.split(": ").nth(1))
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no site update reported: {out}"));
    assert!(
        written > 6 && written < 50,
        "{written} files written: {out}"
    );
    let full = tmp.path().join("full");
    assert!(
        larch()
            .args(["build", "--archive", arch, "--out"])
            .arg(&full)
            .status()
            .unwrap()
            .success()
    );
    let live = common::tree(&a.join("site"));
    let fresh = common::tree(&full);
    assert_eq!(live.len(), fresh.len());
    for (k, v) in &fresh {
        assert!(live[k] == *v, "{k} differs from a full build");
    }
}
