//! Summary extraction (`larch::parse::extract`), the filing-date choice and
//! the date parsers over arbitrary raw message bytes.
//!
//! Checks, for every input:
//! - no panic escapes (mail-parser itself runs under larch's catch_unwind);
//! - `size` is the input length; the Message-ID is non-empty, without
//!   surrounding brackets or control characters; a synthetic id is flagged
//!   with the `MissingMessageId` defect first;
//! - subject, names, addresses and List-Id are cleaned: no control
//!   characters, no leading/trailing or doubled white space;
//! - every date the parsers accept is in their documented range: local
//!   year 1900..=9999, |offset| <= 14 h; From_ line dates are never the epoch;
//! - the filing choice and the period names accept what parsing produced;
//! - `recipients` (To/Cc for search) keeps at most 1000 mailboxes per field.
//!
//! The same bytes are also given to the three date parsers directly, and
//! line by line (so short inputs reach the date code without a message).

#![no_main]

#[path = "common.rs"]
mod common;

use larch::config::Period;
use larch::model::{Defect, period_name};
use larch::parse::date::{ParsedDate, parse_date_header, parse_from_line, parse_received};
use larch::parse::{Extracted, choose_filing_date, extract, recipients};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::run(|| check(data)));

/// 2026-11-01T00:00:00Z: "now" for the filing choice.
const NOW: i64 = 1_793_491_200;
const MAX_OFFSET: i64 = 14 * 3600;

fn check(data: &[u8]) {
    for obfuscated_at in [false, true] {
        let ex = extract(data, obfuscated_at);
        check_extracted(data, &ex);
        // From_ line as the envelope, as import does.
        let from_line = data
            .split(|&b| b == b'\n')
            .next()
            .map(String::from_utf8_lossy)
            .and_then(|l| parse_from_line(&l));
        let (filing, _defect) = choose_filing_date(
            ex.date,
            ex.date_raw.as_deref(),
            from_line,
            ex.received,
            None,
            NOW,
        );
        for period in [
            Period::Day,
            Period::Week,
            Period::Month,
            Period::Quarter,
            Period::Year,
        ] {
            let name = period_name(filing.at, &jiff::tz::TimeZone::UTC, period);
            assert!(!name.is_empty() && !name.contains('/') && !name.starts_with('.'));
            let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(14));
            let _ = period_name(filing.at, &tz, period);
        }
        let ex2 = extract(data, obfuscated_at);
        assert_eq!(
            format!("{ex:?}"),
            format!("{ex2:?}"),
            "extract is not deterministic"
        );
    }
    // To and Cc for search: bounded.
    let r = recipients(data);
    for list in [&r.to, &r.cc] {
        assert!(list.len() <= 1000, "{} mailboxes kept", list.len());
    }
    // The date parsers on their own: whole input and each line.
    let text = String::from_utf8_lossy(data);
    check_dates(&text);
    for line in text.lines().take(64) {
        check_dates(line);
    }
}

fn check_dates(s: &str) {
    if let Some(d) = parse_date_header(s) {
        check_date(d, s);
    }
    if let Some(t) = parse_received(s) {
        check_utc(t, s);
    }
    if let Some(t) = parse_from_line(s) {
        assert_ne!(t, 0, "From_ line epoch placeholder accepted: {s:?}");
        check_utc(t, s);
    }
}

/// Days since 1970-01-01 -> civil year (Howard Hinnant's algorithm).
fn year_of(secs: i64) -> i64 {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(m <= 2)
}

fn check_date(d: ParsedDate, s: &str) {
    assert!(
        i64::from(d.offset).abs() <= MAX_OFFSET,
        "offset {} out of range for {s:?}",
        d.offset
    );
    let local = year_of(d.utc + i64::from(d.offset));
    assert!(
        (1900..=9999).contains(&local),
        "local year {local} for {s:?}"
    );
}

/// A bare UTC instant: within the accepted local range widened by 14 h.
fn check_utc(t: i64, s: &str) {
    let low = year_of(t + MAX_OFFSET);
    let high = year_of(t - MAX_OFFSET);
    assert!(
        low >= 1900 && high <= 9999,
        "instant {t} out of range for {s:?}"
    );
}

fn is_clean(s: &str) -> bool {
    !s.chars().any(char::is_control)
        && s.trim() == s
        && !s.contains("  ")
        && !s.contains(|c: char| c.is_whitespace() && c != ' ')
}

fn check_extracted(data: &[u8], ex: &Extracted) {
    assert_eq!(ex.size, data.len() as u64);
    let id = ex.message_id.as_str();
    assert!(!id.is_empty(), "empty Message-ID");
    assert!(
        !id.chars().any(char::is_control),
        "control in Message-ID {id:?}"
    );
    assert_eq!(id.trim(), id, "Message-ID not trimmed");
    if ex.synthetic_id {
        assert_eq!(ex.defects.first(), Some(&Defect::MissingMessageId));
        assert!(id.ends_with("@synthetic.invalid"));
    }
    for r in ex.references.iter().chain(ex.in_reply_to.as_ref()) {
        assert!(!r.as_str().is_empty() && !r.as_str().chars().any(char::is_control));
    }
    for (what, s) in [
        ("subject", ex.subject.as_str()),
        ("from_name", ex.from_name.as_str()),
        ("from_addr", ex.from_addr.as_str()),
        ("list_id", ex.list_id.as_deref().unwrap_or("")),
    ] {
        assert!(is_clean(s), "{what} not clean: {s:?}");
    }
    if let Some(d) = ex.date {
        check_date(d, ex.date_raw.as_deref().unwrap_or(""));
    }
    if let Some(t) = ex.received {
        check_utc(t, "Received");
    }
}
