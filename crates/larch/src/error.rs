//! The library's typed errors. Every error names what it was about: a path,
//! a byte offset, a message number or Message-ID.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O error on a path, at a byte offset when known.
    #[error("{path}{}: {source}", offset_suffix(*.offset))]
    Io {
        path: PathBuf,
        offset: Option<u64>,
        #[source]
        source: std::io::Error,
    },
    /// An input that is not mail larch can read.
    #[error("{path}{}: {reason}", offset_suffix(*.offset))]
    BadInput {
        path: PathBuf,
        offset: Option<u64>,
        reason: String,
    },
    /// One message of a source could not be archived (e.g. over the size
    /// limit); the rest of the source is still read.
    #[error("{path}{}: {reason}", offset_suffix(Some(*.offset)))]
    Skipped {
        path: PathBuf,
        offset: u64,
        reason: String,
    },
    /// The archive directory is missing or not an archive.
    #[error("{path}: not a larch archive ({reason})")]
    NotArchive { path: PathBuf, reason: String },
    /// The archive already exists.
    #[error("{0}: an archive already exists here")]
    ArchiveExists(PathBuf),
    /// The config file is invalid.
    #[error("{path}: invalid config: {reason}")]
    Config { path: PathBuf, reason: String },
    /// A database error, with what we were doing.
    #[error("store: {context}: {source}")]
    Db {
        context: String,
        #[source]
        source: rusqlite::Error,
    },
    /// The store is inconsistent (found by `check`, or on read).
    #[error("store corrupt: {0}")]
    Corrupt(String),
    /// The store was written by an incompatible version.
    #[error("store format version {found} is not supported (this larch reads {supported})")]
    FormatVersion { found: i64, supported: i64 },
    /// A message that is not in the archive.
    #[error("no message {0} in the archive")]
    NoSuchMessage(String),
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] crate::search::SearchError),
    /// The archive is locked by another writer for too long.
    #[error("archive is locked by another larch process (waited {0:?})")]
    Locked(std::time::Duration),
}

fn offset_suffix(offset: Option<u64>) -> String {
    match offset {
        Some(o) => format!(" (byte {o})"),
        None => String::new(),
    }
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            offset: None,
            source,
        }
    }

    /// An I/O error on `path` at `offset`.
    pub fn io_at(path: impl Into<PathBuf>, offset: u64, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            offset: Some(offset),
            source,
        }
    }

    /// A database error with context.
    pub fn db(context: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> Error {
        let context = context.into();
        move |source| Error::Db { context, source }
    }
}
