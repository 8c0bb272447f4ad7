//! `larch check [--archive DIR]`

use std::process::ExitCode;

use larch::build::Archive;

use super::ArchiveArg;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    archive: ArchiveArg,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    let archive = Archive::open(&a.archive.archive)?;
    let problems = archive.store().check()?;
    let count = archive.store().count()?;
    for p in &problems {
        match p.num {
            Some(n) => println!("message {n}: {}", p.what),
            None => println!("{}", p.what),
        }
    }
    if problems.is_empty() {
        println!("ok: {count} messages verified");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("{} problems in {count} messages", problems.len());
        Ok(ExitCode::FAILURE)
    }
}
