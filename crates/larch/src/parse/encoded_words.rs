//! Workaround for mail-parser 1.0.1 joining adjacent ISO-2022-JP encoded
//! words before decoding (each word carries its own escape sequences, and the
//! WHATWG decoder rejects the doubled `ESC ( B ESC $ B`, giving U+FFFD).
//!
//! For such header values only, each encoded word is decoded on its own by
//! mail-parser and the pieces are joined per RFC 2047 (white space between
//! two encoded words is dropped). Everything else goes through mail-parser.

use mail_parser::MessageParser;

/// Decode a raw unstructured header value when it needs the workaround;
/// `None` means mail-parser's own decoding is right.
pub fn decode_iso2022jp_words(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let lower = text.to_ascii_lowercase();
    if lower.matches("=?iso-2022-jp?").count() < 2 {
        return None;
    }
    let unfolded: String = text
        .replace("\r\n", "\n")
        .replace("\n ", " ")
        .replace("\n\t", "\t");
    let unfolded = unfolded.trim();
    let mut out = String::new();
    let mut rest = unfolded;
    let mut last_was_word = false;
    while !rest.is_empty() {
        match find_word(rest) {
            Some((start, end)) => {
                let between = &rest[..start];
                if !(last_was_word && between.trim().is_empty()) {
                    out.push_str(between);
                }
                out.push_str(&decode_one(&rest[start..end]));
                rest = &rest[end..];
                last_was_word = true;
            }
            None => {
                out.push_str(rest);
                break;
            }
        }
    }
    Some(out)
}

/// Byte range of the next `=?charset?X?text?=` in `s`.
fn find_word(s: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(pos) = s[from..].find("=?") {
        let start = from + pos;
        let after = &s[start + 2..];
        // charset ? enc ? text ?=
        let q1 = after.find('?')?;
        let enc = after.get(q1 + 1..q1 + 3)?;
        if enc.len() == 2 && enc.ends_with('?') && "bBqQ".contains(&enc[..1]) {
            let text_start = q1 + 3;
            if let Some(q_end) = after[text_start..].find("?=") {
                let end = start + 2 + text_start + q_end + 2;
                if !s[start..end].contains(' ') {
                    return Some((start, end));
                }
            }
        }
        from = start + 2;
    }
    None
}

fn decode_one(word: &str) -> String {
    let mut raw = Vec::with_capacity(word.len() + 16);
    raw.extend_from_slice(b"Subject: ");
    raw.extend_from_slice(word.as_bytes());
    raw.extend_from_slice(b"\n\n");
    MessageParser::default()
        .parse_headers(&raw)
        .and_then(|m| m.subject().map(str::to_owned))
        .unwrap_or_else(|| word.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_separately_decoded_words() {
        // "日本語" and "テスト" each in their own ISO-2022-JP B-word.
        let raw = b" =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=\r\n =?ISO-2022-JP?B?GyRCJUYlOSVIGyhC?=\r\n";
        assert_eq!(decode_iso2022jp_words(raw).as_deref(), Some("日本語テスト"));
    }

    #[test]
    fn leaves_other_values_alone() {
        assert!(decode_iso2022jp_words(b" =?utf-8?q?a?= =?utf-8?q?b?=\r\n").is_none());
        assert!(decode_iso2022jp_words(b" plain\r\n").is_none());
    }
}
