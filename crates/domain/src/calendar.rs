//! The working-day calendar (工作日历): which days are 工作日, deadlines counted
//! in working days, and the case clock.
//!
//! A working day is a Monday to Friday that is not inside a statutory holiday,
//! or a Saturday or Sunday the State Council made a working day (调休上班).
//! Dates are [`NaiveDate`]s in local time; Asia/Shanghai is implied.
//!
//! # The arrangement file
//!
//! The official arrangements ship in `crates/domain/data/calendar.toml`
//! (2020–2026). `onewindow calendar load FILE` reads a file of the same format
//! to add a year when its notice comes out (around November–December), or to
//! replace a year already loaded. One `[[years]]` table per year:
//!
//! ```toml
//! [[years]]
//! year = 2026
//! notice = "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）"
//! makeup_workdays = [2026-01-04, 2026-02-14, 2026-02-28]   # 调休上班: Saturdays and Sundays only
//!
//! [[years.holidays]]
//! name = "春节"
//! from = 2026-02-15        # first day off, inclusive
//! to = 2026-02-23          # last day off, inclusive
//! notice = ""              # optional: a separate notice for this holiday alone
//! ```
//!
//! Dates are bare TOML dates (not strings). `makeup_workdays` must come
//! before the `[[years.holidays]]` tables, as TOML requires. Every date must lie
//! inside its `year`: where a notice's range starts in December of the year
//! before (2023's 元旦 from 2022-12-31), list only the part inside the year.
//! Loading rejects, with a message in Chinese: a year outside 1900–2200, the
//! same year twice in one file, a holiday ending before it starts, a date
//! outside its year, a makeup day that is not a Saturday or Sunday, and a
//! makeup day inside a holiday.
//!
//! # Years with no arrangement
//!
//! A date before the first loaded year, after the last, or in a year between
//! them that is not loaded is counted on weekends only (Monday–Friday
//! working). Every answer that depends on such a day says so with
//! [`Dated::provisional`], so the page can show it as provisional and the
//! app can recompute it once the year is loaded. Nothing panics for any date
//! chrono can represent; a deadline past [`NaiveDate::MAX`] saturates to it.
//!
//! # Cost
//!
//! Building a calendar precomputes, for every day of the loaded span, the
//! number of working days before it and the date of each working day. A
//! count is then a difference of two prefix sums, a deadline a lookup by
//! working-day ordinal, and outside the span both are closed-form weekday
//! arithmetic; no query walks day by day. The only other cost is a binary
//! search over the loaded years for the provisional flag, and the case clock
//! sorts its k suspensions (O(k log k)).

use crate::catalog::WorkingDays;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::LazyLock;
use toml::value::Datetime;

const OFFICIAL: &str = include_str!("../data/calendar.toml");
const YEARS_ACCEPTED: std::ops::RangeInclusive<i32> = 1900..=2200;

/// One year's official holiday arrangement, as one State Council notice sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearArrangement {
    /// The calendar year the arrangement covers.
    pub year: i32,
    /// Title and number of the notice it comes from, e.g. 国办发明电〔2025〕7号.
    pub notice: String,
    /// Saturdays and Sundays made working days (调休上班).
    #[serde(default)]
    pub makeup_workdays: Vec<NaiveDate>,
    /// The holidays (放假), each a run of days off.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
}

/// One holiday of a year: the days off from `from` to `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// The holiday's name as the notice gives it, e.g. 春节 or 国庆节、中秋节.
    pub name: String,
    /// The first day off.
    pub from: NaiveDate,
    /// The last day off.
    pub to: NaiveDate,
    /// A separate notice for this holiday alone (e.g. 2020's extended 春节); empty if none.
    #[serde(default)]
    pub notice: String,
}

/// An answer from the calendar, and whether it used a year with no official arrangement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dated<T> {
    /// The answer.
    pub value: T,
    /// True if some day it depends on lies in a year not loaded (counted on weekends only).
    pub provisional: bool,
}

/// A period a case's clock is stopped (补正, 特别程序), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    /// The first day of the stop.
    pub from: NaiveDate,
    /// The last day of the stop; `None` while the case is still suspended.
    pub to: Option<NaiveDate>,
}

