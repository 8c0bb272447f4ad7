//! The static thread downloads, `t/<stem>.atom` and `t/<stem>.mbox.gz`:
//! the bytes `larch serve` answers for `/t/<id>.atom` and `/t/<id>.mbox.gz`
//! (both made by [`lookup::thread_feed_of`] and [`lookup::MboxGz`]), here
//! from what a build already holds: the site model's summaries and
//! threads, the raw mail read for the message pages and the previews taken
//! from the views parsed for them. Owns which `t/` files exist.
//!
//! The rule: `t/<stem of X>` exists for every Message-ID X carried by a
//! thread's root (its lowest-numbered message), and holds the thread of
//! the lowest-numbered live message carrying X: the root's own thread
//! unless the id is reused, the thread `larch serve` answers for X. A full
//! build writes them all and deletes any other `.atom` or `.mbox.gz` in
//! `t/`; an update decides again for every id carried by a message of a
//! component it touched (or a message it added, removed or restored).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::Archive;
use super::lookup::{self, MboxGz};
use crate::model::Summary;
use crate::render::urls::{self, THREAD_ATOM, THREAD_DIR, THREAD_MBOX};
use crate::render::{DirOutput, Output, SiteModel, feed};
use crate::{Error, Result};

/// What the caller read and parsed for its pages, by message number: the
/// raw bytes and the feed preview ([`lookup::preview`]).
pub(super) type Loaded<'a> = HashMap<u64, (&'a [u8], &'a str)>;

fn missing(num: u64) -> Error {
    Error::NoSuchMessage(num.to_string())
}

/// The `(atom, mbox.gz)` bytes of thread `t` of `site`, every member in
/// `loaded`; the mbox only `with_mbox`.
fn thread_bytes(
    site: &SiteModel,
    t: usize,
    loaded: &Loaded<'_>,
    with_mbox: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>)> {
    let thread = site
        .forest
        .thread(t)
        .ok_or_else(|| Error::Corrupt(format!("thread {t} missing from the site model")))?;
    let mut members: Vec<(u64, &Summary)> = Vec::with_capacity(thread.message_count());
    for n in thread.nums() {
        members.push((n, &site.msg(n).ok_or_else(|| missing(n))?.summary));
    }
    let get = |n: u64| loaded.get(&n).ok_or_else(|| missing(n));
    let feed = lookup::thread_feed_of(&site.config, &members, |n| Ok(get(n)?.1.to_owned()))?
        .ok_or_else(|| Error::Corrupt(format!("thread {t} is empty")))?;
    let atom = feed::atom(&feed).into_bytes();
    if !with_mbox {
        return Ok((atom, None));
    }
    members.sort_unstable_by_key(|(n, _)| *n);
    let mut gz = MboxGz::default();
    for (n, s) in members {
        gz.push(s, get(n)?.0)?;
    }
    Ok((atom, Some(gz.finish()?)))
}

fn write(out: &dyn Output, stem: &str, atom: &[u8], mbox: Option<&[u8]>) -> Result<()> {
    out.write(&urls::thread_path(stem, THREAD_ATOM), atom)?;
    match mbox {
        Some(mbox) => out.write(&urls::thread_path(stem, THREAD_MBOX), mbox),
        None => Ok(()),
    }
}

/// For a full build: by thread index, the stems of the files holding it
/// (usually one: its root's; none when its root's id names another thread).
pub(super) fn names(site: &SiteModel) -> Vec<Vec<String>> {
    let mut names = vec![Vec::new(); site.forest.thread_count()];
    for &root in &site.thread_roots {
        let Some(m) = site.msg(root) else { continue };
        let id = m.summary.message_id.as_str();
        let owner = site
            .by_mid
            .get(id)
            .map_or(root, |&i| site.msgs[i as usize].num);
        let Some(loc) = site.forest.locate(owner) else {
            continue;
        };
        let stem = urls::thread_file_stem(id);
        if !names[loc.thread].contains(&stem) {
            names[loc.thread].push(stem);
        }
    }
    names
}

