//! `larch`: the command-line program. Thin: parses arguments, calls the
//! library's `build` orchestrator, prints results. One file per subcommand.

mod cmd;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// larch: a mailing-list archiver. Pipermail's layout, MHonArc's MIME care,
/// public-inbox's permalinks, in one binary.
#[derive(Parser, Debug)]
#[command(name = "larch", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Create a new archive directory.
    Init(cmd::init::Args),
    /// Import mail (mbox, Pipermail .txt[.gz], Maildir, .eml, or - for stdin).
    Import(cmd::import::Args),
    /// Archive one message from stdin and update the site (MTA pipe, list hooks).
    Add(cmd::add::Args),
    /// Remove messages (tombstone pages; numbers and URLs stay), or --undo.
    Remove(cmd::remove::Args),
    /// Build the static site (Pipermail layout) from the archive.
    Build(cmd::build::Args),
    /// Write every archived message as one mboxrd file, in number order.
    Export(cmd::export::Args),
    /// Serve the built site over HTTP.
    Serve(cmd::serve::Args),
    /// Build the bundled example list and serve it.
    Demo(cmd::demo::Args),
    /// Verify the store: hashes, decompression, numbering.
    Check(cmd::check::Args),
    /// Search the archive (s: f: t: c: b: q: nq: n: m: l: d: "phrase" AND OR NOT -x).
    Search(cmd::search::Args),
    /// Rebuild the search index from the store.
    Reindex(cmd::reindex::Args),
    /// Print counts by period, defects, duplicates and date fallbacks.
    Stats(cmd::stats::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LARCH_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(a) => cmd::init::run(a),
        Command::Import(a) => cmd::import::run(a),
        Command::Add(a) => cmd::add::run(a),
        Command::Remove(a) => cmd::remove::run(a),
        Command::Build(a) => cmd::build::run(a),
        Command::Export(a) => cmd::export::run(a),
        Command::Check(a) => cmd::check::run(a),
        Command::Serve(a) => cmd::serve::run(a),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Stats(a) => cmd::stats::run(a),
        Command::Search(a) => cmd::search::run(a),
        Command::Reindex(a) => cmd::reindex::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("larch: error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