/// Why an arrangement could not be loaded. Messages are for people, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The file is not TOML of the expected shape: where, and what is wrong.
    #[error("日历文件格式错误：第 {line} 行第 {column} 列附近{what}")]
    Parse {
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// What is wrong there, in Chinese.
        what: String,
    },
    /// The year is outside 1900–2200.
    #[error("{year}年超出可接受的范围（1900–2200年）")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// The same year appears twice in one file.
    #[error("{year}年的安排在文件中出现了不止一次")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },
    /// A value where a date belongs is not a plain date.
    #[error("{year}年的安排中，{what}“{value}”不是日期（应写成 2026-01-04 这样的形式）")]
    NotADate {
        /// The arrangement's year.
        year: i32,
        /// Which date it should have been, in Chinese.
        what: String,
        /// The value found.
        value: String,
    },
    /// A date lies outside the year of its arrangement.
    #[error("{year}年的安排中，{what}{date}不在{year}年内")]
    OutsideYear {
        /// The arrangement's year.
        year: i32,
        /// Which date it is, in Chinese.
        what: String,
        /// The date.
        date: NaiveDate,
    },
    /// A holiday ends before it starts.
    #[error("{year}年的安排中，{name}的开始日期{from}晚于结束日期{to}")]
    Reversed {
        /// The arrangement's year.
        year: i32,
        /// The holiday.
        name: String,
        /// Its first day.
        from: NaiveDate,
        /// Its last day, before the first.
        to: NaiveDate,
    },
    /// A makeup working day falls on a Monday to Friday.
    #[error("{year}年的安排中，调休上班日{date}是{weekday}，只有周六、周日才需要调休上班")]
    MakeupNotWeekend {
        /// The arrangement's year.
        year: i32,
        /// The makeup day.
        date: NaiveDate,
        /// Its day of the week, in Chinese (周一 … 周五).
        weekday: &'static str,
    },
    /// A makeup working day falls inside a holiday.
    #[error("{year}年的安排中，调休上班日{date}落在{name}假期内")]
    MakeupInHoliday {
        /// The arrangement's year.
        year: i32,
        /// The makeup day.
        date: NaiveDate,
        /// The holiday it falls in.
        name: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    years: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    notice: String,
    #[serde(default)]
    makeup_workdays: Vec<Datetime>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: Datetime,
    to: Datetime,
    #[serde(default)]
    notice: String,
}

/// A TOML error as a person reads it: the line and column, and what is wrong
/// in Chinese (the field's name is kept; the parser's English is not).
fn parse_error(e: &toml::de::Error, text: &str) -> CalendarError {
    let at = e.span().map_or(0, |s| s.start.min(text.len()));
    let before = text.get(..at).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let message = e.message();
    let named = |marker: &str| {
        message
            .split_once(marker)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let what = if let Some(f) = named("missing field `") {
        format!("缺少必填项“{f}”")
    } else if let Some(f) = named("unknown field `") {
        format!("有不认识的项“{f}”（请检查拼写）")
    } else if message.contains("invalid type") {
        "有一项的类型不对（日期写成 2026-01-04，不加引号；名称和说明要加英文双引号）".to_owned()
    } else {
        "的写法有误（请检查等号、英文双引号和方括号是否成对）".to_owned()
    };
    CalendarError::Parse { line, column, what }
}

/// Reads arrangements in the file format above and checks each one.
pub fn parse_arrangements(toml_text: &str) -> Result<Vec<YearArrangement>, CalendarError> {
    let raw: RawFile = toml::from_str(toml_text).map_err(|e| parse_error(&e, toml_text))?;
    let mut out: Vec<YearArrangement> = Vec::with_capacity(raw.years.len());
    for y in raw.years {
        let year = y.year;
        if out.iter().any(|a| a.year == year) {
            return Err(CalendarError::DuplicateYear { year });
        }
        let to_date = |what: &str, v: &Datetime| {
            let plain = match (v.date, v.time, v.offset) {
                (Some(d), None, None) => {
                    NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                }
                _ => None,
            };
            plain.ok_or_else(|| CalendarError::NotADate {
                year,
                what: what.to_owned(),
                value: v.to_string(),
            })
        };
        let mut holidays = Vec::with_capacity(y.holidays.len());
        for h in y.holidays {
            holidays.push(Holiday {
                from: to_date(&format!("{}的开始日期", h.name), &h.from)?,
                to: to_date(&format!("{}的结束日期", h.name), &h.to)?,
                name: h.name,
                notice: h.notice,
            });
        }
        let makeup_workdays = (y.makeup_workdays.iter())
            .map(|d| to_date("调休上班日", d))
            .collect::<Result<_, _>>()?;
        let arrangement = YearArrangement {
            year,
            notice: y.notice,
            makeup_workdays,
            holidays,
        };
        validate(&arrangement)?;
        out.push(arrangement);
    }
    Ok(out)
}

fn validate(y: &YearArrangement) -> Result<(), CalendarError> {
    let year = y.year;
    if !YEARS_ACCEPTED.contains(&year) {
        return Err(CalendarError::YearOutOfRange { year });
    }
    let inside = |what: String, date: NaiveDate| match date.year() == year {
        true => Ok(()),
        false => Err(CalendarError::OutsideYear { year, what, date }),
    };
    for h in &y.holidays {
        inside(format!("{}的开始日期", h.name), h.from)?;
        inside(format!("{}的结束日期", h.name), h.to)?;
        if h.from > h.to {
            let (name, from, to) = (h.name.clone(), h.from, h.to);
            return Err(CalendarError::Reversed {
                year,
                name,
                from,
                to,
            });
        }
    }
    for &date in &y.makeup_workdays {
        inside("调休上班日".to_owned(), date)?;
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            let weekday = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
                [date.weekday().num_days_from_monday() as usize];
            return Err(CalendarError::MakeupNotWeekend {
                year,
                date,
                weekday,
            });
        }
        if let Some(h) = y.holidays.iter().find(|h| h.from <= date && date <= h.to) {
            let name = h.name.clone();
            return Err(CalendarError::MakeupInHoliday { year, date, name });
        }
    }
    Ok(())
}

