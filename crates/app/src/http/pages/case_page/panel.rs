//! Everything the case panel shows, gathered from a [`CaseView`]: the facts,
//! both clocks, the steps and who holds them, 容缺 and 告知承诺 items,
//! suspensions, the outcome, the timeline, the printable notices, and only
//! the action forms `offered` allows this user.

use domain::calendar::Calendar;
use domain::case::{
    Action, ActionKind, CaseResult, CaseState, DeliveryMethod, NoticeKind, SuspensionKind,
    action_name_label, effect_label, mask_identifier, offered,
};
use domain::time::local_minute;
use domain::unit::Role;

use crate::http::pages::common::materials::MaterialItem;
use crate::http::pages::common::rows::{ClockView, Names};
use crate::service::CaseView;

/// A success or error message above the panel.
#[derive(Debug, Clone)]
pub struct Flash {
    /// Green when true, red when false.
    pub ok: bool,
    /// The message.
    pub message: String,
    /// A refusal's stable code (the API's for the same refusal); empty when ok.
    pub code: &'static str,
}

/// One back-office step.
#[derive(Debug, Clone)]
pub struct StepRow {
    /// Stage number (steps of one stage run in parallel).
    pub stage: u32,
    /// Name.
    pub name: String,
    /// The unit's name.
    pub unit: String,
    /// Its own limit.
    pub limit: String,
    /// Opened on.
    pub opened: String,
    /// Its own deadline, once opened.
    pub deadline: String,
    /// Done on.
    pub done: String,
    /// Where it stands: 办理中 / 已完成 / 待前一阶段.
    pub status: &'static str,
    /// The reviewer's opinion.
    pub opinion: String,
}

/// One timeline entry.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// When (Shanghai time).
    pub at: String,
    /// Who.
    pub actor: String,
    /// For which unit.
    pub unit: String,
    /// What, in Chinese.
    pub label: String,
    /// The state before.
    pub from: String,
    /// The state after.
    pub to: String,
    /// What followed (clock started, notice printed …).
    pub effects: String,
}

/// The action forms this user is offered.
#[derive(Debug, Clone, Default)]
pub struct Forms {
    /// Intake outcomes (受理, 容缺受理, 一次性告知): done on the 预审 page.
    pub intake: bool,
    /// Resubmit after a one-time notice.
    pub resubmit: bool,
    /// Open steps this unit holds, as (index, name).
    pub steps: Vec<(usize, String)>,
    /// Materials owed under 容缺 (a 补正 may list others): the supplement form.
    pub supplement: Option<Vec<String>>,
    /// Suspend.
    pub suspend: bool,
    /// Resume.
    pub resume: bool,
    /// Decide.
    pub decide: bool,
    /// Issue.
    pub issue: bool,
    /// Deliver.
    pub deliver: bool,
    /// 不予受理.
    pub not_accept: bool,
    /// Withdraw.
    pub withdraw: bool,
}

impl Forms {
    fn of(view: &CaseView, role: Role, unit: &str) -> Forms {
        let case = &view.record.case;
        let kinds = offered(case, role, unit);
        let has = |k| kinds.contains(&k);
        use ActionKind as K;
        Forms {
            intake: has(K::Accept) || has(K::AcceptWithDeficiency) || has(K::NotifyOnce),
            resubmit: has(K::Resubmit),
            steps: if has(K::CompleteStep) {
                case.steps
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.unit == unit && s.opened_on.is_some() && s.done_on.is_none())
                    .map(|(i, s)| (i, s.name.clone()))
                    .collect()
            } else {
                Vec::new()
            },
            supplement: has(K::Supplement).then(|| {
                case.deficiency
                    .as_ref()
                    .filter(|d| d.supplied_on.is_none())
                    .map(|d| d.materials.clone())
                    .unwrap_or_default()
            }),
            suspend: has(K::Suspend),
            resume: has(K::Resume),
            decide: has(K::Decide),
            issue: has(K::Issue),
            deliver: has(K::Deliver),
            not_accept: has(K::NotAccept),
            withdraw: has(K::Withdraw),
        }
    }

    /// Whether any form is offered.
    pub fn any(&self) -> bool {
        self.intake
            || self.resubmit
            || !self.steps.is_empty()
            || self.supplement.is_some()
            || self.suspend
            || self.resume
            || self.decide
            || self.issue
            || self.deliver
            || self.not_accept
            || self.withdraw
    }
}

