//! `larch build`: store -> parse (MIME view) -> thread -> render, writing
//! the static site. Message pages and the `t/` thread files (`threads.rs`)
//! are made in parallel (rayon), a batch of whole threads at a time, so
//! each message is read and parsed once; raw mail is read from the store
//! on this thread (the store is not shared).

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use rayon::prelude::*;

use super::Archive;
use super::download;
use super::marker::{Marker, fingerprint, same_but_templates};
use super::threads;
use crate::model::period_name;
use crate::parse::mime::message_view;
use crate::render::{self, DirOutput, ListEntry, MsgInfo, PeriodInfo, Renderer, SiteModel, urls};
use crate::store::{Store, Stored};
use crate::thread::{self, Item};
use crate::{Error, Result};

/// Entries in `new.atom`.
pub(super) const NEW_FEED_ENTRIES: usize = 50;

/// Messages read from the store per parallel batch of whole threads (a
/// bigger thread makes a bigger batch).
const CHUNK: usize = 2048;

/// What a build did.
#[derive(Debug, Default, Clone)]
pub struct BuildReport {
    pub messages: u64,
    pub periods: u64,
    pub threads: u64,
    pub files_written: u64,
    pub files_unchanged: u64,
    pub bytes_written: u64,
    pub seconds: f64,
}

impl BuildReport {
    /// The report of a build that wrote through `out` since `start`.
    pub(super) fn new(site: &SiteModel, out: &DirOutput, start: Instant) -> BuildReport {
        BuildReport {
            messages: site.msgs.len() as u64,
            periods: site.periods.len() as u64,
            threads: site.forest.thread_count() as u64,
            files_written: out.written.load(Ordering::Relaxed),
            files_unchanged: out.unchanged.load(Ordering::Relaxed),
            bytes_written: out.bytes.load(Ordering::Relaxed),
            seconds: start.elapsed().as_secs_f64(),
        }
    }
}

/// Load the archive into the model render needs: summaries, periods, threads.
pub fn site_model(archive: &Archive) -> Result<SiteModel> {
    let config = archive.config.clone();
    let tz = config.tz();
    let mut stored = Vec::new();
    let mut entries = Vec::new();
    archive.store().for_each(&mut |m| {
        entries.push(super::site_index::entry(&m, &config, &tz));
        stored.push(m);
        Ok(())
    })?;
    let rel = crate::store::rels(&entries);
    drop(entries);
    let removals = removal_map(archive.store())?;
    Ok(assemble(config, stored, &removals, &rel))
}

/// Removed messages: num -> (reason, removed_at).
pub(super) fn removal_map(store: &dyn Store) -> Result<HashMap<u64, (String, i64)>> {
    Ok(store
        .removals()?
        .into_iter()
        .map(|r| (r.num, (r.reason, r.removed_at)))
        .collect())
}

