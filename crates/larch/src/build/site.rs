//! `larch build`: store -> parse (MIME view) -> thread -> render, writing
//! the static site. Message pages render in parallel (rayon); raw mail is
//! read from the store in chunks on this thread (the store is not shared).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

use flate2::{Compression, GzBuilder};
use rayon::prelude::*;

use super::Archive;
use crate::model::period_name;
use crate::parse::mime::message_view;
use crate::render::{self, DirOutput, MsgInfo, Output, PeriodInfo, Renderer, SiteModel, urls};
use crate::store::Store;
use crate::thread::{self, Item};
use crate::{Error, Result};

/// Messages read from the store per parallel rendering chunk.
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
    let mut msgs: Vec<MsgInfo> = Vec::new();
    let mut period_ix: HashMap<String, u32> = HashMap::new();
    let mut periods: Vec<PeriodInfo> = Vec::new();
    let removals: HashMap<u64, (String, i64)> = archive
        .store()
        .removals()?
        .into_iter()
        .map(|r| (r.num, (r.reason, r.removed_at)))
        .collect();
    archive.store().for_each(&mut |m| {
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
        Ok(())
    })?;
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
    let by_num: HashMap<u64, u32> = msgs
        .iter()
        .enumerate()
        .map(|(i, m)| (m.num, i as u32))
        .collect();
    let mut related: HashMap<u64, Vec<u64>> = HashMap::new();
    for &(a, b) in &forest.maybe_related {
        // Only messages with no reply headers at all: one whose parent is
        // missing from the archive is not "maybe related", it is a reply.
        let headerless = by_num
            .get(&a)
            .map(|&i| &msgs[i as usize].summary)
            .is_some_and(|s| s.in_reply_to.is_none() && s.references.is_empty());
        if !headerless {
            continue;
        }
        related.entry(a).or_default().push(b);
        related.entry(b).or_default().push(a);
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
    Ok(SiteModel {
        config,
        msgs,
        by_date,
        date_pos,
        periods: sorted,
        forest,
        by_num,
        by_mid,
        subject_keys,
        related,
    })
}

/// Build the whole site into `out_dir`.
pub fn build_site(archive: &Archive, out_dir: &Path) -> Result<BuildReport> {
    let start = Instant::now();
    let renderer = Renderer::new(Some(&archive.paths.root.join("templates")))?;
    let site = site_model(archive)?;
    let out = DirOutput::new(out_dir)?;
    let store = archive.store();

    // Message pages, in chunks: read raw here, render in parallel.
    let nums: Vec<u32> = (0..site.msgs.len() as u32).collect();
    for chunk in nums.chunks(CHUNK) {
        let mut raws = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let m = &site.msgs[i as usize];
            if m.removed.is_some() {
                render::render_tombstone(&renderer, &site, i, &out)?;
                continue;
            }
            let raw = store
                .raw(m.num)?
                .ok_or_else(|| Error::NoSuchMessage(m.num.to_string()))?;
            raws.push((i, raw));
        }
        raws.par_iter()
            .map(|(i, raw)| {
                let view = message_view(raw);
                render::render_message(&renderer, &site, *i, &view, &out)
            })
            .collect::<Result<()>>()?;
    }
    // Period indexes and downloads.
    (0..site.periods.len())
        .into_par_iter()
        .map(|p| render::render_period(&renderer, &site, p, &out))
        .collect::<Result<()>>()?;
    let mut sizes = HashMap::new();
    for p in &site.periods {
        let gz = period_mbox_gz(store, &site, p)?;
        sizes.insert(p.name.clone(), gz.len() as u64);
        out.write(&urls::download_path(&p.name), &gz)?;
    }
    render::render_list(&renderer, &site, &sizes, &out)?;
    Ok(BuildReport::new(&site, &out, start))
}

/// A period's messages as a gzipped mbox, the way Pipermail writes its
/// `.txt.gz` (From_ lines with " at " addresses, body lines not escaped), so
/// `larch import` reads it back byte-exact as a Pipermail period file.
/// Byte-identical across builds (no file name or time in the gzip header).
pub(super) fn period_mbox_gz(
    store: &dyn Store,
    site: &SiteModel,
    p: &PeriodInfo,
) -> Result<Vec<u8>> {
    let mut gz = GzBuilder::new()
        .mtime(0)
        .write(Vec::new(), Compression::new(6));
    let mut buf = Vec::new();
    for &i in &p.members {
        let m = &site.msgs[i as usize];
        let raw = store
            .raw(m.num)?
            .ok_or_else(|| Error::NoSuchMessage(m.num.to_string()))?;
        buf.clear();
        buf.extend_from_slice(super::export::from_line(&m.summary, true).as_bytes());
        buf.extend_from_slice(&raw);
        if !raw.ends_with(b"\n") {
            buf.push(b'\n');
        }
        buf.push(b'\n');
        gz.write_all(&buf)
            .map_err(|e| Error::io(urls::download_path(&p.name), e))?;
    }
    gz.finish()
        .map_err(|e| Error::io(urls::download_path(&p.name), e))
}
