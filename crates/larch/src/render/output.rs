//! `Output`: where rendered bytes go. `DirOutput` writes under a site
//! directory, atomically (temp file + rename, so readers never see a
//! half-written page) and only when the bytes changed. Paths come from
//! `urls.rs` and are checked to stay inside the site.
//!
//! The temp file sits in the target's directory: a rename within one
//! directory takes only that directory's lock, while a rename across
//! directories takes the file system's rename mutex, which serialized every
//! rendering thread (measured: a third of a full build's time in the
//! kernel). It is a spare file that is exchanged with the target, so that
//! no write frees disk blocks (`spares.rs` says why and how). A full build
//! sweeps the whole site of spares and of temp files left by earlier
//! versions ([`DirOutput::sweep_temps`]); no directory is ever listed on the
//! update path, so an update's cost does not grow with the site.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::spares::{SPARE_PREFIX, Spares};
use crate::{Error, Result};

/// The old place of temp files (before temp files sat beside their
/// targets); deleted if a writer left it.
const TMP_DIR: &str = ".larch-tmp";

/// Name prefix of the temp files of earlier versions (a dot name is never
/// served); swept by a full build.
const TMP_PREFIX: &str = ".larch-tmp.";

/// A sink for site files, shared across rendering threads.
pub trait Output: Sync {
    /// Write `bytes` at site-relative `path`.
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()>;
    /// Remove the file at `path` if present.
    fn remove(&self, path: &str) -> Result<()>;
    /// Remove the directory at `path` and everything in it, if present.
    fn remove_dir(&self, path: &str) -> Result<()>;
}

/// Writes files under a directory.
#[derive(Debug)]
pub struct DirOutput {
    root: PathBuf,
    pub written: AtomicU64,
    pub unchanged: AtomicU64,
    pub bytes: AtomicU64,
    /// Directories this writer made (or found), so each is made once.
    ready: Mutex<HashSet<PathBuf>>,
    spares: Spares,
}

impl DirOutput {
    /// Write under `root`. The caller must be the only writer (it holds the
    /// archive's writer lock): temp files left by a writer that was killed
    /// are deleted here.
    pub fn new(root: impl Into<PathBuf>) -> Result<DirOutput> {
        let root = root.into();
        let tmp = root.join(TMP_DIR);
        match std::fs::remove_dir_all(&tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&tmp, e)),
        }
        Ok(DirOutput {
            root,
            written: AtomicU64::new(0),
            unchanged: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            ready: Mutex::new(HashSet::new()),
            spares: Spares::default(),
        })
    }

    /// Make `dir` (once per writer).
    fn prepare(&self, dir: &Path) -> Result<()> {
        if self.ready.lock().is_ok_and(|r| r.contains(dir)) {
            return Ok(());
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        if let Ok(mut r) = self.ready.lock() {
            r.insert(dir.to_owned());
        }
        Ok(())
    }

    fn full(&self, path: &str) -> Result<PathBuf> {
        let rel = Path::new(path);
        let ok = !path.is_empty()
            && rel.components().all(
                |c| matches!(c, Component::Normal(n) if !n.to_string_lossy().starts_with('.')),
            );
        if !ok {
            return Err(Error::BadInput {
                path: rel.to_owned(),
                offset: None,
                reason: "refusing to write outside the site".into(),
            });
        }
        Ok(self.root.join(rel))
    }

    /// Write a hidden file (a dot name, such as the site marker) at the
    /// site's root, atomically.
    pub fn write_hidden(&self, name: &str, bytes: &[u8]) -> Result<()> {
        if !name.starts_with('.') || name.contains(['/', '\\']) || name.starts_with(SPARE_PREFIX) {
            return Err(Error::BadInput {
                path: name.into(),
                offset: None,
                reason: "not a hidden file name".into(),
            });
        }
        self.prepare(&self.root)?;
        let full = self.root.join(name);
        let old = std::fs::metadata(&full).ok().map(|m| m.len());
        self.spares.replace(&self.root, &full, bytes, old)
    }

    /// Delete the spare files of the site's root, `dirs` (site-relative)
    /// and every directory written so far: they may hold a page as it was
    /// before a removal.
    pub fn purge_spares<'a>(&self, dirs: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let mut full = vec![self.root.clone()];
        for d in dirs {
            full.push(self.full(d)?);
        }
        self.spares.purge(full.iter().map(PathBuf::as_path))
    }

    /// Delete every spare file and every temp file a killed writer left
    /// anywhere in the site (a full build: it lists every directory anyway).
    pub fn sweep_temps(&self) -> Result<()> {
        let mut stack = vec![self.root.clone()];
        while let Some(d) = stack.pop() {
            let entries = match std::fs::read_dir(&d) {
                Ok(e) => e,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(Error::io(&d, e)),
            };
            for e in entries {
                let e = e.map_err(|e| Error::io(&d, e))?;
                let p = e.path();
                let is_dir = e.file_type().map_err(|e| Error::io(&p, e))?.is_dir();
                if is_dir {
                    stack.push(p);
                } else if e.file_name().to_string_lossy().starts_with(TMP_PREFIX)
                    || e.file_name().to_string_lossy().starts_with(SPARE_PREFIX)
                {
                    match std::fs::remove_file(&p) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(Error::io(&p, e)),
                    }
                }
            }
        }
        Ok(())
    }
}

