//! Build: the one orchestrator. Sequences ingest, parse, store (and later
//! thread and render) for `init`, `import`, `export`, `check` and `stats`.
//! No other module calls across stages.

mod archive;
mod export;
mod import;
mod remove;
mod site;
mod stats;
mod update;

pub use archive::{Archive, LOCK_WAIT};

/// How long writers wait for the archive lock.
pub fn archive_lock_wait() -> std::time::Duration {
    LOCK_WAIT
}
pub use export::export_mbox;
pub use import::{ImportOptions, ImportReport, Progress, SourceError, import, import_message};
pub use remove::{remove, resolve_ids, undo_remove};
pub use site::{BuildReport, build_site, site_model};
pub use stats::{PeriodCount, Stats, stats};
pub use update::{affected, update_site};
