//! One hotline ticket and the pure function that moves it on.

use super::{Limits, TicketChannel, TicketLimits, TicketState, TicketType, Urgency};
use crate::calendar::Calendar;
use crate::catalog::WorkingDays;
use crate::evaluation::Rating;
use crate::time::local_date;
use crate::unit::Role;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// A unit sending a ticket back (退单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendBack {
    /// The unit.
    pub unit: String,
    /// Why it is not theirs.
    pub reason: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A request for more time (延期), approved or refused by the hotline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    /// Working days asked for.
    pub days: u32,
    /// Why.
    pub reason: String,
    /// `None` while pending.
    pub approved: Option<bool>,
}

/// The hotline's callback to the caller (回访).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketCallback {
    /// When.
    pub at: DateTime<Utc>,
    /// The caller's satisfaction.
    pub satisfaction: Rating,
    /// Whether the caller's problem was solved.
    pub resolved: bool,
    /// What the caller said.
    pub note: String,
}

/// A hotline ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// 咨询, 求助, 投诉, 举报 or 建议.
    pub kind: TicketType,
    /// How it came in.
    pub channel: TicketChannel,
    /// How urgent.
    pub urgency: Urgency,
    /// The subject area, e.g. 劳动保障监察 (for figures such as on-time closure of labour complaints).
    #[serde(default)]
    pub category: String,
    /// The caller's name.
    pub caller_name: String,
    /// The caller's phone.
    pub caller_phone: String,
    /// Where it happened.
    #[serde(default)]
    pub location: String,
    /// Latitude and longitude, when known.
    #[serde(default)]
    pub position: Option<(f64, f64)>,
    /// What the caller said.
    pub text: String,
    /// Where it stands.
    pub state: TicketState,
    /// Registered at.
    pub registered_at: DateTime<Utc>,
    /// The lead unit (主办).
    #[serde(default)]
    pub lead_unit: Option<String>,
    /// Co-operating units (协办).
    #[serde(default)]
    pub co_units: Vec<String>,
    /// The first dispatch: the closure clock runs from here.
    #[serde(default)]
    pub first_dispatched_at: Option<DateTime<Utc>>,
    /// The latest dispatch: the signing and response clocks run from here.
    #[serde(default)]
    pub dispatched_at: Option<DateTime<Utc>>,
    /// 签收 time.
    #[serde(default)]
    pub signed_at: Option<DateTime<Utc>>,
    /// First response to the caller (start of handling or the reply).
    #[serde(default)]
    pub responded_at: Option<DateTime<Utc>>,
    /// The reply to the caller.
    #[serde(default)]
    pub reply: String,
    /// Replied at.
    #[serde(default)]
    pub replied_at: Option<DateTime<Utc>>,
    /// Every send-back.
    #[serde(default)]
    pub send_backs: Vec<SendBack>,
    /// Set when the supervisor settled who handles it; no more send-backs.
    #[serde(default)]
    pub settled: bool,
    /// Extension requests.
    #[serde(default)]
    pub extensions: Vec<Extension>,
    /// The callback.
    #[serde(default)]
    pub callback: Option<TicketCallback>,
    /// Closed at.
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    /// The ticket this one was merged into.
    #[serde(default)]
    pub merged_into: Option<i64>,
}

/// What someone does to a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TicketAction {
    /// The hotline dispatches it (派单).
    Dispatch {
        /// The lead unit.
        lead_unit: String,
        /// Co-operating units.
        #[serde(default)]
        co_units: Vec<String>,
    },
    /// The lead unit signs for it (签收).
    Sign,
    /// The lead unit starts handling it (and has contacted the caller).
    StartHandling,
    /// The lead unit replies (答复).
    Reply {
        /// The reply.
        text: String,
    },
    /// The lead unit sends it back (退单).
    SendBack {
        /// Why.
        reason: String,
    },
    /// The supervisor settles a ticket sent back twice.
    Settle {
        /// The unit that must handle it.
        lead_unit: String,
    },
    /// The lead unit asks for more time.
    RequestExtension {
        /// Working days.
        days: u32,
        /// Why.
        reason: String,
    },
    /// The hotline approves or refuses the pending extension.
    DecideExtension {
        /// Approve?
        approve: bool,
    },
    /// The hotline calls the caller back (回访).
    CallBack {
        /// Satisfaction.
        satisfaction: Rating,
        /// Solved?
        resolved: bool,
        /// What the caller said.
        note: String,
    },
    /// The hotline closes it (办结).
    Close,
    /// The hotline merges it into another ticket on the same matter (并单).
    MergeInto {
        /// The ticket it joins.
        ticket: i64,
    },
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    /// Not possible in this state.
    #[error("工单当前状态“{0}”下不能执行此操作")]
    IllegalTransition(&'static str),
    /// The acting unit does not hold the ticket.
    #[error("本单位不是该工单的承办单位")]
    NotHolder,
    /// The role may not do this.
    #[error("当前角色无权执行此操作")]
    Forbidden,
    /// A required text is empty.
    #[error("须填写{0}")]
    Required(&'static str),
    /// Settled by the supervisor: it can no longer be sent back.
    #[error("该工单已由督办裁定承办单位，不能再退单")]
    Settled,
    /// No extension is pending, or one already is.
    #[error("延期申请状态不符")]
    Extension,
    /// An extension of no days, or of more than the county allows.
    #[error("延期天数须为 1–{0} 个工作日")]
    ExtensionDays(u32),
}

impl TicketError {
    /// The stable code the API returns.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            TicketError::IllegalTransition(_) => crate::ErrorCode::IllegalTransition,
            TicketError::NotHolder => crate::ErrorCode::NotHolder,
            TicketError::Forbidden => crate::ErrorCode::Forbidden,
            TicketError::Required(_) => crate::ErrorCode::ReasonRequired,
            TicketError::Settled => crate::ErrorCode::TicketSettled,
            TicketError::Extension => crate::ErrorCode::ExtensionState,
            TicketError::ExtensionDays(_) => crate::ErrorCode::ExtensionDaysOutOfRange,
        }
    }
}

