//! The materials checked at the window and the intake outcome they allow,
//! shared by a window intake and the 预审 of an online application: the
//! ticked materials decide, through the domain's `intake_options`, whether
//! 受理, 容缺受理 or only 一次性告知 is offered.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::case::level_of;
use domain::case::{
    Action, ActionKind, Commitment, IntakeOptions, intake_options, latest_supplement_date,
};
use domain::catalog::{Level, Matter, MatterCode};

use super::super::common::form::FormData;
use super::super::common::rows::describe;
use super::super::{error_page, render};
use crate::http::AppState;
use crate::http::session::PageUser;

/// One material the applicant is asked for, as a checkbox.
#[derive(Debug, Clone)]
pub struct MaterialRow {
    /// Name (also the checkbox's value).
    pub name: String,
    /// 核心要件.
    pub core: bool,
    /// Needed at all.
    pub required: bool,
    /// Copies, format …
    pub note: String,
    /// Ticked as received.
    pub checked: bool,
    /// A certificate the applicant may replace by a signed commitment
    /// (告知承诺), the matter allowing it.
    pub pledgeable: bool,
    /// Ticked as replaced by a commitment.
    pub pledged: bool,
}

/// The materials and the outcome section of an intake form.
#[derive(Debug, Clone)]
pub struct OutcomeView {
    /// The matter's code and version, sent back with the form.
    pub matter_code: String,
    /// The version the case is (or will be) under.
    pub matter_version: u32,
    /// The applicant-provided materials.
    pub materials: Vec<MaterialRow>,
    /// Core materials missing.
    pub missing_core: Vec<String>,
    /// Non-core materials missing.
    pub missing_non_core: Vec<String>,
    /// Everything missing, core first.
    pub missing: Vec<String>,
    /// The halls that handle the matter, when this hall's level does not.
    pub elsewhere: Option<String>,
    /// 受理 offered.
    pub accept: bool,
    /// 容缺受理 offered.
    pub deficiency: bool,
    /// 一次性告知 offered.
    pub notify: bool,
    /// The supplement-by date in the form.
    pub supplement_by: String,
    /// The latest allowed (the promised deadline of a case accepted today).
    pub latest: String,
    /// Today.
    pub today: String,
    /// The commitment box is ticked.
    pub committed: bool,
    /// Further items for the one-time notice.
    pub extra: String,
    /// The one-time notice's note.
    pub note: String,
    /// Certificates replaced by a commitment (告知承诺), as ticked.
    pub pledges: Vec<String>,
    /// When the department will verify what was promised.
    pub verify_by: String,
    /// The applicant signed the 告知承诺书.
    pub pledge_signed: bool,
}

impl OutcomeView {
    /// The view for `matter` with the form as posted (empty on first show).
    pub fn build(
        matter: &Matter,
        version: u32,
        f: &FormData,
        today: NaiveDate,
        cal: &Calendar,
        level: Level,
    ) -> (OutcomeView, IntakeOptions) {
        let received = f.all("received");
        // 告知承诺: a certificate on the list may be replaced by the
        // applicant's signed commitment when the matter allows it; it then
        // counts as received.
        let pledgeable =
            |m: &domain::catalog::Material| matter.commitment_allowed && m.certificate.is_some();
        let pledges: Vec<String> = matter
            .asked_materials()
            .filter(|m| pledgeable(m) && f.all("pledge").contains(&m.name))
            .map(|m| m.name.clone())
            .collect();
        let mut counted = received.clone();
        counted.extend(pledges.iter().cloned());
        let opts = intake_options(matter, &counted, level);
        let latest = latest_supplement_date(today, matter.promised_limit, cal).to_string();
        let supplement_by = match f.get("supplement_by") {
            "" => latest.clone(),
            given => given.to_owned(),
        };
        let verify_by = match f.get("verify_by") {
            "" => latest.clone(),
            given => given.to_owned(),
        };
        let view = OutcomeView {
            matter_code: matter.code.to_string(),
            matter_version: version,
            materials: matter
                .asked_materials()
                .map(|m| MaterialRow {
                    name: m.name.clone(),
                    core: m.core,
                    required: m.required,
                    note: m.note.clone(),
                    checked: received.contains(&m.name),
                    pledgeable: pledgeable(m),
                    pledged: pledges.contains(&m.name),
                })
                .collect(),
            missing_core: opts.missing_core.clone(),
            missing_non_core: opts.missing_non_core.clone(),
            missing: opts.missing(),
            elsewhere: opts.elsewhere.clone(),
            accept: opts.outcomes.contains(&ActionKind::Accept),
            deficiency: opts.outcomes.contains(&ActionKind::AcceptWithDeficiency),
            notify: opts.outcomes.contains(&ActionKind::NotifyOnce),
            supplement_by,
            latest,
            today: today.to_string(),
            committed: f.checked("committed"),
            extra: f.get("extra").to_owned(),
            note: f.get("note").to_owned(),
            verify_by,
            pledge_signed: f.checked("pledge_signed"),
            pledges,
        };
        (view, opts)
    }
}

