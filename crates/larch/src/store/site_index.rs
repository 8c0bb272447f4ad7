//! The site index: derived, rebuildable rows that let an incremental site
//! update find what a change touches without loading the whole archive.
//!
//! Per message: its period, its thread component (messages linked by a
//! shared Message-ID or reference, named by the smallest number; removed
//! messages are alone), its subject key, whether it is a headerless reply
//! (`hr`: reply prefix, no reply headers) and `rel`, the previous live
//! message with the same subject key when `hr`. Per period: first message
//! and live count. A log of removals (`changes`) says what changed since.
//! Owns only these tables; callers give the period names and subject keys.

use std::collections::{BTreeMap, HashMap};

use rusqlite::{OptionalExtension, params};

use super::SqliteStore;
use crate::{Error, Result};

/// What the index needs of one message (computed by the orchestrator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexEntry {
    pub num: u64,
    /// Own Message-ID first, then In-Reply-To and References.
    pub ids: Vec<String>,
    pub filed_at: i64,
    pub period: String,
    pub skey: String,
    pub hr: bool,
    pub removed: bool,
}

/// One indexed message as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexRow {
    pub num: u64,
    pub period: String,
    pub filed_at: i64,
    pub comp: u64,
    pub skey: String,
    pub rel: Option<u64>,
    pub removed: bool,
}

/// One period as the list page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodRow {
    pub name: String,
    pub live: u64,
}

/// How far the index has seen: every message below `through` and every
/// change up to `change`, for the archive settings `sig`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexState {
    pub through: u64,
    pub change: i64,
    pub sig: String,
}

fn db(what: &'static str) -> impl FnOnce(rusqlite::Error) -> Error {
    Error::db(what)
}

/// Union-find over messages linked by shared ids: num -> smallest num.
pub(crate) fn components<'a>(
    members: impl IntoIterator<Item = (u64, &'a [String])>,
) -> HashMap<u64, u64> {
    let mut parent: HashMap<u64, u64> = HashMap::new();
    fn find(p: &mut HashMap<u64, u64>, x: u64) -> u64 {
        let mut root = x;
        while let Some(&up) = p.get(&root) {
            if up == root {
                break;
            }
            root = up;
        }
        let mut cur = x;
        while cur != root {
            let up = p.get(&cur).copied().unwrap_or(root);
            p.insert(cur, root);
            cur = up;
        }
        root
    }
    let mut owner: HashMap<&'a str, u64> = HashMap::new();
    for (num, ids) in members {
        parent.entry(num).or_insert(num);
        for id in ids {
            match owner.get(id.as_str()) {
                None => {
                    owner.insert(id, num);
                }
                Some(&other) => {
                    let (a, b) = (find(&mut parent, num), find(&mut parent, other));
                    if a != b {
                        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                        parent.insert(hi, lo);
                    }
                }
            }
        }
    }
    let nums: Vec<u64> = parent.keys().copied().collect();
    nums.into_iter()
        .map(|n| (n, find(&mut parent, n)))
        .collect()
}

/// `rel` links: for each live headerless reply, the previous live message
/// (by filed_at, num) with the same subject key: num -> earlier.
pub fn rels(entries: &[IndexEntry]) -> HashMap<u64, u64> {
    let mut by_key: HashMap<&str, Vec<(i64, u64, bool)>> = HashMap::new();
    for e in entries.iter().filter(|e| !e.removed && !e.skey.is_empty()) {
        by_key
            .entry(e.skey.as_str())
            .or_default()
            .push((e.filed_at, e.num, e.hr));
    }
    let mut rel: HashMap<u64, u64> = HashMap::new();
    for list in by_key.values_mut() {
        list.sort_unstable();
        for w in list.windows(2) {
            if w[1].2 {
                rel.insert(w[1].1, w[0].1);
            }
        }
    }
    rel
}