/// The case panel: what `/cases/{id}` shows and what an htmx action swaps.
#[derive(Debug, Clone)]
pub struct CasePanel {
    pub id: i64,
    /// The materials checklist and its files (filled by the page, which
    /// reads the matter and the files).
    pub materials: Vec<MaterialItem>,
    pub version: i64,
    pub csrf: String,
    pub flash: Option<Flash>,
    pub receipt: String,
    pub matter: String,
    pub matter_code: String,
    pub matter_version: u32,
    pub applicant: String,
    pub applicant_id: String,
    pub channel: &'static str,
    pub state: &'static str,
    pub unit: String,
    pub intake_unit: String,
    pub submitted_on: String,
    pub accepted_on: String,
    pub concluded_on: String,
    pub promised: Option<ClockView>,
    pub statutory: Option<ClockView>,
    pub holders: Vec<String>,
    pub steps: Vec<StepRow>,
    pub notice: Vec<String>,
    /// 容缺: materials, supplement-by, supplied on, broken.
    pub deficiency: Option<(String, String, String, bool)>,
    /// 告知承诺: (material, verify by).
    pub commitments: Vec<(String, String)>,
    /// (kind, reason, from, to).
    pub suspensions: Vec<(&'static str, String, String, String)>,
    /// (approved, reason, on).
    pub decision: Option<(bool, String, String)>,
    pub result: String,
    pub delivery: String,
    pub timeline: Vec<EventRow>,
    /// Printable notices: (kind, label).
    pub notices: Vec<(&'static str, &'static str)>,
    pub forms: Forms,
    pub suspension_kinds: Vec<(&'static str, &'static str)>,
    pub delivery_methods: Vec<(&'static str, &'static str)>,
}

/// Who is looking at the panel.
pub struct Viewer<'a> {
    /// Their role.
    pub role: Role,
    /// Their unit's code.
    pub unit: &'a str,
    /// Their CSRF token.
    pub csrf: &'a str,
}

impl CasePanel {
    /// The panel of a case with its timeline.
    pub fn build(view: &CaseView, names: &Names, cal: &Calendar, who: &Viewer<'_>) -> CasePanel {
        let r = &view.record;
        let case = &r.case;
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let events = view.timeline.as_deref().unwrap_or_default();
        CasePanel {
            id: r.id,
            materials: Vec::new(),
            version: r.version,
            csrf: who.csrf.to_owned(),
            flash: None,
            receipt: r.receipt_no.clone(),
            matter: names.matter(case.matter.as_str()),
            matter_code: case.matter.to_string(),
            matter_version: case.matter_version,
            applicant: case.applicant.name().to_owned(),
            applicant_id: mask_identifier(case.applicant.identifier()),
            channel: case.channel.label_zh(),
            state: case.state.label_zh(),
            unit: names.unit(&case.unit),
            intake_unit: names.unit(&r.intake_unit),
            submitted_on: case.submitted_on.to_string(),
            accepted_on: day(case.accepted_on),
            concluded_on: day(case.concluded_on),
            promised: view.promised.as_ref().map(ClockView::of),
            statutory: view.statutory.as_ref().map(ClockView::of),
            holders: case.holders().iter().map(|u| names.unit(u)).collect(),
            steps: StepRow::all(case, names, cal),
            notice: case.notice.clone(),
            deficiency: case.deficiency.as_ref().map(|d| {
                (
                    d.materials.join("、"),
                    d.supplement_by.to_string(),
                    day(d.supplied_on),
                    d.broken,
                )
            }),
            commitments: case
                .commitments
                .iter()
                .map(|c| (c.material.clone(), c.verify_by.to_string()))
                .collect(),
            suspensions: case
                .suspensions
                .iter()
                .map(|s| {
                    (
                        s.kind.label_zh(),
                        s.reason.clone(),
                        s.from.to_string(),
                        day(s.to),
                    )
                })
                .collect(),
            decision: case
                .decision
                .as_ref()
                .map(|d| (d.approved, d.reason.clone(), d.on.to_string())),
            result: case.result.as_ref().map(result_text).unwrap_or_default(),
            delivery: case
                .delivery
                .map(|d| d.label_zh().to_owned())
                .unwrap_or_default(),
            timeline: events.iter().map(|e| event_row(e, names)).collect(),
            notices: notices(view),
            forms: Forms::of(view, who.role, who.unit),
            suspension_kinds: SuspensionKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_zh()))
                .collect(),
            delivery_methods: DeliveryMethod::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_zh()))
                .collect(),
        }
    }
}

