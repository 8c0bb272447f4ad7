//! `SqliteStore`: the embedded default store (rusqlite, bundled SQLite, WAL).

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::{
    CheckProblem, Existing, FORMAT_VERSION, NewMessage, NewVariant, Provenance, Removal,
    SkipReason, Store, StoreStats, Stored, codec, schema,
};
use crate::model::Summary;
use crate::{Error, Result};

/// The SQLite implementation of [`Store`].
#[derive(Debug)]
pub struct SqliteStore {
    pub(super) conn: Connection,
    /// The next number to give, while a batch is open (written at commit).
    pending_next: Option<u64>,
}

/// A read transaction (see [`SqliteStore::snapshot`]); ends when dropped.
#[derive(Debug)]
pub struct Snapshot<'a> {
    conn: &'a Connection,
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // A read transaction has nothing to lose; if it cannot end here,
        // the connection's next transaction reports it.
        let _ = self.conn.execute_batch("COMMIT");
    }
}

fn blob32(v: Vec<u8>) -> Result<[u8; 32]> {
    v.try_into()
        .map_err(|_| Error::Corrupt("hash is not 32 bytes".into()))
}

impl SqliteStore {
    /// Create a new store at `path` (its directory must exist).
    pub fn create(path: &Path) -> Result<SqliteStore> {
        if path.exists() {
            return Err(Error::ArchiveExists(path.to_owned()));
        }
        let conn = Connection::open(path).map_err(Error::db("create database"))?;
        let store = SqliteStore {
            conn,
            pending_next: None,
        };
        store.tune()?;
        store
            .conn
            .execute_batch(schema::CREATE)
            .map_err(Error::db("create schema"))?;
        store.migrate()?;
        store
            .conn
            .execute(
                "INSERT INTO meta (key, value) VALUES ('format_version', ?1), ('next_num', '0')",
                params![FORMAT_VERSION.to_string()],
            )
            .map_err(Error::db("write format version"))?;
        Ok(store)
    }

    /// Open an existing store, checking its format version.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        if !path.exists() {
            return Err(Error::NotArchive {
                path: path.to_owned(),
                reason: "no store database".into(),
            });
        }
        let conn = Connection::open(path).map_err(Error::db("open database"))?;
        let store = SqliteStore {
            conn,
            pending_next: None,
        };
        store.tune()?;
        let found: i64 = store
            .meta("format_version")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(-1);
        if found != FORMAT_VERSION {
            return Err(Error::FormatVersion {
                found,
                supported: FORMAT_VERSION,
            });
        }
        // Tables added since format 1 (idempotent); `user_version` records
        // that they are there, so an open does not parse them every time.
        let rev: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(Error::db("read schema revision"))?;
        if rev < schema::REVISION {
            store.migrate()?;
        }
        Ok(store)
    }

    fn migrate(&self) -> Result<()> {
        self.conn
            .execute_batch(schema::MIGRATE)
            .and_then(|()| self.conn.execute_batch(schema::SITE_INDEX))
            .and_then(|()| {
                self.conn
                    .pragma_update(None, "user_version", schema::REVISION)
            })
            .map_err(Error::db("migrate schema"))
    }

    /// Start a read transaction that lasts until the returned guard is
    /// dropped: the reads in between see one snapshot and take the
    /// database's locks once, not once a statement. Nothing may write
    /// through this store meanwhile.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        self.conn
            .execute_batch("BEGIN DEFERRED")
            .map_err(Error::db("begin read transaction"))?;
        Ok(Snapshot { conn: &self.conn })
    }

    fn tune(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON; \
                 PRAGMA busy_timeout = 30000; PRAGMA cache_size = -65536;",
            )
            .map_err(Error::db("set pragmas"))?;
        // The last connection to close would checkpoint the write-ahead log
        // into the database and delete it: 5-10 ms at the end of every
        // `larch add` (the fsync, and freeing the log's blocks). The log is
        // checkpointed when it outgrows 1,000 pages instead, by a commit.
        self.conn
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map_err(Error::db("set pragmas"))?;
        Ok(())
    }

    /// Sync the write-ahead log at every commit (`PRAGMA synchronous =
    /// FULL`), for a caller that reports delivery once it returns (`larch
    /// add` to an MTA): a commit then survives a power loss, not just a
    /// crash.
    pub fn durable(&self) -> Result<()> {
        self.conn
            .execute_batch("PRAGMA synchronous = FULL;")
            .map_err(Error::db("set pragmas"))
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(Error::db("read meta"))
    }

    fn next_num(&self) -> Result<u64> {
        self.meta("next_num")?
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Error::Corrupt("meta next_num missing".into()))
    }

    fn counts(&self, sql: &str) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(sql).map_err(Error::db("stats"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })
            .map_err(Error::db("stats"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::db("stats"))
    }
}

