//! The site marker (`.larch-site.json` in the site directory): how far a
//! site is built. Written last, atomically, after every full build and
//! every incremental update; an update starts from it and re-renders all
//! that changed since, so an update killed half-way is finished by the next
//! one (the marker is the journal). A missing or foreign marker means a
//! full build.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::Digest;

use super::download::Tail;
use crate::config::Config;
use crate::render::{DirOutput, Renderer};
use crate::{Error, Result};

/// The marker's file name.
pub const MARKER: &str = ".larch-site.json";

/// What a site was built from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// Templates, config and larch version the pages were made with.
    pub fingerprint: String,
    /// Messages below this number are in the site.
    pub through: u64,
    /// Removals and restores up to this change number are in the site.
    pub change: i64,
    /// Last block of each period download.
    pub downloads: BTreeMap<String, Tail>,
}

/// The site's layout: which files a build writes and how (download
/// members, `t/` thread files...). Bump it with any change that makes a
/// full build write different files or bytes for the same store, so that
/// the first update after an upgrade rebuilds the site instead of mixing
/// layouts (templates and config are fingerprinted by content already).
pub const SITE_LAYOUT: u32 = 4;

/// Templates + config + version + layout: a change to any means a full build.
pub fn fingerprint(config: &Config, renderer: &Renderer) -> String {
    let cfg = serde_json::to_string(config).unwrap_or_default();
    format!(
        "{}.{SITE_LAYOUT}|{}|{}",
        env!("CARGO_PKG_VERSION"),
        renderer.fingerprint(),
        hex::encode(sha2::Sha256::digest(cfg.as_bytes()))
    )
}

/// Whether two fingerprints differ at most in their templates: then the
/// files made from the store alone (downloads, `t/` mbox files) are the
/// same for the same store.
pub fn same_but_templates(a: &str, b: &str) -> bool {
    let parts = |f: &str| {
        let mut it = f.splitn(3, '|');
        (it.next().map(str::to_owned), it.nth(1).map(str::to_owned))
    };
    let (va, ca) = parts(a);
    va.is_some() && ca.is_some() && (va, ca) == parts(b)
}

impl Marker {
    /// The marker of the site in `dir`, if there is a readable one.
    pub fn read(dir: &Path) -> Option<Marker> {
        let text = std::fs::read(dir.join(MARKER)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Forget the marker (before a full build starts).
    pub fn clear(dir: &Path) -> Result<()> {
        match std::fs::remove_file(dir.join(MARKER)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(dir.join(MARKER), e)),
        }
    }

    /// Write the marker atomically, at the root of `out`.
    pub fn write(&self, out: &DirOutput) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| Error::Corrupt(e.to_string()))?;
        out.write_hidden(MARKER, &text)
    }
}
