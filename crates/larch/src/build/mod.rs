//! Build: the one orchestrator. Sequences ingest, parse, store (and later
//! thread and render) for `init`, `import`, `export`, `check` and `stats`.
//! No other module calls across stages.

mod archive;
mod download;
mod export;
mod import;
pub mod lookup;
mod marker;
mod remove;
pub mod search_docs;
mod site;
mod site_index;
mod stats;
mod threads;
mod update;

pub use archive::{Archive, LOCK_WAIT};

/// How long writers wait for the archive lock.
pub fn archive_lock_wait() -> std::time::Duration {
    LOCK_WAIT
}
pub use export::export_mbox;
pub use import::{ImportOptions, ImportReport, Progress, SourceError, import, import_message};
pub use marker::{MARKER, Marker};
pub use remove::{remove, resolve_ids, undo_remove};
pub use site::{BuildReport, build_site, site_model};
pub use site_index::sync_index;
pub use stats::{PeriodCount, Stats, stats};
pub use update::update_site;
