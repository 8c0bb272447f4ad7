//! Import: paths -> ingest -> parse (in parallel) -> store, in batches.
//!
//! Each batch is one transaction, so killing an import leaves the archive
//! consistent, and re-running it completes it: a message already archived
//! from the same (source, offset) with the same bytes is recognized and
//! skipped, so nothing is duplicated and nothing is missing.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::Archive;
use crate::ingest::{self, RawMessage, SourceKind};
use crate::parse::{self, Extracted, date::parse_from_line};
use crate::store::{NewMessage, NewVariant, Provenance, SkipReason, Store, codec};
use crate::{Error, Result};

/// Messages per batch (one transaction).
const BATCH_MESSAGES: usize = 2048;
/// Bytes per batch, whichever comes first.
const BATCH_BYTES: usize = 64 << 20;

/// Told about progress; the library never prints.
pub trait Progress {
    /// A source was opened and recognized.
    fn source(&mut self, _path: &Path, _kind: SourceKind) {}
    /// More messages were read.
    fn advance(&mut self, _messages: u64, _bytes: u64) {}
}

impl Progress for () {}

/// Import settings.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// The time of import (UTC seconds), the last filing-date fallback.
    pub now: i64,
}

/// An input that failed (not a message: messages never fail).
#[derive(Debug)]
pub struct SourceError {
    pub path: PathBuf,
    pub error: Error,
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Messages read from the inputs.
    pub read: u64,
    /// Newly archived.
    pub archived: u64,
    /// Same message as one archived before (skipped; differing bytes kept).
    pub duplicates: u64,
    /// Already archived from this very source and offset (a re-run).
    pub already: u64,
    /// Not archived at the poster's request (X-No-Archive / Archive: no).
    pub no_archive: u64,
    /// Skipped because the administrator removed that Message-ID.
    pub removed_earlier: u64,
    /// Archived messages that had defects.
    pub warnings: u64,
    /// Numbers given to the new messages.
    pub numbers: Vec<u64>,
    /// Inputs that failed, with why.
    pub errors: Vec<SourceError>,
}

struct Prepared {
    raw: RawMessage,
    ex: Extracted,
    compressed: Vec<u8>,
}

/// Import every path into the archive; per-path failures are collected in
/// the report, never abort the others.
pub fn import(
    archive: &mut Archive,
    paths: &[PathBuf],
    opts: &ImportOptions,
    progress: &mut dyn Progress,
) -> ImportReport {
    let mut report = ImportReport::default();
    let mut previous = None;
    for path in paths {
        if let Err(error) = import_one(archive, path, opts, progress, &mut report, &mut previous) {
            report.errors.push(SourceError {
                path: path.clone(),
                error,
            });
        }
    }
    report
}

/// Archive one message given whole (stdin, `larch add`). Malformed mail is
/// archived with its defects; only store failures are errors.
pub fn import_message(
    archive: &mut Archive,
    raw: RawMessage,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut previous = None;
    store_batch(
        archive,
        vec![raw],
        SourceKind::Stdin,
        "-",
        opts,
        &mut report,
        &mut previous,
    )?;
    Ok(report)
}

fn import_one(
    archive: &mut Archive,
    path: &Path,
    opts: &ImportOptions,
    progress: &mut dyn Progress,
    report: &mut ImportReport,
    previous: &mut Option<i64>,
) -> Result<()> {
    let kind = ingest::detect(path)?;
    progress.source(path, kind);
    let source = source_name(path);
    let messages = ingest::open(path, kind)?;
    // A reader thread splits the input into batches while this thread
    // parses (in parallel) and stores the previous batch.
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Vec<RawMessage>, usize, Option<Error>)>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut batch: Vec<RawMessage> = Vec::with_capacity(BATCH_MESSAGES);
            let mut batch_bytes = 0;
            for next in messages {
                match next {
                    Ok(raw) => {
                        batch_bytes += raw.bytes.len();
                        batch.push(raw);
                        if batch.len() >= BATCH_MESSAGES || batch_bytes >= BATCH_BYTES {
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(BATCH_MESSAGES));
                            if tx
                                .send((full, std::mem::take(&mut batch_bytes), None))
                                .is_err()
                            {
                                return;
                            }
                        }
                    }
                    // One message skipped (over the size limit): say so and
                    // read on.
                    Err(e @ Error::Skipped { .. }) => {
                        let full = std::mem::take(&mut batch);
                        if tx
                            .send((full, std::mem::take(&mut batch_bytes), Some(e)))
                            .is_err()
                        {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send((std::mem::take(&mut batch), batch_bytes, Some(e)));
                        return;
                    }
                }
            }
            let _ = tx.send((batch, batch_bytes, None));
        });
        let mut failure = None;
        for (batch, bytes, error) in rx {
            let n = batch.len() as u64;
            store_batch(archive, batch, kind, &source, opts, report, previous)?;
            progress.advance(n, bytes as u64);
            match error {
                Some(e @ Error::Skipped { .. }) => report.errors.push(SourceError {
                    path: path.to_owned(),
                    error: e,
                }),
                Some(e) => failure = Some(e),
                None => {}
            }
        }
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}

