//! What can happen to a case, and the one pure function that decides it.

use super::permission::allowed_in;
use super::state::{
    CaseResult, CaseState, CaseStep, Channel, Commitment, Decision, Deficiency, DeliveryMethod,
};
use super::{Applicant, Case, SuspensionKind, SuspensionRecord};
use crate::calendar::Calendar;
use crate::catalog::{Matter, WorkingDays};
use crate::unit::labelled_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Something a person (or the daily sweep) does to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// 受理: everything needed is there.
    Accept {
        /// Certificates replaced by a signed commitment (告知承诺).
        #[serde(default)]
        commitments: Vec<Commitment>,
    },
    /// 容缺受理: accept with only non-core materials missing, on the applicant's commitment.
    AcceptWithDeficiency {
        /// The missing non-core materials, by name.
        missing: Vec<String>,
        /// When they must be supplied; no later than the promised deadline.
        supplement_by: NaiveDate,
        /// Certificates replaced by a signed commitment (告知承诺).
        #[serde(default)]
        commitments: Vec<Commitment>,
    },
    /// 一次性告知: tell the applicant everything still needed; the application stays open.
    NotifyOnce {
        /// Everything still needed.
        missing: Vec<String>,
        /// Further explanation.
        #[serde(default)]
        note: String,
    },
    /// The applicant completes an application after a one-time notice.
    Resubmit,
    /// 不予受理: a back-office decision with a legal reason.
    NotAccept {
        /// The legal reason.
        reason: String,
    },
    /// A back-office step is done.
    CompleteStep {
        /// Which step (index into the case's steps).
        step: usize,
        /// The reviewer's opinion.
        #[serde(default)]
        opinion: String,
    },
    /// The applicant supplies materials (容缺 materials, or a 补正).
    Supplement {
        /// What was supplied, by name.
        materials: Vec<String>,
    },
    /// Stop the clock: 补正 or a special procedure.
    Suspend {
        /// Which kind.
        kind: SuspensionKind,
        /// Why.
        reason: String,
    },
    /// Restart the clock.
    Resume,
    /// 准予 or 不予许可.
    Decide {
        /// Whether approved.
        approve: bool,
        /// The reason; required to refuse.
        #[serde(default)]
        reason: String,
    },
    /// Issue the result (a certificate, paper or electronic); the case is concluded (办结).
    Issue {
        /// What was issued.
        result: CaseResult,
    },
    /// Hand the result over (出件).
    Deliver {
        /// How.
        method: DeliveryMethod,
    },
    /// The applicant withdraws the application.
    Withdraw {
        /// Why, if said.
        #[serde(default)]
        reason: String,
    },
    /// The daily sweep: a 容缺 supplement not made by its date.
    FlagOverdueSupplement,
}

impl Action {
    /// The action's stable name, as in the API.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept { .. } => "accept",
            Action::AcceptWithDeficiency { .. } => "accept_with_deficiency",
            Action::NotifyOnce { .. } => "notify_once",
            Action::Resubmit => "resubmit",
            Action::NotAccept { .. } => "not_accept",
            Action::CompleteStep { .. } => "complete_step",
            Action::Supplement { .. } => "supplement",
            Action::Suspend { .. } => "suspend",
            Action::Resume => "resume",
            Action::Decide { .. } => "decide",
            Action::Issue { .. } => "issue",
            Action::Deliver { .. } => "deliver",
            Action::Withdraw { .. } => "withdraw",
            Action::FlagOverdueSupplement => "flag_overdue_supplement",
        }
    }

    /// The action's name in Chinese, as the timeline shows it.
    pub fn label_zh(&self) -> &'static str {
        match self {
            Action::Accept { .. } => "受理",
            Action::AcceptWithDeficiency { .. } => "容缺受理",
            Action::NotifyOnce { .. } => "一次性告知",
            Action::Resubmit => "补齐后重新提交",
            Action::NotAccept { .. } => "不予受理",
            Action::CompleteStep { .. } => "完成审查环节",
            Action::Supplement { .. } => "补交材料",
            Action::Suspend { kind, .. } => kind.label_zh(),
            Action::Resume => "恢复计时",
            Action::Decide { approve: true, .. } => "准予",
            Action::Decide { approve: false, .. } => "不予许可",
            Action::Issue { .. } => "出证（办结）",
            Action::Deliver { .. } => "送达",
            Action::Withdraw { .. } => "撤回申请",
            Action::FlagOverdueSupplement => "容缺材料逾期未补",
        }
    }
}