// Days are handled as i64 day numbers, 0 = 0001-01-01 (a Monday), so that
// "the day after" never overflows and weekday arithmetic is a remainder by 7.

fn day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - 1
}

fn date(t: i64) -> Option<NaiveDate> {
    i32::try_from(t + 1)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// Day number of 1 January of `year` (year >= 1), without going through chrono's Option.
fn jan1(year: i32) -> i64 {
    let y = i64::from(year) - 1;
    365 * y + y / 4 - y / 100 + y / 400
}

/// Mondays–Fridays in [0, t); negative for t < 0.
fn weekdays_before(t: i64) -> i64 {
    5 * t.div_euclid(7) + t.rem_euclid(7).min(5)
}

/// The Monday–Friday t with `weekdays_before(t) == k`.
fn nth_weekday(k: i64) -> i64 {
    7 * k.div_euclid(5) + k.rem_euclid(5)
}

/// The working days: official arrangements for the years loaded, weekends only elsewhere.
#[derive(Clone)]
pub struct Calendar {
    years: BTreeMap<i32, YearArrangement>,
    /// The loaded years, sorted, for O(log) "is every year in this range loaded?".
    loaded: Vec<i32>,
    /// Day number of 1 January of the first loaded year.
    start: i64,
    /// `prefix[i]`: working days in `start .. start + i`; one entry per day of the span, plus one.
    prefix: Vec<u32>,
    /// `ordinal[k]`: offset from `start` of the span's k-th working day (0-based).
    ordinal: Vec<u32>,
}

static OFFICIAL_CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
    // The shipped file is checked by a test (official_data_is_valid); an
    // empty calendar would still answer, provisionally, rather than panic.
    parse_arrangements(OFFICIAL)
        .and_then(Calendar::new)
        .unwrap_or_else(|_| Calendar::build(BTreeMap::new()))
});

impl Calendar {
    /// The calendar onewindow ships: the State Council's arrangements for 2020–2026.
    pub fn official() -> Calendar {
        OFFICIAL_CALENDAR.clone()
    }

    /// A calendar of these arrangements; a later entry for a year replaces an earlier one.
    pub fn new(years: Vec<YearArrangement>) -> Result<Calendar, CalendarError> {
        let mut map = BTreeMap::new();
        for y in years {
            validate(&y)?;
            map.insert(y.year, y);
        }
        Ok(Self::build(map))
    }

    /// This calendar with one year added, or replaced if it was already loaded.
    pub fn with_year(&self, y: YearArrangement) -> Result<Calendar, CalendarError> {
        validate(&y)?;
        let mut map = self.years.clone();
        map.insert(y.year, y);
        Ok(Self::build(map))
    }

