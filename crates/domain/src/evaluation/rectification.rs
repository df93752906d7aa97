//! The rectification order (整改) a 差评 opens: the responsible unit verifies
//! and puts it right (or shows it cannot, or appeals it as 无效差评, which the
//! supervisor must uphold), and nothing closes until the supervisor has
//! called the applicant back (回访) and recorded what they said.

use super::EvaluationRules;
use crate::calendar::Calendar;
use crate::catalog::WorkingDays;
use crate::unit::{Role, labelled_enum};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled_enum! {
    /// Where an order stands.
    RectificationState {
        /// 待核实: the unit checks what the applicant complained of.
        Verifying = "verifying" / "待核实",
        /// 整改中
        Rectifying = "rectifying" / "整改中",
        /// 申诉中: the unit appealed it as 无效差评; the supervisor decides.
        Appealed = "appealed" / "申诉中",
        /// 已整改, awaiting the supervisor's callback.
        Rectified = "rectified" / "已整改（待回访）",
        /// 无法整改 (with a reason), awaiting the supervisor's callback.
        CannotRectify = "cannot_rectify" / "无法整改（待回访）",
        /// 已办结.
        Closed = "closed" / "已办结",
    }
}

labelled_enum! {
    /// How a closed order ended.
    Outcome {
        /// 已整改
        Rectified = "rectified" / "已整改",
        /// 无法整改
        CannotRectify = "cannot_rectify" / "无法整改",
        /// 无效差评 (appeal upheld by the supervisor)
        Invalid = "invalid" / "无效差评",
    }
}

/// The supervisor's call back to the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    /// The day of the call.
    pub on: NaiveDate,
    /// Who called.
    pub by: String,
    /// What the applicant said.
    pub applicant_said: String,
    /// Whether the applicant is satisfied with how it was handled.
    pub satisfied: bool,
}

/// One rectification order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rectification {
    /// Where it stands.
    pub state: RectificationState,
    /// The responsible unit.
    pub unit: String,
    /// Opened on.
    pub opened_on: NaiveDate,
    /// Due by (working days from opening).
    pub deadline: NaiveDate,
    /// What the unit found when verifying.
    #[serde(default)]
    pub finding: String,
    /// What was done to put it right.
    #[serde(default)]
    pub measures: String,
    /// Why it cannot be put right, or why it is an invalid review.
    #[serde(default)]
    pub reason: String,
    /// The supervisor's note on an appeal.
    #[serde(default)]
    pub supervisor_note: String,
    /// The callback, once made.
    #[serde(default)]
    pub callback: Option<Callback>,
    /// How it ended, once closed.
    #[serde(default)]
    pub outcome: Option<Outcome>,
    /// Closed on.
    #[serde(default)]
    pub closed_on: Option<NaiveDate>,
}

/// What the unit or the supervisor does to an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RectificationAction {
    /// The unit has verified the complaint and starts putting it right.
    Verify {
        /// What it found.
        finding: String,
    },
    /// The unit appeals the review as 无效差评 (e.g. malicious, not about this service).
    Appeal {
        /// Why.
        reason: String,
    },
    /// The supervisor upholds the appeal: the review is invalid; the order closes.
    UpholdAppeal {
        /// The supervisor's note.
        note: String,
    },
    /// The supervisor rejects the appeal: the unit must put it right.
    RejectAppeal {
        /// The supervisor's note.
        note: String,
    },
    /// The unit reports it put things right.
    ReportRectified {
        /// What it did.
        measures: String,
    },
    /// The unit reports it cannot put things right.
    ReportCannot {
        /// Why.
        reason: String,
    },
    /// The supervisor called the applicant back; this closes the order.
    CallBack {
        /// What the applicant said.
        applicant_said: String,
        /// Whether they are satisfied.
        satisfied: bool,
    },
}

impl RectificationAction {
    /// Who takes this action: the responsible unit's staff or the supervisor.
    pub fn taken_by_supervisor(&self) -> bool {
        matches!(
            self,
            Self::UpholdAppeal { .. } | Self::RejectAppeal { .. } | Self::CallBack { .. }
        )
    }

    /// Whether `role` may take this action.
    pub fn allowed_for(&self, role: Role) -> bool {
        if self.taken_by_supervisor() {
            role == Role::Supervisor
        } else {
            matches!(
                role,
                Role::Approver | Role::DepartmentHead | Role::WindowClerk
            )
        }
    }
}