/// What happened, for the ticket's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketEvent {
    /// The state before.
    pub from: TicketState,
    /// The state after.
    pub to: TicketState,
}

fn required(text: &str, what: &'static str) -> Result<String, TicketError> {
    if text.trim().is_empty() {
        Err(TicketError::Required(what))
    } else {
        Ok(text.trim().to_owned())
    }
}

impl Ticket {
    /// Who may take `action`: the hotline agent, the holding unit's staff, or the supervisor.
    pub fn role_may(action: &TicketAction, role: Role) -> bool {
        use TicketAction as A;
        match action {
            A::Dispatch { .. }
            | A::DecideExtension { .. }
            | A::CallBack { .. }
            | A::Close
            | A::MergeInto { .. } => role == Role::HotlineAgent,
            A::Settle { .. } => role == Role::Supervisor,
            A::Sign
            | A::StartHandling
            | A::Reply { .. }
            | A::SendBack { .. }
            | A::RequestExtension { .. } => {
                matches!(role, Role::Approver | Role::DepartmentHead)
            }
        }
    }

    /// Refuses an action its taker may not take: a role that never takes
    /// it, or a unit's action by a unit that does not hold the ticket.
    fn authorize(&self, action: &TicketAction, role: Role, unit: &str) -> Result<(), TicketError> {
        use TicketAction as A;
        if !Self::role_may(action, role) {
            return Err(TicketError::Forbidden);
        }
        let unit_action = matches!(
            action,
            A::Sign
                | A::StartHandling
                | A::Reply { .. }
                | A::SendBack { .. }
                | A::RequestExtension { .. }
        );
        if unit_action && self.lead_unit.as_deref() != Some(unit) {
            return Err(TicketError::NotHolder);
        }
        Ok(())
    }

    /// Applies `action` by `role` acting for `unit` at `now`, under the
    /// county's ticket `limits` (an extension asks for 1 to
    /// `max_extension_days` working days).
    pub fn apply(
        &self,
        action: &TicketAction,
        role: Role,
        unit: &str,
        now: DateTime<Utc>,
        limits: &TicketLimits,
    ) -> Result<(Ticket, TicketEvent), TicketError> {
        use TicketAction as A;
        use TicketState as S;
        self.authorize(action, role, unit)?;
        let mut t = self.clone();
        match (self.state, action) {
            (
                S::Registered | S::Returned,
                A::Dispatch {
                    lead_unit,
                    co_units,
                },
            ) => {
                t.lead_unit = Some(required(lead_unit, "承办单位")?);
                t.co_units = co_units.clone();
                t.first_dispatched_at.get_or_insert(now);
                t.redispatch(now);
            }
            (S::Dispatched, A::Sign) => {
                t.signed_at = Some(now);
                t.state = S::Signed;
            }
            (S::Signed, A::StartHandling) => {
                t.responded_at.get_or_insert(now);
                t.state = S::Handling;
            }
            (S::Signed | S::Handling, A::Reply { text }) => t.reply_with(text, now)?,
            (S::Dispatched | S::Signed, A::SendBack { reason }) => {
                t.send_back(unit, reason, now)?
            }
            (S::Escalated, A::Settle { lead_unit }) => {
                t.lead_unit = Some(required(lead_unit, "承办单位")?);
                t.settled = true;
                t.redispatch(now);
            }
            (S::Dispatched | S::Signed | S::Handling, A::RequestExtension { days, reason }) => {
                t.request_extension(*days, reason, limits)?;
            }
            (_, A::DecideExtension { approve }) => t.decide_extension(*approve)?,
            (
                S::Replied,
                A::CallBack {
                    satisfaction,
                    resolved,
                    note,
                },
            ) => {
                t.callback = Some(TicketCallback {
                    at: now,
                    satisfaction: *satisfaction,
                    resolved: *resolved,
                    note: required(note, "回访记录")?,
                });
                t.state = S::CalledBack;
            }
            (S::CalledBack, A::Close) => {
                t.closed_at = Some(now);
                t.state = S::Closed;
            }
            (S::Registered | S::Dispatched | S::Returned, A::MergeInto { ticket }) => {
                t.merged_into = Some(*ticket);
                t.closed_at = Some(now);
                t.state = S::Merged;
            }
            _ => return Err(TicketError::IllegalTransition(self.state.label_zh())),
        }
        let event = TicketEvent {
            from: self.state,
            to: t.state,
        };
        Ok((t, event))
    }

