//! The SQLite schema, version 1.

/// Statements that create a fresh store.
pub const CREATE: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
CREATE TABLE messages (
    num       INTEGER PRIMARY KEY,
    mid       TEXT NOT NULL,
    alias     INTEGER NOT NULL,
    identity  BLOB NOT NULL,
    hash      BLOB NOT NULL,
    size      INTEGER NOT NULL,
    filed_at  INTEGER NOT NULL,
    summary   TEXT NOT NULL,
    removed   INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX messages_mid ON messages (mid);
CREATE INDEX messages_filed ON messages (filed_at);
CREATE TABLE raw (
    num   INTEGER PRIMARY KEY,
    data  BLOB NOT NULL
) STRICT;
CREATE TABLE provenance (
    num        INTEGER NOT NULL,
    source     TEXT NOT NULL,
    offset     INTEGER NOT NULL,
    from_line  BLOB
) STRICT;
CREATE INDEX provenance_num ON provenance (num);
CREATE INDEX provenance_at ON provenance (source, offset);
CREATE TABLE variants (
    id         INTEGER PRIMARY KEY,
    num        INTEGER NOT NULL,
    hash       BLOB NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB NOT NULL,
    source     TEXT NOT NULL,
    offset     INTEGER NOT NULL,
    from_line  BLOB,
    UNIQUE (num, hash)
) STRICT;
CREATE TABLE skipped (
    reason  TEXT NOT NULL,
    mid     TEXT NOT NULL,
    source  TEXT NOT NULL,
    offset  INTEGER NOT NULL
) STRICT;
CREATE INDEX skipped_at ON skipped (source, offset);
"#;

/// Tables added after version 1 was first written; created on open when missing.
pub const MIGRATE: &str = r#"
CREATE TABLE IF NOT EXISTS removals (
    num         INTEGER PRIMARY KEY,
    mid         TEXT NOT NULL,
    reason      TEXT NOT NULL,
    removed_at  INTEGER NOT NULL,
    raw_kept    INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS removals_mid ON removals (mid);
"#;