labelled_enum! {
    /// A printed notice a transition calls for.
    NoticeKind {
        /// 受理通知书
        Acceptance = "acceptance" / "受理通知书",
        /// 一次性告知书
        OneTime = "one_time" / "一次性告知书",
        /// 容缺受理承诺书
        DeficiencyCommitment = "deficiency_commitment" / "容缺受理承诺书",
        /// 不予受理决定书
        NotAccepted = "not_accepted" / "不予受理决定书",
        /// 不予许可决定书
        Refusal = "refusal" / "不予许可决定书",
        /// 办结通知书
        Conclusion = "conclusion" / "办结通知书",
    }
}

/// What the application must persist or carry out after a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum Effect {
    /// The case is in this unit's inbox.
    Routed {
        /// The unit.
        unit: String,
    },
    /// The clocks started.
    ClockStarted,
    /// The clocks stopped (suspension).
    ClockStopped,
    /// The clocks run again.
    ClockRestarted,
    /// A stage of parallel steps opened.
    StageOpened {
        /// The stage number.
        stage: u32,
    },
    /// A notice is to be printed or sent.
    Notice {
        /// Which.
        kind: NoticeKind,
    },
    /// A 容缺 commitment was broken: a credit record must be written.
    BrokenCommitment {
        /// The materials never supplied.
        materials: Vec<String>,
        /// The date they were due.
        due: NaiveDate,
    },
    /// The case is concluded (办结).
    Concluded,
}

/// Why an action was refused. Each has a stable code for the API.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The action is not allowed in the case's state.
    #[error("当前状态“{state}”下不能执行“{action}”")]
    IllegalTransition {
        /// The action's Chinese name.
        action: &'static str,
        /// The state's Chinese label.
        state: &'static str,
    },
    /// 容缺受理 on a matter that does not allow it.
    #[error("该事项不允许容缺受理")]
    DeficiencyNotAllowed,
    /// A core material cannot be missing under 容缺受理.
    #[error("“{0}”是核心要件，不能容缺")]
    CoreMaterialMissing(String),
    /// A material the matter does not ask for.
    #[error("该事项没有名为“{0}”的材料")]
    UnknownMaterial(String),
    /// The supplement date is before today or after the promised deadline.
    #[error("补齐日期须在 {earliest} 至 {latest}（承诺时限）之间")]
    SupplementDateOutOfRange {
        /// The earliest allowed date (today).
        earliest: NaiveDate,
        /// The latest allowed date (the promised deadline).
        latest: NaiveDate,
    },
    /// 告知承诺 on a matter that does not allow it.
    #[error("该事项不适用告知承诺制")]
    CommitmentNotAllowed,
    /// A commitment may only replace a certificate on the list.
    #[error("“{0}”不是证明材料，不能以告知承诺代替")]
    NotACertificate(String),
    /// A commitment whose verification date is already past.
    #[error("承诺核查日期不能早于今天")]
    VerificationDateInPast,
    /// The action needs a reason.
    #[error("须填写理由")]
    ReasonRequired,
    /// A one-time notice or a deficiency list with nothing in it.
    #[error("须列明所缺材料")]
    NothingListed,
    /// A step that does not exist, is not open yet, or is already done.
    #[error("审查环节 {0} 不存在、尚未开始或已完成")]
    StepNotOpen(usize),
    /// Deciding before every step is done.
    #[error("还有审查环节未完成：{0}")]
    StepsPending(String),
    /// Approving while 容缺 materials are still owed.
    #[error("容缺材料尚未补齐：{0}")]
    DeficiencyOutstanding(String),
    /// Supplying something nothing asked for.
    #[error("当前没有需要补交的材料")]
    NothingToSupplement,
    /// The sweep found no overdue supplement.
    #[error("容缺材料未逾期")]
    SupplementNotOverdue,
    /// A result issued without its document or certificate number.
    #[error("请填写文书或证照编号")]
    ResultNumberRequired,
    /// An electronic certificate issued without naming the licence.
    #[error("请填写电子证照名称，如：电子营业执照")]
    LicenceRequired,
    /// An applicant supplies owed materials, or resubmits, only by uploading
    /// the files, never by a bare action.
    #[error("请在“我的办件”中上传所补材料的文件后提交")]
    FilesRequired,
    /// Only the platform's daily sweep takes this action.
    #[error("该操作由系统每日自动执行")]
    SystemOnly,
    /// The role never takes this kind of action.
    #[error("{role}不能{action}")]
    RoleMayNot {
        /// The role's Chinese label.
        role: &'static str,
        /// The action's Chinese name.
        action: &'static str,
    },
    /// The action belongs to another unit (another's step, the responsible unit's decision).
    #[error("本单位不能对此办件{0}")]
    UnitMayNot(&'static str),
    /// Intake at a hall whose level the matter is not handled at.
    #[error("本事项不在本级受理，请到{0}办理")]
    NotHandledHere(String),
}