/// The model of `stored` (all messages, or for an incremental update every
/// message whose pages are rendered plus those they link to). `rel` maps a
/// headerless reply to the earlier message with its subject; it must cover
/// every message rendered and every message pointing at one.
pub(super) fn assemble(
    config: crate::config::Config,
    stored: Vec<Stored>,
    removals: &HashMap<u64, (String, i64)>,
    rel: &HashMap<u64, u64>,
) -> SiteModel {
    let tz = config.tz();
    let mut msgs: Vec<MsgInfo> = Vec::new();
    let mut period_ix: HashMap<String, u32> = HashMap::new();
    let mut periods: Vec<PeriodInfo> = Vec::new();
    for m in stored {
        let name = period_name(m.summary.filed_at, &tz, config.period);
        let p = *period_ix.entry(name.clone()).or_insert_with(|| {
            periods.push(PeriodInfo {
                label: render::period_label(&name, config.period),
                name,
                members: Vec::new(),
                removed: Vec::new(),
            });
            (periods.len() - 1) as u32
        });
        let removed = if m.removed {
            Some(removals.get(&m.num).cloned().unwrap_or_default())
        } else {
            None
        };
        msgs.push(MsgInfo {
            num: m.num,
            removed,
            period: p,
            summary: m.summary,
        });
    }
    let mut all: Vec<u32> = (0..msgs.len() as u32).collect();
    all.sort_by_key(|&i| (msgs[i as usize].summary.filed_at, msgs[i as usize].num));
    // Periods oldest first (by their first message, removed ones included,
    // so that removing a message never reorders anything).
    let mut first_seen = vec![usize::MAX; periods.len()];
    for (pos, &i) in all.iter().enumerate() {
        let p = msgs[i as usize].period as usize;
        first_seen[p] = first_seen[p].min(pos);
    }
    let mut order: Vec<usize> = (0..periods.len()).collect();
    order.sort_by_key(|&p| first_seen[p]);
    let mut remap = vec![0u32; periods.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new as u32;
    }
    let mut sorted: Vec<PeriodInfo> = Vec::with_capacity(periods.len());
    for &old in &order {
        sorted.push(std::mem::replace(
            &mut periods[old],
            PeriodInfo {
                name: String::new(),
                label: String::new(),
                members: Vec::new(),
                removed: Vec::new(),
            },
        ));
    }
    for m in &mut msgs {
        m.period = remap[m.period as usize];
    }
    let mut by_date: Vec<u32> = Vec::with_capacity(all.len());
    let mut date_pos = vec![0u32; msgs.len()];
    for &i in &all {
        let m = &msgs[i as usize];
        if m.removed.is_some() {
            sorted[m.period as usize].removed.push(i);
        } else {
            date_pos[i as usize] = by_date.len() as u32;
            by_date.push(i);
            sorted[m.period as usize].members.push(i);
        }
    }
    let items: Vec<Item> = msgs
        .iter()
        .filter(|m| m.removed.is_none())
        .map(|m| Item {
            num: m.num,
            message_id: m.summary.message_id.as_str().to_owned(),
            references: m
                .summary
                .references
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            in_reply_to: m
                .summary
                .in_reply_to
                .as_ref()
                .map(|r| r.as_str().to_owned()),
            subject: m.summary.subject.clone(),
            date: m.summary.filed_at,
        })
        .collect();
    let forest = thread::thread(&items);
    drop(items);
    let thread_roots = forest
        .threads()
        .map(|t| t.nums().min().unwrap_or(0))
        .collect();
    let by_num: HashMap<u64, u32> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| (m.num, i as u32))
        .collect();
    let mut related: HashMap<u64, Vec<u64>> = HashMap::new();
    let mut later: HashMap<u64, u64> = HashMap::new();
    for (&a, &b) in rel {
        later.insert(b, a);
    }
    for m in &msgs {
        let v: Vec<u64> = rel
            .get(&m.num)
            .into_iter()
            .chain(later.get(&m.num))
            .copied()
            .collect();
        if !v.is_empty() {
            related.insert(m.num, v);
        }
    }
    let subject_keys: Vec<String> = msgs
        .iter()
        .map(|m| thread::base_subject(&m.summary.subject))
        .collect();
    let mut by_mid: HashMap<String, u32> = HashMap::new();
    for (i, m) in msgs.iter().enumerate().filter(|(_, m)| m.removed.is_none()) {
        by_mid
            .entry(m.summary.message_id.as_str().to_owned())
            .or_insert(i as u32);
    }
    SiteModel {
        config,
        msgs,
        by_date,
        date_pos,
        periods: sorted,
        forest,
        thread_roots,
        by_num,
        by_mid,
        subject_keys,
        related,
    }
}

/// Build the whole site into `out_dir`.
pub fn build_site(archive: &Archive, out_dir: &Path) -> Result<BuildReport> {
    let start = Instant::now();
    let renderer = Renderer::new(Some(&archive.paths.root.join("templates")))?;
    let site = site_model(archive)?;
    let t_model = start.elapsed();
    let out = DirOutput::new(out_dir)?;
    let store = archive.store();
    let fp = fingerprint(&archive.config, &renderer);
    let (through, change) = (store.count()?, archive.store.last_change()?);
    // Only the templates changed since the last build (the usual reason to
    // rebuild): the files made from the store alone are already right.
    let kept = Marker::read(out_dir).filter(|m| {
        m.through == through && m.change == change && same_but_templates(&m.fingerprint, &fp)
    });
    Marker::clear(out_dir)?;
    let mbox_kept = |stem: &str| {
        kept.is_some()
            && out_dir
                .join(urls::thread_path(stem, urls::THREAD_MBOX))
                .is_file()
    };

    // Tombstones, then message pages and thread files, whole threads at a
    // time: raw mail read here, pages and files made in parallel.
    for (i, m) in site.msgs.iter().enumerate() {
        if m.removed.is_some() {
            render::render_tombstone(&renderer, &site, i as u32, &out)?;
        }
    }
    let names = threads::names(&site);
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut size = 0;
    for t in site.forest.threads() {
        batch.push(t.index());
        size += t.message_count();
        if size >= CHUNK || t.index() + 1 == site.forest.thread_count() {
            batches.push(std::mem::take(&mut batch));
            size = 0;
        }
    }
    // This thread reads the next batch's raw mail while another renders the
    // last one (on all cores).
    std::thread::scope(|scope| -> Result<()> {
        let mut rendering: Option<std::thread::ScopedJoinHandle<'_, Result<()>>> = None;
        let finish = |h: std::thread::ScopedJoinHandle<'_, Result<()>>| {
            h.join()
                .map_err(|_| Error::Corrupt("page rendering panicked".into()))?
        };
        for batch in &batches {
            let raws = read_raws(store, &site, batch)?;
            if let Some(h) = rendering.take() {
                finish(h)?;
            }
            let (renderer, site, names, out, mbox_kept) =
                (&renderer, &site, &names, &out, &mbox_kept);
            rendering = Some(scope.spawn(move || {
                pages_and_threads(renderer, site, &raws, batch, names, out, mbox_kept)
            }));
        }
        rendering.map_or(Ok(()), finish)
    })?;
    let t_pages = start.elapsed();
    let keep = names.iter().flatten().map(String::as_str).collect();
    threads::remove_stale(out_dir, &out, &keep)?;
    // Period indexes and downloads.
    (0..site.periods.len())
        .into_par_iter()
        .map(|p| render::render_period(&renderer, &site, p, &out))
        .collect::<Result<()>>()?;
    let t_indexes = start.elapsed();
    let mut marker = Marker {
        fingerprint: fp,
        through,
        change,
        downloads: Default::default(),
    };
    let mut entries = Vec::with_capacity(site.periods.len());
    for p in &site.periods {
        let nums = live_by_num(&site, p);
        let file = out_dir.join(urls::download_path(&p.name));
        let tail = match kept.as_ref().and_then(|m| m.downloads.get(&p.name)) {
            Some(&t) if std::fs::metadata(&file).is_ok_and(|f| f.len() == t.len) => t,
            _ => download::write_full(store, &site, &out, &p.name, &nums)?,
        };
        entries.push(ListEntry {
            name: p.name.clone(),
            count: nums.len() as u64,
            size: tail.len,
        });
        marker.downloads.insert(p.name.clone(), tail);
    }
    let t_downloads = start.elapsed();
    render::render_list(&renderer, &site, &entries, &out)?;
    let feed = super::lookup::new_feed(archive, NEW_FEED_ENTRIES)?;
    crate::render::Output::write(
        &out,
        "new.atom",
        crate::render::feed::atom(&feed).as_bytes(),
    )?;
    marker.write(&out)?;
    // Last: the spares now hold the pages as they were before this build
    // (maybe before a removal), and temp files of killed writers may be
    // anywhere.
    out.sweep_temps()?;
    tracing::debug!(
        kept = kept.is_some(),
        "build: model {t_model:?}, pages and t/ {:?}, indexes {:?}, downloads {:?}, rest {:?}",
        t_pages - t_model,
        t_indexes - t_pages,
        t_downloads - t_indexes,
        start.elapsed() - t_downloads
    );
    Ok(BuildReport::new(&site, &out, start))
}

