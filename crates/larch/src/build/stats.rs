//! Stats: counts by period, defects, duplicates and filing-date fallbacks.

use std::collections::BTreeMap;

use super::Archive;
use crate::Result;
use crate::model::period_name;
use crate::store::StoreStats;

/// Messages in one period.
#[derive(Debug, Clone)]
pub struct PeriodCount {
    pub period: String,
    pub first: i64,
    pub messages: u64,
}

/// Everything `larch stats` prints.
#[derive(Debug, Clone)]
pub struct Stats {
    pub store: StoreStats,
    /// Oldest period first.
    pub periods: Vec<PeriodCount>,
}

/// Gather the archive's stats.
pub fn stats(archive: &Archive) -> Result<Stats> {
    let tz = archive.config.tz();
    let mut periods: BTreeMap<String, PeriodCount> = BTreeMap::new();
    archive.store().for_each(&mut |m| {
        let name = period_name(m.summary.filed_at, &tz, archive.config.period);
        let e = periods.entry(name.clone()).or_insert(PeriodCount {
            period: name,
            first: m.summary.filed_at,
            messages: 0,
        });
        e.first = e.first.min(m.summary.filed_at);
        e.messages += 1;
        Ok(())
    })?;
    let mut periods: Vec<PeriodCount> = periods.into_values().collect();
    periods.sort_by_key(|p| p.first);
    Ok(Stats {
        store: archive.store().stats()?,
        periods,
    })
}
