//! `Output`: where rendered bytes go. `DirOutput` writes under a site
//! directory, atomically (temp file + rename, so readers never see a
//! half-written page) and only when the bytes changed. Paths come from
//! `urls.rs` and are checked to stay inside the site.
//!
//! The temp file sits beside its target, named after it
//! (`.larch-tmp.<name>`): a rename within one directory takes only that
//! directory's lock, while a rename across directories takes the file
//! system's rename mutex, which serialized every rendering thread (measured:
//! a third of a full build's time in the kernel). A temp file left by a
//! killed writer is replaced and renamed away when the next writer writes
//! its target (the re-run of an interrupted update writes the same files);
//! a full build also sweeps the whole site with [`DirOutput::sweep_temps`].
//! No directory is ever listed on the update path, so an update's cost
//! does not grow with the site.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{Error, Result};

/// The old place of temp files (before temp files sat beside their
/// targets); deleted if a writer left it.
const TMP_DIR: &str = ".larch-tmp";

/// Name prefix of temp files (a dot name is never served).
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

    /// Delete every temp file a killed writer left anywhere in the site
    /// (a full build: it lists every directory anyway).
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
                } else if e.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
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
        if let Ok(old) = std::fs::read(&full)
            && old == bytes
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let dir = full.parent().unwrap_or(&self.root);
        self.prepare(dir)?;
        let name = full
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let tmp = dir.join(format!("{TMP_PREFIX}{name}"));
        std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &full).map_err(|e| Error::io(&full, e))?;
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
    fn stale_temp_files_are_replaced_or_swept() {
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
        // Writing the target takes its stale temp file with it.
        out.write("a/x.html", b"x").unwrap();
        assert_eq!(names("a"), [".keep", "b", "x.html"]);
        assert_eq!(std::fs::read(dir.path().join("a/x.html")).unwrap(), b"x");
        // A full build's sweep finds the rest.
        out.sweep_temps().unwrap();
        assert!(names("a/b").is_empty());
        assert_eq!(names("a"), [".keep", "b", "x.html"]);
    }
}
