//! kill -9 during `larch add` and `larch remove`, at many points: the store
//! stays consistent (`larch check`), no message is archived twice, and the
//! next run finishes the interrupted site update, so the site ends equal to
//! a fresh full build.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn larch() -> Command {
    Command::new(env!("CARGO_BIN_EXE_larch"))
}

fn ok(cmd: &mut Command) -> Output {
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Interrupted runs (every 4th a removal).
const ROUNDS: usize = 80;

fn message(i: usize) -> Vec<u8> {
    let reply = if !i.is_multiple_of(4) {
        format!(
            "Subject: Re: topic {}\nIn-Reply-To: <m{}@example.org>\nReferences: <m{}@example.org>\n",
            i - i % 4,
            i - 1,
            i - 1
        )
    } else {
        format!("Subject: topic {i}\n")
    };
    format!(
        "From: Poster {i} <p{i}@example.org>\n{reply}Message-ID: <m{i}@example.org>\nDate: Mon, {} Mar 2021 10:{:02}:00 +0000\n\nBody {i}\n",
        1 + i % 28,
        i % 60
    )
    .into_bytes()
}

/// Start `args` with `stdin`, SIGKILL it after `after`; true if it was killed.
fn kill_after(args: &[&str], stdin: &[u8], after: Duration) -> bool {
    let mut child = larch()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    std::thread::sleep(after);
    let killed = child.try_wait().unwrap().is_none();
    if killed {
        child.kill().unwrap(); // SIGKILL
    }
    child.wait().unwrap();
    killed
}

fn check(a: &Path) {
    let o = ok(larch().args(["check", "--archive"]).arg(a));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ok:"), "{out}");
}

#[test]
fn kill_9_during_add_and_remove_leaves_a_consistent_archive_and_site() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    let arch = a.to_str().unwrap();
    ok(larch().args(["init", arch, "--name", "t"]));
    for i in 0..40 {
        let mut c = larch()
            .args(["add", "--archive", arch])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        c.stdin.take().unwrap().write_all(&message(i)).unwrap();
        assert!(c.wait().unwrap().success());
    }
    // How long one add takes here, to spread the kills over its run.
    let t = std::time::Instant::now();
    let mut c = larch()
        .args(["add", "--archive", arch])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    c.stdin.take().unwrap().write_all(&message(99)).unwrap();
    assert!(c.wait().unwrap().success());
    let span = t.elapsed().as_micros().max(2_000) as u64 * 2;
    let mut kills = 0;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for round in 0..ROUNDS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let after = Duration::from_micros(seed % span);
        let killed = if round % 4 == 3 {
            let n = (seed % 40).to_string();
            kill_after(
                &["remove", "--archive", arch, &n, "--reason", "spam"],
                b"",
                after,
            )
        } else {
            kill_after(&["add", "--archive", arch], &message(100 + round), after)
        };
        kills += usize::from(killed);
        check(&a);
    }
    eprintln!("{kills} of {ROUNDS} runs killed mid-way");
    assert!(
        kills >= ROUNDS / 4,
        "too few runs were actually interrupted ({kills})"
    );
    // Re-deliver every message (the MTA retries): each lands exactly once.
    for round in 0..ROUNDS {
        if round % 4 != 3 {
            let mut c = larch()
                .args(["add", "--archive", arch])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            c.stdin
                .take()
                .unwrap()
                .write_all(&message(100 + round))
                .unwrap();
            assert!(c.wait().unwrap().success());
        }
    }
    let o = ok(larch().args(["check", "--archive", arch]));
    let out = String::from_utf8_lossy(&o.stdout);
    let expect = 41 + ROUNDS - ROUNDS / 4;
    assert!(out.contains(&format!("ok: {expect} messages")), "{out}");
    // The site, brought up to date by the last run, equals a full build.
    let full = tmp.path().join("full");
    ok(larch()
        .args(["build", "--archive", arch, "--out"])
        .arg(&full));
    let live = common::tree(&a.join("site"));
    let fresh = common::tree(&full);
    assert_eq!(
        live.keys().collect::<Vec<_>>(),
        fresh.keys().collect::<Vec<_>>()
    );
    for (k, v) in &fresh {
        assert!(live[k] == *v, "{k} differs from a full build");
    }
}
