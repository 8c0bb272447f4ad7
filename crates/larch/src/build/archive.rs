//! `Archive`: an archive directory opened: its config and its store.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{Config, Period};
use crate::store::{ArchivePaths, SqliteStore, Store, WriteLock};
use crate::{Error, Result};

/// How long a writer waits for another writer before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(60);

/// An open archive.
#[derive(Debug)]
pub struct Archive {
    pub paths: ArchivePaths,
    pub config: Config,
    pub store: SqliteStore,
    _lock: Option<WriteLock>,
}

impl Archive {
    /// Create a new archive in `dir` (created if missing; must not hold one).
    pub fn init(dir: &Path, name: &str, title: Option<&str>, period: Period) -> Result<Archive> {
        let paths = ArchivePaths::new(dir);
        if paths.config().exists() || paths.db().exists() {
            return Err(Error::ArchiveExists(dir.to_owned()));
        }
        if name.is_empty() || name.contains(['/', '\\', '\0']) {
            return Err(Error::Config {
                path: paths.config(),
                reason: format!("invalid list name {name:?}"),
            });
        }
        std::fs::create_dir_all(paths.store_dir()).map_err(|e| Error::io(paths.store_dir(), e))?;
        let config = Config::new(name, title, period);
        let store = SqliteStore::create(&paths.db())?;
        config.save(dir)?;
        Ok(Archive {
            paths,
            config,
            store,
            _lock: None,
        })
    }

    /// Open an existing archive for reading.
    pub fn open(dir: &Path) -> Result<Archive> {
        let paths = ArchivePaths::new(dir);
        let config = Config::load(dir)?;
        let store = SqliteStore::open(&paths.db())?;
        Ok(Archive {
            paths,
            config,
            store,
            _lock: None,
        })
    }

    /// Open an existing archive for writing, holding the writer lock.
    pub fn open_for_write(dir: &Path, wait: Duration) -> Result<Archive> {
        let paths = ArchivePaths::new(dir);
        let config = Config::load(dir)?;
        let lock = WriteLock::acquire(&paths.lock(), wait)?;
        let store = SqliteStore::open(&paths.db())?;
        Ok(Archive {
            paths,
            config,
            store,
            _lock: Some(lock),
        })
    }

    /// The site directory from the config.
    pub fn site_dir(&self) -> PathBuf {
        self.paths.resolve(&self.config.site_dir)
    }

    /// The store, as the narrow trait.
    pub fn store(&self) -> &dyn Store {
        &self.store
    }
}
