//! `larch reindex [--archive DIR]`: rebuild the search index from the store.

use std::process::ExitCode;

use larch::build::search_docs::reindex;
use larch::build::{Archive, LOCK_WAIT};

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    // Writers wait while the index is rebuilt, so none is missed.
    let archive = Archive::open_for_write(&a.archive.archive, LOCK_WAIT)?;
    let r = reindex(&archive)?;
    let raw = archive.store().stats()?.raw_bytes;
    let share = if raw > 0 {
        format!(" ({:.2}x the raw mail)", r.bytes as f64 / raw as f64)
    } else {
        String::new()
    };
    println!(
        "indexed {} messages in {:.1} s; index {:.1} MB{share}",
        r.indexed,
        r.seconds,
        r.bytes as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