    fn build(years: BTreeMap<i32, YearArrangement>) -> Calendar {
        let loaded: Vec<i32> = years.keys().copied().collect();
        let (start, end) = match (loaded.first(), loaded.last()) {
            (Some(&first), Some(&last)) => (jan1(first), jan1(last + 1)),
            _ => (0, 0),
        };
        // Weekends only first (this also fills years between loaded ones),
        // then each loaded year's holidays and makeup days on top.
        let mut work: Vec<bool> = (start..end).map(|t| t.rem_euclid(7) < 5).collect();
        let mut set = |t: i64, v: bool| {
            if let Some(w) = usize::try_from(t - start)
                .ok()
                .and_then(|i| work.get_mut(i))
            {
                *w = v;
            }
        };
        for y in years.values() {
            for h in &y.holidays {
                (day(h.from)..=day(h.to)).for_each(|t| set(t, false));
            }
            y.makeup_workdays.iter().for_each(|&d| set(day(d), true));
        }
        let mut prefix = Vec::with_capacity(work.len() + 1);
        let mut ordinal = Vec::new();
        let mut count = 0u32;
        prefix.push(0);
        for (offset, &w) in (0u32..).zip(&work) {
            if w {
                ordinal.push(offset);
                count += 1;
            }
            prefix.push(count);
        }
        Calendar {
            years,
            loaded,
            start,
            prefix,
            ordinal,
        }
    }

    /// The years that have an official arrangement loaded, in order.
    pub fn years(&self) -> Vec<i32> {
        self.loaded.clone()
    }

    /// The arrangement loaded for `year`, if any.
    pub fn arrangement(&self, year: i32) -> Option<&YearArrangement> {
        self.years.get(&year)
    }

    /// Whether `d` is a working day (工作日); provisional if its year is not loaded.
    pub fn is_workday(&self, d: NaiveDate) -> Dated<bool> {
        let t = day(d);
        let value = self.cum(t + 1) - self.cum(t) == 1;
        Dated {
            value,
            provisional: !self.covers(d.year(), d.year()),
        }
    }

    /// The deadline for a case accepted on `accepted` with a limit of `n` working days.
    ///
    /// The acceptance day does not count: the deadline is the n-th working day
    /// after it. `n = 0` (即办) is the acceptance day itself if it is a working
    /// day, else the next working day — a case accepted online on a Saturday is
    /// due on Monday, as no one can handle it sooner. (So for a non-working
    /// acceptance day, 0 and 1 working days give the same deadline.) Provisional
    /// if any day from the first day counted to the deadline lies in a year not
    /// loaded. A deadline past [`NaiveDate::MAX`] saturates to it (provisional).
    pub fn add_workdays(&self, accepted: NaiveDate, n: WorkingDays) -> Dated<NaiveDate> {
        let t = day(accepted);
        let (first, k) = match n.get() {
            0 => (t, self.cum(t)),
            n => (t + 1, self.cum(t + 1) + i64::from(n) - 1),
        };
        let Some(deadline) = date(self.nth(k)) else {
            return Dated {
                value: NaiveDate::MAX,
                provisional: true,
            };
        };
        let first_year = date(first).map_or(NaiveDate::MAX.year(), |d| d.year());
        Dated {
            value: deadline,
            provisional: !self.covers(first_year, deadline.year()),
        }
    }

    /// Working days from `from` to `to`, both included; 0 if `from` is after `to`.
    ///
    /// Provisional if any day of the range lies in a year not loaded.
    pub fn count_workdays(&self, from: NaiveDate, to: NaiveDate) -> Dated<u32> {
        if from > to {
            return Dated {
                value: 0,
                provisional: false,
            };
        }
        let value = self.count(day(from), day(to));
        Dated {
            value,
            provisional: !self.covers(from.year(), to.year()),
        }
    }

