//! One module per subcommand.
#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod add;
pub mod build;
pub mod check;
pub mod demo;
pub mod export;
pub mod import;
pub mod init;
pub mod reindex;
pub mod remove;
pub mod search;
pub mod serve;
pub mod stats;

use std::path::PathBuf;

/// The `--archive DIR` option shared by every subcommand that reads an archive.
#[derive(clap::Args, Debug, Clone)]
pub struct ArchiveArg {
    /// The archive directory.
    #[arg(long, short = 'a', default_value = ".", value_name = "DIR")]
    pub archive: PathBuf,
}