/// Why an action on an order was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RectificationError {
    /// Not possible in the order's state.
    #[error("整改单当前状态“{state}”下不能执行此操作")]
    IllegalTransition {
        /// The state's Chinese label.
        state: &'static str,
    },
    /// A required text is empty.
    #[error("须填写{0}")]
    Required(&'static str),
}

impl RectificationError {
    /// The stable code the API returns.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            RectificationError::IllegalTransition { .. } => crate::ErrorCode::IllegalTransition,
            RectificationError::Required(_) => crate::ErrorCode::ReasonRequired,
        }
    }
}

fn required(text: &str, what: &'static str) -> Result<String, RectificationError> {
    if text.trim().is_empty() {
        Err(RectificationError::Required(what))
    } else {
        Ok(text.trim().to_owned())
    }
}

impl Rectification {
    /// 无效差评: the supervisor upheld the unit's appeal; the 差评 counts nowhere.
    pub fn found_invalid(&self) -> bool {
        self.outcome == Some(Outcome::Invalid)
    }

    /// Closed as 已整改: what 差评整改率 counts.
    pub fn rectified(&self) -> bool {
        self.outcome == Some(Outcome::Rectified)
    }

    /// Reported 已整改 or 无法整改 (or closed so): the applicant must be
    /// called back (回访率's denominator).
    pub fn needs_callback(&self) -> bool {
        matches!(
            self.state,
            RectificationState::Rectified | RectificationState::CannotRectify
        ) || matches!(
            self.outcome,
            Some(Outcome::Rectified | Outcome::CannotRectify)
        )
    }

    /// The applicant was called back (回访).
    pub fn called_back(&self) -> bool {
        self.callback.is_some()
    }
}

impl Rectification {
    /// Opens an order for `unit` on `today`, due the configured number of working days later.
    pub fn open(unit: &str, today: NaiveDate, calendar: &Calendar, rules: EvaluationRules) -> Self {
        Self {
            state: RectificationState::Verifying,
            unit: unit.to_owned(),
            opened_on: today,
            deadline: calendar
                .add_workdays(today, WorkingDays(rules.rectification_days))
                .value,
            finding: String::new(),
            measures: String::new(),
            reason: String::new(),
            supervisor_note: String::new(),
            callback: None,
            outcome: None,
            closed_on: None,
        }
    }

    /// Overdue: not yet reported as rectified or not rectifiable (nor closed) after its deadline.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        use RectificationState as S;
        matches!(self.state, S::Verifying | S::Rectifying | S::Appealed) && today > self.deadline
    }

    /// Applies an action taken on `today` by `who`.
    pub fn apply(
        &self,
        action: &RectificationAction,
        today: NaiveDate,
        who: &str,
    ) -> Result<Self, RectificationError> {
        use RectificationAction as A;
        use RectificationState as S;
        let mut next = self.clone();
        match (self.state, action) {
            (S::Verifying, A::Verify { finding }) => {
                next.finding = required(finding, "核实情况")?;
                next.state = S::Rectifying;
            }
            (S::Verifying | S::Rectifying, A::Appeal { reason }) => {
                next.reason = required(reason, "申诉理由")?;
                next.state = S::Appealed;
            }
            (S::Appealed, A::UpholdAppeal { note }) => {
                next.supervisor_note = required(note, "督办意见")?;
                next.state = S::Closed;
                next.outcome = Some(Outcome::Invalid);
                next.closed_on = Some(today);
            }
            (S::Appealed, A::RejectAppeal { note }) => {
                next.supervisor_note = required(note, "督办意见")?;
                next.state = S::Rectifying;
            }
            (S::Rectifying, A::ReportRectified { measures }) => {
                next.measures = required(measures, "整改措施")?;
                next.state = S::Rectified;
            }
            (S::Verifying | S::Rectifying, A::ReportCannot { reason }) => {
                next.reason = required(reason, "无法整改的原因")?;
                next.state = S::CannotRectify;
            }
            (
                S::Rectified | S::CannotRectify,
                A::CallBack {
                    applicant_said,
                    satisfied,
                },
            ) => {
                next.callback = Some(Callback {
                    on: today,
                    by: who.to_owned(),
                    applicant_said: required(applicant_said, "回访记录")?,
                    satisfied: *satisfied,
                });
                next.outcome = Some(if self.state == S::Rectified {
                    Outcome::Rectified
                } else {
                    Outcome::CannotRectify
                });
                next.state = S::Closed;
                next.closed_on = Some(today);
            }
            _ => {
                return Err(RectificationError::IllegalTransition {
                    state: self.state.label_zh(),
                });
            }
        }
        Ok(next)
    }
}
