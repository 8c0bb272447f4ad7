//! `larch export [--archive DIR] [--out FILE]`

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use larch::build::{self, Archive};

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Output file (default: standard output).
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&a.archive.archive)?;
    let mut out: Box<dyn Write> = match &a.out {
        Some(p) => Box::new(BufWriter::with_capacity(1 << 20, File::create(p)?)),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let count = build::export_mbox(archive.store(), &mut out)?;
    drop(out);
    eprintln!(
        "exported {} messages as mboxrd{}",
        count.messages,
        if count.newline_added > 0 {
            format!(
                " ({} lacked a final newline; one was added)",
                count.newline_added
            )
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}
