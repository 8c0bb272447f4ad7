//! Incremental site update after `larch add`: render only the pages whose
//! bytes can change, and get the same site a full build would write.
//!
//! For each new message: its own page; every page of its thread (the
//! thread tree, prev/next in thread and follow-ups appear on each); its
//! neighbours by date; every message that names its Message-ID (their
//! In-Reply-To/References links now resolve); messages with the same base
//! subject (the "maybe related" links); and the indexes of every period
//! those messages are filed in, the new message's period download, and the
//! list page. Removals fall back to a full build.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use super::Archive;
use super::site::{BuildReport, build_site, period_mbox_gz, site_model};
use crate::parse::mime::message_view;
use crate::render::{self, DirOutput, Output, Renderer, SiteModel, urls};
use crate::{Error, Result};

/// Indices (into `site.msgs`) of the pages adding `nums` can change.
pub fn affected(site: &SiteModel, nums: &[u64]) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let new_mids: HashSet<&str> = nums
        .iter()
        .filter_map(|n| site.msg(*n))
        .map(|m| m.summary.message_id.as_str())
        .collect();
    let mut keys: HashSet<&str> = HashSet::new();
    for &num in nums {
        let Some(&i) = site.by_num.get(&num) else {
            continue;
        };
        out.insert(i);
        if !site.subject_keys[i as usize].is_empty() {
            keys.insert(site.subject_keys[i as usize].as_str());
        }
        if let Some(loc) = site.forest.locate(num)
            && let Some(t) = site.forest.thread(loc.thread)
        {
            for n in t.nums() {
                if let Some(&j) = site.by_num.get(&n) {
                    out.insert(j);
                }
            }
        }
        let dp = site.date_pos[i as usize] as usize;
        for p in [dp.checked_sub(1), Some(dp + 1)].into_iter().flatten() {
            if let Some(&j) = site.by_date.get(p) {
                out.insert(j);
            }
        }
    }
    for (j, m) in site.msgs.iter().enumerate() {
        if m.removed.is_some() {
            continue;
        }
        let s = &m.summary;
        let names_new = s
            .in_reply_to
            .iter()
            .chain(s.references.iter())
            .any(|r| new_mids.contains(r.as_str()));
        if names_new || keys.contains(site.subject_keys[j].as_str()) {
            out.insert(j as u32);
        }
    }
    out
}

/// Update the site in `out_dir` after `added` messages were archived.
pub fn update_site(archive: &Archive, out_dir: &Path, added: &[u64]) -> Result<BuildReport> {
    if !out_dir.join("index.html").is_file() {
        return build_site(archive, out_dir);
    }
    let start = Instant::now();
    let renderer = Renderer::new(Some(&archive.paths.root.join("templates")))?;
    let site = site_model(archive)?;
    let out = DirOutput::new(out_dir)?;
    let store = archive.store();
    let pages = affected(&site, added);
    let mut raws = Vec::with_capacity(pages.len());
    for &i in &pages {
        let num = site.msgs[i as usize].num;
        let raw = store
            .raw(num)?
            .ok_or_else(|| Error::NoSuchMessage(num.to_string()))?;
        raws.push((i, raw));
    }
    raws.par_iter()
        .map(|(i, raw)| render::render_message(&renderer, &site, *i, &message_view(raw), &out))
        .collect::<Result<()>>()?;
    let periods: BTreeSet<usize> = pages
        .iter()
        .map(|&i| site.msgs[i as usize].period as usize)
        .collect();
    for &p in &periods {
        render::render_period(&renderer, &site, p, &out)?;
    }
    let new_periods: BTreeSet<usize> = added
        .iter()
        .filter_map(|n| site.msg(*n))
        .map(|m| m.period as usize)
        .collect();
    let mut sizes = HashMap::new();
    for (p, info) in site.periods.iter().enumerate() {
        let path = urls::download_path(&info.name);
        let existing = std::fs::metadata(out_dir.join(&path)).ok().map(|m| m.len());
        let size = match existing {
            Some(len) if !new_periods.contains(&p) => len,
            _ => {
                let gz = period_mbox_gz(store, &site, info)?;
                out.write(&path, &gz)?;
                gz.len() as u64
            }
        };
        sizes.insert(info.name.clone(), size);
    }
    render::render_list(&renderer, &site, &sizes, &out)?;
    Ok(BuildReport::new(&site, &out, start))
}
