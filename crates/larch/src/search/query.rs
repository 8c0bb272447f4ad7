//! The query language (public-inbox's where it makes sense) and its parser:
//! user text -> [`Query`], a small AST. Hand-written, bounded (input length,
//! term count, nesting) and total: any input gives a query or a
//! [`QueryError`] saying what is wrong and where; it never panics (the
//! lexer and parser are in `parser.rs`). Knows nothing of the index;
//! `compile.rs` turns the AST into tantivy queries.
//!
//! ```text
//! s: subject   f: from (name and address)   t: to   c: cc   tc: to or cc
//! a: from, to or cc   b: body (quoted and not)   nq: unquoted body
//! q: quoted body   bs: subject or body   n: attachment file name
//! m: Message-ID (exact)   l: List-Id
//! d:YYYYMMDD..YYYYMMDD (or YYYY-MM-DD, YYYYMM, YYYY; either end open)
//! "a phrase"   word*   AND  OR  NOT  -word  +word  ( ... )   s:( ... )
//! ```
//! A bare word searches subject, from and body. Words next to each other
//! must all match (AND); AND binds tighter than OR.

use std::fmt;

/// Longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 2048;
/// Most terms (words, phrases, ids, dates) in one query.
pub const MAX_TERMS: usize = 64;
/// Deepest nesting of parentheses and NOTs.
pub const MAX_DEPTH: usize = 32;

/// Which fields a term is searched in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// No prefix: subject, from and body.
    Default,
    Subject,
    From,
    To,
    Cc,
    /// `tc:` to or cc.
    ToCc,
    /// `a:` from, to or cc.
    Address,
    /// `b:` quoted and unquoted body.
    Body,
    /// `nq:` the body without quoted lines.
    Unquoted,
    /// `q:` the quoted lines of the body.
    Quoted,
    /// `bs:` subject or body.
    SubjectBody,
    /// `n:` attachment file names.
    Attachment,
    /// `l:` the List-Id.
    ListId,
}

impl Field {
    pub(super) fn from_prefix(p: &str) -> Option<Field> {
        Some(match p {
            "s" => Field::Subject,
            "f" => Field::From,
            "t" => Field::To,
            "c" => Field::Cc,
            "tc" => Field::ToCc,
            "a" => Field::Address,
            "b" => Field::Body,
            "nq" => Field::Unquoted,
            "q" => Field::Quoted,
            "bs" => Field::SubjectBody,
            "n" => Field::Attachment,
            "l" => Field::ListId,
            _ => return None,
        })
    }

    /// The prefix, with its colon ("" for [`Field::Default`]).
    pub fn prefix(self) -> &'static str {
        match self {
            Field::Default => "",
            Field::Subject => "s:",
            Field::From => "f:",
            Field::To => "t:",
            Field::Cc => "c:",
            Field::ToCc => "tc:",
            Field::Address => "a:",
            Field::Body => "b:",
            Field::Unquoted => "nq:",
            Field::Quoted => "q:",
            Field::SubjectBody => "bs:",
            Field::Attachment => "n:",
            Field::ListId => "l:",
        }
    }
}

/// A parsed query.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    /// Words in `field`: one word, or several (a phrase) when `phrase` is
    /// set or the text analyzes to several tokens ("foo-bar", CJK).
    /// `prefix`: the last word may be a prefix (`word*`).
    Text {
        field: Field,
        text: String,
        phrase: bool,
        prefix: bool,
    },
    /// `m:` an exact Message-ID (without angle brackets).
    MessageId(String),
    /// `d:` filing dates from..=to, UTC seconds; `None` is open.
    Date { from: Option<i64>, to: Option<i64> },
    /// All must match.
    And(Vec<Query>),
    /// Any may match.
    Or(Vec<Query>),
    /// Must not match.
    Not(Box<Query>),
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Query::Text {
                field,
                text,
                phrase,
                prefix,
            } => {
                let star = if *prefix { "*" } else { "" };
                if *phrase {
                    write!(f, "{}\"{text}\"{star}", field.prefix())
                } else {
                    write!(f, "{}{text}{star}", field.prefix())
                }
            }
            Query::MessageId(id) => write!(f, "m:<{id}>"),
            Query::Date { from, to } => {
                let d = |t: &Option<i64>| t.map(|t| t.to_string()).unwrap_or_default();
                write!(f, "d:{}..{}", d(from), d(to))
            }
            Query::And(v) | Query::Or(v) => {
                let op = if matches!(self, Query::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                f.write_str("(")?;
                for (i, q) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(op)?;
                    }
                    write!(f, "{q}")?;
                }
                f.write_str(")")
            }
            Query::Not(q) => write!(f, "NOT {q}"),
        }
    }
}

/// What is wrong with a query, and where (a character index into it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (at character {})", .at + 1)]
pub struct QueryError {
    /// 0-based index of the character where the problem is.
    pub at: usize,
    pub kind: QueryErrorKind,
}

/// The kinds of [`QueryError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryErrorKind {
    #[error("the query is longer than {MAX_QUERY_BYTES} bytes")]
    TooLong,
    #[error("the query has more than {MAX_TERMS} terms")]
    TooManyTerms,
    #[error("the query nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("nothing to search for")]
    Empty,
    #[error("a quote is not closed")]
    UnclosedQuote,
    #[error("a parenthesis is not closed")]
    UnclosedParen,
    #[error("a closing parenthesis has no opening one")]
    UnopenedParen,
    #[error("{0} needs something after it")]
    MissingOperand(String),
    #[error("{0} needs a value")]
    EmptyValue(String),
    #[error("bad date {0:?}: dates are YYYYMMDD or YYYY-MM-DD, ranges FROM..TO")]
    BadDate(String),
}
/// Parse a query. Never panics; every input gives a query or an error.
pub fn parse_query(input: &str) -> Result<Query, QueryError> {
    super::parser::parse(input)
}
