//! Export: every archived message, in number order, as one mboxrd stream.
//!
//! Each message gets a normalized From_ line (`From <addr> <asctime UTC>`);
//! un-escaping the result (mboxrd) gives back every message's bytes exactly,
//! provided it ends with a line end (mbox cannot carry a message without one;
//! such a message gets a final newline and is counted).

use std::io::Write;

use crate::ingest::escape_rd;
use crate::store::Store;
use crate::{Error, Result};

/// What an export wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExportCount {
    pub messages: u64,
    /// Messages that lacked a final newline (one was added).
    pub newline_added: u64,
    /// Removed messages, not exported.
    pub removed: u64,
}

/// Write all messages to `out` as mboxrd.
pub fn export_mbox(store: &dyn Store, out: &mut dyn Write) -> Result<ExportCount> {
    let mut count = ExportCount::default();
    let mut buf = Vec::new();
    store.for_each(&mut |m| {
        if m.removed {
            // Removed by the administrator: not exported (purged or hidden).
            count.removed += 1;
            return Ok(());
        }
        let raw = store
            .raw(m.num)?
            .ok_or_else(|| Error::NoSuchMessage(m.num.to_string()))?;
        buf.clear();
        buf.extend_from_slice(from_line(&m.summary, false).as_bytes());
        escape_rd(&raw, &mut buf);
        if !raw.ends_with(b"\n") {
            buf.push(b'\n');
            count.newline_added += 1;
        }
        buf.push(b'\n');
        out.write_all(&buf)
            .map_err(|e| Error::io("export output", e))?;
        count.messages += 1;
        Ok(())
    })?;
    out.flush().map_err(|e| Error::io("export output", e))?;
    Ok(count)
}

/// The From_ line a message is written with: `From <sender> <asctime>`;
/// `obfuscate` writes the sender Pipermail's way (`user at host`).
pub(crate) fn from_line(s: &crate::model::Summary, obfuscate: bool) -> String {
    let addr = if s.from_addr.is_empty() || s.from_addr.contains(char::is_whitespace) {
        "MAILER-DAEMON".to_owned()
    } else if obfuscate {
        s.from_addr.replacen('@', " at ", 1)
    } else {
        s.from_addr.clone()
    };
    format!("From {addr} {}\n", asctime(s.filed_at))
}

/// `Thu Jan  1 00:00:00 1970` for a UTC timestamp.
pub(crate) fn asctime(ts: i64) -> String {
    let t = jiff::Timestamp::from_second(ts).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .strftime("%a %b %e %H:%M:%S %Y")
        .to_string()
}
