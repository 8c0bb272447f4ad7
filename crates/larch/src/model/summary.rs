//! `Summary`: what the archive knows about one message without re-parsing it.

use serde::{Deserialize, Serialize};

use super::MessageId;

/// Where a message's filing date came from, best first.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// The Date: header, parsed and sane.
    Header,
    /// The mbox `From ` separator line.
    FromLine,
    /// The newest `Received:` header.
    Received,
    /// The previous message in the same import.
    Previous,
    /// Nothing usable: the time of import.
    ImportTime,
}

impl DateSource {
    /// Stable name used in the store and in `larch stats`.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Header => "header",
            DateSource::FromLine => "from-line",
            DateSource::Received => "received",
            DateSource::Previous => "previous",
            DateSource::ImportTime => "import-time",
        }
    }

    /// Inverse of [`DateSource::as_str`].
    pub fn parse(s: &str) -> Option<DateSource> {
        Some(match s {
            "header" => DateSource::Header,
            "from-line" => DateSource::FromLine,
            "received" => DateSource::Received,
            "previous" => DateSource::Previous,
            "import-time" => DateSource::ImportTime,
            _ => return None,
        })
    }
}

/// Something wrong with a message that did not stop it being archived.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "detail")]
pub enum Defect {
    /// No Message-ID (or an empty one): a stable one was synthesized.
    MissingMessageId,
    /// No Date: header.
    MissingDate,
    /// A Date: header that could not be parsed (the raw value).
    UnparseableDate(String),
    /// A Date: header that parsed but was absurd next to the envelope dates.
    AbsurdDate(String),
    /// The MIME parser could not make sense of the message at all.
    Unparseable,
    /// The MIME parser panicked; the raw bytes are kept.
    ParserPanic,
    /// No From: header with an address.
    MissingFrom,
    /// The message has no header/body separator or no headers at all.
    NoHeaders,
    /// The message is larger than the parse limit; only its headers were read.
    TooLarge(u64),
    /// Anything else, described.
    Other(String),
}

/// The summary of one archived message: enough to thread, index and list it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Summary {
    /// The Message-ID, normalized (synthesized when missing).
    pub message_id: MessageId,
    /// True when `message_id` was synthesized from a content hash.
    pub synthetic_id: bool,
    /// The first id of In-Reply-To, if any.
    pub in_reply_to: Option<MessageId>,
    /// References, oldest first.
    pub references: Vec<MessageId>,
    /// Decoded subject ("" when missing).
    pub subject: String,
    /// Display name of the first From: address ("" when none).
    pub from_name: String,
    /// Address of the first From: ("" when none); Pipermail " at " undone.
    pub from_addr: String,
    /// The Date: header as a UTC timestamp (seconds), when it parsed.
    pub date: Option<i64>,
    /// The Date: header's UTC offset in seconds (0 when unknown).
    pub date_offset: i32,
    /// The timestamp (UTC seconds) the message is filed under.
    pub filed_at: i64,
    /// Where `filed_at` came from.
    pub date_source: DateSource,
    /// The List-Id (the part in angle brackets when present).
    pub list_id: Option<String>,
    /// Raw size in bytes.
    pub size: u64,
    /// Number of attachments (non-inline parts with a file name or non-text type).
    pub attachments: u32,
    /// Problems found while reading it.
    pub defects: Vec<Defect>,
}
