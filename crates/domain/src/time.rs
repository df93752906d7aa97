//! The county's clock face: China Standard Time, UTC+8 all year (China keeps
//! no daylight saving). A working day, a deadline date and every time a page
//! prints start from these functions, so the day boundary is drawn once.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// How far China Standard Time is ahead of UTC.
const OFFSET: TimeDelta = TimeDelta::hours(8);

/// The wall-clock time in the county at an instant.
pub fn local_datetime(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc() + OFFSET
}

/// The date in the county at an instant (a day starts at 00:00 UTC+8).
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local_datetime(at).date()
}

/// The instant a local wall-clock time names.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    (local - OFFSET).and_utc()
}

/// An instant as pages print it: the local time to the minute, e.g. 2026-09-28 09:00.
pub fn local_minute(at: DateTime<Utc>) -> String {
    local_datetime(at).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_county_day_starts_at_local_midnight() {
        let before = Utc.with_ymd_and_hms(2026, 3, 1, 15, 59, 59).unwrap();
        let after = Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap();
        assert_eq!(local_date(before).to_string(), "2026-03-01");
        assert_eq!(local_date(after).to_string(), "2026-03-02");
        assert_eq!(local_minute(after), "2026-03-02 00:00");
        assert_eq!(from_local(local_datetime(after)), after);
    }
}
