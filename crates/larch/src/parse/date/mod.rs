//! Date parsing for mail, and nothing else: `Date:` header values, the date
//! part of mbox `From ` separator lines, and `Received:` header values.
//!
//! Pure functions over strings: no I/O, no logging, never panics on any
//! input. Well-formed RFC 5322 dates go through `jiff::fmt::rfc2822`; the
//! broken forms found in real archives (asctime, ISO 8601, full names, odd or
//! doubled zones, 2/3-digit years, dotted times, trailing garbage...) go
//! through a small token-based normalizer whose fields are then validated by
//! `jiff::civil::DateTime` (so `31 Feb` and `25:00` are rejected, not
//! guessed). Accepted dates satisfy `1900 <= year <= 9999` (local year) and
//! `|offset| <= 14h`; a date without a zone is taken as UTC (offset 0).

use jiff::civil::DateTime;
use jiff::fmt::rfc2822::DateTimeParser;
use jiff::tz::Offset;

/// An instant parsed from mail, with the UTC offset it was written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ParsedDate {
    /// Unix seconds.
    pub utc: i64,
    /// Seconds east of UTC; 0 when unknown.
    pub offset: i32,
}

/// Largest accepted UTC offset, in seconds (real zones span -12h..+14h).
const MAX_OFFSET: i32 = 14 * 3600;
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9999;
/// How many start positions `parse_from_line` tries before giving up.
const MAX_FROM_CANDIDATES: usize = 8;

static STRICT: DateTimeParser = DateTimeParser::new().relaxed_weekday(true);

/// Date: header value. Strict RFC 5322 first (jiff::fmt::rfc2822, relaxed
/// weekday), then our own normalizer for broken real-world forms, then retry.
///
/// jiff maps every unknown alphabetic zone (e.g. `CEST`) to UTC, so a strict
/// result with offset 0 is double-checked by the normalizer, which knows a
/// small table of zone names.
pub fn parse_date_header(s: &str) -> Option<ParsedDate> {
    let strict = STRICT.parse_zoned_datetime(s).ok().and_then(|zdt| {
        let offset = zdt.offset().seconds();
        let ok =
            (MIN_YEAR..=MAX_YEAR).contains(&i32::from(zdt.year())) && offset.abs() <= MAX_OFFSET;
        ok.then(|| ParsedDate {
            utc: zdt.timestamp().as_second(),
            offset,
        })
    });
    match strict {
        Some(d) if d.offset != 0 => Some(d),
        _ => loose(s.as_bytes()).or(strict),
    }
}

/// The date part of an mbox From_ line, given the whole line (`From addr Mon
/// Jan  3 10:20:30 2005`, optionally followed by ` remote from x`, with or
/// without a zone, or with an RFC 2822 date). Times without a zone are taken
/// as UTC. Returns None for lines not starting with `From `, for non-dates,
/// and for the `Thu Jan  1 00:00:00 1970` placeholder (the epoch exactly).
pub fn parse_from_line(line: &str) -> Option<i64> {
    let rest = line.as_bytes().strip_prefix(b"From ")?;
    // With an empty address ("From  Mon Jan ...") the first token is the date.
    let skip_first = !rest.first().is_some_and(u8::is_ascii_whitespace);
    let mut tries = 0;
    for (index, (start, tok)) in spans(rest).enumerate() {
        if index == 0 && skip_first {
            continue;
        }
        let name = trim_name(tok);
        let candidate = tok.first().is_some_and(u8::is_ascii_digit)
            || is_weekday(name)
            || month_number(name).is_some();
        if !candidate {
            continue;
        }
        if let Some(date) = rest.get(start..).and_then(loose) {
            return (date.utc != 0).then_some(date.utc);
        }
        tries += 1;
        if tries >= MAX_FROM_CANDIDATES {
            break;
        }
    }
    None
}

/// A Received: header value: the date after the LAST ';'.
pub fn parse_received(value: &str) -> Option<i64> {
    let (_, date) = value.rsplit_once(';')?;
    parse_date_header(date).map(|d| d.utc)
}

/// Whitespace-separated tokens with their byte offsets.
fn spans(s: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        let rest = s.get(pos..)?;
        let start = pos + rest.iter().position(|b| !b.is_ascii_whitespace())?;
        let tail = s.get(start..)?;
        let len = tail
            .iter()
            .position(u8::is_ascii_whitespace)
            .unwrap_or(tail.len());
        pos = start + len;
        Some((start, tail.get(..len)?))
    })
}

