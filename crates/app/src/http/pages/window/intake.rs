//! One-window intake of any matter (每事必接): the applicant, the materials
//! received, and exactly one of 受理, 容缺受理 or 一次性告知. The case is
//! opened at the clerk's unit through `Services::open_case_as`, which records
//! the visit in the same transaction.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::Channel;
use domain::catalog::MatterCode;
use domain::party::{CreditCode, IdNumber};
use serde::Deserialize;
use store::{CaseFilter, MatterVersion};

use super::super::case_page::Flash;
use super::super::common::form::FormData;
use super::super::common::rows::{Refused, describe, service_error_page};
use super::super::{Chrome, error_page, render};
use super::outcome::{OutcomeView, intake_action};
use super::require_clerk;
use super::unstaffed;
use crate::http::AppState;
use crate::http::auth::new_token;
use crate::http::session::PageUser;
use crate::service::{ApplicantInput, CreateCase};

/// The applicant part of the form, as typed, with an error per field.
#[derive(Debug, Clone, Default)]
pub struct ApplicantForm {
    /// `person` or `enterprise`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// 居民身份证号 or 统一社会信用代码.
    pub id_number: String,
    /// Phone.
    pub phone: String,
    /// What is wrong with the name.
    pub name_error: String,
    /// What is wrong with the number.
    pub id_error: String,
    /// What a look-up found.
    pub found: String,
}

impl ApplicantForm {
    fn read(f: &FormData) -> ApplicantForm {
        ApplicantForm {
            kind: if f.get("kind") == "enterprise" {
                "enterprise".into()
            } else {
                "person".into()
            },
            name: f.get("name").to_owned(),
            id_number: f.get("id_number").to_ascii_uppercase(),
            phone: f.get("phone").to_owned(),
            ..ApplicantForm::default()
        }
    }

    fn is_person(&self) -> bool {
        self.kind == "person"
    }

    /// Checks the number (and the name unless only looking up); true when fine.
    fn check(&mut self, need_name: bool) -> bool {
        let id = if self.is_person() {
            IdNumber::parse(&self.id_number).map(|_| ())
        } else {
            CreditCode::parse(&self.id_number).map(|_| ())
        };
        if let Err(e) = id {
            self.id_error = e.to_string();
        }
        if need_name && self.name.is_empty() {
            self.name_error = if self.is_person() {
                "请填写申请人姓名".into()
            } else {
                "请填写企业（组织）名称".into()
            };
        }
        self.id_error.is_empty() && self.name_error.is_empty()
    }

    fn input(&self) -> ApplicantInput {
        if self.is_person() {
            ApplicantInput::Person {
                name: self.name.clone(),
                id_number: self.id_number.clone(),
                phone: self.phone.clone(),
            }
        } else {
            ApplicantInput::Enterprise {
                name: self.name.clone(),
                credit_code: self.id_number.clone(),
                phone: self.phone.clone(),
            }
        }
    }
}

#[derive(Template)]
#[template(path = "window_intake.html")]
struct IntakePage {
    chrome: Chrome,
    csrf: String,
    key: String,
    matter_name: String,
    unit_name: String,
    promised: String,
    deficiency_allowed: bool,
    a: ApplicantForm,
    o: OutcomeView,
    flash: Option<Flash>,
    /// Units of the matter's steps with nobody to act on them.
    unstaffed: Vec<String>,
}

/// `?matter=CODE`.
#[derive(Debug, Deserialize)]
pub struct MatterQuery {
    matter: Option<String>,
}

async fn matter(state: &AppState, code: &str) -> Result<MatterVersion, Response> {
    let Ok(code) = MatterCode::parse(code) else {
        return Err(error_page(
            StatusCode::NOT_FOUND,
            "未找到事项",
            "事项编码无效，请从接件首页搜索事项。",
        ));
    };
    state
        .services
        .store
        .matter(&code, None)
        .await
        .map_err(|e| service_error_page(&e.into()))
}