impl Output for DirOutput {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<()> {
        let full = self.full(path)?;
        // The old bytes are read only when they may be the same.
        let old_len = std::fs::metadata(&full).ok().map(|m| m.len());
        if old_len == Some(bytes.len() as u64) && std::fs::read(&full).is_ok_and(|old| old == bytes)
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let dir = full.parent().unwrap_or(&self.root);
        self.prepare(dir)?;
        self.spares.replace(dir, &full, bytes, old_len)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    fn remove(&self, path: &str) -> Result<()> {
        let full = self.full(path)?;
        match std::fs::remove_file(&full) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&full, e)),
        }
    }

    fn remove_dir(&self, path: &str) -> Result<()> {
        let full = self.full(path)?;
        if let Ok(mut r) = self.ready.lock() {
            r.retain(|d| !d.starts_with(&full));
        }
        match std::fs::remove_dir_all(&full) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(&full, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let out = DirOutput::new(dir.path()).unwrap();
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../x",
            ".hidden",
            "a/.git/x",
            "",
        ] {
            assert!(out.write(bad, b"x").is_err(), "{bad}");
        }
        out.write("a/b.html", b"x").unwrap();
        out.write("a/b.html", b"x").unwrap();
        assert_eq!(out.written.load(Ordering::Relaxed), 1);
        assert_eq!(out.unchanged.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn stale_temp_files_and_spares_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::create_dir_all(dir.path().join(TMP_DIR)).unwrap();
        std::fs::write(dir.path().join("a/.larch-tmp.x.html"), b"half").unwrap();
        std::fs::write(dir.path().join("a/b/.larch-tmp.y.html"), b"half").unwrap();
        std::fs::write(dir.path().join("a/.keep"), b"mine").unwrap();
        let names = |d: &str| {
            let mut n: Vec<_> = std::fs::read_dir(dir.path().join(d))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            n.sort();
            n
        };
        let out = DirOutput::new(dir.path()).unwrap();
        assert!(!dir.path().join(TMP_DIR).exists());
        out.write("a/x.html", b"x").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/x.html")).unwrap(), b"x");
        // Replacing it leaves a spare with the old bytes (where the system
        // can exchange two files).
        out.write("a/x.html", b"y").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a/x.html")).unwrap(), b"y");
        // A full build's sweep takes stale temp files and spares.
        out.sweep_temps().unwrap();
        assert!(names("a/b").is_empty());
        assert_eq!(names("a"), [".keep", "b", "x.html"]);
    }
}