/// Tokens separated by whitespace, `,` and parentheses; `( comments )`
/// (nested) are skipped, an unclosed one swallows the rest.
fn tokens(s: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let mut depth = 0usize;
        loop {
            let (&b, tail) = rest.split_first()?;
            if b == b'(' {
                depth += 1;
            } else if b == b')' {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && !is_delim(b) {
                break;
            }
            rest = tail;
        }
        let len = rest
            .iter()
            .position(|&b| is_delim(b) || b == b'(')
            .unwrap_or(rest.len());
        let (tok, tail) = rest.split_at_checked(len)?;
        rest = tail;
        Some(tok)
    })
}

fn is_delim(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b',' || b == b')'
}

/// Hour, minute, second.
type Hms = (i8, i8, i8);

/// What the normalizer has found so far.
#[derive(Default)]
struct Fields {
    day: Option<i8>,
    month: Option<i8>,
    year: Option<i32>,
    time: Option<Hms>,
    /// Offset seconds, and whether it is firm (numeric, or name + DST):
    /// a firm zone replaces a plain name and is never replaced itself.
    zone: Option<(i32, bool)>,
    /// Some(true) for PM, Some(false) for AM.
    pm: Option<bool>,
}

impl Fields {
    fn complete(&self) -> bool {
        self.day.is_some() && self.month.is_some() && self.year.is_some() && self.time.is_some()
    }
}

/// The fate of one token.
enum Step {
    /// Used (or harmlessly ignored, like a weekday or a repeated zone).
    Took,
    /// Not understood or a duplicate: trailing garbage once the date is complete.
    Skip,
    /// Looks like a date field but is invalid: reject the whole date.
    Bad,
}

/// The normalizer: fills [`Fields`] token by token, in any order.
fn loose(s: &[u8]) -> Option<ParsedDate> {
    let mut f = Fields::default();
    for tok in tokens(s) {
        match feed(&mut f, tok, true) {
            Step::Took => {}
            Step::Bad => return None,
            Step::Skip if f.complete() => break,
            Step::Skip => return None,
        }
    }
    finish(&f)
}

fn feed(f: &mut Fields, tok: &[u8], split_dashes: bool) -> Step {
    let Some(&first) = tok.first() else {
        return Step::Took;
    };
    if first.is_ascii_digit() {
        if let Some((y, m, d, rest)) = iso_date(tok) {
            if f.year.is_some() || f.month.is_some() || f.day.is_some() {
                return Step::Skip;
            }
            (f.year, f.month, f.day) = (Some(y), Some(m), Some(d));
            return match rest.split_first() {
                None => Step::Took,
                Some((b'T' | b't', time)) => feed_time(f, time),
                Some(_) => Step::Bad,
            };
        }
        if tok.iter().take(3).any(|&b| b == b':' || b == b'.') {
            return feed_time(f, tok);
        }
        if tok.iter().all(u8::is_ascii_digit) {
            return feed_number(f, tok);
        }
        if split_dashes && tok.contains(&b'-') && tok.iter().any(u8::is_ascii_alphabetic) {
            // "1-Jul-2003"
            for part in tok.split(|&b| b == b'-') {
                if let step @ (Step::Skip | Step::Bad) = feed(f, part, false) {
                    return step;
                }
            }
            return Step::Took;
        }
        return Step::Skip;
    }
    match zone(tok) {
        Zone::Valid(offset, numeric) => {
            match f.zone {
                None => f.zone = Some((offset, numeric)),
                Some((_, false)) if numeric => f.zone = Some((offset, numeric)),
                Some(_) => {}
            }
            return Step::Took;
        }
        Zone::Invalid if f.zone.is_some_and(|(_, firm)| firm) => return Step::Skip,
        Zone::Invalid => return Step::Bad,
        Zone::Other => {}
    }
    let name = trim_name(tok);
    if is_weekday(name) {
        return Step::Took;
    }
    if let Some(m) = month_number(name) {
        return fill(&mut f.month, m);
    }
    if name.eq_ignore_ascii_case(b"am") || name.eq_ignore_ascii_case(b"pm") {
        return fill(&mut f.pm, name.eq_ignore_ascii_case(b"pm"));
    }
    // Old Unix mailers wrote "MET DST" for summer time.
    if name.eq_ignore_ascii_case(b"dst")
        && let Some((offset, false)) = f.zone
    {
        f.zone = Some((offset + 3600, true));
        return Step::Took;
    }
    // RFC 5322 4.3: an unknown alphabetic zone is to be read as -0000.
    if (3..=5).contains(&name.len())
        && name.iter().all(u8::is_ascii_alphabetic)
        && f.time.is_some()
        && f.zone.is_none()
    {
        f.zone = Some((0, false));
        return Step::Took;
    }
    Step::Skip
}

