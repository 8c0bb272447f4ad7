//! What every request shares: the archive's paths and config, a pool of
//! read connections to the store (SQLite in WAL mode lets them read while
//! `larch add` writes), the search index (reloaded when a writer commits to
//! it, reopened when it is rebuilt), and running store and index work on
//! the blocking threads.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use larch::build::Archive;
use larch::config::Config;
use larch::search::{SearchError, SearchIndex};

use super::http::Fail;

/// Read connections kept for reuse.
const POOL_MAX: usize = 16;

/// The server's shared state.
#[derive(Debug)]
pub struct State {
    /// The archive directory.
    pub dir: PathBuf,
    /// The site directory, canonical.
    pub site: PathBuf,
    pub config: Config,
    /// The page CSP (the pages' meta tag, as a header).
    pub csp: String,
    pool: Mutex<Vec<Archive>>,
    search: Mutex<SearchSlot>,
}

#[derive(Debug, Default)]
struct SearchSlot {
    index: Option<Arc<SearchIndex>>,
    /// (modified, length) of `meta.json` when last (re)loaded.
    stamp: Option<(SystemTime, u64)>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    /// Open the archive in `dir` once, to read its config and check it.
    pub fn open(dir: &Path) -> anyhow::Result<State> {
        let archive = Archive::open(dir)?;
        let site = archive.site_dir();
        let site = site
            .canonicalize()
            .map_err(|e| anyhow::anyhow!("{}: {e}", site.display()))?;
        Ok(State {
            dir: dir.to_owned(),
            site,
            csp: larch::render::csp(archive.config.allow_remote_images),
            config: archive.config.clone(),
            pool: Mutex::new(vec![archive]),
            search: Mutex::new(SearchSlot::default()),
        })
    }

    /// The list's title (its name when it has none).
    pub fn title(&self) -> &str {
        if self.config.title.is_empty() {
            &self.config.name
        } else {
            &self.config.title
        }
    }

    /// The search index directory (`DIR/search`).
    pub fn search_dir(&self) -> PathBuf {
        larch::store::ArchivePaths::new(&self.dir).search_dir()
    }

    /// Run `f` with an open archive on a blocking thread.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, Fail>
    where
        T: Send + 'static,
        F: FnOnce(&State, &Archive) -> Result<T, Fail> + Send + 'static,
    {
        let st = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let pooled = lock(&st.pool).pop();
            let archive = match pooled {
                Some(a) => a,
                None => Archive::open(&st.dir).map_err(Fail::internal)?,
            };
            let out = f(&st, &archive);
            let mut pool = lock(&st.pool);
            if pool.len() < POOL_MAX {
                pool.push(archive);
            }
            out
        })
        .await
        .map_err(Fail::internal)?
    }

    /// The search index, as of the last commit any writer made to it.
    /// Call from a blocking thread.
    pub fn search_index(&self) -> Result<Arc<SearchIndex>, Fail> {
        let dir = self.search_dir();
        let stamp = std::fs::metadata(dir.join("meta.json"))
            .ok()
            .and_then(|m| Some((m.modified().ok()?, m.len())));
        let mut slot = lock(&self.search);
        if let (Some(index), true) = (&slot.index, slot.stamp == stamp) {
            return Ok(Arc::clone(index));
        }
        let reloaded = match &slot.index {
            Some(index) if stamp.is_some() => index.reload().is_ok(),
            _ => false,
        };
        if !reloaded {
            slot.index = None;
            let index = SearchIndex::open(&dir).map_err(|e| match e {
                SearchError::Missing(_) | SearchError::Outdated(_) => {
                    Fail::Unavailable(format!("search is not available: {e}"))
                }
                e => Fail::internal(e),
            })?;
            slot.index = Some(Arc::new(index));
        }
        slot.stamp = stamp;
        slot.index
            .as_ref()
            .map(Arc::clone)
            .ok_or_else(|| Fail::Unavailable("search is not available".into()))
    }
}
