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
/// Revision of the tables below, kept in `PRAGMA user_version`; bump it
/// with any change to them.
pub const REVISION: i64 = 1;

pub const MIGRATE: &str = r#"
CREATE TABLE IF NOT EXISTS removals (
    num         INTEGER PRIMARY KEY,
    mid         TEXT NOT NULL,
    reason      TEXT NOT NULL,
    removed_at  INTEGER NOT NULL,
    raw_kept    INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS removals_mid ON removals (mid);
CREATE TABLE IF NOT EXISTS changes (
    gen  INTEGER PRIMARY KEY AUTOINCREMENT,
    num  INTEGER NOT NULL
) STRICT;
"#;

/// The site index: derived data for incremental site updates (rebuilt from
/// the summaries whenever in doubt). One row per message: its period, its
/// thread component (smallest number among messages linked by shared ids),
/// its subject key and the earlier message it is "maybe related" to.
pub const SITE_INDEX: &str = r#"
CREATE TABLE IF NOT EXISTS site_msgs (
    num       INTEGER PRIMARY KEY,
    period    TEXT NOT NULL,
    filed_at  INTEGER NOT NULL,
    comp      INTEGER NOT NULL,
    skey      TEXT NOT NULL,
    hr        INTEGER NOT NULL,
    rel       INTEGER,
    removed   INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS site_msgs_period ON site_msgs (period);
CREATE INDEX IF NOT EXISTS site_msgs_comp ON site_msgs (comp);
CREATE INDEX IF NOT EXISTS site_msgs_skey ON site_msgs (skey, filed_at, num);
CREATE INDEX IF NOT EXISTS site_msgs_rel ON site_msgs (rel);
CREATE INDEX IF NOT EXISTS site_msgs_date ON site_msgs (filed_at, num);
CREATE TABLE IF NOT EXISTS site_ids (
    id   TEXT NOT NULL,
    num  INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS site_ids_id ON site_ids (id);
CREATE INDEX IF NOT EXISTS site_ids_num ON site_ids (num);
CREATE TABLE IF NOT EXISTS site_periods (
    name       TEXT PRIMARY KEY,
    first_at   INTEGER NOT NULL,
    first_num  INTEGER NOT NULL,
    live       INTEGER NOT NULL
) STRICT;
"#;
