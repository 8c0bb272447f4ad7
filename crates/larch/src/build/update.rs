//! Incremental site update (after `larch add`, `import`, `remove`): render
//! only the pages whose bytes can change, and write the same site a full
//! build would (tested byte for byte). Cost grows with the threads and
//! periods touched, not with the archive.
//!
//! Starts from the site marker (what the site holds) and the store's site
//! index (brought up to date first). For each message added, removed or
//! restored since the marker: its own page; every page of its thread
//! component (before and after); its neighbours by date and by subject key
//! (prev/next and "maybe related" links); the indexes of the periods of all
//! of those but the date neighbours; the downloads of its period (the last
//! block only, for additions); the list page; the `t/` files named by an
//! id of a message of its component (`threads.rs`). What is loaded: those
//! messages, every member of those periods, every thread they are in, and
//! the messages they link to. No marker, changed templates or config, or a
//! change too big: a full build.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::Archive;
use super::download;
use super::marker::{Marker, fingerprint};
use super::site::{
    BuildReport, NEW_FEED_ENTRIES, assemble, build_site, live_by_num, loaded, removal_map,
    render_pages,
};
use super::site_index::sync_index;
use super::threads;
use crate::render::{self, DirOutput, ListEntry, Renderer, SiteModel, urls};
use crate::store::{IndexRow, SqliteStore, Store};
use crate::{Error, Result};

/// Above this many changed messages (and a tenth of the archive), rebuild.
const MAX_INCREMENTAL: usize = 2000;

/// What an update renders.
#[derive(Default, Debug)]
struct Plan {
    /// Message (or tombstone) pages.
    pages: BTreeSet<u64>,
    /// Periods whose indexes are rendered.
    periods: BTreeSet<String>,
    /// Periods whose downloads are rewritten whole (something removed or restored).
    dl_full: BTreeSet<String>,
    /// Periods whose downloads get new messages at the end.
    dl_tail: BTreeSet<String>,
}

/// Index rows, fetched once.
struct Rows<'a> {
    store: &'a SqliteStore,
    rows: HashMap<u64, IndexRow>,
}

impl Rows<'_> {
    fn get(&mut self, num: u64) -> Result<&IndexRow> {
        if !self.rows.contains_key(&num) {
            let row = self
                .store
                .index_row(num)?
                .ok_or_else(|| Error::Corrupt(format!("message {num} missing from site index")))?;
            self.rows.insert(num, row);
        }
        Ok(&self.rows[&num])
    }
}