impl CaseError {
    /// The stable snake_case code the API returns.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            CaseError::IllegalTransition { .. } => crate::ErrorCode::IllegalTransition,
            CaseError::DeficiencyNotAllowed => crate::ErrorCode::DeficiencyNotAllowed,
            CaseError::CoreMaterialMissing(_) => crate::ErrorCode::CoreMaterialMissing,
            CaseError::UnknownMaterial(_) => crate::ErrorCode::UnknownMaterial,
            CaseError::SupplementDateOutOfRange { .. } => {
                crate::ErrorCode::SupplementDateOutOfRange
            }
            CaseError::CommitmentNotAllowed => crate::ErrorCode::CommitmentNotAllowed,
            CaseError::NotACertificate(_) => crate::ErrorCode::NotACertificate,
            CaseError::VerificationDateInPast => crate::ErrorCode::VerificationDateInPast,
            CaseError::ReasonRequired => crate::ErrorCode::ReasonRequired,
            CaseError::NothingListed => crate::ErrorCode::NothingListed,
            CaseError::StepNotOpen(_) => crate::ErrorCode::StepNotOpen,
            CaseError::StepsPending(_) => crate::ErrorCode::StepsPending,
            CaseError::DeficiencyOutstanding(_) => crate::ErrorCode::DeficiencyOutstanding,
            CaseError::NothingToSupplement => crate::ErrorCode::NothingToSupplement,
            CaseError::SupplementNotOverdue => crate::ErrorCode::SupplementNotOverdue,
            CaseError::ResultNumberRequired => crate::ErrorCode::ResultNumberRequired,
            CaseError::LicenceRequired => crate::ErrorCode::LicenceRequired,
            CaseError::FilesRequired => crate::ErrorCode::FilesRequired,
            CaseError::SystemOnly | CaseError::RoleMayNot { .. } | CaseError::UnitMayNot(_) => {
                crate::ErrorCode::Forbidden
            }
            CaseError::NotHandledHere(_) => crate::ErrorCode::NotHandledHere,
        }
    }
}

/// What a transition needs to know besides the case and the action.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The day the action happens (Asia/Shanghai).
    pub today: NaiveDate,
    /// The matter version the case was opened under.
    pub matter: &'a Matter,
    /// The working-day calendar.
    pub calendar: &'a Calendar,
}

pub(super) type Outcome = Result<(Case, Vec<Effect>), CaseError>;