fn fill<T>(slot: &mut Option<T>, value: T) -> Step {
    if slot.is_some() {
        return Step::Skip;
    }
    *slot = Some(value);
    Step::Took
}

/// A bare number: the day, or the year (RFC 5322 rules for 2 and 3 digits).
fn feed_number(f: &mut Fields, tok: &[u8]) -> Step {
    let Some(value) = number(tok) else {
        return if f.year.is_none() {
            Step::Bad
        } else {
            Step::Skip
        };
    };
    if tok.len() <= 2 && f.day.is_none() {
        return match i8::try_from(value) {
            Ok(day @ 1..=31) => fill(&mut f.day, day),
            _ => Step::Bad,
        };
    }
    if f.year.is_some() || tok.len() < 2 {
        return Step::Skip;
    }
    let year = match tok.len() {
        2 if value < 50 => value + 2000,
        2 | 3 => value + 1900,
        _ => value,
    };
    fill(&mut f.year, year)
}

/// `HH:MM[:SS[.frac]]` or `HH.MM[.SS]`, optionally glued to a zone or AM/PM.
fn feed_time(f: &mut Fields, tok: &[u8]) -> Step {
    if f.time.is_some() {
        return Step::Skip;
    }
    let Some((time, rest)) = clock(tok) else {
        return Step::Bad;
    };
    f.time = Some(time);
    if rest.is_empty() {
        return Step::Took;
    }
    if rest.eq_ignore_ascii_case(b"am") || rest.eq_ignore_ascii_case(b"pm") {
        return fill(&mut f.pm, rest.eq_ignore_ascii_case(b"pm"));
    }
    match zone(rest) {
        Zone::Valid(offset, numeric) => {
            f.zone = Some((offset, numeric));
            Step::Took
        }
        Zone::Invalid | Zone::Other => Step::Bad,
    }
}

