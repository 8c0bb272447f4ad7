//! Character-level hygiene shared by the body renderers and file naming:
//! which code points are dropped (control characters, bidi overrides,
//! invisible characters) and line-ending normalisation.
//!
//! Must not touch: markup, escaping or any I/O; this only removes or
//! normalises characters.

use std::borrow::Cow;

/// C0 controls other than tab and newline, DEL, and C1 controls.
/// Carriage returns are handled by [`clean_text`] before this is asked.
pub(crate) fn is_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Bidirectional embedding, override and isolate controls
/// (U+202A..=U+202E, U+2066..=U+2069), which can reorder displayed text.
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Zero-width and other invisible format characters that have no place in
/// a file name (they hide extensions or make names look alike).
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}'
            | '\u{34f}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff0}'..='\u{fffb}'
    )
}

/// A byte that may start something [`clean_text`] changes.
fn suspicious(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f || b == 0xc2 || b == 0xe2
}

/// Does `bytes` contain anything [`clean_text`] would change?
/// Byte-level so that plain ASCII and ordinary UTF-8 (smart quotes,
/// accented letters) pass without decoding. Chunks are screened without
/// early exit (which vectorizes); only suspicious chunks are examined.
fn needs_cleaning(bytes: &[u8]) -> bool {
    const CHUNK: usize = 64;
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + CHUNK).min(bytes.len());
        if bytes[start..end]
            .iter()
            .fold(false, |any, &b| any | suspicious(b))
            && needs_cleaning_at(bytes, start, end)
        {
            return true;
        }
        start = end;
    }
    false
}

/// Exact check of the bytes from `start` to `end` (looking past `end` for
/// the rest of a multi-byte sequence).
fn needs_cleaning_at(bytes: &[u8], start: usize, end: usize) -> bool {
    let mut i = start;
    while i < end {
        let b = bytes[i];
        match b {
            b'\t' | b'\n' => {}
            0..=0x1f | 0x7f => return true,
            // U+0080..=U+009F (C1) is encoded as C2 80..=C2 9F.
            0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x9f)) => return true,
            // U+202A..=U+202E is E2 80 AA..=AE; U+2066..=U+2069 is E2 81 A6..=A9.
            0xe2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9)) => {
                    return true;
                }
                _ => {}
            },
            _ => {}
        }
        i += 1;
    }
    false
}

/// Normalise line endings and drop characters that must never reach a page.
///
/// `\r\n` and a lone `\r` both become `\n` (a browser shows a lone CR as a
/// line break anyway). Other controls except `\t` and `\n` are removed, as
/// are bidi embedding/override/isolate controls. Borrows when nothing changes.
pub(crate) fn clean_text(text: &str) -> Cow<'_, str> {
    if !needs_cleaning(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !suspicious(b) {
            i += 1;
            continue;
        }
        // `i` is on an ASCII byte or a UTF-8 lead byte: a char boundary.
        let (len, replacement) = match (b, bytes.get(i + 1), bytes.get(i + 2)) {
            (b'\r', Some(b'\n'), _) => (1, None),
            (b'\r', _, _) => (1, Some('\n')),
            (0..=0x1f | 0x7f, _, _) => (1, None),
            (0xc2, Some(0x80..=0x9f), _) => (2, None),
            (0xe2, Some(0x80), Some(0xaa..=0xae)) | (0xe2, Some(0x81), Some(0xa6..=0xa9)) => {
                (3, None)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[run..i]);
        out.extend(replacement);
        i += len;
        run = i;
    }
    out.push_str(&text[run..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        let s = "Hello “world” — café\tok\n";
        assert!(matches!(clean_text(s), Cow::Borrowed(_)));
    }

    #[test]
    fn line_endings_are_normalised() {
        assert_eq!(clean_text("a\r\nb\rc\n"), "a\nb\nc\n");
    }

    #[test]
    fn controls_and_bidi_are_dropped() {
        let s = "a\0b\u{1b}[31mc\u{7f}d\u{85}e\u{202e}f\u{2066}g\u{2069}h\u{c}i";
        assert_eq!(clean_text(s), "ab[31mcdefghi");
    }

    #[test]
    fn multibyte_neighbours_of_bidi_survive() {
        // U+2029 (E2 80 A9) and U+2070 (E2 81 B0) are not dropped.
        let s = "x\u{2029}y\u{2070}z\u{a0}";
        assert!(matches!(clean_text(s), Cow::Borrowed(_)));
    }

    #[test]
    fn truncated_sequences_at_end_do_not_panic() {
        assert_eq!(clean_text("é"), "é");
        assert_eq!(clean_text("\u{2000}"), "\u{2000}");
    }
}