/// The raw mail of the messages of threads `batch`, by number, with
/// their index in the site model.
fn read_raws(store: &dyn Store, site: &SiteModel, batch: &[usize]) -> Result<Vec<(u32, Vec<u8>)>> {
    let mut nums: Vec<u64> = Vec::new();
    for t in batch.iter().filter_map(|&t| site.forest.thread(t)) {
        nums.extend(t.nums());
    }
    nums.sort_unstable();
    let mut raws = Vec::with_capacity(nums.len());
    for n in nums {
        let raw = store
            .raw(n)?
            .ok_or_else(|| Error::NoSuchMessage(n.to_string()))?;
        raws.push((site.by_num[&n], raw));
    }
    Ok(raws)
}

/// The pages of the messages of threads `batch` (their raw mail `raws`)
/// and those threads' `t/` files (stems `names`, by thread index).
fn pages_and_threads(
    renderer: &Renderer,
    site: &SiteModel,
    raws: &[(u32, Vec<u8>)],
    batch: &[usize],
    names: &[Vec<String>],
    out: &DirOutput,
    mbox_kept: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    let previews = render_pages(renderer, site, raws, out)?;
    let loaded = loaded(site, raws, &previews);
    let jobs: Vec<(usize, &[String])> = batch.iter().map(|&t| (t, names[t].as_slice())).collect();
    threads::write_threads(site, &jobs, &loaded, out, mbox_kept)
}

/// Render the message pages of `raws` (model index, raw bytes) in
/// parallel; returns each message's feed preview, in order, from the same
/// parse (the `t/` feeds reuse them).
pub(super) fn render_pages(
    renderer: &Renderer,
    site: &SiteModel,
    raws: &[(u32, Vec<u8>)],
    out: &DirOutput,
) -> Result<Vec<String>> {
    raws.par_iter()
        .map(|(i, raw)| {
            let view = message_view(raw);
            render::render_message(renderer, site, *i, &view, out)?;
            Ok(super::lookup::preview(&view))
        })
        .collect()
}

/// What the thread files read of the messages just rendered: number ->
/// (raw bytes, preview).
pub(super) fn loaded<'a>(
    site: &SiteModel,
    raws: &'a [(u32, Vec<u8>)],
    previews: &'a [String],
) -> threads::Loaded<'a> {
    (raws.iter().zip(previews))
        .map(|((i, raw), p)| (site.msgs[*i as usize].num, (raw.as_slice(), p.as_str())))
        .collect()
}

/// A period's live messages by number (the order of its download).
pub(super) fn live_by_num(site: &SiteModel, p: &PeriodInfo) -> Vec<u64> {
    let mut nums: Vec<u64> = p
        .members
        .iter()
        .map(|&i| site.msgs[i as usize].num)
        .collect();
    nums.sort_unstable();
    nums
}
