//! `larch stats [--archive DIR]`

use std::process::ExitCode;

use larch::build::{self, Archive};

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&a.archive.archive)?;
    let s = build::stats(&archive)?;
    println!("list {} ({})", archive.config.name, archive.config.title);
    println!(
        "messages {}, raw {} bytes, stored {} bytes, kept differing copies {}, reused Message-IDs {}",
        s.store.messages,
        s.store.raw_bytes,
        s.store.stored_bytes,
        s.store.variants,
        s.store.aliases
    );
    println!("\nperiod\tmessages");
    for p in &s.periods {
        println!("{}\t{}", p.period, p.messages);
    }
    println!("\nskipped");
    for (k, n) in &s.store.skipped {
        println!("{k}\t{n}");
    }
    println!("\nfiling date source");
    for (k, n) in &s.store.date_sources {
        println!("{k}\t{n}");
    }
    println!("\ndefects");
    for (k, n) in &s.store.defects {
        println!("{k}\t{n}");
    }
    Ok(ExitCode::SUCCESS)
}
