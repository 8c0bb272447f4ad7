//! Keeping the store's site index in step with the archive: what each
//! message contributes (period, ids, subject key) and bringing the index up
//! to date before an incremental site update. Rebuilt from the summaries
//! when missing or when the archive's period settings changed.

use jiff::tz::TimeZone;

use super::Archive;
use crate::config::Config;
use crate::model::period_name;
use crate::store::{IndexEntry, IndexState, Store, Stored};
use crate::thread::subject_key;
use crate::{Error, Result};

/// What the index is keyed to: the settings that decide period names.
pub(super) fn signature(config: &Config) -> String {
    format!("{:?}|{}", config.period, config.timezone)
}

/// The index entry of one stored message.
pub(super) fn entry(s: &Stored, config: &Config, tz: &TimeZone) -> IndexEntry {
    let sum = &s.summary;
    let mut ids: Vec<String> = Vec::with_capacity(1 + sum.references.len());
    for id in std::iter::once(&sum.message_id)
        .chain(sum.in_reply_to.iter())
        .chain(sum.references.iter())
    {
        let id = id.as_str();
        if !id.is_empty() && !ids.iter().any(|x| x == id) {
            ids.push(id.to_owned());
        }
    }
    let (skey, reply) = subject_key(&sum.subject);
    IndexEntry {
        num: s.num,
        ids,
        filed_at: sum.filed_at,
        period: period_name(sum.filed_at, tz, config.period),
        skey,
        hr: reply && sum.in_reply_to.is_none() && sum.references.is_empty(),
        removed: s.removed,
    }
}

/// Bring the site index up to date: index new messages and apply removals
/// and restores since it was last brought up to date.
pub fn sync_index(archive: &mut Archive) -> Result<IndexState> {
    let config = archive.config.clone();
    let tz = config.tz();
    let sig = signature(&config);
    let count = archive.store.count()?;
    let last = archive.store.last_change()?;
    let target = IndexState {
        through: count,
        change: last,
        sig: sig.clone(),
    };
    match archive.store.index_state()? {
        Some(st) if st.sig == sig && st.through <= count && st.change <= last => {
            if st == target {
                return Ok(target);
            }
            let store = &archive.store;
            let get = |num: u64| -> Result<IndexEntry> {
                let s = store
                    .stored(num)?
                    .ok_or_else(|| Error::NoSuchMessage(num.to_string()))?;
                Ok(entry(&s, &config, &tz))
            };
            let adds = (st.through..count).map(get).collect::<Result<Vec<_>>>()?;
            let mut changed: Vec<u64> = store
                .changes_since(st.change)?
                .into_iter()
                .map(|(_, n)| n)
                .filter(|&n| n < st.through)
                .collect();
            changed.sort_unstable();
            changed.dedup();
            let changes = changed.into_iter().map(get).collect::<Result<Vec<_>>>()?;
            archive.store.index_apply(&adds, &changes, &target)?;
        }
        _ => {
            let mut entries = Vec::with_capacity(count as usize);
            archive.store.for_each(&mut |s| {
                entries.push(entry(&s, &config, &tz));
                Ok(())
            })?;
            archive.store.index_rebuild(&entries, &target)?;
        }
    }
    Ok(target)
}
