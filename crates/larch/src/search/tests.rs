//! Index tests: each prefix against a small index, ranges, phrases,
//! negation, Unicode, snippets (escaped), order, paging, updates.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use super::*;

const JUNE_10_2015: i64 = 1_433_894_400;
const DAY: i64 = 86_400;

fn doc(num: u64, subject: &str, body: &str) -> SearchDoc {
    SearchDoc {
        num,
        message_id: format!("m{num}@example.org"),
        subject: subject.into(),
        from_name: "Someone".into(),
        from_addr: "someone@example.org".into(),
        body_unquoted: body.into(),
        list_id: "salon.lists.example.org".into(),
        date: JUNE_10_2015 + num as i64 * DAY,
        ..SearchDoc::default()
    }
}

fn sample() -> Vec<SearchDoc> {
    let mut d0 = doc(
        0,
        "Deferred callbacks in Twisted",
        "The reactor runs your callbacks when the result arrives.\nSee the howto.",
    );
    d0.from_name = "Glyph Lefkowitz".into();
    d0.from_addr = "glyph@twistedmatrix.com".into();
    d0.to = vec!["twisted-python@twistedmatrix.com".into()];
    d0.cc = vec!["Itamar Shtull <itamar@example.net>".into()];
    d0.body_quoted = "> Why do threads deadlock?".into();
    d0.attachment_names = vec!["design-notes.pdf".into()];
    d0.list_id = "twisted-python.twistedmatrix.com".into();
    let d1 = doc(1, "Привет, мир", "Русский текст о почтовой рассылке.");
    let d2 = doc(2, "邮件列表测试", "这是一个中文邮件。日本語のメールです。");
    let mut d3 = doc(3, "Café au lait", "A naïve résumé of the Straße.");
    d3.from_name = "José Müller".into();
    let d4 = doc(
        4,
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)> & \"quotes\" script",
    );
    let mut d5 = doc(5, "Re: Deferred callbacks", "Thanks, that helps.");
    d5.body_quoted = "> The reactor runs your callbacks when the result arrives.".into();
    vec![d0, d1, d2, d3, d4, d5]
}

fn index() -> (tempfile::TempDir, SearchIndex) {
    let dir = tempfile::tempdir().unwrap();
    let mut ix = SearchIndex::create(&dir.path().join("search")).unwrap();
    ix.add(&sample()).unwrap();
    ix.commit().unwrap();
    (dir, ix)
}

fn nums(ix: &SearchIndex, q: &str) -> BTreeSet<u64> {
    let q = parse_query(q).unwrap_or_else(|e| panic!("{q}: {e}"));
    let hits = ix.search(&q, Sort::Relevance, 0, 100).unwrap();
    assert_eq!(hits.total as usize, hits.hits.len());
    hits.hits.iter().map(|h| h.num).collect()
}

fn set(v: &[u64]) -> BTreeSet<u64> {
    v.iter().copied().collect()
}

#[test]
fn each_prefix_searches_its_fields() {
    let (_d, ix) = index();
    let cases: &[(&str, &[u64])] = &[
        ("s:deferred", &[0, 5]),
        ("s:reactor", &[]),
        ("b:reactor", &[0, 5]),
        ("nq:reactor", &[0]),
        ("q:reactor", &[5]),
        ("q:deadlock", &[0]),
        ("nq:deadlock", &[]),
        ("bs:deferred", &[0, 5]),
        ("f:glyph", &[0]),
        ("f:lefkowitz", &[0]),
        ("f:glyph@twistedmatrix.com", &[0]),
        ("f:twistedmatrix.com", &[0]),
        ("t:twisted-python@twistedmatrix.com", &[0]),
        ("t:itamar", &[]),
        ("c:itamar", &[0]),
        ("tc:itamar", &[0]),
        ("a:itamar", &[0]),
        ("a:glyph", &[0]),
        ("n:design-notes.pdf", &[0]),
        ("n:notes", &[0]),
        ("n:pdf", &[0]),
        ("m:<m3@example.org>", &[3]),
        ("m:m3@example.org", &[3]),
        ("m:M3@example.org", &[]),
        ("m:m3", &[]),
        ("l:twisted-python.twistedmatrix.com", &[0]),
        ("l:salon", &[1, 2, 3, 4, 5]),
        // Bare words: subject, from and body.
        ("glyph", &[0]),
        ("deferred", &[0, 5]),
        ("deadlock", &[0]),
        ("howto", &[0]),
    ];
    for (q, want) in cases {
        assert_eq!(nums(&ix, q), set(want), "{q}");
    }
}

