//! Search over real and crafted archives: known answers for twisted-python
//! June 2015 (counted independently with Python's `mailbox` and regular
//! expressions over the decoded messages), Unicode mail (Cyrillic, Chinese,
//! accented Latin) found in its script and without accents, and the index
//! kept in step with imports and removals.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use larch::build::search_docs::{open_index, refresh_index, reindex, update_index};
use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;
use larch::search::{SearchIndex, Sort, parse_query};

fn import(archive: &mut Archive, files: &[PathBuf]) {
    let r = build::import(
        archive,
        files,
        &ImportOptions { now: 1_700_000_000 },
        &mut (),
    );
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

fn hits(ix: &SearchIndex, q: &str) -> Vec<u64> {
    let q = parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let h = ix.search(&q, Sort::Relevance, 0, 1000).unwrap();
    assert_eq!(h.total as usize, h.hits.len());
    h.hits.iter().map(|h| h.num).collect()
}

fn subjects(archive: &Archive, nums: &[u64]) -> Vec<String> {
    nums.iter()
        .map(|&n| archive.store().summary(n).unwrap().unwrap().subject)
        .collect()
}

#[test]
fn twisted_python_june_2015_known_answers() {
    let Some(corpora) = common::corpora() else {
        return;
    };
    let file = corpora.join("B/twisted-pipermail/archives/twisted-python/2015-June.txt.gz");
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(dir.path(), "twisted-python", None, Period::Month).unwrap();
    import(&mut archive, &[file]);
    // 148 From_ lines, 74 distinct messages (each is in the file twice).
    assert_eq!(archive.store().count().unwrap(), 74);
    let r = reindex(&archive).unwrap();
    assert_eq!((r.indexed, r.total), (74, 74));
    assert!(r.bytes > 0);
    let ix = open_index(&archive).unwrap();
    assert_eq!(ix.max_num().unwrap(), Some(73));

    // Counts made with Python over the distinct messages.
    for (q, n) in [
        ("s:\"code of conduct\"", 23),
        ("f:glyph", 21),
        ("f:hawkowl@atleastfornow.net", 9),
        ("f:hawkowl", 9),
        ("chess", 2),
        ("s:emacs", 4),
        ("s:buildbots", 6),
        ("s:pypy", 2),
        ("s:fellowship", 5),
        ("s:fellowship d:20150601..20150630", 5),
        ("chess d:20150604", 2),
        ("chess d:20150605..", 0),
        ("chess -f:glyph", 1),
        ("s:emacs OR s:pypy", 6),
    ] {
        assert_eq!(hits(&ix, q).len(), n, "{q}");
    }
    for s in subjects(&archive, &hits(&ix, "s:emacs")) {
        assert!(s.contains("Emacs"), "{s}");
    }
    let one = hits(&ix, "m:<tencent_2990F07D3ADEFC536FA172AB@qq.com>");
    assert_eq!(one.len(), 1);
    assert!(subjects(&archive, &one)[0].contains("chess game server"));
    assert!(hits(&ix, "m:tencent_2990f07d3adefc536fa172ab@qq.com").is_empty());

    // Snippets mark the words; date order is newest first.
    let q = parse_query("chess").unwrap();
    let h = ix.search(&q, Sort::Relevance, 0, 10).unwrap();
    assert!(h.hits[0].subject_html.contains("<mark>chess</mark>"));
    let h = ix
        .search(&parse_query("f:glyph").unwrap(), Sort::Date, 0, 100)
        .unwrap();
    assert!(h.hits.windows(2).all(|w| w[0].date >= w[1].date));
    // Nothing to do when the index is current.
    let r = refresh_index(&archive).unwrap();
    assert_eq!((r.indexed, r.deleted, r.rebuilt), (0, 0, false));
}

const UNICODE: &[(&str, &str)] = &[
    (
        "ru.eml",
        "From: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>\nTo: list@example.org\nSubject: =?KOI8-R?B?8NLJ18XUIMnaIO3P08vX2Q==?=\nMessage-ID: <ru@x>\nDate: Mon, 1 Jun 2015 10:00:00 +0300\nContent-Type: text/plain; charset=koi8-r\nContent-Transfer-Encoding: 8bit\n\n",
    ),
    (
        "zh.eml",
        "From: =?GB2312?B?1cXI/Q==?= <zhang@example.cn>\nTo: list@example.org\nSubject: =?UTF-8?B?6YKu5Lu25YiX6KGo5rWL6K+V?=\nMessage-ID: <zh@x>\nDate: Tue, 2 Jun 2015 10:00:00 +0800\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n6L+Z5piv5LiA5bCB5rWL6K+V6YKu5Lu244CC5pel5pys6Kqe44KC44GC44KK44G+44GZ44CC\n",
    ),
    (
        "fr.eml",
        "From: =?ISO-8859-1?Q?Ren=E9e_Fran=E7ois?= <renee@example.fr>\nTo: list@example.org\nCc: =?UTF-8?Q?Jos=C3=A9_M=C3=BCller?= <jose@example.de>\nSubject: =?ISO-8859-1?Q?R=E9union_=E0_Montr=E9al?=\nMessage-ID: <fr@x>\nDate: Wed, 3 Jun 2015 10:00:00 +0200\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nUn caf=E9 cr=E8me, s'il vous pla=EEt.\n> Na=EFve question cit=E9e\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.pdf\n\n%PDF\n--b--\n",
    ),
    (
        "html.eml",
        "From: Web Mailer <web@example.com>\nTo: list@example.org\nSubject: HTML only\nMessage-ID: <html@x>\nDate: Thu, 4 Jun 2015 10:00:00 +0000\nContent-Type: text/html; charset=utf-8\n\n<html><head><style>.x{}</style></head><body><p>Fresh <b>marmalade</b> &amp; toast</p><blockquote type=cite>earlier porridge</blockquote><script>stolen()</script></body></html>\n",
    ),
];

/// The Cyrillic body in KOI8-R: "Письмо о рассылке. Ёлка."
const RU_BODY_KOI8: &[u8] =
    b"\xf0\xc9\xd3\xd8\xcd\xcf \xcf \xd2\xc1\xd3\xd3\xd9\xcc\xcb\xc5. \xb3\xcc\xcb\xc1.\n";

fn write_unicode(dir: &Path) -> Vec<PathBuf> {
    UNICODE
        .iter()
        .map(|(name, text)| {
            let p = dir.join(name);
            let mut bytes = text.as_bytes().to_vec();
            if *name == "ru.eml" {
                bytes.extend_from_slice(RU_BODY_KOI8);
            }
            std::fs::write(&p, bytes).unwrap();
            p
        })
        .collect()
}

#[test]
fn unicode_mail_is_found_in_its_script_and_without_accents() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(&dir.path().join("a"), "u", None, Period::Month).unwrap();
    let files = write_unicode(dir.path());
    import(&mut archive, &files);
    reindex(&archive).unwrap();
    let ix = open_index(&archive).unwrap();
    let (ru, zh, fr, html) = (0u64, 1u64, 2u64, 3u64);
    let cases: &[(&str, &[u64])] = &[
        ("москвы", &[ru]),
        ("МОСКВЫ", &[ru]),
        ("s:привет", &[ru]),
        ("f:иван", &[ru]),
        ("рассылке", &[ru]),
        ("елка", &[ru]),
        ("ёлка", &[ru]),
        ("邮件列表", &[zh]),
        ("s:测试", &[zh]),
        ("测试邮件", &[zh]),
        ("日本語", &[zh]),
        ("f:张三", &[zh]),
        ("reunion montreal", &[fr]),
        ("s:RÉUNION", &[fr]),
        ("creme", &[fr]),
        ("f:renee", &[fr]),
        ("c:muller", &[fr]),
        ("c:jose@example.de", &[fr]),
        ("t:list@example.org", &[ru, zh, fr, html]),
        ("q:naive", &[fr]),
        ("nq:naive", &[]),
        ("n:resume", &[fr]),
        ("n:\"résumé final\"", &[fr]),
        ("marmalade", &[html]),
        ("nq:marmalade", &[html]),
        ("q:porridge", &[html]),
        ("stolen", &[]),
        ("style", &[]),
    ];
    for (q, want) in cases {
        let got: BTreeSet<u64> = hits(&ix, q).into_iter().collect();
        let want: BTreeSet<u64> = want.iter().copied().collect();
        assert_eq!(got, want, "{q}");
    }
    let q = parse_query("reunion").unwrap();
    let h = ix.search(&q, Sort::Relevance, 0, 1).unwrap();
    assert_eq!(h.hits[0].subject_html, "<mark>Réunion</mark> à Montréal");
}

