//! Who may do what to a case: one rule, used by the pages to show only the
//! actions a user may take and by the service layer to refuse the others.

use super::{Case, CaseState};
use crate::unit::Role;

/// The kinds of action, without their data (see [`super::Action`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// 受理
    Accept,
    /// 容缺受理
    AcceptWithDeficiency,
    /// 一次性告知
    NotifyOnce,
    /// Resubmit after a one-time notice.
    Resubmit,
    /// 不予受理
    NotAccept,
    /// Complete a back-office step.
    CompleteStep,
    /// Supply materials.
    Supplement,
    /// Stop the clock.
    Suspend,
    /// Restart the clock.
    Resume,
    /// 准予 / 不予许可
    Decide,
    /// Issue the result.
    Issue,
    /// Hand the result over.
    Deliver,
    /// Withdraw the application.
    Withdraw,
    /// The daily sweep.
    FlagOverdueSupplement,
}

impl super::Action {
    /// The action's kind.
    pub fn kind(&self) -> ActionKind {
        use super::Action as A;
        match self {
            A::Accept { .. } => ActionKind::Accept,
            A::AcceptWithDeficiency { .. } => ActionKind::AcceptWithDeficiency,
            A::NotifyOnce { .. } => ActionKind::NotifyOnce,
            A::Resubmit => ActionKind::Resubmit,
            A::NotAccept { .. } => ActionKind::NotAccept,
            A::CompleteStep { .. } => ActionKind::CompleteStep,
            A::Supplement { .. } => ActionKind::Supplement,
            A::Suspend { .. } => ActionKind::Suspend,
            A::Resume => ActionKind::Resume,
            A::Decide { .. } => ActionKind::Decide,
            A::Issue { .. } => ActionKind::Issue,
            A::Deliver { .. } => ActionKind::Deliver,
            A::Withdraw { .. } => ActionKind::Withdraw,
            A::FlagOverdueSupplement => ActionKind::FlagOverdueSupplement,
        }
    }
}

/// Which action kinds a role may take at all:
/// - the window (窗口) decides intake, takes supplements and withdrawals at
///   the counter, and hands results out (综合窗口出件);
/// - approvers review: complete their steps, ask for 补正 or a special
///   procedure, decline to accept;
/// - department heads also decide and issue;
/// - applicants resubmit, supplement and withdraw their own applications;
/// - nobody but the platform runs the daily sweep.
pub fn role_may(role: Role, kind: ActionKind) -> bool {
    use ActionKind as K;
    match role {
        Role::WindowClerk => matches!(
            kind,
            K::Accept
                | K::AcceptWithDeficiency
                | K::NotifyOnce
                | K::Resubmit
                | K::Supplement
                | K::Deliver
                | K::Withdraw
        ),
        Role::Approver => matches!(
            kind,
            K::CompleteStep | K::Suspend | K::Resume | K::NotAccept
        ),
        Role::DepartmentHead => matches!(
            kind,
            K::CompleteStep
                | K::Suspend
                | K::Resume
                | K::NotAccept
                | K::Decide
                | K::Issue
                | K::Deliver
        ),
        Role::Applicant => matches!(kind, K::Resubmit | K::Supplement | K::Withdraw),
        Role::Supervisor | Role::HotlineAgent | Role::Inspector | Role::Admin => false,
    }
}

/// The actions `role` (acting for `unit`) may offer on `case` now: allowed
/// for the role, possible in the case's state, and for step actions, only
/// on steps the unit holds.
pub fn offered(case: &Case, role: Role, unit: &str) -> Vec<ActionKind> {
    use ActionKind as K;
    use CaseState as S;
    let possible: &[ActionKind] = match case.state {
        S::Submitted => &[
            K::Accept,
            K::AcceptWithDeficiency,
            K::NotifyOnce,
            K::NotAccept,
            K::Withdraw,
        ],
        S::Noticed => &[
            K::Accept,
            K::AcceptWithDeficiency,
            K::NotifyOnce,
            K::Resubmit,
            K::NotAccept,
            K::Withdraw,
        ],
        S::InReview => &[
            K::CompleteStep,
            K::Supplement,
            K::Suspend,
            K::Decide,
            K::NotAccept,
            K::Withdraw,
        ],
        S::Suspended => &[K::Resume, K::Supplement, K::Withdraw],
        S::Approved => &[K::Issue, K::Supplement],
        S::Issued => &[K::Deliver],
        S::Delivered | S::Refused | S::NotAccepted | S::Withdrawn => &[],
    };
    let holds_open_step = case
        .steps
        .iter()
        .any(|s| s.unit == unit && s.opened_on.is_some() && s.done_on.is_none());
    let all_steps_done = case.steps.iter().all(|s| s.done_on.is_some());
    let owes = case
        .deficiency
        .as_ref()
        .is_some_and(|d| d.supplied_on.is_none());
    let supplement_due = owes
        || case
            .suspensions
            .last()
            .is_some_and(|s| s.to.is_none() && s.kind == super::SuspensionKind::Supplement);
    possible
        .iter()
        .copied()
        .filter(|k| role_may(role, *k))
        .filter(|k| match k {
            K::CompleteStep => holds_open_step,
            K::Decide => all_steps_done && unit == case.unit,
            K::Issue | K::NotAccept => unit == case.unit,
            K::Suspend | K::Resume => unit == case.unit || holds_open_step,
            K::Supplement => supplement_due,
            _ => true,
        })
        .collect()
}
