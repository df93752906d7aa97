//! Who may do what to a case: one rule, used by the pages to show only the
//! actions a user may take and by the service layer to refuse the others.

use super::transition::Outcome;
use super::{Action, Case, CaseError, CaseState, Context};
use crate::catalog::{Level, Matter};
use crate::unit::{Role, UnitKind};

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

/// Which action kinds a case's state allows, whoever takes them: the one
/// table both [`offered`] and [`Case::apply`](super::Case::apply)'s
/// `illegal_transition` refusal read.
pub fn allowed_in(state: CaseState) -> &'static [ActionKind] {
    use ActionKind as K;
    use CaseState as S;
    match state {
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
        // 不予受理 is decided before acceptance, never after (行政许可法
        // 第三十二条): once a 受理通知书 exists, a refusal is 不予许可, the
        // head's decision with its reason.
        S::InReview => &[
            K::CompleteStep,
            K::Supplement,
            K::Suspend,
            K::Decide,
            K::Withdraw,
            K::FlagOverdueSupplement,
        ],
        S::Suspended => &[
            K::Resume,
            K::Supplement,
            K::Withdraw,
            K::FlagOverdueSupplement,
        ],
        S::Approved => &[K::Issue, K::Supplement],
        S::Issued => &[K::Deliver],
        S::Delivered | S::Refused | S::NotAccepted | S::Withdrawn => &[],
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

/// The hall level a unit of this kind serves as (a matter's `levels` list them).
pub fn level_of(kind: UnitKind) -> Level {
    match kind {
        UnitKind::County | UnitKind::Department => Level::City,
        UnitKind::Town | UnitKind::Street => Level::Town,
        UnitKind::Village | UnitKind::Community => Level::Village,
    }
}

/// Who takes an action: a person's role, the unit they act for and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Acting<'a> {
    /// The role.
    pub role: Role,
    /// The unit's code.
    pub unit: &'a str,
    /// The unit's kind (which hall level it serves as).
    pub kind: UnitKind,
    /// The action comes with the files it concerns, uploaded and checked
    /// (an applicant's supplement or resubmission).
    pub with_files: bool,
}

/// Whether `role` takes `kind` only together with the files it concerns:
/// an applicant supplies owed materials, and resubmits, by uploading them;
/// a bare click records nothing.
pub fn needs_files(role: Role, kind: ActionKind) -> bool {
    role == Role::Applicant && matches!(kind, ActionKind::Supplement | ActionKind::Resubmit)
}

impl Case {
    /// Whether `unit` holds an open step of the case.
    fn holds_open_step(&self, unit: &str) -> bool {
        self.steps
            .iter()
            .any(|s| s.unit == unit && s.opened_on.is_some() && s.done_on.is_none())
    }

    /// Whether the unit acting may take an action of this kind on the case:
    /// steps are completed by the units that hold them, decisions, issuing
    /// and 不予受理 belong to the responsible unit, and the clock is stopped
    /// by the responsible unit or a step holder.
    fn unit_may(&self, kind: ActionKind, unit: &str) -> bool {
        use ActionKind as K;
        match kind {
            K::CompleteStep => self.holds_open_step(unit),
            K::Decide | K::Issue | K::NotAccept => unit == self.unit,
            K::Suspend | K::Resume => unit == self.unit || self.holds_open_step(unit),
            _ => true,
        }
    }

    /// Refuses an action its taker may not take, whatever the case's state:
    /// the platform's own sweep, a kind the role never takes, a unit the
    /// action does not belong to (another unit's step, a decision outside
    /// the responsible unit), and intake at a hall whose level the matter
    /// is not handled at (放权: the matter's `levels`).
    pub fn authorize(
        &self,
        action: &Action,
        who: Acting<'_>,
        matter: &Matter,
    ) -> Result<(), CaseError> {
        let kind = action.kind();
        if kind == ActionKind::FlagOverdueSupplement {
            return Err(CaseError::SystemOnly);
        }
        if !role_may(who.role, kind) {
            return Err(CaseError::RoleMayNot {
                role: who.role.label_zh(),
                action: action.label_zh(),
            });
        }
        if needs_files(who.role, kind) && !who.with_files {
            return Err(CaseError::FilesRequired);
        }
        let own_step = match action {
            Action::CompleteStep { step, .. } => {
                self.steps.get(*step).is_some_and(|s| s.unit == who.unit)
            }
            _ => true,
        };
        if !own_step || !self.unit_may(kind, who.unit) {
            return Err(CaseError::UnitMayNot(action.label_zh()));
        }
        let intake = matches!(kind, ActionKind::Accept | ActionKind::AcceptWithDeficiency);
        if intake && !matter.levels.contains(&level_of(who.kind)) {
            return Err(CaseError::NotHandledHere(matter.levels_zh()));
        }
        Ok(())
    }

    /// Applies `action` taken by `who`: refused as [`Case::apply`] refuses
    /// it (the state and the action's own rules come first, since they hold
    /// whoever acts), then as [`Case::authorize`] does.
    pub fn act(&self, action: &Action, who: Acting<'_>, ctx: Context<'_>) -> Outcome {
        let outcome = self.apply(action, ctx)?;
        self.authorize(action, who, ctx.matter)?;
        Ok(outcome)
    }
}

/// The actions `role` (acting for `unit`) may offer on `case` now: allowed
/// in the case's state ([`allowed_in`]), for the role ([`role_may`]) and for
/// the unit (the rule [`Case::authorize`] applies), and worth offering now
/// (a decision once every step is done, a supplement while one is owed).
pub fn offered(case: &Case, role: Role, unit: &str) -> Vec<ActionKind> {
    use ActionKind as K;
    let all_steps_done = case.steps.iter().all(|s| s.done_on.is_some());
    let supplement_due = case.supplement_due();
    allowed_in(case.state)
        .iter()
        .copied()
        .filter(|k| *k != K::FlagOverdueSupplement && role_may(role, *k) && case.unit_may(*k, unit))
        .filter(|k| match k {
            K::Decide => all_steps_done,
            K::Supplement => supplement_due,
            _ => true,
        })
        .collect()
}