    /// 答复: the unit's answer to the caller.
    fn reply_with(&mut self, text: &str, now: DateTime<Utc>) -> Result<(), TicketError> {
        self.reply = required(text, "答复内容")?;
        self.responded_at.get_or_insert(now);
        self.replied_at = Some(now);
        self.state = TicketState::Replied;
        Ok(())
    }

    /// In a unit's hands again (dispatched or settled): the sign and
    /// respond clocks restart.
    fn redispatch(&mut self, now: DateTime<Utc>) {
        self.dispatched_at = Some(now);
        self.signed_at = None;
        self.state = TicketState::Dispatched;
    }

    /// 退单: back to the hotline, or to the supervisor after the second time.
    fn send_back(
        &mut self,
        unit: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), TicketError> {
        if self.settled {
            return Err(TicketError::Settled);
        }
        self.send_backs.push(SendBack {
            unit: unit.to_owned(),
            reason: required(reason, "退单理由")?,
            at: now,
        });
        self.lead_unit = None;
        self.state = if self.send_backs.len() >= 2 {
            TicketState::Escalated
        } else {
            TicketState::Returned
        };
        Ok(())
    }

    fn decide_extension(&mut self, approve: bool) -> Result<(), TicketError> {
        let pending = self
            .extensions
            .iter_mut()
            .find(|e| e.approved.is_none())
            .ok_or(TicketError::Extension)?;
        pending.approved = Some(approve);
        Ok(())
    }

    fn request_extension(
        &mut self,
        days: u32,
        reason: &str,
        limits: &TicketLimits,
    ) -> Result<(), TicketError> {
        if !(1..=limits.max_extension_days).contains(&days) {
            return Err(TicketError::ExtensionDays(limits.max_extension_days));
        }
        if self.extensions.iter().any(|e| e.approved.is_none()) {
            return Err(TicketError::Extension);
        }
        self.extensions.push(Extension {
            days,
            reason: required(reason, "延期理由")?,
            approved: None,
        });
        Ok(())
    }

    /// Working days granted by approved extensions.
    pub fn extension_days(&self) -> u32 {
        self.extensions
            .iter()
            .filter(|e| e.approved == Some(true))
            .map(|e| e.days)
            .sum()
    }

    /// The last moment to sign, to respond, and the last day to close, once dispatched.
    pub fn deadlines(
        &self,
        limits: Limits,
        calendar: &Calendar,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>, NaiveDate)> {
        let dispatched = self.dispatched_at?;
        let first = self.first_dispatched_at.unwrap_or(dispatched);
        let close = calendar
            .add_workdays(
                local_date(first),
                WorkingDays(limits.close_days + self.extension_days()),
            )
            .value;
        Some((
            dispatched + TimeDelta::hours(i64::from(limits.sign_hours)),
            dispatched + TimeDelta::hours(i64::from(limits.respond_hours)),
            close,
        ))
    }

    /// Signed within its limit (`None` while not yet signed and not yet late).
    pub fn signed_on_time(
        &self,
        limits: Limits,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Option<bool> {
        let (sign_by, _, _) = self.deadlines(limits, calendar)?;
        match self.signed_at {
            Some(at) => Some(at <= sign_by),
            None if now > sign_by => Some(false),
            None => None,
        }
    }

    /// Responded within its limit (`None` while pending and not yet late).
    pub fn responded_on_time(
        &self,
        limits: Limits,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Option<bool> {
        let (_, respond_by, _) = self.deadlines(limits, calendar)?;
        match self.responded_at {
            Some(at) => Some(at <= respond_by),
            None if now > respond_by => Some(false),
            None => None,
        }
    }

    /// Closed by its close date (`None` while open and not yet late).
    pub fn closed_on_time(
        &self,
        limits: Limits,
        calendar: &Calendar,
        now: DateTime<Utc>,
    ) -> Option<bool> {
        if self.state == TicketState::Merged {
            return None;
        }
        let (_, _, close_by) = self.deadlines(limits, calendar)?;
        match self.closed_at {
            Some(at) => Some(local_date(at) <= close_by),
            None if local_date(now) > close_by => Some(false),
            None => None,
        }
    }
}
