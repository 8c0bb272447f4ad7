//! Store: the archive of record. The only code that touches raw mail on disk
//! and the database; owns the archive's paths and its format version.
//!
//! Raw bytes are kept exactly as received (zstd-compressed, hashed), with
//! a permanent number, the summary and the import provenance. Everything
//! else larch writes is derived from this and can be rebuilt.
//! The [`Store`] trait is what other stages see, narrow enough that a
//! PostgreSQL implementation can follow without touching them.

pub mod codec;
mod lock;
mod schema;
mod site_index;
mod sqlite;
mod sqlite_check;

use std::path::{Path, PathBuf};

pub use lock::WriteLock;
pub use site_index::{IndexEntry, IndexRow, IndexState, PeriodRow, rels};
pub use sqlite::{Snapshot, SqliteStore};

use crate::Result;
use crate::model::Summary;

/// The format version this larch writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// Paths inside an archive directory.
#[derive(Clone, Debug)]
pub struct ArchivePaths {
    pub root: PathBuf,
}

impl ArchivePaths {
    pub fn new(root: impl Into<PathBuf>) -> ArchivePaths {
        ArchivePaths { root: root.into() }
    }
    /// The SQLite database.
    pub fn db(&self) -> PathBuf {
        self.root.join("store").join("larch.sqlite3")
    }
    /// The directory holding the database.
    pub fn store_dir(&self) -> PathBuf {
        self.root.join("store")
    }
    /// The writer lock file.
    pub fn lock(&self) -> PathBuf {
        self.store_dir().join("write.lock")
    }
    /// The full-text search index (derived; `larch reindex` rebuilds it).
    pub fn search_dir(&self) -> PathBuf {
        self.root.join("search")
    }
    /// The config file.
    pub fn config(&self) -> PathBuf {
        self.root.join(crate::config::CONFIG_FILE)
    }
    /// Where the site goes unless the config says otherwise.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_owned()
        } else {
            self.root.join(p)
        }
    }
}

/// What the store knows of an archived message with a given Message-ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Existing {
    pub num: u64,
    /// 0 for the message that owns the id; n for the n-th different message reusing it.
    pub alias: u32,
    /// Hash of (From address, Date, Subject): same id + same identity = same message.
    pub identity: [u8; 32],
    /// Hash of the raw bytes.
    pub hash: [u8; 32],
}

/// Where a copy of a message came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub source: String,
    pub offset: u64,
    pub from_line: Option<Vec<u8>>,
}

/// A message to archive.
#[derive(Clone, Debug)]
pub struct NewMessage {
    pub summary: Summary,
    pub alias: u32,
    pub identity: [u8; 32],
    pub hash: [u8; 32],
    /// The raw bytes compressed with [`codec::compress`].
    pub compressed: Vec<u8>,
    pub provenance: Provenance,
}

/// A copy of an archived message whose bytes differ a little (kept, not shown).
#[derive(Clone, Debug)]
pub struct NewVariant {
    pub num: u64,
    pub hash: [u8; 32],
    pub size: u64,
    pub compressed: Vec<u8>,
    pub provenance: Provenance,
}

/// Why a message was not archived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Same message as one already archived.
    Duplicate,
    /// `X-No-Archive: yes` / `Archive: no`.
    NoArchive,
    /// Its Message-ID was removed by the list administrator.
    Removed,
}

/// A message removed by the list administrator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    pub num: u64,
    pub message_id: String,
    pub reason: String,
    pub removed_at: i64,
    /// The raw bytes are kept hidden (so `larch remove --undo` can restore).
    pub raw_kept: bool,
}

impl SkipReason {
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::Duplicate => "duplicate",
            SkipReason::NoArchive => "no-archive",
            SkipReason::Removed => "removed-earlier",
        }
    }
}

/// One archived message as read back.
#[derive(Clone, Debug)]
pub struct Stored {
    pub num: u64,
    pub alias: u32,
    /// Removed by the list administrator (shown as a tombstone).
    pub removed: bool,
    pub hash: [u8; 32],
    pub summary: Summary,
}

/// Counts for `larch stats`.
#[derive(Clone, Debug, Default)]
pub struct StoreStats {
    pub messages: u64,
    pub raw_bytes: u64,
    pub stored_bytes: u64,
    pub variants: u64,
    pub aliases: u64,
    pub skipped: Vec<(String, u64)>,
    pub date_sources: Vec<(String, u64)>,
    pub defects: Vec<(String, u64)>,
}

/// A problem found by [`Store::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckProblem {
    pub num: Option<u64>,
    pub what: String,
}

/// The archive of record, as other stages see it.
pub trait Store {
    /// Start a write batch (one transaction).
    fn begin(&mut self) -> Result<()>;
    /// Commit the current batch.
    fn commit(&mut self) -> Result<()>;
    /// Abandon the current batch.
    fn rollback(&mut self) -> Result<()>;
    /// Archived messages carrying this Message-ID, owner first.
    fn find_by_mid(&self, mid: &str) -> Result<Vec<Existing>>;
    /// Was this exact copy (same bytes hash) of message `num` already kept?
    fn has_copy(&self, num: u64, hash: &[u8; 32]) -> Result<bool>;
    /// Archive a message; returns its new permanent number.
    fn insert(&mut self, m: &NewMessage) -> Result<u64>;
    /// Keep a differing copy of message `num`.
    fn insert_variant(&mut self, v: &NewVariant) -> Result<()>;
    /// Record a skipped message; false when this (source, offset) was recorded before.
    fn record_skip(&mut self, reason: SkipReason, mid: &str, p: &Provenance) -> Result<bool>;
    /// Was this (source, offset) already archived as message `num`?
    fn provenance_of(&self, source: &str, offset: u64) -> Result<Option<u64>>;
    /// Number of archived messages.
    fn count(&self) -> Result<u64>;
    /// The raw bytes of message `num`, exactly as received.
    fn raw(&self, num: u64) -> Result<Option<Vec<u8>>>;
    /// The summary of message `num`.
    fn summary(&self, num: u64) -> Result<Option<Summary>>;
    /// Every message in number order.
    fn for_each(&self, f: &mut dyn FnMut(Stored) -> Result<()>) -> Result<()>;
    /// One message's summary and status, if it exists.
    fn stored(&self, num: u64) -> Result<Option<Stored>>;
    /// The From_ line message `num` arrived with, if any.
    fn envelope_line(&self, num: u64) -> Result<Option<Vec<u8>>>;
    /// Remove message `num`: hide it, and purge its raw bytes, kept copies
    /// and summary unless `keep_raw`. Its number and Message-ID stay taken.
    fn remove(&mut self, num: u64, reason: &str, removed_at: i64, keep_raw: bool) -> Result<()>;
    /// Undo a removal whose raw bytes were kept.
    fn unremove(&mut self, num: u64) -> Result<()>;
    /// Every removal, by number.
    fn removals(&self) -> Result<Vec<Removal>>;
    /// Was a message with this Message-ID removed?
    fn is_removed_mid(&self, mid: &str) -> Result<bool>;
    /// Verify the store; returns the problems found.
    fn check(&self) -> Result<Vec<CheckProblem>>;
    /// Counts.
    fn stats(&self) -> Result<StoreStats>;
}
