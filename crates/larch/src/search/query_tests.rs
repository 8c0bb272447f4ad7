//! Parser tests: every prefix, ranges, phrases, operators, and malformed
//! or hostile input (errors, never panics).
#![allow(clippy::unwrap_used)]

use super::query::{
    Field, MAX_DEPTH, MAX_QUERY_BYTES, MAX_TERMS, Query, QueryErrorKind, parse_query,
};

fn p(s: &str) -> String {
    parse_query(s)
        .unwrap_or_else(|e| panic!("{s:?}: {e}"))
        .to_string()
}

fn err(s: &str) -> (usize, QueryErrorKind) {
    let e = parse_query(s).expect_err(s);
    (e.at, e.kind)
}

#[test]
fn every_prefix() {
    let cases = [
        ("s:hello", Field::Subject),
        ("f:alice", Field::From),
        ("t:bob", Field::To),
        ("c:carol", Field::Cc),
        ("tc:dave", Field::ToCc),
        ("a:erin", Field::Address),
        ("b:patch", Field::Body),
        ("nq:patch", Field::Unquoted),
        ("q:patch", Field::Quoted),
        ("bs:patch", Field::SubjectBody),
        ("n:report.pdf", Field::Attachment),
        ("l:salon.lists.example.org", Field::ListId),
        ("word", Field::Default),
    ];
    for (q, field) in cases {
        let parsed = parse_query(q).unwrap();
        let Query::Text {
            field: got, text, ..
        } = &parsed
        else {
            panic!("{q}: {parsed:?}")
        };
        assert_eq!(*got, field, "{q}");
        assert_eq!(text, q.split_once(':').map_or(q, |(_, v)| v), "{q}");
    }
    // Unknown prefixes are plain text.
    assert_eq!(p("http://x.org/a"), "http://x.org/a");
    assert_eq!(p("zz:top"), "zz:top");
}

#[test]
fn message_ids_are_exact_and_lose_their_brackets() {
    assert_eq!(
        parse_query("m:<CAF+x/y=z@mail.example.com>").unwrap(),
        Query::MessageId("CAF+x/y=z@mail.example.com".into())
    );
    assert_eq!(
        parse_query("m:a.b@c").unwrap(),
        Query::MessageId("a.b@c".into())
    );
    assert_eq!(
        parse_query("m:\"<odd id@x>\"").unwrap(),
        Query::MessageId("odd id@x".into())
    );
    assert_eq!(err("m:"), (0, QueryErrorKind::EmptyValue("m:".into())));
    assert_eq!(err("m:<>"), (0, QueryErrorKind::EmptyValue("m:".into())));
}

#[test]
fn date_ranges() {
    let day = 86_400;
    let june1 = 1_433_116_800;
    assert_eq!(
        parse_query("d:20150601..20150630").unwrap(),
        Query::Date {
            from: Some(june1),
            to: Some(june1 + 30 * day - 1)
        }
    );
    assert_eq!(
        parse_query("d:2015-06-01..").unwrap(),
        Query::Date {
            from: Some(june1),
            to: None
        }
    );
    assert_eq!(
        parse_query("d:..2015-06-01").unwrap(),
        Query::Date {
            from: None,
            to: Some(june1 + day - 1)
        }
    );
    assert!(matches!(
        err("d:yesterday"),
        (2, QueryErrorKind::BadDate(_))
    ));
    assert!(matches!(err("foo d:.."), (6, QueryErrorKind::BadDate(_))));
    assert!(matches!(err("d:20151301"), (2, QueryErrorKind::BadDate(_))));
    assert_eq!(err("d:"), (0, QueryErrorKind::EmptyValue("d:".into())));
}

#[test]
fn phrases_and_prefixes() {
    assert_eq!(p("\"twisted matrix\""), "\"twisted matrix\"");
    assert_eq!(p("s:\"deferred callback\""), "s:\"deferred callback\"");
    assert_eq!(p("“curly quotes”"), "\"curly quotes\"");
    assert_eq!(p("defer*"), "defer*");
    // Prefixes need two characters; shorter ones are plain words.
    assert_eq!(p("d* x"), "(d AND x)");
    assert!(matches!(
        parse_query("defer*").unwrap(),
        Query::Text { prefix: true, .. }
    ));
    assert!(matches!(
        parse_query("d*").unwrap(),
        Query::Text { prefix: false, .. }
    ));
}

