//! The filing date: which date a message is filed under, and why.
//!
//! The Date: header wins unless it is missing, unparseable or absurd next to
//! the envelope (the mbox From_ line or the newest Received: header). Then
//! the From_ line date, then the newest Received: date, then the previous
//! message's date. Mirrors Mailman 2's `ARCHIVER_CLOBBER_DATE_POLICY` with
//! `ARCHIVER_ALLOWABLE_SANE_DATE_SKEW` = 15 days, so periods match Pipermail's.

use super::date::ParsedDate;
use crate::model::{DateSource, Defect};

/// A Date: header this far in the future of the envelope is absurd.
pub const MAX_FUTURE_SKEW: i64 = 24 * 3600;
/// A Date: header this far in the past of the envelope is absurd.
pub const MAX_PAST_SKEW: i64 = 15 * 24 * 3600;
/// Dates before this (1970-01-02) are placeholders, not dates.
const EARLIEST: i64 = 86_400;

/// The outcome of [`choose_filing_date`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Filing {
    pub at: i64,
    pub source: DateSource,
}

/// Choose the filing date. `header` is the parsed Date: header; `header_raw`
/// its text (for the defect); `from_line` and `received` the envelope dates;
/// `previous` the previous message's filing date in this import; `now` the
/// import time. Returns the filing and the defect to record, if any.
pub fn choose_filing_date(
    header: Option<ParsedDate>,
    header_raw: Option<&str>,
    from_line: Option<i64>,
    received: Option<i64>,
    previous: Option<i64>,
    now: i64,
) -> (Filing, Option<Defect>) {
    let from_line = from_line.filter(|&t| t >= EARLIEST);
    let received = received.filter(|&t| t >= EARLIEST);
    let envelope = from_line.or(received);
    let defect;
    if let Some(h) = header {
        let sane = match envelope {
            Some(env) => h.utc <= env + MAX_FUTURE_SKEW && h.utc >= env - MAX_PAST_SKEW,
            None => h.utc >= EARLIEST && h.utc <= now + MAX_FUTURE_SKEW,
        };
        if sane {
            return (
                Filing {
                    at: h.utc,
                    source: DateSource::Header,
                },
                None,
            );
        }
        defect = Some(Defect::AbsurdDate(header_raw.unwrap_or("").to_owned()));
    } else {
        defect = Some(match header_raw {
            Some(raw) => Defect::UnparseableDate(raw.to_owned()),
            None => Defect::MissingDate,
        });
    }
    let filing = if let Some(t) = from_line {
        Filing {
            at: t,
            source: DateSource::FromLine,
        }
    } else if let Some(t) = received {
        Filing {
            at: t,
            source: DateSource::Received,
        }
    } else if let Some(t) = previous {
        Filing {
            at: t,
            source: DateSource::Previous,
        }
    } else {
        Filing {
            at: now,
            source: DateSource::ImportTime,
        }
    };
    (filing, defect)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T2011: i64 = 1_300_000_000;

    fn pd(utc: i64) -> Option<ParsedDate> {
        Some(ParsedDate { utc, offset: 0 })
    }

    #[test]
    fn header_wins_when_sane() {
        let (f, d) = choose_filing_date(pd(T2011), Some("x"), Some(T2011 + 60), None, None, 0);
        assert_eq!(f.source, DateSource::Header);
        assert_eq!(f.at, T2011);
        assert!(d.is_none());
    }

    #[test]
    fn year_1945_is_absurd() {
        let (f, d) = choose_filing_date(pd(-786_000_000), Some("1945"), Some(T2011), None, None, 0);
        assert_eq!(
            f,
            Filing {
                at: T2011,
                source: DateSource::FromLine
            }
        );
        assert!(matches!(d, Some(Defect::AbsurdDate(_))));
    }

    #[test]
    fn future_beyond_a_day_is_absurd() {
        let (f, _) = choose_filing_date(
            pd(T2011 + 2 * 86_400),
            Some("x"),
            None,
            Some(T2011),
            None,
            0,
        );
        assert_eq!(f.source, DateSource::Received);
    }

    #[test]
    fn epoch_from_line_is_ignored() {
        let (f, _) = choose_filing_date(None, None, Some(0), None, Some(T2011), 5);
        assert_eq!(
            f,
            Filing {
                at: T2011,
                source: DateSource::Previous
            }
        );
        let (f, d) = choose_filing_date(None, None, None, None, None, 5);
        assert_eq!(
            f,
            Filing {
                at: 5,
                source: DateSource::ImportTime
            }
        );
        assert_eq!(d, Some(Defect::MissingDate));
    }
}
