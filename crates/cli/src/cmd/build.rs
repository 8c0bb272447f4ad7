//! `larch build [--archive DIR] [--out SITE]`

use std::path::PathBuf;
use std::process::ExitCode;

use larch::build::{self, Archive};

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Where to write the site (default: the archive's site directory, DIR/site).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    // The writer lock: one writer of the site at a time (`larch add` too).
    let archive = Archive::open_for_write(&a.archive.archive, build::archive_lock_wait())?;
    let out = a.out.unwrap_or_else(|| archive.site_dir());
    let r = build::build_site(&archive, &out)?;
    println!(
        "built {} messages in {} periods ({} threads) into {}: {} files written, {} unchanged, {:.1} MB, {:.1}s ({:.0} messages/s)",
        r.messages,
        r.periods,
        r.threads,
        out.display(),
        r.files_written,
        r.files_unchanged,
        r.bytes_written as f64 / 1e6,
        r.seconds,
        r.messages as f64 / r.seconds.max(1e-9)
    );
    Ok(ExitCode::SUCCESS)
}