impl SqliteStore {
    fn meta_i64(&self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
                r.get::<_, String>(0)
            })
            .optional()
            .map_err(db("read meta"))?
            .and_then(|v| v.parse().ok()))
    }

    /// The index state; `None` if it was never built.
    pub fn index_state(&self) -> Result<Option<IndexState>> {
        let through = self.meta_i64("site_index_through")?;
        let change = self.meta_i64("site_index_gen")?;
        let sig: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'site_index_sig'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db("read meta"))?;
        Ok(match (through, change, sig) {
            (Some(t), Some(g), Some(s)) => Some(IndexState {
                through: t as u64,
                change: g,
                sig: s,
            }),
            _ => None,
        })
    }

    /// The newest change (removal or restore) number.
    pub fn last_change(&self) -> Result<i64> {
        self.conn
            .query_row("SELECT COALESCE(MAX(gen), 0) FROM changes", [], |r| {
                r.get(0)
            })
            .map_err(db("read changes"))
    }

    /// Messages removed or restored after change `change`, oldest first.
    pub fn changes_since(&self, change: i64) -> Result<Vec<(i64, u64)>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT gen, num FROM changes WHERE gen > ?1 ORDER BY gen")
            .map_err(db("read changes"))?;
        let rows = st
            .query_map([change], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))
            .map_err(db("read changes"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read changes"))
    }

    fn set_state(&self, st: &IndexState) -> Result<()> {
        let mut put = self
            .conn
            .prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")
            .map_err(db("write index state"))?;
        put.execute(params!["site_index_through", st.through.to_string()])
            .map_err(db("write index state"))?;
        put.execute(params!["site_index_gen", st.change.to_string()])
            .map_err(db("write index state"))?;
        put.execute(params!["site_index_sig", st.sig])
            .map_err(db("write index state"))?;
        Ok(())
    }

    /// Replace the whole index with `entries` (every message), then `state`.
    pub fn index_rebuild(&mut self, entries: &[IndexEntry], state: &IndexState) -> Result<()> {
        let comps = components(
            entries
                .iter()
                .filter(|e| !e.removed)
                .map(|e| (e.num, e.ids.as_slice())),
        );
        let rel = rels(entries);
        let mut periods: BTreeMap<&str, (i64, u64, u64)> = BTreeMap::new();
        for e in entries {
            let p = periods
                .entry(e.period.as_str())
                .or_insert((e.filed_at, e.num, 0));
            if (e.filed_at, e.num) < (p.0, p.1) {
                (p.0, p.1) = (e.filed_at, e.num);
            }
            if !e.removed {
                p.2 += 1;
            }
        }
        let tx = self.conn.transaction().map_err(db("rebuild site index"))?;
        tx.execute_batch("DELETE FROM site_msgs; DELETE FROM site_ids; DELETE FROM site_periods;")
            .map_err(db("rebuild site index"))?;
        {
            let mut m = tx
                .prepare("INSERT INTO site_msgs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
                .map_err(db("rebuild site index"))?;
            let mut i = tx
                .prepare("INSERT INTO site_ids VALUES (?1, ?2)")
                .map_err(db("rebuild site index"))?;
            for e in entries {
                let comp = comps.get(&e.num).copied().unwrap_or(e.num);
                m.execute(params![
                    e.num as i64,
                    e.period,
                    e.filed_at,
                    comp as i64,
                    e.skey,
                    e.hr,
                    rel.get(&e.num).map(|&n| n as i64),
                    e.removed
                ])
                .map_err(db("rebuild site index"))?;
                for id in &e.ids {
                    i.execute(params![id, e.num as i64])
                        .map_err(db("rebuild site index"))?;
                }
            }
            let mut p = tx
                .prepare("INSERT INTO site_periods VALUES (?1, ?2, ?3, ?4)")
                .map_err(db("rebuild site index"))?;
            for (name, (at, num, live)) in periods {
                p.execute(params![name, at, num as i64, live as i64])
                    .map_err(db("rebuild site index"))?;
            }
        }
        tx.commit().map_err(db("rebuild site index"))?;
        self.set_state(state)
    }

    /// Apply new messages, removals and restores in one transaction.
    pub fn index_apply(
        &mut self,
        adds: &[IndexEntry],
        changes: &[IndexEntry],
        state: &IndexState,
    ) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(db("update site index"))?;
        let res = (|| {
            for e in adds {
                self.index_add(e)?;
            }
            for e in changes {
                let row = self.index_row(e.num)?;
                match (row.map(|r| r.removed), e.removed) {
                    (Some(false), true) => self.index_remove(e.num)?,
                    (Some(true), false) => self.index_add(e)?,
                    (None, _) => self.index_add(e)?,
                    _ => {}
                }
            }
            self.set_state(state)
        })();
        match res {
            Ok(()) => self
                .conn
                .execute_batch("COMMIT")
                .map_err(db("update site index")),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// A new (or restored) message joins the index.
    fn index_add(&mut self, e: &IndexEntry) -> Result<()> {
        let c = &self.conn;
        let exists = self.index_row(e.num)?.is_some();
        if !exists {
            let mut i = c
                .prepare_cached("INSERT INTO site_ids VALUES (?1, ?2)")
                .map_err(db("index message"))?;
            for id in &e.ids {
                i.execute(params![id, e.num as i64])
                    .map_err(db("index message"))?;
            }
        }
        if e.removed {
            c.prepare_cached(
                "INSERT OR REPLACE INTO site_msgs VALUES (?1, ?2, ?3, ?1, ?4, ?5, NULL, 1)",
            )
            .and_then(|mut s| s.execute(params![e.num as i64, e.period, e.filed_at, e.skey, e.hr]))
            .map_err(db("index message"))?;
            self.period_seen(e, false)?;
            return Ok(());
        }
        let comps = self.linked_comps(e.num, &e.ids)?;
        let comp = comps.iter().copied().chain([e.num]).min().unwrap_or(e.num);
        for &old in &comps {
            if old != comp {
                c.prepare_cached("UPDATE site_msgs SET comp = ?1 WHERE comp = ?2 AND removed = 0")
                    .and_then(|mut s| s.execute(params![comp as i64, old as i64]))
                    .map_err(db("index message"))?;
            }
        }
        let (prev, next) = self.skey_neighbors(&e.skey, e.filed_at, e.num)?;
        let rel = if e.hr { prev } else { None };
        c.prepare_cached("INSERT OR REPLACE INTO site_msgs VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)")
            .and_then(|mut s| {
                s.execute(params![
                    e.num as i64,
                    e.period,
                    e.filed_at,
                    comp as i64,
                    e.skey,
                    e.hr,
                    rel.map(|n| n as i64)
                ])
            })
            .map_err(db("index message"))?;
        if let Some(n) = next {
            c.prepare_cached("UPDATE site_msgs SET rel = ?1 WHERE num = ?2 AND hr = 1")
                .and_then(|mut s| s.execute(params![e.num as i64, n as i64]))
                .map_err(db("index message"))?;
        }
        self.period_seen(e, true)?;
        Ok(())
    }

    fn period_seen(&self, e: &IndexEntry, live: bool) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO site_periods VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO UPDATE SET \
                 live = live + ?4, \
                 first_num = CASE WHEN (?2, ?3) < (first_at, first_num) THEN ?3 ELSE first_num END, \
                 first_at = CASE WHEN (?2, ?3) < (first_at, first_num) THEN ?2 ELSE first_at END",
            )
            .and_then(|mut s| {
                s.execute(params![e.period, e.filed_at, e.num as i64, i64::from(live)])
            })
            .map_err(db("index period"))?;
        Ok(())
    }

    /// A message is removed: its component splits, its neighbours relink.
    fn index_remove(&mut self, num: u64) -> Result<()> {
        let Some(row) = self.index_row(num)? else {
            return Ok(());
        };
        let c = &self.conn;
        c.prepare_cached("UPDATE site_msgs SET removed = 1, comp = num, rel = NULL WHERE num = ?1")
            .and_then(|mut s| s.execute([num as i64]))
            .map_err(db("unindex message"))?;
        c.prepare_cached("UPDATE site_periods SET live = live - 1 WHERE name = ?1")
            .and_then(|mut s| s.execute([&row.period]))
            .map_err(db("unindex message"))?;
        let (prev, next) = self.skey_neighbors(&row.skey, row.filed_at, num)?;
        if let Some(n) = next {
            c.prepare_cached("UPDATE site_msgs SET rel = ?1 WHERE num = ?2 AND hr = 1")
                .and_then(|mut s| s.execute(params![prev.map(|p| p as i64), n as i64]))
                .map_err(db("unindex message"))?;
        }
        let members = self.comp_members(row.comp)?;
        let mut ids: Vec<(u64, Vec<String>)> = Vec::with_capacity(members.len());
        for m in members {
            ids.push((m, self.ids_of(m)?));
        }
        let comps = components(ids.iter().map(|(n, v)| (*n, v.as_slice())));
        for (n, comp) in comps {
            self.conn
                .prepare_cached("UPDATE site_msgs SET comp = ?1 WHERE num = ?2")
                .and_then(|mut s| s.execute(params![comp as i64, n as i64]))
                .map_err(db("unindex message"))?;
        }
        Ok(())
    }

    fn ids_of(&self, num: u64) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT id FROM site_ids WHERE num = ?1")
            .map_err(db("read site index"))?;
        let rows = st
            .query_map([num as i64], |r| r.get(0))
            .map_err(db("read site index"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }

    /// Components of live messages other than `num` sharing one of `ids`.
    pub fn linked_comps(&self, num: u64, ids: &[String]) -> Result<Vec<u64>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT DISTINCT m.comp FROM site_ids i JOIN site_msgs m ON m.num = i.num \
                 WHERE i.id = ?1 AND m.removed = 0 AND m.num != ?2",
            )
            .map_err(db("read site index"))?;
        let mut out = Vec::new();
        for id in ids {
            let rows = st
                .query_map(params![id, num as i64], |r| r.get::<_, i64>(0))
                .map_err(db("read site index"))?;
            for r in rows {
                out.push(r.map_err(db("read site index"))? as u64);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    /// The ids a message was indexed with.
    pub fn index_ids(&self, num: u64) -> Result<Vec<String>> {
        self.ids_of(num)
    }

    /// Live members of component `comp`.
    pub fn comp_members(&self, comp: u64) -> Result<Vec<u64>> {
        self.nums(
            "SELECT num FROM site_msgs WHERE comp = ?1 AND removed = 0",
            comp as i64,
        )
    }

    /// Every message (live or removed) filed in `period`.
    pub fn period_members(&self, period: &str) -> Result<Vec<IndexRow>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT num, period, filed_at, comp, skey, rel, removed FROM site_msgs WHERE period = ?1",
            )
            .map_err(db("read site index"))?;
        let rows = st.query_map([period], row).map_err(db("read site index"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }

    /// Live messages whose `rel` points into `period`: (num, rel).
    pub fn rel_into_period(&self, period: &str) -> Result<Vec<(u64, u64)>> {
        let mut st = self
            .conn
            .prepare_cached(
                "SELECT a.num, a.rel FROM site_msgs a JOIN site_msgs b ON a.rel = b.num \
                 WHERE b.period = ?1 AND a.removed = 0",
            )
            .map_err(db("read site index"))?;
        let rows = st
            .query_map([period], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
            })
            .map_err(db("read site index"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }

    /// Live messages whose `rel` is `num`.
    pub fn rel_to(&self, num: u64) -> Result<Vec<u64>> {
        self.nums(
            "SELECT num FROM site_msgs WHERE rel = ?1 AND removed = 0",
            num as i64,
        )
    }

    fn nums(&self, sql: &str, arg: i64) -> Result<Vec<u64>> {
        let mut st = self
            .conn
            .prepare_cached(sql)
            .map_err(db("read site index"))?;
        let rows = st
            .query_map([arg], |r| r.get::<_, i64>(0))
            .map_err(db("read site index"))?;
        rows.map(|r| r.map(|n| n as u64))
            .collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }

    /// The indexed row of `num`.
    pub fn index_row(&self, num: u64) -> Result<Option<IndexRow>> {
        self.conn
            .prepare_cached(
                "SELECT num, period, filed_at, comp, skey, rel, removed FROM site_msgs WHERE num = ?1",
            )
            .and_then(|mut s| s.query_row([num as i64], row).optional())
            .map_err(db("read site index"))
    }

    /// Live messages just before and after (filed_at, num) by date.
    pub fn date_neighbors(&self, filed_at: i64, num: u64) -> Result<(Option<u64>, Option<u64>)> {
        self.neighbors(
            "SELECT num FROM site_msgs WHERE removed = 0 AND (filed_at, num) < (?1, ?2) \
             ORDER BY filed_at DESC, num DESC LIMIT 1",
            "SELECT num FROM site_msgs WHERE removed = 0 AND (filed_at, num) > (?1, ?2) \
             ORDER BY filed_at, num LIMIT 1",
            None,
            filed_at,
            num,
        )
    }

    /// Live messages with subject key `skey` just before and after (filed_at, num).
    pub fn skey_neighbors(
        &self,
        skey: &str,
        filed_at: i64,
        num: u64,
    ) -> Result<(Option<u64>, Option<u64>)> {
        if skey.is_empty() {
            return Ok((None, None));
        }
        self.neighbors(
            "SELECT num FROM site_msgs WHERE skey = ?3 AND removed = 0 AND (filed_at, num) < (?1, ?2) \
             ORDER BY filed_at DESC, num DESC LIMIT 1",
            "SELECT num FROM site_msgs WHERE skey = ?3 AND removed = 0 AND (filed_at, num) > (?1, ?2) \
             ORDER BY filed_at, num LIMIT 1",
            Some(skey),
            filed_at,
            num,
        )
    }

    fn neighbors(
        &self,
        before: &str,
        after: &str,
        skey: Option<&str>,
        filed_at: i64,
        num: u64,
    ) -> Result<(Option<u64>, Option<u64>)> {
        let one = |sql: &str| -> Result<Option<u64>> {
            let mut st = self
                .conn
                .prepare_cached(sql)
                .map_err(db("read site index"))?;
            let r = match skey {
                Some(k) => st.query_row(params![filed_at, num as i64, k], |r| r.get::<_, i64>(0)),
                None => st.query_row(params![filed_at, num as i64], |r| r.get::<_, i64>(0)),
            };
            r.optional()
                .map(|o| o.map(|n| n as u64))
                .map_err(db("read site index"))
        };
        Ok((one(before)?, one(after)?))
    }

    /// Periods oldest first (by their first message, removed ones included).
    pub fn index_periods(&self) -> Result<Vec<PeriodRow>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT name, live FROM site_periods ORDER BY first_at, first_num")
            .map_err(db("read site index"))?;
        let rows = st
            .query_map([], |r| {
                Ok(PeriodRow {
                    name: r.get(0)?,
                    live: r.get::<_, i64>(1)? as u64,
                })
            })
            .map_err(db("read site index"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }

    /// Every `rel` link: (num, earlier).
    pub fn all_rels(&self) -> Result<Vec<(u64, u64)>> {
        let mut st = self
            .conn
            .prepare("SELECT num, rel FROM site_msgs WHERE rel IS NOT NULL AND removed = 0")
            .map_err(db("read site index"))?;
        let rows = st
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64))
            })
            .map_err(db("read site index"))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(db("read site index"))
    }
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<IndexRow> {
    Ok(IndexRow {
        num: r.get::<_, i64>(0)? as u64,
        period: r.get(1)?,
        filed_at: r.get(2)?,
        comp: r.get::<_, i64>(3)? as u64,
        skey: r.get(4)?,
        rel: r.get::<_, Option<i64>>(5)?.map(|n| n as u64),
        removed: r.get(6)?,
    })
}

#[cfg(test)]
mod tests {
    use super::components;

    #[test]
    fn components_join_by_shared_ids() {
        let ids = [
            (5u64, vec!["a".to_owned()]),
            (7, vec!["b".to_owned(), "a".to_owned()]),
            (9, vec!["c".to_owned()]),
            (3, vec!["d".to_owned(), "b".to_owned()]),
        ];
        let c = components(ids.iter().map(|(n, v)| (*n, v.as_slice())));
        assert_eq!(c[&5], 3);
        assert_eq!(c[&7], 3);
        assert_eq!(c[&3], 3);
        assert_eq!(c[&9], 9);
    }
}
