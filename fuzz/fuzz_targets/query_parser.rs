//! The search query parser (`larch::search::parse_query`) over arbitrary
//! text (invalid UTF-8 replaced, as a web form or command line would).
//!
//! Checks, for every input:
//! - no panic; every input gives a query or an error;
//! - an error points inside the query (0 <= at <= character count);
//! - a query respects the parser's bounds: at most MAX_TERMS terms, nesting
//!   bounded by MAX_DEPTH, no empty or one-element AND/OR, no NOT of a NOT;
//! - every text term has something searchable (the analyzer yields tokens),
//!   every Message-ID is normalized as the archive normalizes ids, every
//!   date range has at least one end;
//! - the query printed (`Display`) parses again without panicking, into a
//!   query within the same bounds.

#![no_main]

#[path = "common.rs"]
mod common;

use larch::model::MessageId;
use larch::search::query::{MAX_DEPTH, MAX_QUERY_BYTES, MAX_TERMS};
use larch::search::tokenizer::analyze;
use larch::search::{Query, parse_query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(|| check(data)));

fn check(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    match parse_query(&input) {
        Err(e) => {
            let chars = input.chars().count();
            assert!(
                e.at <= chars,
                "error at {} past the end ({chars}): {e}",
                e.at
            );
            let _ = e.to_string();
        }
        Ok(q) => {
            assert!(input.len() <= MAX_QUERY_BYTES);
            let mut terms = 0;
            check_query(&q, 0, &mut terms);
            assert!(terms <= MAX_TERMS, "{terms} terms");
            // The printed query parses again without panicking, into a
            // query that keeps the same bounds. (Printing is not a faithful
            // round trip: a word that starts with `-` after a glued `-`,
            // as in `---x`, prints as `--x`, which parses as NOT; so
            // equality is not asserted.)
            if let Ok(q2) = parse_query(&q.to_string()) {
                let mut terms = 0;
                check_query(&q2, 0, &mut terms);
                assert!(terms <= MAX_TERMS, "{terms} terms after printing");
            }
        }
    }
}

fn check_query(q: &Query, depth: usize, terms: &mut usize) {
    // Each level of parentheses or NOT adds at most an AND/OR and a NOT.
    assert!(depth <= 3 * (MAX_DEPTH + 1), "AST depth {depth}");
    match q {
        Query::Text { text, .. } => {
            *terms += 1;
            assert!(
                !analyze(text).is_empty(),
                "text term {text:?} has nothing to search"
            );
        }
        Query::MessageId(id) => {
            *terms += 1;
            // Normalized as the archive normalizes ids (one pair of angle
            // brackets and surrounding space off; `m:<<x>>` keeps `<x>`).
            assert!(!id.is_empty() && id.trim() == id, "id {id:?}");
            if !id.chars().any(char::is_control) {
                let stored = MessageId::new(&format!("<{id}>"));
                assert_eq!(stored.as_ref().map(MessageId::as_str), Some(id.as_str()));
            }
        }
        Query::Date { from, to } => {
            *terms += 1;
            assert!(from.is_some() || to.is_some(), "open date range both ends");
        }
        Query::And(v) | Query::Or(v) => {
            assert!(v.len() >= 2, "AND/OR with {} parts", v.len());
            for p in v {
                check_query(p, depth + 1, terms);
            }
        }
        Query::Not(inner) => {
            assert!(!matches!(**inner, Query::Not(_)), "NOT NOT");
            check_query(inner, depth + 1, terms);
        }
    }
}
