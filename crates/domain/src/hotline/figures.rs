//! The hotline's figures, per unit or overall: 响应率, 解决率, 满意率 and
//! on-time closure (按时办结率; the seed asks 100% for 劳动保障监察 complaints).
//! Computed here and nowhere else.

use super::{Ticket, TicketLimits, TicketState};
use crate::calendar::Calendar;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// The figures of a set of tickets as of an instant. Each rate is `None`
/// when nothing counts toward it yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct HotlineFigures {
    /// Tickets dispatched (merged ones excluded).
    pub dispatched: usize,
    /// 响应率: responded within the limit / responded or past the limit.
    pub response_rate: Option<f64>,
    /// 解决率: resolved at the callback / called back.
    pub solve_rate: Option<f64>,
    /// 满意率: 非常满意, 满意 or 基本满意 at the callback / called back.
    pub satisfaction_rate: Option<f64>,
    /// 按时办结率: closed by the close date / closed or past the close date.
    pub on_time_rate: Option<f64>,
}

fn rate(hits: usize, of: usize) -> Option<f64> {
    (of > 0).then(|| hits as f64 / of as f64)
}

/// The figures of `tickets` as of `now`.
pub fn figures<'a>(
    tickets: impl IntoIterator<Item = &'a Ticket>,
    limits: &TicketLimits,
    calendar: &Calendar,
    now: DateTime<Utc>,
) -> HotlineFigures {
    let (mut dispatched, mut responded, mut responded_ok) = (0, 0, 0);
    let (mut called, mut resolved, mut satisfied) = (0, 0, 0);
    let (mut due, mut on_time) = (0, 0);
    for t in tickets {
        if t.first_dispatched_at.is_none() || t.state == TicketState::Merged {
            continue;
        }
        dispatched += 1;
        let l = limits.of(t.kind, t.urgency);
        if let Some(ok) = t.responded_on_time(l, calendar, now) {
            responded += 1;
            responded_ok += usize::from(ok);
        }
        if let Some(cb) = &t.callback {
            called += 1;
            resolved += usize::from(cb.resolved);
            satisfied += usize::from(cb.satisfaction.is_satisfied());
        }
        if let Some(ok) = t.closed_on_time(l, calendar, now) {
            due += 1;
            on_time += usize::from(ok);
        }
    }
    HotlineFigures {
        dispatched,
        response_rate: rate(responded_ok, responded),
        solve_rate: rate(resolved, called),
        satisfaction_rate: rate(satisfied, called),
        on_time_rate: rate(on_time, due),
    }
}
