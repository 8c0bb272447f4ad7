//! `larch reindex` and `larch search` end to end: text and JSON output,
//! URLs of message pages, paging and order, exit statuses (0 hits, 1 none,
//! 2 bad query), hostile queries, a missing index, and a real month of
//! twisted-python when ../shared/corpora is present.
#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn larch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_larch"))
        .args(args)
        .output()
        .unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MBOX: &str = "From a@example.org Mon Jan  3 10:20:30 2005
From: Ann Example <ann@example.org>
To: list@example.org
Subject: Deferred <callbacks> question
Message-ID: <1@x>
Date: Mon, 3 Jan 2005 10:20:30 +0000

How do deferred callbacks chain?

From b@example.org Tue Feb  1 11:20:30 2005
From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.ru>
To: list@example.org
Subject: =?UTF-8?Q?Re:_Deferred_=3Ccallbacks=3E_question_=E2=80=94_=D0=BC=D0=B8=D1=80?=
Message-ID: <2@x>
In-Reply-To: <1@x>
Date: Tue, 1 Feb 2005 11:20:30 +0000

> How do deferred callbacks chain?
They chain through addCallback. Caf\u{e9} cr\u{e8}me.
";

fn archive(tmp: &Path) -> String {
    let a = tmp.join("arch");
    let a_str = a.to_str().unwrap().to_owned();
    let o = larch(&["init", &a_str, "--name", "test"]);
    assert!(o.status.success(), "{}", err(&o));
    let mbox = tmp.join("list.mbox");
    std::fs::write(&mbox, MBOX).unwrap();
    let o = larch(&["import", "--archive", &a_str, mbox.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    a_str
}

#[test]
fn reindex_then_search_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    let a = archive(tmp.path());
    // Before any index: a clear error that says what to do.
    let o = larch(&["search", "--archive", &a, "deferred"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("larch reindex"), "{}", err(&o));

    let o = larch(&["reindex", "--archive", &a]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).starts_with("indexed 2 messages in "), "{}", out(&o));

    let o = larch(&["search", "--archive", &a, "s:deferred"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    assert!(text.starts_with("2 match(es), showing 1-2\n"), "{text}");
    assert!(text.contains("2005-January/000000.html"), "{text}");
    assert!(text.contains("2005-February/000001.html"), "{text}");
    assert!(text.contains("Ann Example <ann@example.org>"), "{text}");
    assert!(text.contains("Deferred <callbacks> question"), "{text}");
    assert!(!text.contains("<mark>") && !text.contains("&lt;"), "{text}");

    // Several words, accents folded, Cyrillic, JSON.
    let o = larch(&["search", "--archive", &a, "--json", "cafe", "МИР"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["parsed"], "(cafe AND МИР)");
    let h = &v["hits"][0];
    assert_eq!(h["num"], 1);
    assert_eq!(h["url"], "2005-February/000001.html");
    assert_eq!(h["from_name"], "Иван");
    assert_eq!(h["message_id"], "2@x");
    assert_eq!(h["date"], 1_107_256_830);
    assert!(
        h["subject_html"]
            .as_str()
            .unwrap()
            .contains("&lt;callbacks&gt;")
    );
    assert!(
        h["subject_html"]
            .as_str()
            .unwrap()
            .contains("<mark>мир</mark>")
    );
    assert!(
        h["snippet_html"]
            .as_str()
            .unwrap()
            .contains("<mark>Café</mark>")
    );
    assert!(h["snippet"].as_str().unwrap().contains("Café crème"));

    // Order and paging.
    let o = larch(&[
        "search",
        "--archive",
        &a,
        "--json",
        "--sort",
        "date",
        "--limit",
        "1",
        "deferred",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["total"].as_u64(), v["hits"][0]["num"].as_u64()),
        (Some(2), Some(1))
    );
    let o = larch(&[
        "search",
        "--archive",
        &a,
        "--json",
        "--sort",
        "date",
        "--offset",
        "1",
        "deferred",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["hits"].as_array().unwrap().len(), 1);
    assert_eq!(v["hits"][0]["num"], 0);
    // Quoted text only: q: finds the reply, nq: the original.
    let o = larch(&["search", "--archive", &a, "--json", "q:chain"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["total"].as_u64(), v["hits"][0]["num"].as_u64()),
        (Some(1), Some(1))
    );
    // "-word" is a negation inside one argument or after "--"; options
    // may follow the query.
    for args in [
        &["deferred -f:ivan"][..],
        &["--", "deferred", "-f:ivan"],
        &["--", "-f:ivan deferred"],
    ] {
        let o = larch(&[&["search", "--archive", &a][..], args].concat());
        assert_eq!(o.status.code(), Some(0), "{args:?} {}", err(&o));
        assert!(out(&o).starts_with("1 match(es)"), "{}", out(&o));
    }
    let o = larch(&[
        "search",
        "--archive",
        &a,
        "deferred",
        "--limit",
        "1",
        "--sort",
        "date",
    ]);
    assert!(
        out(&o).starts_with("2 match(es), showing 1-1\n"),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("000001.html") && !out(&o).contains("000000.html"));
}

#[test]
fn exit_statuses_and_hostile_queries() {
    let tmp = tempfile::tempdir().unwrap();
    let a = archive(tmp.path());
    assert!(larch(&["reindex", "--archive", &a]).status.success());
    let o = larch(&["search", "--archive", &a, "xyzzy"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).starts_with("0 match(es)"), "{}", out(&o));
    let ten_k = "lorem ".repeat(1700);
    for (q, what) in [
        ("\"", "a quote is not closed"),
        ("NEAR(", "a parenthesis is not closed"),
        ("*", "nothing to search for"),
        ("a OR", "OR needs something after it"),
        ("d:tomorrow", "bad date"),
        (ten_k.as_str(), "longer than 2048 bytes"),
    ] {
        let o = larch(&["search", "--archive", &a, q]);
        assert_eq!(o.status.code(), Some(2), "{q:.40}: {}", err(&o));
        assert!(err(&o).contains(what), "{q:.40}: {}", err(&o));
        assert!(out(&o).is_empty());
    }
    let o = larch(&["search", "--archive", &a, "ok", "("]);
    assert!(err(&o).contains("  ok (\n     ^"), "{}", err(&o));
}

#[test]
fn twisted_python_month_end_to_end() {
    let corpora = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    let file = corpora.join("B/twisted-pipermail/archives/twisted-python/2015-June.txt.gz");
    if !file.is_file() {
        eprintln!("note: ../shared/corpora not present; corpus test skipped");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("arch");
    let a = a.to_str().unwrap();
    assert!(
        larch(&["init", a, "--name", "twisted-python"])
            .status
            .success()
    );
    assert!(
        larch(&["import", "--archive", a, file.to_str().unwrap()])
            .status
            .success()
    );
    let o = larch(&["reindex", "--archive", a]);
    assert!(out(&o).starts_with("indexed 74 messages"), "{}", out(&o));
    // 4 distinct messages have "Emacs" in the subject (counted with Python).
    let o = larch(&["search", "--archive", a, "--json", "s:emacs"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 4);
    for h in v["hits"].as_array().unwrap() {
        assert!(
            h["url"].as_str().unwrap().starts_with("2015-June/0000"),
            "{h}"
        );
        assert!(h["subject"].as_str().unwrap().contains("Emacs"), "{h}");
    }
    let o = larch(&[
        "search",
        "--archive",
        a,
        "m:<tencent_2990F07D3ADEFC536FA172AB@qq.com>",
    ]);
    assert!(out(&o).starts_with("1 match(es)"), "{}", out(&o));
    assert!(out(&o).contains("chess game server"), "{}", out(&o));
}