#[test]
fn the_index_follows_imports_and_removals() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::init(&dir.path().join("a"), "u", None, Period::Month).unwrap();
    let files = write_unicode(dir.path());
    import(&mut archive, &files[..2]);
    // No index yet: update_index builds one.
    let r = update_index(&archive, &[0, 1], &[]).unwrap();
    assert!(r.rebuilt);
    assert_eq!(r.total, 2);
    // An import followed by update_index: searchable at once.
    import(&mut archive, &files[2..3]);
    let r = update_index(&archive, &[2], &[]).unwrap();
    assert_eq!((r.indexed, r.total, r.rebuilt), (1, 3, false));
    assert_eq!(hits(&open_index(&archive).unwrap(), "creme"), [2]);
    // An import the index missed (a crash between store and index):
    // refresh_index catches up.
    import(&mut archive, &files[3..]);
    assert!(hits(&open_index(&archive).unwrap(), "marmalade").is_empty());
    let r = refresh_index(&archive).unwrap();
    assert_eq!((r.indexed, r.total), (1, 4));
    assert_eq!(hits(&open_index(&archive).unwrap(), "marmalade"), [3]);
    // A removal: update_index drops it.
    build::remove(&mut archive, &[2], "test", false, 1_700_000_000).unwrap();
    update_index(&archive, &[], &[2]).unwrap();
    assert!(hits(&open_index(&archive).unwrap(), "creme").is_empty());
    // A removal the index missed: refresh_index drops it; reindex never
    // indexes it again; nothing is left of the rebuild's directories.
    build::remove(&mut archive, &[0], "test", true, 1_700_000_000).unwrap();
    assert_eq!(hits(&open_index(&archive).unwrap(), "москвы"), [0]);
    let r = refresh_index(&archive).unwrap();
    assert_eq!((r.deleted, r.total), (1, 2));
    assert!(hits(&open_index(&archive).unwrap(), "москвы").is_empty());
    let r = reindex(&archive).unwrap();
    assert_eq!((r.indexed, r.total), (2, 2));
    let ix = open_index(&archive).unwrap();
    assert!(hits(&ix, "москвы").is_empty() && hits(&ix, "creme").is_empty());
    let mut to = hits(&ix, "t:list@example.org");
    to.sort_unstable();
    assert_eq!(to, [1, 3]);
    let names: Vec<String> = std::fs::read_dir(dir.path().join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("search"))
        .collect();
    assert_eq!(names, ["search"]);
    // An undone removal comes back with update_index.
    build::undo_remove(&mut archive, &[0]).unwrap();
    update_index(&archive, &[0], &[]).unwrap();
    assert_eq!(hits(&open_index(&archive).unwrap(), "москвы"), [0]);
}
