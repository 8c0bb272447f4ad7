//! Summary extraction: one message's bytes -> the fields the archive keeps.
//!
//! Runs on any bytes without panicking (mail-parser is wrapped in
//! `catch_unwind`); what cannot be read becomes a defect, never an error.

use std::panic::{AssertUnwindSafe, catch_unwind};

use mail_parser::{HeaderName, Message, MessageParser};
use sha2::{Digest, Sha256};

use super::date::{self, ParsedDate};
use super::encoded_words::decode_iso2022jp_words;
use super::filing::Filing;
use crate::model::{Defect, MessageId, Summary};

/// What parsing one message yields, before the (sequential) filing decision.
#[derive(Clone, Debug)]
pub struct Extracted {
    pub message_id: MessageId,
    pub synthetic_id: bool,
    pub in_reply_to: Option<MessageId>,
    pub references: Vec<MessageId>,
    pub subject: String,
    pub from_name: String,
    pub from_addr: String,
    pub date: Option<ParsedDate>,
    pub date_raw: Option<String>,
    pub received: Option<i64>,
    pub list_id: Option<String>,
    pub attachments: u32,
    pub defects: Vec<Defect>,
    /// `X-No-Archive: yes` or `Archive: no`.
    pub no_archive: bool,
    /// SHA-256 of the raw bytes.
    pub hash: [u8; 32],
    pub size: u64,
}

impl Extracted {
    /// Complete the summary with the chosen filing date.
    pub fn into_summary(self, filing: Filing, defect: Option<Defect>) -> Summary {
        let mut defects = self.defects;
        defects.extend(defect);
        Summary {
            message_id: self.message_id,
            synthetic_id: self.synthetic_id,
            in_reply_to: self.in_reply_to,
            references: self.references,
            subject: self.subject,
            from_name: self.from_name,
            from_addr: self.from_addr,
            date: self.date.map(|d| d.utc),
            date_offset: self.date.map_or(0, |d| d.offset),
            filed_at: filing.at,
            date_source: filing.source,
            list_id: self.list_id,
            size: self.size,
            attachments: self.attachments,
            defects,
        }
    }
}

/// The parser configuration larch uses everywhere.
pub fn message_parser() -> MessageParser {
    MessageParser::default()
}

/// Extract the summary fields of one message. `obfuscated_at` undoes
/// Pipermail's "user at example.org" addresses.
pub fn extract(bytes: &[u8], obfuscated_at: bool) -> Extracted {
    let hash: [u8; 32] = Sha256::digest(bytes).into();
    let mut ex = Extracted {
        // Replaced by the message's own id, else (below) by a synthetic one,
        // made only then: most messages have an id.
        message_id: MessageId::new(PENDING_ID).unwrap_or_else(|| synthetic_id(&hash)),
        synthetic_id: true,
        in_reply_to: None,
        references: Vec::new(),
        subject: String::new(),
        from_name: String::new(),
        from_addr: String::new(),
        date: None,
        date_raw: None,
        received: None,
        list_id: None,
        attachments: 0,
        defects: Vec::new(),
        no_archive: false,
        hash,
        size: bytes.len() as u64,
    };
    let parsed = catch_unwind(AssertUnwindSafe(|| {
        let parser = message_parser();
        parser
            .parse(bytes)
            .map(|m| fill(&mut ex, &m, obfuscated_at))
    }));
    match parsed {
        Ok(Some(())) => {}
        Ok(None) => ex.defects.push(Defect::Unparseable),
        Err(_) => ex.defects.push(Defect::ParserPanic),
    }
    if ex.synthetic_id {
        ex.defects.insert(0, Defect::MissingMessageId);
        // Copies of one message (Pipermail keeps some twice, differing in the
        // scrubber's URL line) must get the same id: hash what identifies the
        // message rather than its bytes, when there is enough of it.
        ex.message_id = if ex.date_raw.is_some() && !ex.from_addr.is_empty() {
            let mut h = Sha256::new();
            for part in [
                ex.from_addr.to_lowercase().as_str(),
                ex.date_raw.as_deref().unwrap_or(""),
                ex.subject.as_str(),
            ] {
                h.update(part.as_bytes());
                h.update([0]);
            }
            synthetic_id(&h.finalize().into())
        } else {
            synthetic_id(&hash)
        };
    }
    ex
}

/// The message id `extract` holds until it knows the real or synthetic one
/// (never returned: `synthetic_id` stays true until a real id replaces it).
const PENDING_ID: &str = "larch-pending@synthetic.invalid";

fn synthetic_id(hash: &[u8; 32]) -> MessageId {
    MessageId::synthetic(hash)
}