#[test]
fn operators_and_precedence() {
    assert_eq!(p("a b"), "(a AND b)");
    assert_eq!(p("a AND b"), "(a AND b)");
    assert_eq!(p("a OR b c"), "(a OR (b AND c))");
    assert_eq!(p("(a OR b) c"), "((a OR b) AND c)");
    assert_eq!(p("a -b"), "(a AND NOT b)");
    assert_eq!(p("a NOT b"), "(a AND NOT b)");
    assert_eq!(p("a AND NOT s:b"), "(a AND NOT s:b)");
    assert_eq!(p("-a"), "NOT a");
    assert_eq!(p("NOT NOT a"), "a");
    assert_eq!(p("+a +b"), "(a AND b)");
    assert_eq!(p("-(a OR b) c"), "(NOT (a OR b) AND c)");
    assert_eq!(p("s:(a OR b) c"), "((s:a OR s:b) AND c)");
    assert_eq!(p("a - b"), "(a AND b)");
    assert_eq!(p("foo-bar"), "foo-bar");
    // Lowercase operators are words.
    assert_eq!(p("this and that"), "(this AND and AND that)");
    // Punctuation-only terms are dropped.
    assert_eq!(p("* foo !!"), "foo");
}

#[test]
fn malformed_queries_say_what_and_where() {
    assert_eq!(err("\"open"), (0, QueryErrorKind::UnclosedQuote));
    assert_eq!(err("ok \""), (3, QueryErrorKind::UnclosedQuote));
    assert_eq!(err("(a OR b"), (0, QueryErrorKind::UnclosedParen));
    assert_eq!(err("a b)"), (3, QueryErrorKind::UnopenedParen));
    assert_eq!(err("NEAR("), (4, QueryErrorKind::UnclosedParen));
    assert_eq!(
        err("a OR"),
        (2, QueryErrorKind::MissingOperand("OR".into()))
    );
    assert_eq!(
        err("OR a"),
        (0, QueryErrorKind::MissingOperand("OR".into()))
    );
    assert_eq!(
        err("AND a"),
        (0, QueryErrorKind::MissingOperand("AND".into()))
    );
    assert_eq!(
        err("a AND OR b"),
        (2, QueryErrorKind::MissingOperand("AND".into()))
    );
    assert_eq!(
        err("a NOT"),
        (2, QueryErrorKind::MissingOperand("NOT".into()))
    );
    assert_eq!(err("s:"), (0, QueryErrorKind::EmptyValue("s:".into())));
    assert_eq!(err(""), (0, QueryErrorKind::Empty));
    assert_eq!(err("   "), (0, QueryErrorKind::Empty));
    assert_eq!(err("*"), (0, QueryErrorKind::Empty));
    assert_eq!(err("()"), (0, QueryErrorKind::Empty));
    // Messages carry the 1-based column.
    let e = parse_query("ok (").unwrap_err();
    assert_eq!(
        e.to_string(),
        "a parenthesis is not closed (at character 4)"
    );
    // Character (not byte) positions.
    assert_eq!(err("привет \""), (7, QueryErrorKind::UnclosedQuote));
}

#[test]
fn limits() {
    let long = "a ".repeat(MAX_QUERY_BYTES);
    assert_eq!(err(&long).1, QueryErrorKind::TooLong);
    let many = (0..=MAX_TERMS)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    let (at, kind) = err(&many);
    assert_eq!(kind, QueryErrorKind::TooManyTerms);
    assert_eq!(at, many.find(&format!("w{MAX_TERMS}")).unwrap());
    let ok = (0..MAX_TERMS)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    assert!(parse_query(&ok).is_ok());
    let deep = format!(
        "{}a{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(err(&deep).1, QueryErrorKind::TooDeep);
    let shallow = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(p(&shallow), "a");
    let nots = "NOT ".repeat(MAX_DEPTH + 1) + "a";
    assert_eq!(err(&nots).1, QueryErrorKind::TooDeep);
}

#[test]
fn hostile_input_never_panics() {
    let mut inputs: Vec<String> = [
        "\"",
        "*",
        "NEAR(",
        "((((",
        "))))",
        ")(",
        "\"\"",
        "-",
        "--",
        "+-+-",
        "NOT",
        "AND",
        "OR",
        "s:",
        "m:",
        "d:",
        "d:..",
        "s:(",
        "s:)",
        "m:(",
        "d:(a)",
        "-\"",
        "a:b:c:d",
        "::::",
        "\u{0}\u{1}\u{202E}",
        "中\"文",
        "s:\"\"",
        "\\",
        "m:<",
        "d:9999999999999999..",
        "a OR (b AND (c OR -(d)))",
        "(-)",
        "(-a)",
        "NOT (",
        "s:(((((a)))))",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    inputs.push("x".repeat(10_000));
    inputs.push("\"".repeat(3_000));
    inputs.push("(".repeat(1_000));
    inputs.push("a ".repeat(1_000));
    inputs.push("🦀".repeat(600));
    // Every prefix of a tricky query.
    let tricky = "s:(\"a b\" OR -c*) AND NOT m:<x@y> d:2015-01..";
    for (i, _) in tricky.char_indices() {
        inputs.push(tricky[..i].to_owned());
    }
    for s in &inputs {
        let r = std::panic::catch_unwind(|| parse_query(s));
        assert!(r.is_ok(), "panicked on {s:?}");
    }
}