/// Bring the site in `out_dir` up to date with the archive.
pub fn update_site(archive: &mut Archive, out_dir: &Path) -> Result<BuildReport> {
    let start = Instant::now();
    let renderer = Renderer::new(Some(&archive.paths.root.join("templates")))?;
    let fp = fingerprint(&archive.config, &renderer);
    let marker = match Marker::read(out_dir) {
        Some(m) if m.fingerprint == fp && out_dir.join("index.html").is_file() => m,
        _ => return build_site(archive, out_dir),
    };
    let state = sync_index(archive)?;
    let t_sync = start.elapsed();
    if marker.through > state.through || marker.change > state.change {
        return build_site(archive, out_dir);
    }
    let store = &archive.store;
    // Everything below only reads the store.
    let _snapshot = store.snapshot()?;
    let new: Vec<u64> = (marker.through..state.through).collect();
    let mut changed: Vec<u64> = store
        .changes_since(marker.change)?
        .into_iter()
        .map(|(_, n)| n)
        .filter(|&n| n < marker.through)
        .collect();
    changed.sort_unstable();
    changed.dedup();
    let total = new.len() + changed.len();
    if total == 0 {
        return Ok(BuildReport {
            messages: state.through,
            seconds: start.elapsed().as_secs_f64(),
            ..BuildReport::default()
        });
    }
    if total > MAX_INCREMENTAL && total as u64 > state.through / 10 {
        return build_site(archive, out_dir);
    }

    // What changes.
    let mut rows = Rows {
        store,
        rows: HashMap::new(),
    };
    let mut plan = Plan::default();
    let mut comps = BTreeSet::new();
    for (&x, is_new) in new
        .iter()
        .map(|x| (x, true))
        .chain(changed.iter().map(|x| (x, false)))
    {
        let row = rows.get(x)?.clone();
        plan.pages.insert(x);
        plan.periods.insert(row.period.clone());
        if is_new {
            plan.dl_tail.insert(row.period.clone());
        } else {
            plan.dl_full.insert(row.period.clone());
        }
        if row.removed {
            comps.extend(store.linked_comps(x, &store.index_ids(x)?)?);
        } else {
            comps.insert(row.comp);
        }
        let (a, b) = store.date_neighbors(row.filed_at, x)?;
        plan.pages.extend(a.into_iter().chain(b));
        let (p, n) = store.skey_neighbors(&row.skey, row.filed_at, x)?;
        for s in p.into_iter().chain(n) {
            plan.pages.insert(s);
            plan.periods.insert(rows.get(s)?.period.clone());
        }
    }
    let mut touched = HashSet::new();
    for &c in &comps {
        for m in store.comp_members(c)? {
            plan.pages.insert(m);
            plan.periods.insert(rows.get(m)?.period.clone());
            touched.insert(m);
        }
    }

    // What must be loaded to render that exactly as a full build would.
    let mut shown: BTreeSet<u64> = plan.pages.clone();
    let mut rel: HashMap<u64, u64> = HashMap::new();
    for p in &plan.periods {
        for r in store.period_members(p)? {
            shown.insert(r.num);
            rows.rows.insert(r.num, r);
        }
        for (a, b) in store.rel_into_period(p)? {
            rel.insert(a, b);
        }
    }
    let mut load: BTreeSet<u64> = shown.clone();
    let mut closed = BTreeSet::new();
    for &n in &shown {
        let row = rows.get(n)?;
        if !row.removed && closed.insert(row.comp) {
            let comp = row.comp;
            load.extend(store.comp_members(comp)?);
        }
    }
    for &n in &shown {
        let row = rows.get(n)?.clone();
        if row.removed {
            continue;
        }
        if let Some(b) = row.rel {
            rel.insert(n, b);
        }
        if plan.pages.contains(&n) {
            for a in store.rel_to(n)? {
                rel.insert(a, n);
            }
            let (a, b) = store.date_neighbors(row.filed_at, n)?;
            load.extend(a.into_iter().chain(b));
        }
    }
    load.extend(rel.iter().flat_map(|(&a, &b)| [a, b]));
    let mut stored = Vec::with_capacity(load.len());
    for &n in &load {
        stored.push(
            store
                .stored(n)?
                .ok_or_else(|| Error::NoSuchMessage(n.to_string()))?,
        );
    }
    let t_plan = start.elapsed();
    let removals = removal_map(store)?;
    let site = assemble(archive.config.clone(), stored, &removals, &rel);
    let t_load = start.elapsed();

    // Render.
    let out = DirOutput::new(out_dir)?;
    let mut raws = Vec::with_capacity(plan.pages.len());
    for &num in &plan.pages {
        let i = site.by_num[&num];
        if site.msgs[i as usize].removed.is_some() {
            render::render_tombstone(&renderer, &site, i, &out)?;
            continue;
        }
        let raw = store
            .raw(num)?
            .ok_or_else(|| Error::NoSuchMessage(num.to_string()))?;
        raws.push((i, raw));
    }
    let previews = render_pages(&renderer, &site, &raws, &out)?;
    // Thread files: every id a touched component's message or a changed
    // message carries (old roots and new ones).
    let loaded = loaded(&site, &raws, &previews);
    let ids: BTreeSet<String> = (touched.iter().chain(&new).chain(&changed))
        .filter_map(|&n| site.msg(n))
        .map(|m| m.summary.message_id.as_str().to_owned())
        .collect();
    threads::update(archive, &site, &touched, &ids, &loaded, &out)?;
    drop(loaded);
    let by_name: HashMap<&str, usize> = site
        .periods
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    let t_pages = start.elapsed();
    // The period indexes render on other threads while this one reads the
    // store for the downloads and the feed below.
    let periods: Vec<usize> = plan.periods.iter().map(|p| by_name[p.as_str()]).collect();
    let (indexes, downloads) = std::thread::scope(|scope| {
        let indexes = scope.spawn(|| {
            periods
                .par_iter()
                .try_for_each(|&p| render::render_period(&renderer, &site, p, &out))
        });
        let downloads = downloads_list_feed(
            archive, &renderer, &site, &plan, &marker, &by_name, &out, out_dir,
        );
        (indexes.join(), downloads)
    });
    indexes.map_err(|_| Error::Corrupt("period index rendering panicked".into()))??;
    let next = Marker {
        fingerprint: fp,
        through: state.through,
        change: state.change,
        downloads: downloads?,
    };
    let t_periods = start.elapsed();
    next.write(&out)?;
    if !changed.is_empty() {
        // Spares may hold pages as they were before a removal.
        let dirs: Vec<String> = store
            .index_periods()?
            .iter()
            .map(|p| urls::period_dir(&p.name))
            .chain([urls::THREAD_DIR.to_owned()])
            .collect();
        out.purge_spares(dirs.iter().map(String::as_str))?;
    }
    tracing::debug!(
        pages = plan.pages.len(),
        periods = plan.periods.len(),
        loaded = site.msgs.len(),
        "update: index {t_sync:?}, plan {:?}, load {:?}, pages {:?}, indexes+downloads+list+feed {:?}, marker {:?}",
        t_plan - t_sync,
        t_load - t_plan,
        t_pages - t_load,
        t_periods - t_pages,
        start.elapsed() - t_periods
    );
    let mut report = BuildReport::new(&site, &out, start);
    report.messages = state.through;
    Ok(report)
}

/// The downloads of the planned periods (their tails, or whole when
/// something was removed or restored), the list page and `new.atom`;
/// returns the marker's next download tails.
#[allow(clippy::too_many_arguments)]
fn downloads_list_feed(
    archive: &Archive,
    renderer: &Renderer,
    site: &SiteModel,
    plan: &Plan,
    marker: &Marker,
    by_name: &HashMap<&str, usize>,
    out: &DirOutput,
    out_dir: &Path,
) -> Result<BTreeMap<String, download::Tail>> {
    let store = &archive.store;
    let mut next = marker.downloads.clone();
    let downloads: BTreeSet<&String> = plan.dl_full.iter().chain(&plan.dl_tail).collect();
    for p in downloads {
        let nums = live_by_num(site, &site.periods[by_name[p.as_str()]]);
        let tail = match marker.downloads.get(p) {
            Some(&t) if !plan.dl_full.contains(p) => {
                download::write_tail(store, site, out, out_dir, p, &nums, t)?
            }
            _ => download::write_full(store, site, out, p, &nums)?,
        };
        next.insert(p.clone(), tail);
    }
    let entries: Vec<ListEntry> = store
        .index_periods()?
        .into_iter()
        .map(|p| ListEntry {
            size: next.get(&p.name).map_or(0, |t| t.len),
            name: p.name,
            count: p.live,
        })
        .collect();
    render::render_list(renderer, site, &entries, out)?;
    let feed = super::lookup::new_feed(archive, NEW_FEED_ENTRIES)?;
    crate::render::Output::write(out, "new.atom", crate::render::feed::atom(&feed).as_bytes())?;
    Ok(next)
}
