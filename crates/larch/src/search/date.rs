//! Dates in queries: `d:` values -> inclusive UTC second ranges. Pure.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Parse a `d:` value: `FROM..TO`, `FROM..`, `..TO` or one date, where a
/// date is `YYYYMMDD`, `YYYY-MM-DD`, `YYYYMM`, `YYYY-MM` or `YYYY` (UTC).
/// A date covers its whole day, month or year. `None` when malformed.
pub fn parse_date_range(value: &str) -> Option<(Option<i64>, Option<i64>)> {
    match value.split_once("..") {
        Some((a, b)) => {
            let from = if a.is_empty() {
                None
            } else {
                Some(period(a)?.0)
            };
            let to = if b.is_empty() {
                None
            } else {
                Some(period(b)?.1)
            };
            if let (Some(f), Some(t)) = (from, to)
                && f > t
            {
                return None;
            }
            Some((from, to))
        }
        None => {
            let (f, t) = period(value)?;
            Some((Some(f), Some(t)))
        }
    }
}

/// First and last second (UTC) of the day, month or year `s` names.
fn period(s: &str) -> Option<(i64, i64)> {
    let digits: String = s.chars().filter(|c| *c != '-').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Dashes only in the YYYY-MM[-DD] places.
    let dashed = s.contains('-');
    let b = s.as_bytes();
    if dashed && !(matches!(s.len(), 7 | 10) && b[4] == b'-' && (s.len() == 7 || b[7] == b'-')) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| digits.get(r)?.parse::<i16>().ok();
    let (start, end) = match digits.len() {
        8 => {
            let d = Date::new(num(0..4)?, num(4..6)? as i8, num(6..8)? as i8).ok()?;
            (d, d.tomorrow().ok()?)
        }
        6 => {
            let d = Date::new(num(0..4)?, num(4..6)? as i8, 1).ok()?;
            (d, d.last_of_month().tomorrow().ok()?)
        }
        4 if !dashed => {
            let d = Date::new(num(0..4)?, 1, 1).ok()?;
            (d, d.last_of_year().tomorrow().ok()?)
        }
        _ => return None,
    };
    let ts = |d: Date| {
        Some(
            d.to_zoned_datetime(TimeZone::UTC)
                .ok()?
                .timestamp()
                .as_second(),
        )
    };
    Some((ts(start)?, ts(end)? - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_months_years_and_open_ends() {
        // 2015-06-01T00:00:00Z = 1433116800.
        assert_eq!(
            parse_date_range("20150601"),
            Some((Some(1_433_116_800), Some(1_433_116_800 + 86_399)))
        );
        assert_eq!(
            parse_date_range("2015-06-01..2015-06-30"),
            Some((Some(1_433_116_800), Some(1_435_708_799)))
        );
        assert_eq!(
            parse_date_range("201506"),
            Some((Some(1_433_116_800), Some(1_435_708_799)))
        );
        assert_eq!(
            parse_date_range("2015-06.."),
            Some((Some(1_433_116_800), None))
        );
        assert_eq!(
            parse_date_range("..20150630"),
            Some((None, Some(1_435_708_799)))
        );
        assert_eq!(parse_date_range(".."), Some((None, None)));
        let y = parse_date_range("2015").unwrap();
        assert_eq!(y, (Some(1_420_070_400), Some(1_451_606_399)));
    }

    #[test]
    fn malformed_dates() {
        for bad in [
            "2015-13-01",
            "20150231",
            "yesterday",
            "2015-6-1",
            "1..2",
            "20150601..20150501",
            "2015--06",
            "99999999999",
            "",
            "2015-0601",
            "+2015",
            "201-506-01",
        ] {
            assert_eq!(parse_date_range(bad), None, "{bad}");
        }
    }
}