fn clock(tok: &[u8]) -> Option<(Hms, &[u8])> {
    let (hour, rest) = digits(tok, 2)?;
    let (&sep, rest) = rest.split_first()?;
    if sep != b':' && sep != b'.' {
        return None;
    }
    let (minute, mut rest) = digits(rest, 2)?;
    let mut second = 0;
    if let Some(tail) = rest.strip_prefix(&[sep]) {
        (second, rest) = digits(tail, 2)?;
        // Fractional seconds are dropped.
        if let Some(frac) = rest.strip_prefix(b".").or_else(|| rest.strip_prefix(b",")) {
            let len = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            rest = frac.get(len..)?;
        }
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let time = (
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second.min(59)).ok()?,
    );
    Some((time, rest))
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, and what follows it.
fn iso_date(tok: &[u8]) -> Option<(i32, i8, i8, &[u8])> {
    let (year, rest) = tok.split_at_checked(4)?;
    let year = number(year)?;
    let (&sep, rest) = rest.split_first()?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    let (month, rest) = digits(rest, 2)?;
    let rest = rest.strip_prefix(&[sep])?;
    let (day, rest) = digits(rest, 2)?;
    Some((
        year,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        rest,
    ))
}

enum Zone {
    /// Offset seconds, and whether it was written numerically.
    Valid(i32, bool),
    /// Looks like a zone but is out of range or malformed: reject.
    Invalid,
    Other,
}

fn zone(tok: &[u8]) -> Zone {
    let Some(sign_at) = tok.iter().position(|&b| b == b'+' || b == b'-') else {
        return match named_zone(tok) {
            Some(minutes) => Zone::Valid(minutes * 60, false),
            None => Zone::Other,
        };
    };
    let Some((prefix, numeric)) = tok.split_at_checked(sign_at) else {
        return Zone::Other;
    };
    // "+0200", or "GMT+0200", "UTC-05:00"
    let prefix_ok = [&b""[..], b"gmt", b"utc", b"ut"]
        .iter()
        .any(|p| prefix.eq_ignore_ascii_case(p));
    if !prefix_ok || !numeric.get(1).is_some_and(u8::is_ascii_digit) {
        return Zone::Other;
    }
    // Glued trailing garbage ("+0200CEST") is ignored.
    let len = 1 + numeric
        .iter()
        .skip(1)
        .take_while(|&&b| b.is_ascii_digit() || b == b':')
        .count();
    let numeric = numeric.get(..len).unwrap_or(numeric);
    match numeric_offset(numeric) {
        Some(offset) => Zone::Valid(offset, true),
        None => Zone::Invalid,
    }
}

/// `+HHMM`, `+HMM`, `+HH`, `+H`, `+HH:MM` -> seconds, if within ±14h.
fn numeric_offset(s: &[u8]) -> Option<i32> {
    let (&sign, body) = s.split_first()?;
    let (hours, minutes) = match body.iter().position(|&b| b == b':') {
        Some(colon) => {
            let (h, m) = body.split_at_checked(colon)?;
            let m = m.get(1..)?;
            (h.len() <= 2 && m.len() == 2).then_some((number(h)?, number(m)?))?
        }
        None => {
            let n = number(body)?;
            match body.len() {
                1 | 2 => (n, 0),
                3 | 4 => (n / 100, n % 100),
                _ => return None,
            }
        }
    };
    let seconds = (hours * 60 + minutes) * 60;
    if minutes > 59 || seconds > MAX_OFFSET {
        return None;
    }
    Some(if sign == b'-' { -seconds } else { seconds })
}

/// Zone abbreviations -> minutes east of UTC. The RFC 822 names keep their
/// RFC meaning (CST is US Central, not China); military letters are 0 per
/// RFC 5322 4.3.
fn named_zone(name: &[u8]) -> Option<i32> {
    #[rustfmt::skip]
    const TABLE: &[(&str, i32)] = &[
        ("ut", 0), ("utc", 0), ("gmt", 0), ("z", 0), ("wet", 0),
        ("est", -300), ("edt", -240), ("cst", -360), ("cdt", -300),
        ("mst", -420), ("mdt", -360), ("pst", -480), ("pdt", -420),
        ("ast", -240), ("adt", -180), ("akst", -540), ("akdt", -480),
        ("hst", -600), ("nst", -210), ("ndt", -150), ("brt", -180),
        ("west", 60), ("bst", 60), ("cet", 60), ("met", 60), ("mez", 60),
        ("cest", 120), ("mest", 120), ("mesz", 120), ("eet", 120),
        ("sast", 120), ("eest", 180), ("msk", 180), ("msd", 240),
        ("ist", 330), ("ict", 420), ("wib", 420), ("hkt", 480),
        ("sgt", 480), ("awst", 480), ("jst", 540), ("kst", 540),
        ("acst", 570), ("acdt", 630), ("aest", 600), ("aedt", 660),
        ("nzst", 720), ("nzdt", 780),
    ];
    if let [letter] = name
        && letter.is_ascii_alphabetic()
        && !letter.eq_ignore_ascii_case(&b'j')
    {
        return Some(0);
    }
    TABLE
        .iter()
        .find(|(n, _)| name.eq_ignore_ascii_case(n.as_bytes()))
        .map(|&(_, m)| m)
}

#[rustfmt::skip]
const MONTHS: [&str; 12] = [
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
];
#[rustfmt::skip]
const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// Whether `tok` is a case-insensitive prefix (3 letters or more) of `full`.
fn abbreviates(tok: &[u8], full: &str) -> bool {
    tok.len() >= 3
        && full
            .as_bytes()
            .get(..tok.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(tok))
}

fn month_number(tok: &[u8]) -> Option<i8> {
    let index = MONTHS.iter().position(|m| abbreviates(tok, m))?;
    i8::try_from(index + 1).ok()
}

fn is_weekday(tok: &[u8]) -> bool {
    WEEKDAYS.iter().any(|d| abbreviates(tok, d))
}

/// A name token without a trailing `.` or `,` ("Sept.", "Tue,").
fn trim_name(tok: &[u8]) -> &[u8] {
    tok.strip_suffix(b".")
        .or_else(|| tok.strip_suffix(b","))
        .unwrap_or(tok)
}

/// 1 to `max` leading digits, and the rest.
fn digits(s: &[u8], max: usize) -> Option<(i32, &[u8])> {
    let len = s
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    let (head, rest) = s.split_at_checked(len)?;
    Some((number(head)?, rest))
}

/// A run of 1 to 4 ASCII digits as a number.
fn number(s: &[u8]) -> Option<i32> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    s.iter().try_fold(0i32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + i32::from(b - b'0'))
    })
}

fn finish(f: &Fields) -> Option<ParsedDate> {
    let (day, month, year) = (f.day?, f.month?, f.year?);
    let (mut hour, minute, second) = f.time?;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    match f.pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    let dt = DateTime::new(
        i16::try_from(year).ok()?,
        month,
        day,
        hour,
        minute,
        second,
        0,
    )
    .ok()?;
    let offset = f.zone.map_or(0, |(offset, _)| offset);
    let ts = Offset::from_seconds(offset).ok()?.to_timestamp(dt).ok()?;
    Some(ParsedDate {
        utc: ts.as_second(),
        offset,
    })
}

#[cfg(test)]
mod tests;