/// The name a source is recorded under: its absolute path, or `-`.
fn source_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        return "-".into();
    }
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_owned())
        .to_string_lossy()
        .into_owned()
}

fn store_batch(
    archive: &mut Archive,
    batch: Vec<RawMessage>,
    kind: SourceKind,
    source: &str,
    opts: &ImportOptions,
    report: &mut ImportReport,
    previous: &mut Option<i64>,
) -> Result<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let obfuscated = kind.obfuscated_at();
    let prepared: Vec<Prepared> = batch
        .into_par_iter()
        .map(|raw| {
            let ex = parse::extract(&raw.bytes, obfuscated);
            let compressed = codec::compress(&raw.bytes);
            Prepared {
                raw,
                ex,
                compressed,
            }
        })
        .collect();
    let keep_no_archive = archive.config.archive_no_archive;
    let store = &mut archive.store;
    store.begin()?;
    match store_prepared(
        store,
        prepared,
        kind,
        source,
        keep_no_archive,
        opts,
        report,
        previous,
    ) {
        Ok(()) => store.commit(),
        Err(e) => {
            // Leave no open transaction behind: later inputs still import.
            let _ = store.rollback();
            Err(e)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn store_prepared(
    store: &mut dyn Store,
    prepared: Vec<Prepared>,
    kind: SourceKind,
    source: &str,
    keep_no_archive: bool,
    opts: &ImportOptions,
    report: &mut ImportReport,
    previous: &mut Option<i64>,
) -> Result<()> {
    for p in prepared {
        report.read += 1;
        // A Maildir's messages are files of their own: each is its source.
        let source = if kind == SourceKind::Maildir {
            source_name(&p.raw.origin.path)
        } else {
            source.to_owned()
        };
        let source = source.as_str();
        let provenance = Provenance {
            source: source.to_owned(),
            offset: p.raw.origin.offset,
            from_line: p.raw.origin.from_line.clone(),
        };
        if let Some(num) = store.provenance_of(source, provenance.offset)?
            && store.has_copy(num, &p.ex.hash)?
        {
            report.already += 1;
            if let Some(s) = store.summary(num)? {
                *previous = Some(s.filed_at);
            }
            continue;
        }
        if store.is_removed_mid(p.ex.message_id.as_str())? {
            // Removed by the administrator: a re-import or re-delivery never
            // brings it back.
            store.record_skip(SkipReason::Removed, p.ex.message_id.as_str(), &provenance)?;
            report.removed_earlier += 1;
            continue;
        }
        if p.ex.no_archive && !keep_no_archive {
            store.record_skip(SkipReason::NoArchive, p.ex.message_id.as_str(), &provenance)?;
            report.no_archive += 1;
            continue;
        }
        let from_line_date = p
            .raw
            .origin
            .from_line
            .as_deref()
            .and_then(|l| parse_from_line(&String::from_utf8_lossy(l)));
        let (filing, defect) = parse::choose_filing_date(
            p.ex.date,
            p.ex.date_raw.as_deref(),
            from_line_date,
            p.ex.received,
            *previous,
            opts.now,
        );
        *previous = Some(filing.at);
        let identity = identity(&p.ex);
        let existing = store.find_by_mid(p.ex.message_id.as_str())?;
        if let Some(same) = existing.iter().find(|e| e.identity == identity) {
            if !store.has_copy(same.num, &p.ex.hash)? {
                store.insert_variant(&NewVariant {
                    num: same.num,
                    hash: p.ex.hash,
                    size: p.ex.size,
                    compressed: p.compressed,
                    provenance: provenance.clone(),
                })?;
            }
            store.record_skip(SkipReason::Duplicate, p.ex.message_id.as_str(), &provenance)?;
            report.duplicates += 1;
            continue;
        }
        let alias = existing.iter().map(|e| e.alias + 1).max().unwrap_or(0);
        let hash = p.ex.hash;
        let summary = p.ex.into_summary(filing, defect);
        if !summary.defects.is_empty() {
            report.warnings += 1;
        }
        let num = store.insert(&NewMessage {
            summary,
            alias,
            identity,
            hash,
            compressed: p.compressed,
            provenance,
        })?;
        report.numbers.push(num);
        report.archived += 1;
    }
    Ok(())
}

/// Same Message-ID and same identity = the same message.
fn identity(ex: &Extracted) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(ex.from_addr.to_lowercase().as_bytes());
    h.update([0]);
    match ex.date {
        Some(d) => h.update(d.utc.to_string().as_bytes()),
        None => h.update(ex.date_raw.as_deref().unwrap_or("").as_bytes()),
    }
    h.update([0]);
    h.update(ex.subject.as_bytes());
    h.finalize().into()
}