impl Case {
    /// Opens a case for `matter` (version `version`): it waits for intake
    /// at the window or for 预审 of an online application.
    pub fn open(
        channel: Channel,
        applicant: Applicant,
        matter: &Matter,
        version: u32,
        today: NaiveDate,
    ) -> Case {
        let steps = if matter.steps.is_empty() {
            vec![CaseStep {
                stage: 1,
                name: "审查".into(),
                unit: matter.unit.clone(),
                limit: matter.promised_limit,
                opened_on: None,
                done_on: None,
                opinion: String::new(),
            }]
        } else {
            matter
                .steps
                .iter()
                .map(|s| CaseStep {
                    stage: s.stage,
                    name: s.name.clone(),
                    unit: s.unit.clone().unwrap_or_else(|| matter.unit.clone()),
                    limit: s.limit,
                    opened_on: None,
                    done_on: None,
                    opinion: String::new(),
                })
                .collect()
        };
        Case {
            state: CaseState::Submitted,
            channel,
            applicant,
            matter: matter.code.clone(),
            matter_version: version,
            unit: matter.unit.clone(),
            promised_limit: matter.promised_limit,
            statutory_limit: matter.statutory_limit,
            submitted_on: today,
            accepted_on: None,
            notice: Vec::new(),
            notice_note: String::new(),
            deficiency: None,
            commitments: Vec::new(),
            steps,
            suspensions: Vec::new(),
            decision: None,
            result: None,
            delivery: None,
            concluded_on: None,
        }
    }

    /// Applies `action` on `ctx.today`: the new case and its effects, or why
    /// not. The case's state allows the action or it is refused as
    /// `illegal_transition` ([`allowed_in`] is the table); then the action's
    /// own rules decide.
    pub fn apply(&self, action: &Action, ctx: Context<'_>) -> Outcome {
        if !allowed_in(self.state).contains(&action.kind()) {
            return Err(CaseError::IllegalTransition {
                action: action.label_zh(),
                state: self.state.label_zh(),
            });
        }
        let mut next = self.clone();
        let today = ctx.today;
        let effects = match action {
            Action::Accept { commitments } => {
                check_commitments(commitments, ctx)?;
                next.accept(commitments, today, NoticeKind::Acceptance)
            }
            Action::AcceptWithDeficiency {
                missing,
                supplement_by,
                commitments,
            } => {
                check_deficiency(missing, *supplement_by, ctx)?;
                check_commitments(commitments, ctx)?;
                next.deficiency = Some(Deficiency {
                    materials: missing.clone(),
                    supplement_by: *supplement_by,
                    supplied_on: None,
                    broken: false,
                });
                next.accept(commitments, today, NoticeKind::DeficiencyCommitment)
            }
            Action::NotifyOnce { missing, note } => next.notify_once(missing, note)?,
            Action::Resubmit => {
                next.state = CaseState::Submitted;
                vec![]
            }
            Action::NotAccept { reason } => {
                require_reason(reason)?;
                next.conclude(CaseState::NotAccepted, NoticeKind::NotAccepted, today)
            }
            Action::CompleteStep { step, opinion } => next.complete_step(*step, opinion, today)?,
            Action::Supplement { materials } => next.supplement(materials, today)?,
            Action::Suspend { kind, reason } => {
                require_reason(reason)?;
                next.state = CaseState::Suspended;
                next.suspensions.push(SuspensionRecord {
                    kind: *kind,
                    reason: reason.clone(),
                    from: today,
                    to: None,
                });
                vec![Effect::ClockStopped]
            }
            Action::Resume => next.resume(today),
            Action::Decide { approve, reason } => next.decide(*approve, reason, today)?,
            Action::Issue { result } => {
                check_result(result)?;
                next.result = Some(result.clone());
                next.conclude(CaseState::Issued, NoticeKind::Conclusion, today)
            }
            Action::Deliver { method } => {
                next.state = CaseState::Delivered;
                next.delivery = Some(*method);
                vec![]
            }
            Action::Withdraw { .. } => {
                if let Some(open) = next.suspensions.last_mut().filter(|s| s.to.is_none()) {
                    open.to = Some(today);
                }
                next.state = CaseState::Withdrawn;
                next.concluded_on = Some(today);
                vec![Effect::Concluded]
            }
            Action::FlagOverdueSupplement => next.flag_overdue_supplement(today)?,
        };
        Ok((next, effects))
    }

    /// Whether materials are owed now: 容缺 materials not yet supplied, or
    /// a 补正 the clock stands still for.
    pub fn supplement_due(&self) -> bool {
        self.deficiency
            .as_ref()
            .is_some_and(|d| d.supplied_on.is_none())
            || self.supplement_suspension_open()
    }

