//! The two clocks of a case (promised and statutory): deadlines in working
//! days from acceptance, moved by suspensions, and the 正常 / 预警 / 超期
//! status every page, list and export shows. Computed here and nowhere else.

use super::{Case, SuspensionRecord};
use crate::calendar::{Calendar, Suspension};
use crate::catalog::WorkingDays;
use crate::unit::labelled_enum;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// How a case stands against its time limit.
    SlaStatus {
        /// 正常: comfortably inside the limit.
        Normal = "normal" / "正常",
        /// 预警: most of the limit used.
        Warning = "warning" / "预警",
        /// 超期: past the deadline.
        Overdue = "overdue" / "超期",
    }
}

/// When a case turns 预警: when `min_days` working days or `percent` of the
/// limit are left, whichever is more. A county sets its own; the default is
/// one working day or 20%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningRule {
    /// Warn when at most this many working days are left.
    pub min_days: u32,
    /// …or when at most this percentage of the limit is left.
    pub percent: u32,
}

impl Default for WarningRule {
    fn default() -> Self {
        Self {
            min_days: 1,
            percent: 20,
        }
    }
}

impl WarningRule {
    /// Working days left at which a case of this limit turns 预警.
    pub fn threshold(&self, limit: WorkingDays) -> u32 {
        let share = (u64::from(limit.get()) * u64::from(self.percent)).div_ceil(100);
        self.min_days.max(u32::try_from(share).unwrap_or(u32::MAX))
    }
}

/// One clock of a case, as of a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CaseClock {
    /// The limit this clock counts against.
    pub limit: WorkingDays,
    /// Working days used, suspensions left out.
    pub used: u32,
    /// Working days left (0 once the deadline is reached or passed).
    pub remaining: u32,
    /// The last day to conclude on time, moved by suspensions.
    pub deadline: NaiveDate,
    /// The first day the case counts as 预警.
    pub warn_from: NaiveDate,
    /// True when the deadline lies in a year whose holidays are not loaded.
    pub provisional: bool,
    /// True while the case is suspended (the deadline moves day by day).
    pub paused: bool,
    /// 正常, 预警 or 超期; for a concluded case, whether it concluded in time.
    pub status: SlaStatus,
}

impl CaseClock {
    /// Working days used past the limit: how far over an overdue case is
    /// (0 while within it).
    pub fn over(&self) -> u32 {
        self.used.saturating_sub(self.limit.get())
    }

    /// How the time left reads for a person: 剩 N 个工作日 within the limit,
    /// 今日到期 on its last day, 超期 N 个工作日 past it.
    pub fn time_left_zh(&self) -> String {
        match (self.status, self.remaining, self.over()) {
            (SlaStatus::Overdue, _, 0) => "已过期限".to_owned(),
            (SlaStatus::Overdue, _, over) => format!("超期 {over} 个工作日"),
            (_, 0, _) => "今日到期".to_owned(),
            (_, left, _) => format!("剩 {left} 个工作日"),
        }
    }
}

fn as_calendar_suspensions(s: &[SuspensionRecord]) -> Vec<Suspension> {
    s.iter()
        .map(|s| Suspension {
            from: s.from,
            to: s.to,
        })
        .collect()
}

