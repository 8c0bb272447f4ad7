//! Ingest: paths and streams -> raw messages with their origin.
//!
//! Detects what a path holds (mbox, Pipermail period file, Maildir, `.eml`,
//! stdin; gzip-compressed or not) and yields each message's bytes exactly as
//! found (mboxrd escaping undone). Never parses MIME, never touches the store.

mod fromline;
mod maildir;
pub mod mbox;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

pub use fromline::{is_from_line, looks_like_header};
pub use mbox::{Escaping, MboxReader, escape_rd};

use crate::{Error, Result};

/// Where a raw message came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The input path (`-` for stdin).
    pub path: PathBuf,
    /// Byte offset of the message (its From_ line) in the (decompressed) input.
    pub offset: u64,
    /// The mbox From_ line, without its line end, when there was one.
    pub from_line: Option<Vec<u8>>,
}

/// One message's bytes as received, with its origin.
#[derive(Clone, Debug)]
pub struct RawMessage {
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

/// What kind of input a path is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SourceKind {
    /// An mbox file (mboxrd escaping undone).
    Mbox { gz: bool },
    /// A Pipermail period file (`2015-June.txt[.gz]`): nothing escaped, " at " addresses.
    Pipermail { gz: bool },
    /// A Maildir directory (`cur/` and `new/`).
    Maildir,
    /// A single message file.
    Eml { gz: bool },
    /// One message on standard input.
    Stdin,
}

impl SourceKind {
    /// A short human description, as printed by `larch import`.
    pub fn describe(self) -> &'static str {
        match self {
            SourceKind::Mbox { gz: false } => "mbox",
            SourceKind::Mbox { gz: true } => "mbox (gzip)",
            SourceKind::Pipermail { gz: false } => "Pipermail period file",
            SourceKind::Pipermail { gz: true } => "Pipermail period file (gzip)",
            SourceKind::Maildir => "Maildir",
            SourceKind::Eml { gz: false } => "single message",
            SourceKind::Eml { gz: true } => "single message (gzip)",
            SourceKind::Stdin => "single message on stdin",
        }
    }

    /// Whether addresses in this source are " at "-obfuscated (Pipermail).
    pub fn obfuscated_at(self) -> bool {
        matches!(self, SourceKind::Pipermail { .. })
    }
}

/// A stream of raw messages from one input.
pub type Messages = Box<dyn Iterator<Item = Result<RawMessage>> + Send>;

const GZ_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Decide what `path` holds by looking at it (name and first bytes).
pub fn detect(path: &Path) -> Result<SourceKind> {
    if path.as_os_str() == "-" {
        return Ok(SourceKind::Stdin);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        if path.join("cur").is_dir() || path.join("new").is_dir() {
            return Ok(SourceKind::Maildir);
        }
        return Err(bad(
            path,
            None,
            "a directory that is not a Maildir (no cur/ or new/)",
        ));
    }
    let mut head = [0u8; 2];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io(path, e))?;
    let gz = n == 2 && head == GZ_MAGIC;
    let mut reader = open_bytes(path, gz)?;
    let mut start = Vec::with_capacity(8192);
    (&mut reader)
        .take(8192)
        .read_to_end(&mut start)
        .map_err(|e| Error::io_at(path, 0, e))?;
    if start.is_empty() {
        return Err(bad(path, Some(0), "empty file"));
    }
    let text = skip_blank_lines(start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&start));
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or(&[]);
    if first_line.starts_with(b"From ") && is_from_line(first_line) {
        if is_pipermail_name(path) || first_line_has_at(first_line) {
            return Ok(SourceKind::Pipermail { gz });
        }
        return Ok(SourceKind::Mbox { gz });
    }
    // A message: one of its first lines (before the first empty line) is a
    // header field. Damaged first lines are common; binary bodies are fine.
    let header_block = text
        .split(|&b| b == b'\n')
        .take_while(|l| !l.is_empty() && *l != b"\r")
        .take(10);
    if header_block.clone().any(looks_like_header) {
        return Ok(SourceKind::Eml { gz });
    }
    let offset = start
        .iter()
        .position(|&b| b == 0 || (b < 0x20 && !b"\t\r\n\x0c".contains(&b)))
        .unwrap_or(0);
    Err(bad(
        path,
        Some(offset as u64),
        "not mail: neither an mbox (From_ line) nor a message (header fields)",
    ))
}

fn bad(path: &Path, offset: Option<u64>, reason: &str) -> Error {
    Error::BadInput {
        path: path.to_owned(),
        offset,
        reason: reason.to_owned(),
    }
}

fn skip_blank_lines(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    // Back up to the start of the line holding the first non-blank byte.
    let line_start = bytes[..n]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    &bytes[line_start..]
}

fn first_line_has_at(line: &[u8]) -> bool {
    line.windows(4).any(|w| w == b" at ")
}

/// `2015-June.txt`, `2015-June.txt.gz`, `2015q1.txt`, `Week-of-Mon-20150601.txt`...
fn is_pipermail_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let stem = name
        .strip_suffix(".txt.gz")
        .or_else(|| name.strip_suffix(".txt"));
    let Some(stem) = stem else { return false };
    let month = stem.split_once('-').is_some_and(|(y, m)| {
        y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && m.len() >= 3
    });
    month || stem.starts_with("Week-of-Mon-")
}

fn open_bytes(path: &Path, gz: bool) -> Result<Box<dyn BufRead + Send>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(if gz {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(BufReader::new(file)),
        ))
    } else {
        Box::new(BufReader::with_capacity(1 << 20, file))
    })
}

/// Open `path` as `kind` and stream its messages.
pub fn open(path: &Path, kind: SourceKind) -> Result<Messages> {
    Ok(match kind {
        SourceKind::Mbox { gz } => {
            Box::new(MboxReader::new(open_bytes(path, gz)?, path, Escaping::Rd))
        }
        SourceKind::Pipermail { gz } => {
            Box::new(MboxReader::new(open_bytes(path, gz)?, path, Escaping::None))
        }
        SourceKind::Maildir => Box::new(maildir::MaildirReader::new(path)?),
        SourceKind::Eml { gz } => {
            let mut bytes = Vec::new();
            open_bytes(path, gz)?
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io(path, e))?;
            Box::new(std::iter::once(Ok(RawMessage {
                bytes,
                origin: Origin {
                    path: path.to_owned(),
                    offset: 0,
                    from_line: None,
                },
            })))
        }
        SourceKind::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Error::io("-", e))?;
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Err(bad(
                    Path::new("-"),
                    Some(0),
                    "empty input: no message on stdin",
                ));
            }
            Box::new(std::iter::once(Ok(read_single(bytes, Path::new("-")))))
        }
    })
}

/// One message given whole (stdin, `larch add`): an mbox From_ line at its
/// start is taken off and kept as the origin's From_ line.
pub fn read_single(mut bytes: Vec<u8>, path: &Path) -> RawMessage {
    let mut from_line = None;
    if bytes.starts_with(b"From ") {
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        if is_from_line(&bytes[..end]) {
            let line = bytes[..end]
                .strip_suffix(b"\r")
                .unwrap_or(&bytes[..end])
                .to_vec();
            bytes.drain(..(end + 1).min(bytes.len()));
            from_line = Some(line);
        }
    }
    RawMessage {
        bytes,
        origin: Origin {
            path: path.to_owned(),
            offset: 0,
            from_line,
        },
    }
}
