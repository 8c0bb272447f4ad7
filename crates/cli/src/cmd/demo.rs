//! `larch demo`: build the bundled example list and serve it.
//!
//! The example mail is compiled into the binary, so this works from any
//! directory on a fresh machine.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use larch::build::{self, Archive, ImportOptions};
use larch::config::Period;

/// The example list: hand-written showcase messages (HTML-only mail,
/// attachments, patches, format=flowed, a forwarded message, uuencode, many
/// charsets) and a year of generated list traffic.
const DEMO_MBOXES: [(&str, &[u8]); 2] = [
    (
        "showcase.mbox",
        include_bytes!("../../../../examples/demo/showcase.mbox"),
    ),
    (
        "salon-2024.mbox.gz",
        include_bytes!("../../../../examples/demo/salon-2024.mbox.gz"),
    ),
];

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to create the demo archive (replaced if it is a previous demo).
    #[arg(long, default_value = "larch-demo")]
    dir: PathBuf,
    /// Address to serve on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Build only; do not serve.
    #[arg(long)]
    no_serve: bool,
}

pub fn run(a: Args) -> anyhow::Result<ExitCode> {
    if a.dir.exists() {
        if !a.dir.join(".larch-demo").is_file() {
            anyhow::bail!(
                "{} exists and is not a previous demo; choose another --dir",
                a.dir.display()
            );
        }
        std::fs::remove_dir_all(&a.dir)?;
    }
    let mut archive = Archive::init(
        &a.dir,
        "salon",
        Some("Salon — larch demo list"),
        Period::Month,
    )?;
    std::fs::write(a.dir.join(".larch-demo"), b"created by larch demo\n")?;
    archive.config.address = Some("salon@lists.example.org".into());
    archive.config.save(&a.dir)?;
    let inputs = a.dir.join("inputs");
    std::fs::create_dir_all(&inputs)?;
    let mut paths = Vec::new();
    for (name, bytes) in DEMO_MBOXES {
        let p = inputs.join(name);
        std::fs::write(&p, bytes)?;
        paths.push(p);
    }
    let report = build::import(
        &mut archive,
        &paths,
        &ImportOptions { now: 1_735_689_600 },
        &mut (),
    );
    for e in &report.errors {
        eprintln!("larch: error: {}", e.error);
    }
    println!(
        "imported {} messages ({} with warnings)",
        report.archived, report.warnings
    );
    let site = archive.site_dir();
    let r = build::build_site(&archive, &site)?;
    println!(
        "built {} messages, {} periods, {} threads into {} in {:.1}s",
        r.messages,
        r.periods,
        r.threads,
        site.display(),
        r.seconds
    );
    let ix = build::search_docs::refresh_index(&archive)?;
    println!("search index: {} messages", ix.total);
    if a.no_serve {
        println!("open {}", site.join("index.html").display());
        return Ok(ExitCode::SUCCESS);
    }
    drop(archive);
    crate::serve::serve(&a.dir, a.listen)?;
    Ok(ExitCode::SUCCESS)
}