impl Store for SqliteStore {
    fn begin(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(Error::db("begin batch"))?;
        self.pending_next = Some(self.next_num()?);
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if let Some(next) = self.pending_next.take() {
            self.conn
                .execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'next_num'",
                    [next.to_string()],
                )
                .map_err(Error::db("commit batch"))?;
        }
        self.conn
            .execute_batch("COMMIT")
            .map_err(Error::db("commit batch"))
    }

    fn rollback(&mut self) -> Result<()> {
        self.pending_next = None;
        self.conn
            .execute_batch("ROLLBACK")
            .map_err(Error::db("roll back batch"))
    }

    fn find_by_mid(&self, mid: &str) -> Result<Vec<Existing>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT num, alias, identity, hash FROM messages WHERE mid = ?1 ORDER BY alias",
            )
            .map_err(Error::db("find by Message-ID"))?;
        let rows = stmt
            .query_map([mid], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Vec<u8>>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                ))
            })
            .map_err(Error::db("find by Message-ID"))?;
        let mut out = Vec::new();
        for row in rows {
            let (num, alias, identity, hash) = row.map_err(Error::db("find by Message-ID"))?;
            out.push(Existing {
                num: num as u64,
                alias: alias as u32,
                identity: blob32(identity)?,
                hash: blob32(hash)?,
            });
        }
        Ok(out)
    }

    fn has_copy(&self, num: u64, hash: &[u8; 32]) -> Result<bool> {
        let in_messages: bool = self
            .conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM messages WHERE num = ?1 AND hash = ?2)")
            .and_then(|mut s| s.query_row(params![num as i64, &hash[..]], |r| r.get(0)))
            .map_err(Error::db("look up copy"))?;
        if in_messages {
            return Ok(true);
        }
        self.conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM variants WHERE num = ?1 AND hash = ?2)")
            .and_then(|mut s| s.query_row(params![num as i64, &hash[..]], |r| r.get(0)))
            .map_err(Error::db("look up copy"))
    }

    fn insert(&mut self, m: &NewMessage) -> Result<u64> {
        let num = match self.pending_next {
            Some(n) => n,
            None => self.next_num()?,
        };
        let summary = serde_json::to_string(&m.summary)
            .map_err(|e| Error::Corrupt(format!("summary to JSON: {e}")))?;
        let ctx = || format!("insert message {num} <{}>", m.summary.message_id);
        self.conn
            .prepare_cached(
                "INSERT INTO messages (num, mid, alias, identity, hash, size, filed_at, summary) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    num as i64,
                    m.summary.message_id.as_str(),
                    m.alias,
                    &m.identity[..],
                    &m.hash[..],
                    m.summary.size as i64,
                    m.summary.filed_at,
                    summary
                ])
            })
            .map_err(Error::db(ctx()))?;
        self.conn
            .prepare_cached("INSERT INTO raw (num, data) VALUES (?1, ?2)")
            .and_then(|mut s| s.execute(params![num as i64, m.compressed]))
            .map_err(Error::db(ctx()))?;
        let p = &m.provenance;
        self.conn
            .prepare_cached(
                "INSERT INTO provenance (num, source, offset, from_line) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| {
                s.execute(params![num as i64, p.source, p.offset as i64, p.from_line])
            })
            .map_err(Error::db(ctx()))?;
        match self.pending_next.as_mut() {
            Some(n) => *n = num + 1,
            None => {
                self.conn
                    .execute(
                        "UPDATE meta SET value = ?1 WHERE key = 'next_num'",
                        [(num + 1).to_string()],
                    )
                    .map_err(Error::db(ctx()))?;
            }
        }
        Ok(num)
    }

    fn insert_variant(&mut self, v: &NewVariant) -> Result<()> {
        let p = &v.provenance;
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO variants (num, hash, size, data, source, offset, from_line) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    v.num as i64,
                    &v.hash[..],
                    v.size as i64,
                    v.compressed,
                    p.source,
                    p.offset as i64,
                    p.from_line
                ])
            })
            .map_err(Error::db(format!("keep copy of message {}", v.num)))?;
        Ok(())
    }

    fn record_skip(&mut self, reason: SkipReason, mid: &str, p: &Provenance) -> Result<bool> {
        if p.source != "-" {
            let seen: bool = self
                .conn
                .prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM skipped WHERE source = ?1 AND offset = ?2)",
                )
                .and_then(|mut s| s.query_row(params![p.source, p.offset as i64], |r| r.get(0)))
                .map_err(Error::db("record skip"))?;
            if seen {
                return Ok(false);
            }
        }
        self.conn
            .prepare_cached(
                "INSERT INTO skipped (reason, mid, source, offset) VALUES (?1, ?2, ?3, ?4)",
            )
            .and_then(|mut s| s.execute(params![reason.as_str(), mid, p.source, p.offset as i64]))
            .map_err(Error::db("record skip"))?;
        Ok(true)
    }

    fn provenance_of(&self, source: &str, offset: u64) -> Result<Option<u64>> {
        if source == "-" {
            return Ok(None);
        }
        self.conn
            .prepare_cached("SELECT num FROM provenance WHERE source = ?1 AND offset = ?2 LIMIT 1")
            .and_then(|mut s| {
                s.query_row(params![source, offset as i64], |r| r.get::<_, i64>(0))
                    .optional()
            })
            .map(|o| o.map(|n| n as u64))
            .map_err(Error::db("look up provenance"))
    }

    fn count(&self) -> Result<u64> {
        self.conn
            // Numbers have no holes (checked by `check`): the count is the
            // next number, found in the primary key without a scan.
            .query_row("SELECT COALESCE(MAX(num) + 1, 0) FROM messages", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n as u64)
            .map_err(Error::db("count"))
    }

    fn raw(&self, num: u64) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>, i64)> = self
            .conn
            .prepare_cached(
                "SELECT raw.data, messages.size FROM raw JOIN messages USING (num) WHERE num = ?1",
            )
            .and_then(|mut s| {
                s.query_row([num as i64], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()
            })
            .map_err(Error::db(format!("read message {num}")))?;
        row.map(|(data, size)| codec::decompress(&data, size as u64))
            .transpose()
    }

    fn summary(&self, num: u64) -> Result<Option<Summary>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT summary FROM messages WHERE num = ?1")
            .and_then(|mut s| s.query_row([num as i64], |r| r.get(0)).optional())
            .map_err(Error::db(format!("read summary of {num}")))?;
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| Error::Corrupt(format!("message {num}: summary: {e}")))
        })
        .transpose()
    }

    fn envelope_line(&self, num: u64) -> Result<Option<Vec<u8>>> {
        self.conn
            .prepare_cached("SELECT from_line FROM provenance WHERE num = ?1 LIMIT 1")
            .and_then(|mut s| {
                s.query_row([num as i64], |r| r.get::<_, Option<Vec<u8>>>(0))
                    .optional()
            })
            .map(Option::flatten)
            .map_err(Error::db(format!("read From_ line of {num}")))
    }

    fn stored(&self, num: u64) -> Result<Option<Stored>> {
        let ctx = || format!("read message {num}");
        let row: Option<(i64, Vec<u8>, String, i64)> = self
            .conn
            .prepare_cached("SELECT alias, hash, summary, removed FROM messages WHERE num = ?1")
            .and_then(|mut s| {
                s.query_row([num as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()
            })
            .map_err(Error::db(ctx()))?;
        let Some((alias, hash, json, removed)) = row else {
            return Ok(None);
        };
        let summary: Summary = serde_json::from_str(&json)
            .map_err(|e| Error::Corrupt(format!("message {num}: summary: {e}")))?;
        Ok(Some(Stored {
            num,
            alias: alias as u32,
            removed: removed != 0,
            hash: blob32(hash)?,
            summary,
        }))
    }

    fn for_each(&self, f: &mut dyn FnMut(Stored) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT num, alias, hash, summary, removed FROM messages ORDER BY num")
            .map_err(Error::db("list messages"))?;
        let mut rows = stmt.query([]).map_err(Error::db("list messages"))?;
        while let Some(r) = rows.next().map_err(Error::db("list messages"))? {
            let num: i64 = r.get(0).map_err(Error::db("list messages"))?;
            let json: String = r.get(3).map_err(Error::db("list messages"))?;
            let summary: Summary = serde_json::from_str(&json)
                .map_err(|e| Error::Corrupt(format!("message {num}: summary: {e}")))?;
            f(Stored {
                num: num as u64,
                alias: r.get::<_, i64>(1).map_err(Error::db("list messages"))? as u32,
                removed: r.get::<_, i64>(4).map_err(Error::db("list messages"))? != 0,
                hash: blob32(r.get(2).map_err(Error::db("list messages"))?)?,
                summary,
            })?;
        }
        Ok(())
    }

    fn remove(&mut self, num: u64, reason: &str, removed_at: i64, keep_raw: bool) -> Result<()> {
        let ctx = || format!("remove message {num}");
        let tx = self.conn.transaction().map_err(Error::db(ctx()))?;
        let row: Option<(String, String)> = tx
            .query_row(
                "SELECT mid, summary FROM messages WHERE num = ?1",
                [num as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(Error::db(ctx()))?;
        let Some((mid, summary_json)) = row else {
            return Err(Error::NoSuchMessage(num.to_string()));
        };
        tx.execute(
            "INSERT OR REPLACE INTO removals (num, mid, reason, removed_at, raw_kept) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![num as i64, mid, reason, removed_at, keep_raw],
        )
        .map_err(Error::db(ctx()))?;
        tx.execute(
            "UPDATE messages SET removed = 1 WHERE num = ?1",
            [num as i64],
        )
        .map_err(Error::db(ctx()))?;
        tx.execute("INSERT INTO changes (num) VALUES (?1)", [num as i64])
            .map_err(Error::db(ctx()))?;
        if !keep_raw {
            // Purge: the bytes, the kept copies, and all but what keeps the
            // number's URL (filing date) and blocks a re-import (the id).
            let mut s: Summary = serde_json::from_str(&summary_json)
                .map_err(|e| Error::Corrupt(format!("message {num}: summary: {e}")))?;
            s.subject.clear();
            s.from_name.clear();
            s.from_addr.clear();
            s.references.clear();
            s.in_reply_to = None;
            s.list_id = None;
            s.defects.clear();
            let json = serde_json::to_string(&s).map_err(|e| Error::Corrupt(e.to_string()))?;
            tx.execute(
                "UPDATE messages SET summary = ?2 WHERE num = ?1",
                params![num as i64, json],
            )
            .map_err(Error::db(ctx()))?;
            tx.execute("DELETE FROM raw WHERE num = ?1", [num as i64])
                .map_err(Error::db(ctx()))?;
            tx.execute("DELETE FROM variants WHERE num = ?1", [num as i64])
                .map_err(Error::db(ctx()))?;
            tx.execute(
                "UPDATE provenance SET from_line = NULL WHERE num = ?1",
                [num as i64],
            )
            .map_err(Error::db(ctx()))?;
        }
        tx.commit().map_err(Error::db(ctx()))?;
        if !keep_raw {
            // Purged bytes must not linger in the write-ahead log either
            // (secure_delete already zeroes freed pages in the database).
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .map_err(Error::db(ctx()))?;
        }
        Ok(())
    }

    fn unremove(&mut self, num: u64) -> Result<()> {
        let ctx = || format!("undo removal of message {num}");
        let kept: Option<bool> = self
            .conn
            .query_row(
                "SELECT raw_kept FROM removals WHERE num = ?1",
                [num as i64],
                |r| r.get(0),
            )
            .optional()
            .map_err(Error::db(ctx()))?;
        match kept {
            None => Err(Error::NoSuchMessage(format!("{num} (not removed)"))),
            Some(false) => Err(Error::Corrupt(format!(
                "message {num} was purged; its bytes are gone and it cannot be restored"
            ))),
            Some(true) => {
                let tx = self.conn.transaction().map_err(Error::db(ctx()))?;
                tx.execute("DELETE FROM removals WHERE num = ?1", [num as i64])
                    .map_err(Error::db(ctx()))?;
                tx.execute(
                    "UPDATE messages SET removed = 0 WHERE num = ?1",
                    [num as i64],
                )
                .map_err(Error::db(ctx()))?;
                tx.execute("INSERT INTO changes (num) VALUES (?1)", [num as i64])
                    .map_err(Error::db(ctx()))?;
                tx.commit().map_err(Error::db(ctx()))
            }
        }
    }

    fn removals(&self) -> Result<Vec<Removal>> {
        let mut stmt = self
            .conn
            .prepare("SELECT num, mid, reason, removed_at, raw_kept FROM removals ORDER BY num")
            .map_err(Error::db("list removals"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Removal {
                    num: r.get::<_, i64>(0)? as u64,
                    message_id: r.get(1)?,
                    reason: r.get(2)?,
                    removed_at: r.get(3)?,
                    raw_kept: r.get(4)?,
                })
            })
            .map_err(Error::db("list removals"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(Error::db("list removals"))
    }

    fn is_removed_mid(&self, mid: &str) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT EXISTS(SELECT 1 FROM removals WHERE mid = ?1)")
            .and_then(|mut s| s.query_row([mid], |r| r.get(0)))
            .map_err(Error::db("look up removals"))
    }

    fn check(&self) -> Result<Vec<CheckProblem>> {
        super::sqlite_check::check(&self.conn, self.next_num()?)
    }

    fn stats(&self) -> Result<StoreStats> {
        let one = |sql: &str| -> Result<u64> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
                .map(|v| v.unwrap_or(0) as u64)
                .map_err(Error::db("stats"))
        };
        Ok(StoreStats {
            messages: one("SELECT COUNT(*) FROM messages")?,
            raw_bytes: one("SELECT SUM(size) FROM messages")?,
            stored_bytes: one("SELECT SUM(LENGTH(data)) FROM raw")?,
            variants: one("SELECT COUNT(*) FROM variants")?,
            aliases: one("SELECT COUNT(*) FROM messages WHERE alias > 0")?,
            skipped: self.counts("SELECT reason, COUNT(*) FROM skipped GROUP BY reason ORDER BY reason")?,
            date_sources: self.counts(
                "SELECT json_extract(summary, '$.date_source'), COUNT(*) FROM messages GROUP BY 1 ORDER BY 1",
            )?,
            defects: self.counts(
                "SELECT json_extract(d.value, '$.kind'), COUNT(*) FROM messages, \
                 json_each(messages.summary, '$.defects') AS d GROUP BY 1 ORDER BY 1",
            )?,
        })
    }
}
