//! `larch check` for the SQLite store: every raw message and kept copy
//! decompresses and hashes to its recorded hash; numbering has no holes.

use rusqlite::Connection;

use super::{CheckProblem, codec};
use crate::{Error, Result};

pub(super) fn check(conn: &Connection, next_num: u64) -> Result<Vec<CheckProblem>> {
    let mut problems = Vec::new();
    let mut expected = 0u64;
    let mut stmt = conn
        .prepare(
            "SELECT messages.num, messages.hash, messages.size, raw.data, \
             (SELECT raw_kept FROM removals WHERE removals.num = messages.num) \
             FROM messages LEFT JOIN raw USING (num) ORDER BY messages.num",
        )
        .map_err(Error::db("check"))?;
    let mut rows = stmt.query([]).map_err(Error::db("check"))?;
    while let Some(r) = rows.next().map_err(Error::db("check"))? {
        let num = r.get::<_, i64>(0).map_err(Error::db("check"))? as u64;
        let hash: Vec<u8> = r.get(1).map_err(Error::db("check"))?;
        let size = r.get::<_, i64>(2).map_err(Error::db("check"))? as u64;
        let data: Option<Vec<u8>> = r.get(3).map_err(Error::db("check"))?;
        let removal: Option<bool> = r.get(4).map_err(Error::db("check"))?;
        if expected < num {
            problems.push(CheckProblem {
                num: Some(expected),
                what: format!(
                    "numbers {expected} to {} missing (hole in numbering)",
                    num - 1
                ),
            });
        }
        expected = num + 1;
        match removal {
            // Purged on removal: no bytes is what must be.
            Some(false) if data.is_none() => {}
            Some(false) => problems.push(CheckProblem {
                num: Some(num),
                what: "removed and purged, but raw bytes are still stored".into(),
            }),
            _ => verify(&mut problems, num, "raw message", data, size, &hash),
        }
    }
    if expected != next_num {
        problems.push(CheckProblem {
            num: None,
            what: format!(
                "next number is {next_num} but the highest message is {}",
                expected as i64 - 1
            ),
        });
    }
    let mut stmt = conn
        .prepare("SELECT num, hash, size, data FROM variants ORDER BY id")
        .map_err(Error::db("check"))?;
    let mut rows = stmt.query([]).map_err(Error::db("check"))?;
    while let Some(r) = rows.next().map_err(Error::db("check"))? {
        let num = r.get::<_, i64>(0).map_err(Error::db("check"))? as u64;
        let hash: Vec<u8> = r.get(1).map_err(Error::db("check"))?;
        let size = r.get::<_, i64>(2).map_err(Error::db("check"))? as u64;
        let data: Vec<u8> = r.get(3).map_err(Error::db("check"))?;
        verify(&mut problems, num, "kept copy", Some(data), size, &hash);
    }
    let orphans: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM raw WHERE num NOT IN (SELECT num FROM messages)",
            [],
            |r| r.get(0),
        )
        .map_err(Error::db("check"))?;
    if orphans > 0 {
        problems.push(CheckProblem {
            num: None,
            what: format!("{orphans} raw rows without a message"),
        });
    }
    let integrity: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(Error::db("check"))?;
    if integrity != "ok" {
        problems.push(CheckProblem {
            num: None,
            what: format!("SQLite quick_check: {integrity}"),
        });
    }
    Ok(problems)
}

fn verify(
    problems: &mut Vec<CheckProblem>,
    num: u64,
    what: &str,
    data: Option<Vec<u8>>,
    size: u64,
    hash: &[u8],
) {
    let Some(data) = data else {
        problems.push(CheckProblem {
            num: Some(num),
            what: format!("{what} missing"),
        });
        return;
    };
    match codec::decompress(&data, size) {
        Ok(raw) if raw.len() as u64 == size && codec::hash(&raw)[..] == *hash => {}
        Ok(_) => problems.push(CheckProblem {
            num: Some(num),
            what: format!("{what} does not match its recorded hash or size"),
        }),
        Err(e) => problems.push(CheckProblem {
            num: Some(num),
            what: format!("{what} does not decompress: {e}"),
        }),
    }
}