fn fill(ex: &mut Extracted, m: &Message<'_>, obfuscated_at: bool) {
    let headers = m.root().headers();
    if headers.is_empty() {
        ex.defects.push(Defect::NoHeaders);
    }
    if let Some(id) = m.root().message_id().and_then(MessageId::new) {
        ex.message_id = id;
        ex.synthetic_id = false;
    }
    ex.in_reply_to = m
        .root()
        .in_reply_to()
        .and_then(|l| l.iter().find_map(MessageId::new));
    if let Some(refs) = m.root().references() {
        ex.references = refs.iter().filter_map(MessageId::new).collect();
    }
    ex.subject = headers
        .get(HeaderName::Subject)
        .and_then(|h| decode_iso2022jp_words(h.raw_value()))
        .or_else(|| m.root().subject().map(str::to_owned))
        .unwrap_or_default();
    ex.subject = clean_text(&ex.subject);
    fill_from(ex, m, obfuscated_at);
    if let Some(h) = headers.get(HeaderName::Date) {
        let raw = String::from_utf8_lossy(h.raw_value()).trim().to_owned();
        ex.date = date::parse_date_header(&raw);
        ex.date_raw = Some(raw);
    }
    ex.received = headers
        .all(HeaderName::Received)
        .filter_map(|h| date::parse_received(&String::from_utf8_lossy(h.raw_value())))
        .max();
    ex.list_id = m.root().list_id().and_then(|l| {
        l.first().and_then(|mb| {
            mb.address()
                .or(mb.name())
                .map(|s| clean_text(s.trim_matches(|c| c == '<' || c == '>')))
        })
    });
    ex.attachments = u32::try_from(m.root().attachments().count()).unwrap_or(u32::MAX);
    ex.no_archive = header_is(m, "x-no-archive", "yes") || header_is(m, "archive", "no");
}

fn header_is(m: &Message<'_>, name: &str, value: &str) -> bool {
    m.root().headers().all(name).any(|h| {
        String::from_utf8_lossy(h.raw_value())
            .trim()
            .eq_ignore_ascii_case(value)
    })
}

fn fill_from(ex: &mut Extracted, m: &Message<'_>, obfuscated_at: bool) {
    let headers = m.root().headers();
    let raw_from = headers.get(HeaderName::From).map(|h| h.raw_value());
    let (mut name, mut addr) = m
        .root()
        .from()
        .and_then(|l| l.first())
        .map(|mb| {
            (
                mb.name().unwrap_or("").to_owned(),
                mb.address().unwrap_or("").to_owned(),
            )
        })
        .unwrap_or_default();
    if obfuscated_at && let Some((n, a)) = raw_from.and_then(parse_obfuscated_from) {
        name = n;
        addr = a;
    }
    if let Some(fixed) = raw_from.and_then(decode_iso2022jp_words)
        && !name.is_empty()
        && fixed.contains('<')
    {
        name = fixed
            .split('<')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"')
            .to_owned();
    }
    if addr.is_empty() {
        ex.defects.push(Defect::MissingFrom);
    }
    ex.from_name = clean_text(&name);
    ex.from_addr = clean_text(&addr);
}

/// Pipermail writes `From: user at example.org (Name)`: put the `@` back
/// and let mail-parser read the result.
fn parse_obfuscated_from(raw: &[u8]) -> Option<(String, String)> {
    let text = String::from_utf8_lossy(raw);
    if !text.contains(" at ") {
        return None;
    }
    let fixed = text.replacen(" at ", "@", 1);
    let mut mini = b"From: ".to_vec();
    mini.extend_from_slice(fixed.trim().as_bytes());
    mini.extend_from_slice(b"\n\n");
    let m = MessageParser::default().parse_headers(&mini)?;
    let mb = m.root().from()?.first()?;
    Some((
        mb.name().unwrap_or("").to_owned(),
        mb.address().unwrap_or("").to_owned(),
    ))
}

/// Collapse white space runs and drop control characters.
fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipermail_from() {
        let raw = b"From: zadka.moshe at gmail.com (Moshe Zadka)\nDate: Thu, 04 Jun 2015 05:23:00 +0000\nSubject: [Twisted-Python] x\n\tcontinued\nMessage-ID: <a@b>\n\nbody\n";
        let ex = extract(raw, true);
        assert_eq!(ex.from_addr, "zadka.moshe@gmail.com");
        assert_eq!(ex.from_name, "Moshe Zadka");
        assert_eq!(ex.subject, "[Twisted-Python] x continued");
        assert_eq!(ex.message_id.as_str(), "a@b");
        assert!(!ex.synthetic_id);
        assert_eq!(ex.date.map(|d| d.utc), Some(1_433_395_380));
    }

    #[test]
    fn missing_id_is_synthesized_stably() {
        let raw = b"From: a@b\nSubject: s\n\nbody\n";
        let a = extract(raw, false);
        let b = extract(raw, false);
        assert!(a.synthetic_id);
        assert_eq!(a.message_id, b.message_id);
        assert_eq!(a.defects[0], Defect::MissingMessageId);
    }

    #[test]
    fn garbage_never_panics() {
        for raw in [
            &b""[..],
            b"\0\0\0",
            b"::::",
            b"From: \n\n",
            b"Subject: =?iso-2022-jp?B?GyRC?= =?iso-2022-jp?B?\n\n",
        ] {
            let _ = extract(raw, false);
            let _ = extract(raw, true);
        }
    }

    #[test]
    fn no_archive() {
        assert!(extract(b"X-No-Archive: Yes\nSubject: s\n\nb\n", false).no_archive);
        assert!(extract(b"Archive: no\nSubject: s\n\nb\n", false).no_archive);
        assert!(!extract(b"Subject: s\n\nb\n", false).no_archive);
    }

    #[test]
    fn references_and_reply() {
        let ex = extract(
            b"Message-ID: <c@x>\nIn-Reply-To: <b@x> (A's message of Mon)\nReferences: <a@x>\n <b@x>\n\nb\n",
            false,
        );
        assert_eq!(ex.in_reply_to.unwrap().as_str(), "b@x");
        assert_eq!(ex.references.len(), 2);
    }
}
