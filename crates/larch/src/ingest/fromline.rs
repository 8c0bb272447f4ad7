//! Recognizing mbox From_ separator lines and header fields, by shape.
//!
//! Pure byte predicates; no I/O, no state.

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Does `line` (with or without its line end) have the shape of an mbox
/// From_ line: `From <sender> <date>` where the date is an asctime date
/// (`Wed Jun  3 23:23:00 2015`) or an RFC 2822 date? The sender may contain
/// spaces (Pipermail writes `From user at example.org  Wed Jun ...`).
/// git format-patch's magic `Mon Sep 17 00:00:00 2001` line is not one.
pub fn is_from_line(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    if line.len() > 1000 {
        return false;
    }
    let Ok(rest) = std::str::from_utf8(rest) else {
        // Senders are ASCII in practice; tolerate 8-bit junk in the sender only.
        return is_from_line(&lossy_ascii(line));
    };
    let tokens: Vec<&str> = rest.split_ascii_whitespace().collect();
    if tokens.len() == 1 {
        // `From -` or `From sender@host` alone: dateless markers some writers
        // use. A lone word (`From Alice`) is prose.
        return tokens[0] == "-" || tokens[0].contains('@');
    }
    if tokens.len() < 5 {
        return false;
    }
    if rest.contains("Mon Sep 17 00:00:00 2001") {
        return false;
    }
    // The date follows the sender: a weekday (optional: some writers omit
    // it), a month name, a day, a time and a four-digit year, in any order.
    let date = &tokens[1..];
    let has_month = date.iter().any(|t| is_month(t) && !is_weekday(t));
    let has_time = date.iter().any(|t| is_time(t));
    let has_year = date.iter().any(|t| is_year(t));
    let has_day = date
        .iter()
        .any(|t| t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()));
    has_month && has_time && has_year && has_day
}

fn lossy_ascii(line: &[u8]) -> Vec<u8> {
    line.iter()
        .map(|&b| if b.is_ascii() { b } else { b'?' })
        .collect()
}

fn is_weekday(t: &str) -> bool {
    let t = t.trim_end_matches(',');
    t.len() >= 3 && WEEKDAYS.iter().any(|w| t[..3].eq_ignore_ascii_case(w)) && t.is_ascii()
}

fn is_month(t: &str) -> bool {
    t.len() >= 3 && t.is_ascii() && MONTHS.iter().any(|m| t[..3].eq_ignore_ascii_case(m))
}

fn is_time(t: &str) -> bool {
    let parts: Vec<&str> = t.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn is_year(t: &str) -> bool {
    t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Does `line` start a header field (`Name: value` or `Name:value`), with a
/// name of printable ASCII without colon or space? A URL (`http://...`) is not one.
pub fn looks_like_header(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && line[..colon].iter().all(|&b| (33..=126).contains(&b))
        && line.get(colon + 1) != Some(&b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_lines() {
        assert!(is_from_line(b"From a@b Mon Jan  3 10:20:30 2005\n"));
        assert!(is_from_line(
            b"From zadka.moshe at gmail.com  Wed Jun  3 23:23:00 2015\n"
        ));
        assert!(is_from_line(b"From x@y Sat, 31 Jul 1999 12:00:00 -0700\n"));
        assert!(is_from_line(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n"));
        assert!(is_from_line(b"From a@b Tue Jul 1 10:52:37 +0200 2003"));
        assert!(is_from_line(b"From daniel@x.au 23 Aug 1999 03:15:23 GMT"));
        assert!(!is_from_line(b"From the docs: it works.\n"));
        assert!(!is_from_line(b"From here on\n"));
        assert!(is_from_line(b"From -\n"));
        assert!(is_from_line(b"From 1844347792267117879@xxx\n"));
        assert!(!is_from_line(b"From Alice\n"));
        assert!(!is_from_line(b"From 1234abcd Mon Sep 17 00:00:00 2001\n"));
        assert!(!is_from_line(b"From: a@b\n"));
    }

    #[test]
    fn headers() {
        assert!(looks_like_header(b"Subject: x\n"));
        assert!(looks_like_header(b"X-Foo:bar\n"));
        assert!(!looks_like_header(b"not a header\n"));
        assert!(!looks_like_header(b": empty name\n"));
        assert!(!looks_like_header(b"Two words: no\n"));
        assert!(!looks_like_header(b"http://example.org/\n"));
    }
}
