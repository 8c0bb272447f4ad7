//! `larch serve [--archive DIR] [--listen 127.0.0.1:8080]`

use std::net::SocketAddr;
use std::process::ExitCode;

use larch::build::Archive;

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&a.archive.archive)?;
    let site = archive.site_dir();
    if !site.join("index.html").is_file() {
        anyhow::bail!(
            "{}: no site built yet; run `larch build` first",
            site.display()
        );
    }
    drop(archive);
    crate::serve::serve(&a.archive.archive, a.listen)?;
    Ok(ExitCode::SUCCESS)
}
