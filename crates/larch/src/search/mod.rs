//! Search: the full-text index of the archive (tantivy), its query language
//! and highlighted hits. Owns the index directory it is given (by convention
//! `DIR/search/`, derived data that `larch reindex` rebuilds) and nothing else.
//!
//! It is handed [`SearchDoc`]s (plain text already pulled out of messages by
//! `build/`) and never reads the store, parses mail or renders pages.
//! Synchronous; never prints.
//!
//! - [`tokenizer`]: one analyzer for documents and queries (case and
//!   diacritics folded, CJK bigrams).
//! - [`query`]: the user's query language -> [`Query`] (our own parser;
//!   tantivy's query syntax is never exposed).
//! - [`SearchIndex`]: create/open, add/delete/commit, search with snippets.

mod compile;
mod date;
mod index;
mod parser;
pub mod query;
mod snippet;
pub mod tokenizer;

#[cfg(test)]
mod query_tests;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use index::SearchIndex;
pub use query::{Field, Query, QueryError, QueryErrorKind, parse_query};
pub use snippet::plain_text;

/// One message as the index sees it: text only, already decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchDoc {
    /// The permanent message number.
    pub num: u64,
    /// The Message-ID, normalized (no angle brackets).
    pub message_id: String,
    pub subject: String,
    pub from_name: String,
    pub from_addr: String,
    /// To: recipients, each "Name <addr>" or "addr".
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// Body text without the quoted lines.
    pub body_unquoted: String,
    /// The quoted lines (`>` after optional spaces).
    pub body_quoted: String,
    pub attachment_names: Vec<String>,
    pub list_id: String,
    /// The filing date, UTC seconds (what `d:` ranges and date order use).
    pub date: i64,
}

/// Result order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// Newest first.
    Date,
}

/// One result.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub num: u64,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
    /// The filing date, UTC seconds.
    pub date: i64,
    /// The subject, HTML-escaped, matches in `<mark>`.
    pub subject_html: String,
    /// A piece of the body, HTML-escaped, matches in `<mark>`.
    pub snippet_html: String,
}

/// A page of results.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Hits {
    /// How many messages match in all.
    pub total: u64,
    pub hits: Vec<Hit>,
}

/// Most hits returned per page.
pub const MAX_LIMIT: usize = 1000;
/// Furthest page start accepted.
pub const MAX_OFFSET: usize = 100_000;

/// What can go wrong with the index itself.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// No index in this directory (never built, or removed).
    #[error("{0}: no search index here (run `larch reindex`)")]
    Missing(PathBuf),
    /// An index written by another larch version (different schema).
    #[error("{0}: the search index was made by another larch version (run `larch reindex`)")]
    Outdated(PathBuf),
    /// tantivy failed.
    #[error("search index {path}: {source}")]
    Index {
        path: PathBuf,
        #[source]
        source: tantivy::TantivyError,
    },
    /// A file-system error around the index.
    #[error("search index {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