/// The intake action the clerk chose (`outcome`), if the materials allow it.
pub fn intake_action(
    opts: &IntakeOptions,
    view: &OutcomeView,
    f: &FormData,
) -> Result<Action, String> {
    let chosen = ActionKind::parse(f.get("outcome"))
        .filter(|k| opts.outcomes.contains(k))
        .ok_or_else(|| match &opts.elsewhere {
            Some(halls) => format!("本事项不在本级受理，请一次性告知申请人到{halls}办理"),
            None => "所选办理结果与已收材料不符，请重新核对材料".to_owned(),
        })?;
    let commitments = || -> Result<Vec<Commitment>, String> {
        if view.pledges.is_empty() {
            return Ok(Vec::new());
        }
        if !view.pledge_signed {
            return Err("申请人须签署《告知承诺书》后，方可以承诺代替证明材料".into());
        }
        let verify_by = NaiveDate::parse_from_str(&view.verify_by, "%Y-%m-%d")
            .map_err(|_| "请填写承诺核查日期".to_owned())?;
        Ok(view
            .pledges
            .iter()
            .map(|material| Commitment {
                material: material.clone(),
                verify_by,
            })
            .collect())
    };
    match chosen {
        ActionKind::Accept => Ok(Action::Accept {
            commitments: commitments()?,
        }),
        ActionKind::AcceptWithDeficiency => {
            let by = NaiveDate::parse_from_str(f.get("supplement_by"), "%Y-%m-%d")
                .map_err(|_| "请填写承诺补齐日期".to_owned())?;
            if !f.checked("committed") {
                return Err("申请人须签署《容缺受理承诺书》后方可容缺受理".into());
            }
            Ok(Action::AcceptWithDeficiency {
                missing: opts.missing_non_core.clone(),
                supplement_by: by,
                commitments: commitments()?,
            })
        }
        _ => {
            let mut missing = opts.missing();
            missing.extend(f.lines("extra"));
            Ok(Action::NotifyOnce {
                missing,
                note: f.get("note").to_owned(),
            })
        }
    }
}

impl OutcomeView {
    /// The view for `m` as the signed-in clerk's hall sees it (its level
    /// decides whether the matter is taken in there), as of today.
    pub fn for_clerk(
        m: &store::MatterVersion,
        f: &FormData,
        s: &crate::service::Services,
        user: &PageUser,
    ) -> (OutcomeView, IntakeOptions) {
        Self::build(
            &m.matter,
            m.version,
            f,
            s.today(),
            &s.calendar(),
            level_of(user.unit_kind),
        )
    }
}

#[derive(Template)]
#[template(path = "window_outcome.html")]
struct OutcomeFragment {
    o: OutcomeView,
}

/// POST /window/outcome: the outcome section again for the materials now
/// ticked (htmx calls it on every change; without JavaScript, the form's
/// 核对材料 button re-renders the whole page instead).
pub async fn fragment(
    State(state): State<AppState>,
    user: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = super::require_clerk(&user) {
        return r;
    }
    let f = FormData::new(fields);
    let version = f.get("matter_version").parse().ok();
    let matter = match MatterCode::parse(f.get("matter")) {
        Ok(code) => state.services.store.matter(&code, version).await,
        Err(_) => return error_page(axum::http::StatusCode::NOT_FOUND, "未找到", "事项编码无效"),
    };
    let matter = match matter {
        Ok(m) => m,
        Err(e) => {
            let r = describe(&e.into());
            return error_page(r.status, "未找到", &r.message);
        }
    };
    let s = &state.services;
    let (o, _) = OutcomeView::for_clerk(&matter, &f, s, &user);
    render(&OutcomeFragment { o })
}