    fn supplement_suspension_open(&self) -> bool {
        self.state == CaseState::Suspended
            && self
                .suspensions
                .last()
                .is_some_and(|s| s.to.is_none() && s.kind == SuspensionKind::Supplement)
    }

    fn notify_once(&mut self, missing: &[String], note: &str) -> Result<Vec<Effect>, CaseError> {
        if missing.iter().all(|m| m.trim().is_empty()) {
            return Err(CaseError::NothingListed);
        }
        self.state = CaseState::Noticed;
        self.notice = missing.to_vec();
        self.notice_note = note.trim().to_owned();
        Ok(vec![Effect::Notice {
            kind: NoticeKind::OneTime,
        }])
    }

    /// Ends the case in `state` with a notice: 不予受理, 不予许可, 办结.
    fn conclude(&mut self, state: CaseState, notice: NoticeKind, today: NaiveDate) -> Vec<Effect> {
        self.state = state;
        self.concluded_on = Some(today);
        vec![Effect::Notice { kind: notice }, Effect::Concluded]
    }

    fn decide(
        &mut self,
        approve: bool,
        reason: &str,
        today: NaiveDate,
    ) -> Result<Vec<Effect>, CaseError> {
        if !approve {
            require_reason(reason)?;
            self.decision = Some(Decision {
                approved: false,
                reason: reason.to_owned(),
                on: today,
            });
            return Ok(self.conclude(CaseState::Refused, NoticeKind::Refusal, today));
        }
        self.check_steps_done()?;
        if let Some(d) = self.deficiency.as_ref().filter(|d| d.supplied_on.is_none()) {
            return Err(CaseError::DeficiencyOutstanding(d.materials.join("、")));
        }
        self.state = CaseState::Approved;
        self.decision = Some(Decision {
            approved: true,
            reason: String::new(),
            on: today,
        });
        Ok(vec![])
    }

    fn accept(
        &mut self,
        commitments: &[Commitment],
        today: NaiveDate,
        notice: NoticeKind,
    ) -> Vec<Effect> {
        self.state = CaseState::InReview;
        self.accepted_on = Some(today);
        self.notice.clear();
        self.notice_note.clear();
        self.commitments = commitments.to_vec();
        let first = self.steps.iter().map(|s| s.stage).min().unwrap_or(1);
        for s in self.steps.iter_mut().filter(|s| s.stage == first) {
            s.opened_on = Some(today);
        }
        vec![
            Effect::ClockStarted,
            Effect::Routed {
                unit: self.unit.clone(),
            },
            Effect::StageOpened { stage: first },
            Effect::Notice { kind: notice },
        ]
    }

    fn complete_step(
        &mut self,
        index: usize,
        opinion: &str,
        today: NaiveDate,
    ) -> Result<Vec<Effect>, CaseError> {
        let step = self
            .steps
            .get_mut(index)
            .filter(|s| s.opened_on.is_some() && s.done_on.is_none());
        let Some(step) = step else {
            return Err(CaseError::StepNotOpen(index));
        };
        step.done_on = Some(today);
        step.opinion = opinion.to_owned();
        let stage = step.stage;
        if self
            .steps
            .iter()
            .any(|s| s.stage == stage && s.done_on.is_none())
        {
            return Ok(vec![]);
        }
        let Some(next) = self
            .steps
            .iter()
            .map(|s| s.stage)
            .filter(|&s| s > stage)
            .min()
        else {
            return Ok(vec![]);
        };
        for s in self.steps.iter_mut().filter(|s| s.stage == next) {
            s.opened_on = Some(today);
        }
        Ok(vec![Effect::StageOpened { stage: next }])
    }

    fn supplement(
        &mut self,
        materials: &[String],
        today: NaiveDate,
    ) -> Result<Vec<Effect>, CaseError> {
        let mut effects = Vec::new();
        let mut used = false;
        if let Some(d) = self.deficiency.as_mut().filter(|d| d.supplied_on.is_none()) {
            if d.materials.iter().all(|m| materials.contains(m)) {
                d.supplied_on = Some(today);
                used = true;
            } else {
                let owed: Vec<_> = d
                    .materials
                    .iter()
                    .filter(|m| !materials.contains(m))
                    .cloned()
                    .collect();
                return Err(CaseError::DeficiencyOutstanding(owed.join("、")));
            }
        }
        if self.supplement_suspension_open() {
            effects = self.resume(today);
            used = true;
        }
        if used {
            Ok(effects)
        } else {
            Err(CaseError::NothingToSupplement)
        }
    }

