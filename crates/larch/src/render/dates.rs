//! Date display: in the list's time zone, with the sender's original offset.

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};

use crate::config::Period;

fn ts(t: i64) -> Timestamp {
    Timestamp::from_second(t).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `Thu, 4 Jun 2015 05:23:00 +0000` in time zone `tz`.
pub fn display(t: i64, tz: &TimeZone) -> String {
    ts(t)
        .to_zoned_datetime(tz.clone())
        .strftime("%a, %-d %b %Y %H:%M:%S %z")
        .to_string()
}

/// The same instant at the sender's own offset.
pub fn original(t: i64, offset_secs: i32) -> String {
    let off = Offset::from_seconds(offset_secs).unwrap_or(Offset::UTC);
    display(t, &TimeZone::fixed(off))
}

/// ISO 8601 for `<time datetime>`.
pub fn iso(t: i64) -> String {
    ts(t).to_string()
}

/// Short date for index lines: `2015-06-04 05:23`.
pub fn short(t: i64, tz: &TimeZone) -> String {
    ts(t)
        .to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A period's human label from its directory name.
pub fn period_label(name: &str, period: Period) -> String {
    match period {
        Period::Month => match name.split_once('-') {
            Some((y, m)) => format!("{m} {y}"),
            None => name.to_owned(),
        },
        Period::Quarter => match name.split_once('q') {
            Some((y, q)) => format!("Q{q} {y}"),
            None => name.to_owned(),
        },
        Period::Week => match name.strip_prefix("Week-of-Mon-") {
            Some(d) if d.len() == 8 => {
                format!("Week of Monday {}-{}-{}", &d[..4], &d[4..6], &d[6..])
            }
            _ => name.to_owned(),
        },
        Period::Day if name.len() == 8 => format!("{}-{}-{}", &name[..4], &name[4..6], &name[6..]),
        _ => name.to_owned(),
    }
}
