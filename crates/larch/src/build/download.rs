//! Period downloads (`<period>.txt.gz`): the period's live messages in
//! archive order (arrival, as Pipermail's `.txt`), written the way Pipermail
//! writes them (From_ lines with " at ", bodies unescaped), as one gzip
//! member per block of [`BLOCK`] messages. New mail only ever lands at the
//! end of a period's file, so an update rewrites just the last block: the
//! cost of `larch add` does not grow with the period. Byte-identical across
//! builds (no name or time in gzip headers); gzip readers join the members.

use std::fs::OpenOptions;
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

use flate2::{Compression, GzBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::render::{DirOutput, Output, SiteModel, urls};
use crate::store::Store;
use crate::{Error, Result};

/// Messages per gzip member: an addition recompresses at most this many
/// (16 x ~8 KB is well past deflate's 32 KB window, so the ratio barely moves).
pub const BLOCK: usize = 16;

/// Where the last block of a period file starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tail {
    /// Byte offset of the last gzip member.
    pub offset: u64,
    /// Index (into the period's live messages by number) of its first message.
    pub start: usize,
    /// Length of the whole file.
    pub len: u64,
}

/// Blocks read from the store before they are compressed together (on all
/// cores): bounds the raw mail held at once.
const GROUP: usize = 32;

/// Gzip members for `nums[from..]`, blocks starting at multiples of BLOCK
/// from 0; returns the bytes and the tail (offsets relative to `base`).
/// Raw mail is read here; the blocks of a group are compressed in parallel.
fn blocks(
    store: &dyn Store,
    site: &SiteModel,
    nums: &[u64],
    from: usize,
    base: u64,
    path: &str,
) -> Result<(Vec<u8>, Tail)> {
    let mut out = Vec::new();
    let mut tail = Tail {
        offset: base,
        start: from,
        len: base,
    };
    // Block boundaries: [from, next multiple of BLOCK), ... up to the end.
    let mut bounds = Vec::new();
    let mut start = from;
    loop {
        let end = ((start / BLOCK + 1) * BLOCK).min(nums.len());
        bounds.push((start.min(end), end));
        if end >= nums.len() {
            break;
        }
        start = end;
    }
    for group in bounds.chunks(GROUP) {
        let mut texts = Vec::with_capacity(group.len());
        for &(a, b) in group {
            let mut buf = Vec::new();
            for &num in &nums[a..b] {
                let m = site
                    .msg(num)
                    .ok_or_else(|| Error::NoSuchMessage(num.to_string()))?;
                let raw = store
                    .raw(num)?
                    .ok_or_else(|| Error::NoSuchMessage(num.to_string()))?;
                buf.extend_from_slice(super::export::from_line(&m.summary, true).as_bytes());
                buf.extend_from_slice(&raw);
                if !raw.ends_with(b"\n") {
                    buf.push(b'\n');
                }
                buf.push(b'\n');
            }
            texts.push(buf);
        }
        let members: Vec<Vec<u8>> = texts
            .par_iter()
            .map(|text| {
                let mut gz = GzBuilder::new()
                    .mtime(0)
                    .write(Vec::new(), Compression::new(6));
                gz.write_all(text).map_err(|e| Error::io(path, e))?;
                gz.finish().map_err(|e| Error::io(path, e))
            })
            .collect::<Result<_>>()?;
        for (member, &(a, _)) in members.iter().zip(group) {
            tail.offset = base + out.len() as u64;
            tail.start = a;
            out.extend_from_slice(member);
        }
    }
    tail.len = base + out.len() as u64;
    Ok((out, tail))
}

/// Write a period's whole download through `out`.
pub fn write_full(
    store: &dyn Store,
    site: &SiteModel,
    out: &DirOutput,
    period: &str,
    nums: &[u64],
) -> Result<Tail> {
    let path = urls::download_path(period);
    let (bytes, tail) = blocks(store, site, nums, 0, 0, &path)?;
    out.write(&path, &bytes)?;
    Ok(tail)
}

/// Rewrite a period's download from its last block on, after messages
/// were appended (`nums` is the whole live list by number). Falls back to
/// a full write when the file does not match `tail`.
pub fn write_tail(
    store: &dyn Store,
    site: &SiteModel,
    out: &DirOutput,
    out_dir: &Path,
    period: &str,
    nums: &[u64],
    tail: Tail,
) -> Result<Tail> {
    let path = urls::download_path(period);
    let file = out_dir.join(&path);
    let len = std::fs::metadata(&file).map(|m| m.len()).ok();
    if len != Some(tail.len) || tail.start > nums.len() || tail.offset > tail.len {
        return write_full(store, site, out, period, nums);
    }
    let (bytes, new_tail) = blocks(store, site, nums, tail.start, tail.offset, &path)?;
    let mut f = OpenOptions::new()
        .write(true)
        .open(&file)
        .map_err(|e| Error::io(&file, e))?;
    // Overwrite the last block, then cut what is left of it: the file
    // shrinks only when the new tail is shorter than the old one (freeing
    // blocks is slow on some disks: render/spares.rs).
    f.seek(SeekFrom::Start(tail.offset))
        .map_err(|e| Error::io(&file, e))?;
    f.write_all(&bytes).map_err(|e| Error::io(&file, e))?;
    f.set_len(tail.offset + bytes.len() as u64)
        .map_err(|e| Error::io(&file, e))?;
    Ok(new_tail)
}