    /// The case clock: working days a case has used by the end of `today`.
    ///
    /// Counts the working days after `started` (the acceptance day is not
    /// counted; the first working day after it is day 1) up to and including
    /// `today`, leaving out every working day inside a suspension. A suspension
    /// covers `from` to `to`, both included; with `to = None` it runs to
    /// `today`. Suspensions may overlap one another and the range; the parts
    /// outside it and suspensions that end before they start are ignored.
    /// 0 if `today` is not after `started`. Provisional if any day from the day
    /// after `started` to `today` lies in a year not loaded.
    pub fn clock(
        &self,
        started: NaiveDate,
        today: NaiveDate,
        suspensions: &[Suspension],
    ) -> Dated<u32> {
        let (lo, hi) = (day(started) + 1, day(today));
        if lo > hi {
            return Dated {
                value: 0,
                provisional: false,
            };
        }
        let mut stops: Vec<(i64, i64)> = (suspensions.iter())
            .map(|s| (day(s.from).max(lo), s.to.map_or(hi, day).min(hi)))
            .filter(|(a, b)| a <= b)
            .collect();
        stops.sort_unstable();
        let mut used = self.count(lo, hi);
        let mut current: Option<(i64, i64)> = None;
        for (a, b) in stops {
            current = match current {
                Some((ca, cb)) if a <= cb.saturating_add(1) => Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    used = used.saturating_sub(self.count(ca, cb));
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((ca, cb)) = current {
            used = used.saturating_sub(self.count(ca, cb));
        }
        let first_year = date(lo).map_or(NaiveDate::MAX.year(), |d| d.year());
        Dated {
            value: used,
            provisional: !self.covers(first_year, today.year()),
        }
    }

    /// Working days in day numbers `a ..= b` (a <= b).
    fn count(&self, a: i64, b: i64) -> u32 {
        u32::try_from(self.cum(b + 1) - self.cum(a)).unwrap_or(u32::MAX)
    }

    fn end(&self) -> i64 {
        self.start + self.prefix.len() as i64 - 1
    }

    fn total(&self) -> i64 {
        i64::from(self.prefix.last().copied().unwrap_or(0))
    }

    /// Working days in `start .. t`, negative for t before the span.
    fn cum(&self, t: i64) -> i64 {
        let end = self.end();
        if t < self.start {
            weekdays_before(t) - weekdays_before(self.start)
        } else if t <= end {
            let at = usize::try_from(t - self.start).ok();
            i64::from(at.and_then(|i| self.prefix.get(i)).copied().unwrap_or(0))
        } else {
            self.total() + weekdays_before(t) - weekdays_before(end)
        }
    }

    /// The working day t with `cum(t) == k`.
    fn nth(&self, k: i64) -> i64 {
        let total = self.total();
        if k < 0 {
            nth_weekday(k + weekdays_before(self.start))
        } else if k < total {
            let at = usize::try_from(k).ok().and_then(|i| self.ordinal.get(i));
            self.start + at.map_or(0, |&o| i64::from(o))
        } else {
            nth_weekday(k - total + weekdays_before(self.end()))
        }
    }

    /// Whether every year from `y1` to `y2` has an arrangement loaded.
    fn covers(&self, y1: i32, y2: i32) -> bool {
        let lo = self.loaded.partition_point(|&y| y < y1);
        let hi = self.loaded.partition_point(|&y| y <= y2);
        y1 > y2 || (hi - lo) as i64 == i64::from(y2) - i64::from(y1) + 1
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("years", &self.loaded)
            .field("workdays_in_span", &self.total())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_data_is_valid() {
        let years = parse_arrangements(OFFICIAL).unwrap();
        let calendar = Calendar::new(years).unwrap();
        assert_eq!(calendar.years(), (2020..=2026).collect::<Vec<_>>());
    }

    #[test]
    fn day_numbers_match_chrono() {
        let monday = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        assert_eq!((day(monday), monday.weekday()), (0, Weekday::Mon));
        for year in [1, 4, 100, 400, 1900, 2000, 2024, 2026, 2200, 9999] {
            assert_eq!(
                jan1(year),
                day(NaiveDate::from_ymd_opt(year, 1, 1).unwrap())
            );
        }
        assert_eq!(date(day(NaiveDate::MAX) + 1), None);
        assert_eq!(date(day(NaiveDate::MIN)), Some(NaiveDate::MIN));
    }

    #[test]
    fn closed_forms_match_counting() {
        let mut before = weekdays_before(-30);
        for t in -30..30 {
            assert_eq!(weekdays_before(t), before, "t = {t}");
            if t.rem_euclid(7) < 5 {
                assert_eq!(nth_weekday(before), t);
                before += 1;
            }
        }
    }
}
