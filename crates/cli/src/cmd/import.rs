//! `larch import [--archive DIR] PATH...`

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use larch::build::{self, Archive, ImportOptions};
use larch::ingest::SourceKind;

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Inputs: mbox files (also .gz), Pipermail period files, Maildir
    /// directories, single messages, or - for one message on stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Do not update the site (by default, a site already built in the
    /// archive's site directory is brought up to date incrementally).
    #[arg(long)]
    no_site: bool,
}

struct Bar {
    bar: Option<ProgressBar>,
}

impl build::Progress for Bar {
    fn source(&mut self, path: &Path, kind: SourceKind) {
        let line = format!("{}: {}", path.display(), kind.describe());
        match &self.bar {
            Some(b) => b.println(line),
            None => eprintln!("{line}"),
        }
    }
    fn advance(&mut self, messages: u64, _bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(messages);
        }
    }
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let mut archive = Archive::open_for_write(&a.archive.archive, build::archive_lock_wait())?;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {pos} messages, {per_sec}, {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b
    });
    let mut progress = Bar { bar };
    let opts = ImportOptions {
        now: jiff::Timestamp::now().as_second(),
    };
    let start = Instant::now();
    let report = build::import(&mut archive, &a.paths, &opts, &mut progress);
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    for e in &report.errors {
        eprintln!("larch: error: {}", e.error);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "read {}, archived {}, duplicates {}, already archived {}, not archived on request {}, removed earlier {}, warnings {}, errors {} ({:.1}s, {:.0} messages/s)",
        report.read,
        report.archived,
        report.duplicates,
        report.already,
        report.no_archive,
        report.removed_earlier,
        report.warnings,
        report.errors.len(),
        secs,
        report.read as f64 / secs.max(1e-9),
    );
    if report.archived > 0 && archive.paths.search_dir().exists() {
        let r = build::search_docs::refresh_index(&archive)?;
        println!(
            "search index: {} messages indexed, {:.1}s",
            r.indexed, r.seconds
        );
    }
    let site = archive.site_dir();
    if !a.no_site && report.archived > 0 && site.join(build::MARKER).is_file() {
        let r = build::update_site(&mut archive, &site)?;
        println!(
            "updated the site in {}: {} files written, {:.1}s",
            site.display(),
            r.files_written,
            r.seconds
        );
    }
    Ok(if report.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
