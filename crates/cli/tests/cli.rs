//! End-to-end tests of the `larch` binary: init, import of every input kind,
//! bad inputs (clear errors, others still imported, non-zero exit), export,
//! check, stats, and the kill -9 test.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn larch() -> Command {
    Command::new(env!("CARGO_BIN_EXE_larch"))
}

fn run(args: &[&str]) -> Output {
    larch().args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn init(dir: &Path) -> String {
    let d = dir.join("arch");
    let o = run(&["init", d.to_str().unwrap(), "--name", "test"]);
    assert!(o.status.success(), "{}", text(&o));
    d.to_string_lossy().into_owned()
}

const MBOX: &[u8] = b"From a@example.org Mon Jan  3 10:20:30 2005\nFrom: A <a@example.org>\nSubject: one\nMessage-ID: <1@x>\nDate: Mon, 3 Jan 2005 10:20:30 +0000\n\nhello\n>From the start\n\nFrom b@example.org Mon Jan  3 11:20:30 2005\nFrom: B <b@example.org>\nSubject: Re: one\nMessage-ID: <2@x>\nIn-Reply-To: <1@x>\nDate: Mon, 3 Jan 2005 11:20:30 +0000\n\nreply\n";

#[test]
fn import_every_kind_and_report_bad_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let a = init(tmp.path());
    let mbox = tmp.path().join("list.mbox");
    std::fs::write(&mbox, MBOX).unwrap();
    let maildir = tmp.path().join("Maildir");
    std::fs::create_dir_all(maildir.join("cur")).unwrap();
    std::fs::create_dir_all(maildir.join("new")).unwrap();
    std::fs::write(
        maildir.join("new/1700000000.1.host"),
        b"From: c@example.org\nSubject: maildir\nMessage-ID: <3@x>\nDate: Tue, 4 Jan 2005 10:00:00 +0000\n\nm\n",
    )
    .unwrap();
    let eml = tmp.path().join("one.eml");
    std::fs::write(
        &eml,
        b"From: d@example.org\nSubject: eml\nMessage-ID: <4@x>\n\ne\n",
    )
    .unwrap();
    let notmaildir = tmp.path().join("emptydir");
    std::fs::create_dir(&notmaildir).unwrap();
    let binary = tmp.path().join("blob.bin");
    std::fs::write(&binary, [0x89, b'P', b'N', b'G', 0, 1, 2, 3]).unwrap();
    let missing = tmp.path().join("nope.mbox");

    let o = run(&[
        "import",
        "--archive",
        &a,
        mbox.to_str().unwrap(),
        missing.to_str().unwrap(),
        maildir.to_str().unwrap(),
        notmaildir.to_str().unwrap(),
        eml.to_str().unwrap(),
        binary.to_str().unwrap(),
    ]);
    let out = text(&o);
    assert!(
        !o.status.success(),
        "bad inputs must make the exit status non-zero"
    );
    assert!(out.contains("list.mbox: mbox"), "{out}");
    assert!(out.contains("Maildir: Maildir"), "{out}");
    assert!(out.contains("one.eml: single message"), "{out}");
    assert!(
        out.contains("nope.mbox") && out.contains("No such file"),
        "{out}"
    );
    assert!(
        out.contains("emptydir") && out.contains("not a Maildir"),
        "{out}"
    );
    assert!(out.contains("blob.bin (byte 4): not mail"), "{out}");
    assert!(out.contains("read 4, archived 4"), "{out}");
    assert!(out.contains("errors 3"), "{out}");

    // stdin, and the same mbox again: nothing new.
    let mut child = larch()
        .args(["import", "--archive", &a, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"From: e@example.org\nSubject: stdin\nMessage-ID: <5@x>\n\ns\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("archived 1"));
    let o = run(&["import", "--archive", &a, mbox.to_str().unwrap()]);
    assert!(
        text(&o).contains("archived 0") && text(&o).contains("already archived 2"),
        "{}",
        text(&o)
    );

    let o = run(&["check", "--archive", &a]);
    assert!(
        o.status.success() && text(&o).contains("ok: 5 messages"),
        "{}",
        text(&o)
    );
    let o = run(&["stats", "--archive", &a]);
    assert!(text(&o).contains("2005-January\t4"), "{}", text(&o));

    let export = tmp.path().join("out.mbox");
    let o = run(&["export", "--archive", &a, "--out", export.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let exported = std::fs::read(&export).unwrap();
    // The escaped body line is written escaped again (mboxrd).
    assert!(exported.windows(16).any(|w| w == b"\n>From the start"));
    assert!(exported.iter().filter(|&&b| b == b'\n').count() > 10);
}

#[test]
fn maildir_messages_are_recorded_per_file() {
    let tmp = tempfile::tempdir().unwrap();
    let a = init(tmp.path());
    let md = tmp.path().join("md");
    std::fs::create_dir_all(md.join("cur")).unwrap();
    for i in 0..3 {
        std::fs::write(
            md.join(format!("cur/{i}.host:2,S")),
            format!("From: a@b\nX-No-Archive: yes\nMessage-ID: <n{i}@x>\n\nsecret {i}\n"),
        )
        .unwrap();
    }
    std::fs::write(
        md.join("cur/9.host:2,S"),
        b"From: a@b\nMessage-ID: <k@x>\nSubject: s\n\nkept\n",
    )
    .unwrap();
    std::fs::write(
        md.join("cur/9b.host:2,S"),
        b"From: a@b\nMessage-ID: <k@x>\nSubject: s\n\nkept, another copy\n",
    )
    .unwrap();
    let o = run(&["import", "--archive", &a, md.to_str().unwrap()]);
    assert!(
        text(&o).contains("archived 1, duplicates 1")
            && text(&o).contains("not archived on request 3"),
        "{}",
        text(&o)
    );
    let o = run(&["stats", "--archive", &a]);
    assert!(
        text(&o).contains("no-archive\t3") && text(&o).contains("duplicate\t1"),
        "{}",
        text(&o)
    );
    // Again: nothing new, nothing counted twice.
    let o = run(&["import", "--archive", &a, md.to_str().unwrap()]);
    assert!(text(&o).contains("archived 0"), "{}", text(&o));
    let o = run(&["stats", "--archive", &a]);
    assert!(
        text(&o).contains("no-archive\t3") && text(&o).contains("duplicate\t1"),
        "{}",
        text(&o)
    );
}

#[test]
fn empty_stdin_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let a = init(tmp.path());
    let o = larch()
        .args(["import", "--archive", &a, "-"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(text(&o).contains("empty input"), "{}", text(&o));
}

#[test]
fn no_archive_is_honored() {
    let tmp = tempfile::tempdir().unwrap();
    let a = init(tmp.path());
    let eml = tmp.path().join("x.eml");
    std::fs::write(
        &eml,
        b"From: a@b\nX-No-Archive: yes\nMessage-ID: <n@x>\n\nsecret\n",
    )
    .unwrap();
    let o = run(&["import", "--archive", &a, eml.to_str().unwrap()]);
    assert!(
        text(&o).contains("archived 0") && text(&o).contains("not archived on request 1"),
        "{}",
        text(&o)
    );
}

fn gen_mbox(n: usize, out: &Path) -> bool {
    let script =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/gen-mbox.py");
    if !script.exists() {
        eprintln!("note: ../shared/bench/gen-mbox.py not present; kill test skipped");
        return false;
    }
    Command::new("python3")
        .arg(&script)
        .args(["--messages", &n.to_string(), "--seed", "7", "--out"])
        .arg(out)
        .status()
        .unwrap()
        .success()
}

#[test]
fn kill_9_during_import_then_rerun_equals_clean_import() {
    let tmp = tempfile::tempdir().unwrap();
    let mbox = tmp.path().join("big.mbox");
    if !gen_mbox(12_000, &mbox) {
        return;
    }
    let clean = tmp.path().join("clean");
    assert!(
        run(&["init", clean.to_str().unwrap(), "--name", "t"])
            .status
            .success()
    );
    let o = run(&[
        "import",
        "--archive",
        clean.to_str().unwrap(),
        mbox.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let clean_export = tmp.path().join("clean.out");
    run(&[
        "export",
        "--archive",
        clean.to_str().unwrap(),
        "--out",
        clean_export.to_str().unwrap(),
    ]);

    let killed = tmp.path().join("killed");
    assert!(
        run(&["init", killed.to_str().unwrap(), "--name", "t"])
            .status
            .success()
    );
    let mut kills = 0;
    for delay_ms in [150u64, 400, 700, 1000, 1400] {
        let mut child = larch()
            .args([
                "import",
                "--archive",
                killed.to_str().unwrap(),
                mbox.to_str().unwrap(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        let o = run(&["check", "--archive", killed.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "store inconsistent after kill: {}",
            text(&o)
        );
    }
    eprintln!("killed the import {kills} times");
    let o = run(&[
        "import",
        "--archive",
        killed.to_str().unwrap(),
        mbox.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let killed_export = tmp.path().join("killed.out");
    run(&[
        "export",
        "--archive",
        killed.to_str().unwrap(),
        "--out",
        killed_export.to_str().unwrap(),
    ]);
    let a = std::fs::read(&clean_export).unwrap();
    let b = std::fs::read(&killed_export).unwrap();
    assert!(
        a == b,
        "export after kills + re-run differs from a clean import"
    );
    let sa = text(&run(&["stats", "--archive", clean.to_str().unwrap()]));
    let sb = text(&run(&["stats", "--archive", killed.to_str().unwrap()]));
    assert_eq!(sa, sb);
}