#[test]
fn dates_phrases_negation_prefixes() {
    let (_d, ix) = index();
    let cases: &[(&str, &[u64])] = &[
        ("d:20150610", &[0]),
        ("d:2015-06-11..2015-06-12", &[1, 2]),
        ("d:20150614..", &[4, 5]),
        ("d:..20150611", &[0, 1]),
        ("d:201506", &[0, 1, 2, 3, 4, 5]),
        ("d:2014", &[]),
        ("\"reactor runs\"", &[0, 5]),
        ("\"runs reactor\"", &[]),
        ("nq:\"result arrives\"", &[0]),
        ("deferred -re", &[0]),
        ("deferred NOT q:reactor", &[0]),
        ("deferred AND NOT s:re", &[0]),
        ("-s:deferred d:201506", &[1, 2, 3, 4]),
        ("glyph OR мир", &[0, 1]),
        ("(glyph OR мир) d:20150611", &[1]),
        ("s:(deferred OR café)", &[0, 3, 5]),
        ("callb*", &[0, 5]),
        ("s:\"deferred callb\"*", &[0, 5]),
        ("xyzzy*", &[]),
    ];
    for (q, want) in cases {
        assert_eq!(nums(&ix, q), set(want), "{q}");
    }
}

#[test]
fn unicode_is_found_folded_and_in_its_script() {
    let (_d, ix) = index();
    let cases: &[(&str, &[u64])] = &[
        ("мир", &[1]),
        ("МИР", &[1]),
        ("s:привет", &[1]),
        ("рассылке", &[1]),
        ("邮件", &[2]),
        ("邮件列表", &[2]),
        ("中文", &[2]),
        ("中", &[2]),
        ("日本語", &[2]),
        ("メール", &[2]),
        ("文件", &[]),
        ("cafe", &[3]),
        ("CAFÉ", &[3]),
        ("naive resume", &[3]),
        ("strasse", &[3]),
        ("f:jose", &[3]),
        ("f:muller", &[3]),
        ("f:Müller", &[3]),
    ];
    for (q, want) in cases {
        assert_eq!(nums(&ix, q), set(want), "{q}");
    }
}

fn first(ix: &SearchIndex, q: &str) -> Hit {
    let q = parse_query(q).unwrap();
    ix.search(&q, Sort::Relevance, 0, 1).unwrap().hits.remove(0)
}

#[test]
fn snippets_are_escaped_and_marked() {
    let (_d, ix) = index();
    let h = first(&ix, "s:script");
    assert_eq!(h.num, 4);
    assert_eq!(
        h.subject_html,
        "&lt;<mark>script</mark>&gt;alert(1)&lt;&#x2F;<mark>script</mark>&gt;"
    );
    assert!(!h.snippet_html.contains('<') || !h.snippet_html.contains("<img"));
    assert!(
        h.snippet_html
            .contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;")
    );
    // The body snippet marks bare-word matches.
    let h = first(&ix, "onerror");
    assert!(h.snippet_html.contains("<mark>onerror</mark>"), "{h:?}");
    for tag in ["<img", "<script", "\"quotes\""] {
        assert!(!h.snippet_html.contains(tag), "{h:?}");
        assert!(!h.subject_html.contains(tag), "{h:?}");
    }
    // Folded matches mark the original text; CJK bigrams merge.
    let h = first(&ix, "cafe");
    assert_eq!(h.subject_html, "<mark>Café</mark> au lait");
    let h = first(&ix, "邮件列表");
    assert_eq!(h.subject_html, "<mark>邮件列表</mark>测试");
    // A quoted-only match shows the quoted text.
    let h = first(&ix, "q:arrives");
    assert_eq!(h.num, 5);
    assert!(h.snippet_html.contains("<mark>arrives</mark>"), "{h:?}");
    // Negated words are not marked.
    let h = first(&ix, "deferred -glyph");
    assert!(!h.snippet_html.contains("<mark>"), "{h:?}");
    assert_eq!(plain_text("a <mark>b</mark> &lt;c&gt;"), "a b <c>");
}