/// Write the files of threads `jobs` (thread index, stems), in parallel;
/// every member must be in `loaded`. `mbox_kept` says which stems already
/// have their `.mbox.gz` (a full build that reuses files the store has not
/// changed): theirs are not made again.
pub(super) fn write_threads(
    site: &SiteModel,
    jobs: &[(usize, &[String])],
    loaded: &Loaded<'_>,
    out: &dyn Output,
    mbox_kept: &(dyn Fn(&str) -> bool + Sync),
) -> Result<()> {
    jobs.par_iter()
        .filter(|(_, stems)| !stems.is_empty())
        .map(|&(t, stems)| {
            let with_mbox = !stems.iter().all(|s| mbox_kept(s));
            let (atom, mbox) = thread_bytes(site, t, loaded, with_mbox)?;
            stems
                .iter()
                .try_for_each(|s| write(out, s, &atom, mbox.as_deref()))
        })
        .collect()
}

/// For a full build: delete the `.atom` and `.mbox.gz` files of `t/`
/// whose stem is not in `keep` (left by earlier builds). Other files stay.
pub(super) fn remove_stale(out_dir: &Path, out: &dyn Output, keep: &HashSet<&str>) -> Result<()> {
    let dir = out_dir.join(THREAD_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    for e in entries {
        let e = e.map_err(|e| Error::io(&dir, e))?;
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let stem = name
            .strip_suffix(THREAD_ATOM)
            .or_else(|| name.strip_suffix(THREAD_MBOX));
        if let Some(stem) = stem
            && !stem.is_empty()
            && !name.starts_with('.')
            && !keep.contains(stem)
        {
            out.remove(&format!("{THREAD_DIR}/{name}"))?;
        }
    }
    Ok(())
}

/// For an update: decide again the files named by each Message-ID in
/// `ids` (write or delete them). `site` holds the whole components of the
/// messages in `touched`, and `loaded` their bytes and previews; a thread
/// outside them (a reused id) is read through the lookups.
pub(super) fn update(
    archive: &Archive,
    site: &SiteModel,
    touched: &HashSet<u64>,
    ids: &BTreeSet<String>,
    loaded: &Loaded<'_>,
    out: &DirOutput,
) -> Result<()> {
    let store = archive.store();
    let mut jobs: HashMap<usize, Vec<String>> = HashMap::new();
    for id in ids {
        let stem = urls::thread_file_stem(id);
        let mut live = Vec::new();
        for e in store.find_by_mid(id)? {
            let removed = match site.msg(e.num) {
                Some(m) => m.removed.is_some(),
                None => store.stored(e.num)?.is_none_or(|s| s.removed),
            };
            if !removed {
                live.push(e.num);
            }
        }
        live.sort_unstable();
        let mut named = false;
        for &n in &live {
            named = if touched.contains(&n) {
                site.forest
                    .locate(n)
                    .and_then(|l| site.thread_roots.get(l.thread))
                    == Some(&n)
            } else {
                lookup::thread_of(archive, n)?.is_some_and(|v| v.first() == n)
            };
            if named {
                break;
            }
        }
        match live.first() {
            Some(&owner) if named && touched.contains(&owner) => {
                let t = site.forest.locate(owner).ok_or_else(|| missing(owner))?;
                jobs.entry(t.thread).or_default().push(stem);
            }
            Some(&owner) if named => {
                let feed = lookup::thread_feed(archive, owner)?.ok_or_else(|| missing(owner))?;
                let nums = lookup::thread_nums(archive, owner)?;
                let mbox = lookup::thread_mbox_gz(archive, &nums)?;
                write(out, &stem, feed::atom(&feed).as_bytes(), Some(&mbox))?;
            }
            _ => {
                out.remove(&urls::thread_path(&stem, THREAD_ATOM))?;
                out.remove(&urls::thread_path(&stem, THREAD_MBOX))?;
            }
        }
    }
    let jobs: Vec<(usize, &[String])> = jobs.iter().map(|(&t, s)| (t, s.as_slice())).collect();
    write_threads(site, &jobs, loaded, out, &|_| false)
}
