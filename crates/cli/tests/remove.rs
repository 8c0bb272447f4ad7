//! `larch remove`: the page becomes a tombstone, every other file and URL is
//! unchanged, attachments go, bytes are purged (or kept for --undo), the
//! site equals a fresh full build, and a re-import never brings it back.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod common;

use std::process::{Command, Output};

fn larch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(args)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn mbox() -> Vec<u8> {
    let mut m = Vec::new();
    for i in 0..8 {
        let reply = if i > 0 {
            format!(
                "In-Reply-To: <m{}@x>\nReferences: <m0@x> <m{}@x>\n",
                i - 1,
                i - 1
            )
        } else {
            String::new()
        };
        let attach = if i == 3 {
            "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nSECRET-PASSWORD-3\n--b\nContent-Type: application/pdf; name=leak.pdf\nContent-Disposition: attachment; filename=leak.pdf\n\n%PDF\n--b--\n".to_owned()
        } else {
            format!("\nbody {i}\n")
        };
        m.extend_from_slice(
            format!(
                "From p{i}@x Mon Mar  1 10:0{i}:00 2021\nFrom: P{i} <p{i}@x>\nSubject: Re: secret topic {i}\nMessage-ID: <m{i}@x>\nDate: Mon, 1 Mar 2021 10:0{i}:00 +0000\n{reply}{attach}\n"
            )
            .as_bytes(),
        );
    }
    m
}

#[test]
fn remove_keeps_every_other_url_and_stays_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    let a_s = a.to_str().unwrap();
    assert!(larch(&["init", a_s, "--name", "t"]).status.success());
    let src = tmp.path().join("list.mbox");
    std::fs::write(&src, mbox()).unwrap();
    assert!(
        larch(&["import", "--archive", a_s, src.to_str().unwrap()])
            .status
            .success()
    );
    assert!(larch(&["build", "--archive", a_s]).status.success());
    let before = common::tree(&a.join("site"));
    assert!(before.contains_key("2021-March/attachments/000003/1-leak.pdf"));

    let o = larch(&[
        "remove",
        "--archive",
        a_s,
        "3",
        "--reason",
        "leaked password",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = larch(&[
        "remove",
        "--archive",
        a_s,
        "<m5@x>",
        "--reason",
        "spam",
        "--keep-raw",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let after = common::tree(&a.join("site"));

    // The same files, but the removed message's attachments.
    let mut expected: Vec<&String> = before
        .keys()
        .filter(|k| !k.contains("attachments/000003/"))
        .collect();
    expected.sort();
    assert_eq!(after.keys().collect::<Vec<_>>(), expected);
    for n in ["000003", "000005"] {
        let page = String::from_utf8_lossy(&after[&format!("2021-March/{n}.html")]).into_owned();
        assert!(page.contains("removed by the list administrator"), "{page}");
        assert!(
            !page.contains("secret topic") && !page.contains("SECRET-PASSWORD"),
            "{page}"
        );
    }
    for (k, v) in &after {
        assert!(
            !String::from_utf8_lossy(v).contains("SECRET-PASSWORD"),
            "{k} still shows the removed text"
        );
    }
    // Nor any hidden file. Spares (which receive the pages being replaced)
    // may have held it: a removal deletes them all.
    let mut stack = vec![a.join("site")];
    let mut hidden = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(!name.starts_with(".larch-spare."), "{} left", p.display());
            hidden += usize::from(name.starts_with('.'));
            let bytes = std::fs::read(&p).unwrap();
            assert!(
                !bytes.windows(17).any(|w| w == b"SECRET-PASSWORD-3"),
                "{} still holds the removed text",
                p.display()
            );
        }
    }
    assert!(hidden >= 1, "the site marker at least");
    // The site equals a fresh full build.
    let full = tmp.path().join("full");
    assert!(
        larch(&["build", "--archive", a_s, "--out", full.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        common::tree(&full) == after,
        "site after removal differs from a full build"
    );

    // The store: purged bytes gone, check clean, export skips removed.
    let o = larch(&["check", "--archive", a_s]);
    assert!(o.status.success(), "{}", text(&o));
    let out = tmp.path().join("out.mbox");
    assert!(
        larch(&["export", "--archive", a_s, "--out", out.to_str().unwrap()])
            .status
            .success()
    );
    let exported = std::fs::read(&out).unwrap();
    assert!(!String::from_utf8_lossy(&exported).contains("SECRET-PASSWORD"));
    for f in ["larch.sqlite3", "larch.sqlite3-wal"] {
        let Ok(db) = std::fs::read(a.join("store").join(f)) else {
            continue;
        };
        assert!(
            !db.windows(17).any(|w| w == b"SECRET-PASSWORD-3"),
            "purged text still in {f}"
        );
    }

    // Re-import: never comes back.
    let o = larch(&["import", "--archive", a_s, src.to_str().unwrap()]);
    assert!(text(&o).contains("archived 0"), "{}", text(&o));
    let copy = tmp.path().join("copy.mbox");
    std::fs::write(&copy, mbox()).unwrap();
    let o = larch(&["import", "--archive", a_s, copy.to_str().unwrap()]);
    assert!(
        text(&o).contains("removed earlier 2") && text(&o).contains("archived 0"),
        "{}",
        text(&o)
    );

    // Undo: only while the raw bytes were kept.
    let o = larch(&["remove", "--archive", a_s, "--undo", "3"]);
    assert!(!o.status.success());
    let o = larch(&["remove", "--archive", a_s, "--undo", "5"]);
    assert!(o.status.success(), "{}", text(&o));
    let restored = common::tree(&a.join("site"));
    let page5 = String::from_utf8_lossy(&restored["2021-March/000005.html"]).into_owned();
    assert!(
        page5.contains("secret topic 5") && !page5.contains("removed by the list administrator")
    );
    let full2 = tmp.path().join("full2");
    assert!(
        larch(&["build", "--archive", a_s, "--out", full2.to_str().unwrap()])
            .status
            .success()
    );
    assert!(
        common::tree(&full2) == restored,
        "site after undo differs from a full build"
    );
}
