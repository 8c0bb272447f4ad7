//! Maildir reading: every file in `cur/` and `new/`, in file-name order.
//!
//! File names start with the delivery time, so name order is delivery order.

use std::path::{Path, PathBuf};

use super::{Origin, RawMessage};
use crate::{Error, Result};

/// Iterator over a Maildir's messages.
#[derive(Debug)]
pub struct MaildirReader {
    files: std::vec::IntoIter<PathBuf>,
}

impl MaildirReader {
    /// List `dir/cur` and `dir/new` (either may be missing).
    pub fn new(dir: &Path) -> Result<MaildirReader> {
        let mut files = Vec::new();
        for sub in ["cur", "new"] {
            let d = dir.join(sub);
            if !d.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
                let entry = entry.map_err(|e| Error::io(&d, e))?;
                let name = entry.file_name();
                if name.to_string_lossy().starts_with('.') {
                    continue;
                }
                if entry.file_type().map(|t| t.is_file()).unwrap_or(false) {
                    files.push(entry.path());
                }
            }
        }
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        Ok(MaildirReader {
            files: files.into_iter(),
        })
    }
}

impl Iterator for MaildirReader {
    type Item = Result<RawMessage>;

    fn next(&mut self) -> Option<Self::Item> {
        let path = self.files.next()?;
        Some(match std::fs::read(&path) {
            Ok(bytes) => Ok(RawMessage {
                bytes,
                origin: Origin {
                    path,
                    offset: 0,
                    from_line: None,
                },
            }),
            Err(e) => Err(Error::io(&path, e)),
        })
    }
}