    fn resume(&mut self, today: NaiveDate) -> Vec<Effect> {
        if let Some(open) = self.suspensions.last_mut().filter(|s| s.to.is_none()) {
            open.to = Some(today);
        }
        self.state = CaseState::InReview;
        vec![Effect::ClockRestarted]
    }

    fn check_steps_done(&self) -> Result<(), CaseError> {
        let pending: Vec<_> = self
            .steps
            .iter()
            .filter(|s| s.done_on.is_none())
            .map(|s| s.name.as_str())
            .collect();
        if pending.is_empty() {
            Ok(())
        } else {
            Err(CaseError::StepsPending(pending.join("、")))
        }
    }

    fn flag_overdue_supplement(&mut self, today: NaiveDate) -> Result<Vec<Effect>, CaseError> {
        let d = self
            .deficiency
            .as_mut()
            .filter(|d| d.supplied_on.is_none() && !d.broken && today > d.supplement_by);
        let Some(d) = d else {
            return Err(CaseError::SupplementNotOverdue);
        };
        d.broken = true;
        Ok(vec![Effect::BrokenCommitment {
            materials: d.materials.clone(),
            due: d.supplement_by,
        }])
    }
}

fn require_reason(reason: &str) -> Result<(), CaseError> {
    if reason.trim().is_empty() {
        Err(CaseError::ReasonRequired)
    } else {
        Ok(())
    }
}

fn check_result(result: &CaseResult) -> Result<(), CaseError> {
    let (number, licence) = match result {
        CaseResult::Paper { number } => (number, None),
        CaseResult::Electronic { number, licence } => (number, Some(licence)),
    };
    if number.trim().is_empty() {
        return Err(CaseError::ResultNumberRequired);
    }
    if licence.is_some_and(|l| l.trim().is_empty()) {
        return Err(CaseError::LicenceRequired);
    }
    Ok(())
}

fn check_deficiency(missing: &[String], by: NaiveDate, ctx: Context<'_>) -> Result<(), CaseError> {
    if !ctx.matter.deficiency_allowed {
        return Err(CaseError::DeficiencyNotAllowed);
    }
    if missing.is_empty() {
        return Err(CaseError::NothingListed);
    }
    for name in missing {
        let m = ctx.matter.materials.iter().find(|m| &m.name == name);
        match m {
            None => return Err(CaseError::UnknownMaterial(name.clone())),
            Some(m) if m.core => return Err(CaseError::CoreMaterialMissing(name.clone())),
            Some(_) => {}
        }
    }
    let latest = ctx
        .calendar
        .add_workdays(ctx.today, ctx.matter.promised_limit)
        .value;
    if by < ctx.today || by > latest {
        return Err(CaseError::SupplementDateOutOfRange {
            earliest: ctx.today,
            latest,
        });
    }
    Ok(())
}

fn check_commitments(commitments: &[Commitment], ctx: Context<'_>) -> Result<(), CaseError> {
    if commitments.is_empty() {
        return Ok(());
    }
    if !ctx.matter.commitment_allowed {
        return Err(CaseError::CommitmentNotAllowed);
    }
    for c in commitments {
        let m = ctx.matter.materials.iter().find(|m| m.name == c.material);
        match m {
            None => return Err(CaseError::UnknownMaterial(c.material.clone())),
            Some(m) if m.certificate.is_none() => {
                return Err(CaseError::NotACertificate(c.material.clone()));
            }
            Some(_) => {}
        }
        if c.verify_by < ctx.today {
            return Err(CaseError::VerificationDateInPast);
        }
    }
    Ok(())
}

/// The promised deadline a case accepted today would have, for forms that
/// propose a supplement date.
pub fn latest_supplement_date(
    today: NaiveDate,
    promised: WorkingDays,
    calendar: &Calendar,
) -> NaiveDate {
    calendar.add_workdays(today, promised).value
}