#[test]
fn order_paging_and_counts() {
    let (_d, ix) = index();
    let q = parse_query("d:2015").unwrap();
    let all = ix.search(&q, Sort::Date, 0, 10).unwrap();
    assert_eq!(all.total, 6);
    let order: Vec<u64> = all.hits.iter().map(|h| h.num).collect();
    assert_eq!(order, [5, 4, 3, 2, 1, 0]);
    assert_eq!(all.hits[0].date, JUNE_10_2015 + 5 * DAY);
    let page = ix.search(&q, Sort::Date, 2, 2).unwrap();
    assert_eq!(page.total, 6);
    assert_eq!(page.hits.iter().map(|h| h.num).collect::<Vec<_>>(), [3, 2]);
    let past = ix.search(&q, Sort::Date, 50, 10).unwrap();
    assert_eq!((past.total, past.hits.len()), (6, 0));
    let none = ix.search(&q, Sort::Relevance, 0, 0).unwrap();
    assert_eq!((none.total, none.hits.len()), (6, 0));
    let far = ix.search(&q, Sort::Relevance, MAX_OFFSET + 1, 10).unwrap();
    assert_eq!((far.total, far.hits.len()), (6, 0));
    // Relevance: a subject match outranks a quoted-body match.
    let r = ix
        .search(&parse_query("deferred").unwrap(), Sort::Relevance, 0, 10)
        .unwrap();
    assert!(r.hits.iter().all(|h| h.score > 0.0));
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn updates_deletes_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    assert!(matches!(
        SearchIndex::open(&path),
        Err(SearchError::Missing(_))
    ));
    let mut ix = SearchIndex::create(&path).unwrap();
    assert_eq!(ix.max_num().unwrap(), None);
    ix.add(&sample()).unwrap();
    ix.commit().unwrap();
    assert_eq!(ix.doc_count(), 6);
    assert_eq!(ix.max_num().unwrap(), Some(5));
    ix.delete(5).unwrap();
    ix.delete(1).unwrap();
    ix.commit().unwrap();
    assert_eq!(ix.doc_count(), 4);
    assert!(!ix.contains(1).unwrap());
    assert!(ix.contains(0).unwrap());
    assert_eq!(ix.max_num().unwrap(), Some(4));
    assert_eq!(nums(&ix, "мир"), set(&[]));
    // Adding a number again replaces it.
    ix.add(&[doc(0, "Replaced subject", "new body")]).unwrap();
    ix.finish().unwrap();
    assert_eq!(ix.doc_count(), 4);
    assert_eq!(nums(&ix, "replaced"), set(&[0]));
    assert_eq!(nums(&ix, "glyph"), set(&[]));
    drop(ix);
    let ix = SearchIndex::open(&path).unwrap();
    assert_eq!(ix.doc_count(), 4);
    assert_eq!(nums(&ix, "replaced"), set(&[0]));
    assert_eq!(ix.max_num().unwrap(), Some(4));
}

#[test]
fn hostile_queries_give_errors_or_results() {
    let (_d, ix) = index();
    let ten_k = "lorem ".repeat(1700);
    for q in [
        "\"",
        "*",
        "NEAR(",
        "a NEAR b",
        "((((",
        "s:\"\"",
        "m:\\",
        "**",
        "a*b*c",
        "d:..",
        "-",
        "NOT a",
        "-a -b -c",
        ten_k.as_str(),
        "中*",
        "\u{202E}x",
        "f:*",
        "\"a\"*",
        "n:..\\..",
    ] {
        match parse_query(q) {
            Ok(parsed) => {
                ix.search(&parsed, Sort::Relevance, 0, 10).unwrap();
                ix.search(&parsed, Sort::Date, 99_999_999, 99_999_999)
                    .unwrap();
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    assert!(parse_query(&ten_k).is_err());
}