impl StepRow {
    /// The case's back-office steps as the panel lists them.
    fn all(case: &domain::case::Case, names: &Names, cal: &Calendar) -> Vec<StepRow> {
        let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        case.steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepRow {
                stage: s.stage,
                name: s.name.clone(),
                unit: names.unit(&s.unit),
                limit: s.limit.to_string(),
                opened: day(s.opened_on),
                deadline: day(case.step_deadline(i, cal)),
                done: day(s.done_on),
                status: match (s.opened_on, s.done_on) {
                    (_, Some(_)) => "已完成",
                    (Some(_), None) => "办理中",
                    (None, None) => "待前一阶段",
                },
                opinion: s.opinion.clone(),
            })
            .collect()
    }
}

/// The result issued, as the panel names it.
fn result_text(result: &CaseResult) -> String {
    match result {
        CaseResult::Paper { number } => format!("纸质文书 {number}"),
        CaseResult::Electronic { number, licence } => format!("电子证照（{licence}）{number}"),
    }
}

fn event_row(e: &store::CaseEvent, names: &Names) -> EventRow {
    let label = match serde_json::from_value::<Action>(e.payload.clone()) {
        Ok(a) => a.label_zh(),
        // A window intake is stored as one `open` entry landing in its outcome's state.
        Err(_) if e.action == "open" => match e.payload["channel"].as_str() {
            Some("window" | "agency") => "窗口接件",
            _ => "提交申请",
        },
        Err(_) => action_name_label(&e.action),
    };
    let state =
        |s: &str| CaseState::parse(s).map_or_else(|| s.to_owned(), |s| s.label_zh().to_owned());
    EventRow {
        at: local_minute(e.at),
        actor: names.user(&e.actor),
        unit: names.unit(&e.actor_unit),
        label: label.to_owned(),
        from: e.from_state.as_deref().map(state).unwrap_or_default(),
        to: state(&e.to_state),
        effects: e
            .effects
            .iter()
            .map(|x| effect_label(x, &|u| names.unit(u)))
            .collect::<Vec<_>>()
            .join("；"),
    }
}

/// The printable notices a case has: 受理通知书 once accepted, 容缺受理承诺书
/// when accepted with a deficiency, 一次性告知书 once a notice was given,
/// 办结通知书 once concluded.
pub fn notices(view: &CaseView) -> Vec<(&'static str, &'static str)> {
    let case = &view.record.case;
    let noticed = view
        .timeline
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|e| e.action == "notify_once");
    [
        (NoticeKind::Acceptance, case.accepted_on.is_some()),
        (NoticeKind::DeficiencyCommitment, case.deficiency.is_some()),
        (NoticeKind::OneTime, noticed || !case.notice.is_empty()),
        // With the QR code of the case's rating link (好差评).
        (NoticeKind::Conclusion, case.concluded_on.is_some()),
    ]
    .into_iter()
    .filter(|(_, has)| *has)
    .map(|(k, _)| (k.as_str(), k.label_zh()))
    .collect()
}
