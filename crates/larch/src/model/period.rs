//! Period names: which archive volume a filing date belongs to, named
//! exactly as Pipermail names its directories.

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::config::Period;

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The period directory name for a UTC timestamp in time zone `tz`:
/// monthly `2025-February`, yearly `2025`, quarterly `2025q1`,
/// weekly `Week-of-Mon-20250203`, daily `20250203`.
pub fn period_name(ts: i64, tz: &TimeZone, period: Period) -> String {
    let t = Timestamp::from_second(ts).unwrap_or(Timestamp::UNIX_EPOCH);
    let d = t.to_zoned_datetime(tz.clone()).date();
    let (y, m, day) = (d.year(), d.month(), d.day());
    match period {
        Period::Year => format!("{y}"),
        Period::Quarter => format!("{y}q{}", (m - 1) / 3 + 1),
        Period::Month => format!("{y}-{}", MONTH_NAMES[(m - 1) as usize]),
        Period::Day => format!("{y:04}{m:02}{day:02}"),
        Period::Week => {
            let back = i64::from(d.weekday().to_monday_zero_offset());
            let monday = d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d);
            format!(
                "Week-of-Mon-{:04}{:02}{:02}",
                monday.year(),
                monday.month(),
                monday.day()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipermail_names() {
        // 2025-02-05 12:00:00 UTC, a Wednesday.
        let ts = 1_738_756_800;
        let utc = TimeZone::UTC;
        assert_eq!(period_name(ts, &utc, Period::Month), "2025-February");
        assert_eq!(period_name(ts, &utc, Period::Year), "2025");
        assert_eq!(period_name(ts, &utc, Period::Quarter), "2025q1");
        assert_eq!(period_name(ts, &utc, Period::Day), "20250205");
        assert_eq!(period_name(ts, &utc, Period::Week), "Week-of-Mon-20250203");
    }
}
