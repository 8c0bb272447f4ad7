//! `larch add [--archive DIR]`: one message on stdin, for an MTA pipe or a
//! list manager's archiver hook. Archives it and updates the site in place.
//!
//! Exit status follows MTA delivery programs (sysexits): 0 delivered (also
//! for a duplicate or an X-No-Archive message, which need no retry), 75
//! EX_TEMPFAIL when the archive is locked too long, the disk is full or the
//! store fails (the MTA retries later), 78 EX_CONFIG when DIR is not an
//! archive. Malformed mail is archived anyway: never 65 EX_DATAERR for it.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use larch::Error;
use larch::build::{self, Archive, ImportOptions};

use super::ArchiveArg;

const EX_TEMPFAIL: u8 = 75;
const EX_CONFIG: u8 = 78;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Seconds to wait for another writer before giving up with 75.
    #[arg(long, default_value_t = 60)]
    lock_wait: u64,
    /// Archive only; do not update the site.
    #[arg(long)]
    no_site: bool,
}

fn exit_for(e: &Error) -> u8 {
    match e {
        Error::NotArchive { .. } | Error::Config { .. } | Error::FormatVersion { .. } => EX_CONFIG,
        _ => EX_TEMPFAIL,
    }
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let start = std::time::Instant::now();
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("larch add: reading stdin: {e}");
        return Ok(ExitCode::from(EX_TEMPFAIL));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        // Nothing to archive; an empty delivery must not be retried forever.
        eprintln!("larch add: empty message on stdin, nothing archived");
        return Ok(ExitCode::SUCCESS);
    }
    let mut archive =
        match Archive::open_for_write(&a.archive.archive, Duration::from_secs(a.lock_wait)) {
            Ok(ar) => ar,
            Err(e) => {
                eprintln!("larch add: {e}");
                return Ok(ExitCode::from(exit_for(&e)));
            }
        };
    // Exit 0 tells the MTA to drop its copy: the message must be on disk.
    if let Err(e) = archive.store.durable() {
        eprintln!("larch add: {e}");
        return Ok(ExitCode::from(exit_for(&e)));
    }
    let t_open = start.elapsed();
    let raw = larch::ingest::read_single(bytes, Path::new("-"));
    let opts = ImportOptions {
        now: jiff::Timestamp::now().as_second(),
    };
    let report = match build::import_message(&mut archive, raw, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("larch add: {e}");
            return Ok(ExitCode::from(exit_for(&e)));
        }
    };
    let t_import = start.elapsed();
    let what = if report.archived == 1 {
        format!(
            "archived as message {}",
            report.numbers.first().copied().unwrap_or(0)
        )
    } else if report.duplicates == 1 {
        "duplicate of an archived message; not archived again".to_owned()
    } else if report.removed_earlier == 1 {
        "removed earlier by the list administrator; not archived again".to_owned()
    } else {
        "not archived at the sender's request (X-No-Archive)".to_owned()
    };
    // The search index, when the archive has one: searchable on return.
    if archive.paths.search_dir().exists()
        && let Err(e) = build::search_docs::refresh_index(&archive)
    {
        eprintln!("larch add: {what}, but updating the search index failed: {e}");
    }
    // Also when nothing new was archived: an update interrupted earlier
    // (killed, disk full) is finished here.
    if !a.no_site {
        let site = archive.site_dir();
        if let Err(e) = build::update_site(&mut archive, &site) {
            // The message is safe in the store; the site is rebuilt by the
            // next add or `larch build`.
            eprintln!("larch add: {what}, but updating the site failed: {e}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let t_site = start.elapsed();
    drop(archive);
    tracing::debug!(
        "add: open {t_open:?}, import {:?}, search + site {:?}, close {:?}",
        t_import - t_open,
        t_site - t_import,
        start.elapsed() - t_site
    );
    eprintln!("larch add: {what}");
    Ok(ExitCode::SUCCESS)
}