impl CaseClock {
    /// The clock of a case accepted on `accepted` against `limit`, as of
    /// `today` (or as of the day it concluded, if it has).
    pub fn compute(
        accepted: NaiveDate,
        limit: WorkingDays,
        suspensions: &[SuspensionRecord],
        concluded_on: Option<NaiveDate>,
        today: NaiveDate,
        calendar: &Calendar,
        rule: WarningRule,
    ) -> CaseClock {
        let end = concluded_on.unwrap_or(today);
        let paused = concluded_on.is_none() && suspensions.last().is_some_and(|s| s.to.is_none());
        let stops = as_calendar_suspensions(suspensions);
        let used = calendar.clock(accepted, end, &stops);
        // Working days inside suspensions after acceptance push the deadline back.
        let elapsed = calendar.count_workdays(accepted + Days::new(1), end);
        let suspended = elapsed.value.saturating_sub(used.value);
        let deadline =
            calendar.add_workdays(accepted, WorkingDays(limit.get().saturating_add(suspended)));
        let threshold = rule.threshold(limit);
        let warn_from = if limit.get() > threshold {
            calendar
                .add_workdays(accepted, WorkingDays(limit.get() - threshold + suspended))
                .value
        } else {
            accepted
        };
        let status = if end > deadline.value {
            SlaStatus::Overdue
        } else if concluded_on.is_none() && end >= warn_from {
            SlaStatus::Warning
        } else {
            SlaStatus::Normal
        };
        CaseClock {
            limit,
            used: used.value,
            remaining: limit.get().saturating_sub(used.value),
            deadline: deadline.value,
            warn_from,
            provisional: deadline.provisional || used.provisional,
            paused,
            status,
        }
    }
}

/// The clock columns a case is listed and filtered by (stored beside it):
/// what [`Case::clock_index`] computes as of a change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ClockIndex {
    /// The promised deadline; `None` before acceptance and while suspended.
    pub deadline: Option<NaiveDate>,
    /// The first 预警 day.
    pub warn_from: Option<NaiveDate>,
    /// The statutory deadline.
    pub statutory_deadline: Option<NaiveDate>,
    /// A concluded case that concluded after its deadline.
    pub concluded_late: bool,
    /// 容缺 materials are owed by this date (none once supplied or flagged broken).
    pub supplement_by: Option<NaiveDate>,
}

impl Case {
    /// The clock columns as of `today`: the running deadline and its first
    /// 预警 day (none while suspended or once concluded), the statutory
    /// deadline, whether it concluded late, and the date owed 容缺
    /// materials are due (none once supplied, flagged broken, or the case final).
    pub fn clock_index(
        &self,
        today: NaiveDate,
        calendar: &Calendar,
        rule: WarningRule,
    ) -> ClockIndex {
        let promised = self.promised_clock(today, calendar, rule);
        let statutory = self.statutory_clock(today, calendar, rule);
        let running = promised.filter(|c| !c.paused && self.concluded_on.is_none());
        let owed = self
            .deficiency
            .as_ref()
            .filter(|d| d.supplied_on.is_none() && !d.broken && !self.state.is_final());
        ClockIndex {
            deadline: running.map(|c| c.deadline),
            warn_from: running.map(|c| c.warn_from),
            statutory_deadline: statutory.map(|c| c.deadline),
            concluded_late: self.concluded_on.is_some()
                && promised.is_some_and(|c| c.status == SlaStatus::Overdue),
            supplement_by: owed.map(|d| d.supplement_by),
        }
    }

    /// The promised-limit clock (承诺时限), once the case is accepted.
    pub fn promised_clock(
        &self,
        today: NaiveDate,
        calendar: &Calendar,
        rule: WarningRule,
    ) -> Option<CaseClock> {
        self.clock_for(self.promised_limit, today, calendar, rule)
    }

    /// The statutory-limit clock (法定时限), once the case is accepted.
    pub fn statutory_clock(
        &self,
        today: NaiveDate,
        calendar: &Calendar,
        rule: WarningRule,
    ) -> Option<CaseClock> {
        self.clock_for(self.statutory_limit, today, calendar, rule)
    }

    fn clock_for(
        &self,
        limit: WorkingDays,
        today: NaiveDate,
        calendar: &Calendar,
        rule: WarningRule,
    ) -> Option<CaseClock> {
        let accepted = self.accepted_on?;
        Some(CaseClock::compute(
            accepted,
            limit,
            &self.suspensions,
            self.concluded_on,
            today,
            calendar,
            rule,
        ))
    }

    /// A step's deadline: its own limit counted from the day its stage opened.
    pub fn step_deadline(&self, index: usize, calendar: &Calendar) -> Option<NaiveDate> {
        let step = self.steps.get(index)?;
        Some(calendar.add_workdays(step.opened_on?, step.limit).value)
    }
}
