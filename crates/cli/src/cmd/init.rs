//! `larch init DIR --name NAME [--title TEXT] [--period ...]`

use std::path::PathBuf;
use std::process::ExitCode;

use larch::build::Archive;
use larch::config::Period;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Directory to create the archive in (created if missing).
    dir: PathBuf,
    /// Short list name, e.g. `salon`.
    #[arg(long)]
    name: String,
    /// Title shown on the site (default: the name).
    #[arg(long)]
    title: Option<String>,
    /// The list's posting address, for "reply" links (default: from each
    /// message's List-Id).
    #[arg(long)]
    address: Option<String>,
    /// How messages are grouped into archive volumes.
    #[arg(long, default_value = "month", value_parser = ["month", "quarter", "year", "week", "day"])]
    period: String,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let period = Period::parse(&a.period).unwrap_or_default();
    let mut archive = Archive::init(&a.dir, &a.name, a.title.as_deref(), period)?;
    if a.address.is_some() {
        archive.config.address = a.address.clone();
        archive.config.save(&a.dir)?;
    }
    println!(
        "created archive {:?} for list {} ({} periods)",
        a.dir, a.name, a.period
    );
    Ok(ExitCode::SUCCESS)
}
