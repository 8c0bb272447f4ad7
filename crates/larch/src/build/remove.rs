//! Removal of messages by the list administrator (spam, leaked secrets,
//! GDPR requests): the number and URL stay, the page becomes a tombstone,
//! the bytes are purged (or kept hidden), and the Message-ID stays blocked.

use super::Archive;
use crate::model::MessageId;
use crate::store::Store;
use crate::{Error, Result};

/// Resolve `ids` (message numbers or Message-IDs) to message numbers.
pub fn resolve_ids(store: &dyn Store, ids: &[String]) -> Result<Vec<u64>> {
    let count = store.count()?;
    let mut nums = Vec::new();
    for id in ids {
        if let Ok(n) = id.parse::<u64>()
            && n < count
        {
            nums.push(n);
            continue;
        }
        let mid = MessageId::new(id).ok_or_else(|| Error::NoSuchMessage(id.clone()))?;
        let found = store.find_by_mid(mid.as_str())?;
        if found.is_empty() {
            return Err(Error::NoSuchMessage(id.clone()));
        }
        nums.extend(found.iter().map(|e| e.num));
    }
    nums.sort_unstable();
    nums.dedup();
    Ok(nums)
}

/// Remove messages `nums` with `reason` at time `now`.
pub fn remove(
    archive: &mut Archive,
    nums: &[u64],
    reason: &str,
    keep_raw: bool,
    now: i64,
) -> Result<()> {
    // The site index must know the message as it was (its thread, subject)
    // before the purge forgets it, so that the site update finds every
    // page that showed it.
    super::sync_index(archive)?;
    for &n in nums {
        archive.store.remove(n, reason, now, keep_raw)?;
    }
    Ok(())
}

/// Undo removals whose raw bytes were kept.
pub fn undo_remove(archive: &mut Archive, nums: &[u64]) -> Result<()> {
    super::sync_index(archive)?;
    for &n in nums {
        archive.store.unremove(n)?;
    }
    Ok(())
}