async fn page(
    state: &AppState,
    user: &PageUser,
    m: &MatterVersion,
    f: &FormData,
    a: ApplicantForm,
    flash: Option<Flash>,
) -> Response {
    let names = match state.services.names().await {
        Ok(n) => n,
        Err(e) => return service_error_page(&e),
    };
    let s = &state.services;
    let (o, _) = OutcomeView::for_clerk(m, f, s, user);
    let key = match f.get("key") {
        "" => new_token().unwrap_or_default(),
        k => k.to_owned(),
    };
    render(&IntakePage {
        chrome: Chrome::for_user(user),
        csrf: user.csrf.clone(),
        key,
        matter_name: m.matter.name.clone(),
        unit_name: names.unit(&m.matter.unit),
        promised: m.matter.promised_limit.to_string(),
        deficiency_allowed: m.matter.deficiency_allowed,
        a,
        o,
        flash,
        unstaffed: unstaffed(&m.matter, &names),
    })
}

/// GET /window/intake?matter=CODE: the intake form.
pub async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<MatterQuery>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let m = match matter(&state, q.matter.as_deref().unwrap_or_default().trim()).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let f = FormData::default();
    page(&state, &user, &m, &f, ApplicantForm::read(&f), None).await
}

/// POST /window/intake: look the applicant up, re-check the materials, or
/// open the case with the chosen outcome and show its receipt.
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let f = FormData::new(fields);
    let m = match matter(&state, f.get("matter")).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut a = ApplicantForm::read(&f);
    if f.get("step") == "find" {
        if a.check(false) {
            find_applicant(&state, &user, &mut a).await;
        }
        return page(&state, &user, &m, &f, a, None).await;
    }
    if f.get("outcome").is_empty() {
        return page(&state, &user, &m, &f, a, None).await;
    }
    let s = &state.services;
    let (o, opts) = OutcomeView::for_clerk(&m, &f, s, &user);
    let applicant_ok = a.check(true);
    let action = match intake_action(&opts, &o, &f) {
        Ok(action) if applicant_ok => action,
        Ok(_) => {
            let r = Refused::form(StatusCode::UNPROCESSABLE_ENTITY, "请更正申请人信息");
            return refuse(&state, &user, &m, &f, a, r).await;
        }
        Err(message) => {
            let r = Refused::form(StatusCode::UNPROCESSABLE_ENTITY, message);
            return refuse(&state, &user, &m, &f, a, r).await;
        }
    };
    let input = CreateCase {
        matter: m.matter.code.to_string(),
        channel: Channel::Window,
        applicant: a.input(),
        intake_unit: Some(user.unit.clone()),
        intake: Some(action),
    };
    let key = Some(f.get("key").to_owned()).filter(|k| !k.is_empty());
    match s.open_case_as(&user.access(), input, key).await {
        Ok((view, _)) => {
            Redirect::to(&format!("/window/receipt/{}", view.record.id)).into_response()
        }
        Err(e) => refuse(&state, &user, &m, &f, a, describe(&e)).await,
    }
}

async fn refuse(
    state: &AppState,
    user: &PageUser,
    m: &MatterVersion,
    f: &FormData,
    a: ApplicantForm,
    r: Refused,
) -> Response {
    let flash = Some(Flash {
        ok: false,
        message: r.message,
        code: r.code.as_str(),
    });
    let page = page(state, user, m, f, a, flash).await;
    (r.status, page).into_response()
}

/// Fills the name and phone from the applicant's latest case, if any.
async fn find_applicant(state: &AppState, user: &PageUser, a: &mut ApplicantForm) {
    let filter = CaseFilter {
        applicant_id: Some(a.id_number.clone()),
        limit: Some(1),
        ..CaseFilter::default()
    };
    match state.services.list_for(&user.access(), filter).await {
        Ok(found) => match found.first() {
            Some(v) => {
                let applicant = &v.record.case.applicant;
                a.name = applicant.name().to_owned();
                let (domain::case::Applicant::Person { phone, .. }
                | domain::case::Applicant::Enterprise { phone, .. }) = applicant;
                a.phone = phone.clone();
                a.found = format!("已找到申请人：{}", a.name);
            }
            None => a.found = "未找到该申请人的办件记录，请录入申请人信息。".into(),
        },
        Err(e) => a.found = describe(&e).message,
    }
}
