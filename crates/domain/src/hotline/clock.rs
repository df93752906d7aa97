//! Where a ticket's clock stands as of an instant: 未派单, 正常, 预警, 超时
//! or 已停止. Pages, the API and Open311 all read it from here.

use super::{Limits, Ticket, TicketState};
use crate::calendar::Calendar;
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// A ticket's clock status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Not dispatched yet: no clock.
    NotStarted,
    /// Within every limit.
    Normal,
    /// The close day is today or tomorrow, or signing is due within the hour.
    Warning,
    /// A limit has passed: signing, the first response, or closure.
    Overdue,
    /// Closed or merged: the clock has stopped.
    Stopped,
}

impl ClockStatus {
    /// The label shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            ClockStatus::NotStarted => "未派单",
            ClockStatus::Normal => "正常",
            ClockStatus::Warning => "预警",
            ClockStatus::Overdue => "超时",
            ClockStatus::Stopped => "已停止",
        }
    }
}

impl Ticket {
    /// The clock status as of `now`.
    pub fn clock_status(
        &self,
        limits: Limits,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> ClockStatus {
        if matches!(self.state, TicketState::Closed | TicketState::Merged) {
            return ClockStatus::Stopped;
        }
        let Some((sign_by, _, close_by)) = self.deadlines(limits, calendar) else {
            return ClockStatus::NotStarted;
        };
        let late = self.signed_at.is_none()
            && self.signed_on_time(limits, calendar, now) == Some(false)
            || self.responded_at.is_none()
                && self.responded_on_time(limits, calendar, now) == Some(false)
            || self.closed_on_time(limits, calendar, now) == Some(false);
        let today = crate::time::local_date(now);
        if late {
            ClockStatus::Overdue
        } else if close_by <= today + TimeDelta::days(1)
            || self.signed_at.is_none() && sign_by - now <= TimeDelta::hours(1)
        {
            ClockStatus::Warning
        } else {
            ClockStatus::Normal
        }
    }
}
