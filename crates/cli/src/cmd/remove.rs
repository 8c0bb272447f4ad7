//! `larch remove [--archive DIR] ID... --reason TEXT [--keep-raw]` and
//! `larch remove --undo ID...`. ID is a message number or a Message-ID.

use std::process::ExitCode;
use std::time::Duration;

use larch::build::{self, Archive};

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Message numbers or Message-IDs.
    #[arg(required = true)]
    ids: Vec<String>,
    /// Why (shown on the tombstone page): e.g. "spam", "privacy request".
    #[arg(long, required_unless_present = "undo")]
    reason: Option<String>,
    /// Keep the raw bytes hidden in the store (so --undo can restore).
    #[arg(long)]
    keep_raw: bool,
    /// Restore messages removed with --keep-raw.
    #[arg(long, conflicts_with_all = ["reason", "keep_raw"])]
    undo: bool,
    /// Do not update the site.
    #[arg(long)]
    no_site: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open_for_write(&a.archive.archive, Duration::from_secs(60))?;
    let nums = build::resolve_ids(archive.store(), &a.ids)?;
    if a.undo {
        build::undo_remove(&mut archive, &nums)?;
        println!("restored {} message(s): {nums:?}", nums.len());
    } else {
        let reason = a.reason.as_deref().unwrap_or("removed");
        build::remove(
            &mut archive,
            &nums,
            reason,
            a.keep_raw,
            jiff::Timestamp::now().as_second(),
        )?;
        println!(
            "removed {} message(s): {nums:?}{}",
            nums.len(),
            if a.keep_raw {
                " (raw bytes kept hidden)"
            } else {
                " (raw bytes purged)"
            }
        );
    }
    // Removed messages leave the search index at once.
    if archive.paths.search_dir().exists() {
        build::search_docs::refresh_index(&archive)?;
    }
    if !a.no_site {
        let site = archive.site_dir();
        if site.join("index.html").is_file() {
            build::update_site(&mut archive, &site)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
