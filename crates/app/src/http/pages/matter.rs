//! A matter's public page (`/catalog/{code}`): what the applicant needs to
//! know before coming (or not coming): the limits, fees, legal basis, online
//! depth and visits, every material with whether it may be missing (容缺)
//! and whether the platform fetches it itself, the steps with their limits,
//! and the way to apply online where the matter allows it.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::catalog::{Material, MaterialSource, Matter, MatterCode, OnlineDepth};
use domain::unit::Role;
use store::{MatterVersion, StoreError};

use super::catalog::{is_staff, levels_label, unit_names, visits_label};
use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::session::PageUser;

/// One row of the materials table.
pub struct MaterialRow {
    name: String,
    required: &'static str,
    core: &'static str,
    /// Non-core on a matter that allows 容缺受理: may be supplied later.
    deficiency_ok: bool,
    source: &'static str,
    /// Fetched by the platform: nothing to bring.
    fetched: bool,
    /// The certificate-list entry, when the material is a certificate.
    certificate: Option<String>,
    note: String,
}

/// One row of the steps table.
pub struct StepRow {
    stage: u32,
    name: String,
    unit_name: String,
    limit: String,
    parallel: bool,
}

/// Everything the page shows about a matter, as text.
pub struct MatterView {
    code: String,
    name: String,
    category: &'static str,
    unit_name: String,
    levels: String,
    delegation: &'static str,
    statutory: String,
    promised: String,
    limit_source: String,
    fee: String,
    legal_basis: String,
    online: &'static str,
    mobile: &'static str,
    self_service: &'static str,
    visits: String,
    agency: &'static str,
    commitment: bool,
    deficiency: bool,
    materials: Vec<MaterialRow>,
    steps: Vec<StepRow>,
    description: String,
    can_apply: bool,
    /// Who may apply (服务对象).
    applicants: &'static str,
    version: u32,
    published_on: String,
}

#[derive(Template)]
#[template(path = "matter.html")]
struct MatterPage {
    chrome: Chrome,
    m: MatterView,
    /// A window clerk: offered 窗口接件 instead of 在线申请.
    clerk: bool,
    /// Any member of staff: offered no 在线申请.
    staff: bool,
}

/// Where a material comes from, as the applicant should read it.
pub fn source_label(source: MaterialSource) -> &'static str {
    match source {
        MaterialSource::Applicant => "申请人提供",
        MaterialSource::SharedData => "共享数据（免提交）",
        MaterialSource::ELicense => "电子证照（免提交）",
    }
}

fn material_row(
    m: &Material,
    matter: &Matter,
    certificates: &HashMap<String, String>,
) -> MaterialRow {
    MaterialRow {
        name: m.name.clone(),
        required: if m.required { "必需" } else { "非必需" },
        core: if m.core { "核心" } else { "非核心" },
        deficiency_ok: matter.deficiency_allowed && !m.core,
        source: source_label(m.source),
        fetched: m.source != MaterialSource::Applicant,
        certificate: m.certificate.as_ref().map(|code| {
            certificates
                .get(code)
                .map_or_else(|| code.clone(), |entry| format!("{code} {entry}"))
        }),
        note: m.note.clone(),
    }
}

fn steps(matter: &Matter, names: &HashMap<String, String>) -> Vec<StepRow> {
    let name_of = |code: &str| names.get(code).cloned().unwrap_or_else(|| code.to_owned());
    matter
        .steps
        .iter()
        .map(|s| StepRow {
            stage: s.stage,
            name: s.name.clone(),
            unit_name: name_of(s.unit.as_deref().unwrap_or(&matter.unit)),
            limit: s.limit.to_string(),
            parallel: matter.steps.iter().filter(|o| o.stage == s.stage).count() > 1,
        })
        .collect()
}

fn view(
    v: &MatterVersion,
    names: &HashMap<String, String>,
    certificates: &HashMap<String, String>,
) -> MatterView {
    let m = &v.matter;
    let yes_no = |b: bool| if b { "支持" } else { "不支持" };
    MatterView {
        code: m.code.to_string(),
        name: m.name.clone(),
        category: m.category.label_zh(),
        unit_name: names
            .get(&m.unit)
            .cloned()
            .unwrap_or_else(|| m.unit.clone()),
        levels: levels_label(&m.levels),
        delegation: m.delegation.label_zh(),
        statutory: m.statutory_limit.to_string(),
        promised: m.promised_limit.to_string(),
        limit_source: m.limit_source.clone(),
        fee: fee_text(m.fee_charged, &m.fee_note),
        legal_basis: m.legal_basis.clone(),
        online: m.online_depth.label_zh(),
        mobile: yes_no(m.mobile),
        self_service: yes_no(m.self_service),
        visits: visits_label(m.max_visits),
        agency: if m.agency {
            "提供代办服务"
        } else {
            "不提供"
        },
        commitment: m.commitment_allowed,
        deficiency: m.deficiency_allowed,
        materials: m
            .materials
            .iter()
            .map(|x| material_row(x, m, certificates))
            .collect(),
        steps: steps(m, names),
        description: m.description.clone(),
        can_apply: m.online_depth != OnlineDepth::WindowOnly,
        applicants: m.applicants.label_zh(),
        version: v.version,
        published_on: crate::service::shanghai_today(v.published_at).to_string(),
    }
}

/// Whether a fee is charged, with its note (which often says so itself).
fn fee_text(charged: bool, note: &str) -> String {
    let note = note.trim();
    let word = if charged { "收费" } else { "不收费" };
    if note.is_empty() {
        word.to_owned()
    } else if note.starts_with(word) || (!charged && note.starts_with("免")) {
        note.to_owned()
    } else {
        format!("{word}：{note}")
    }
}

/// The page for a matter code that is not in the catalog.
pub fn matter_not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "事项不存在",
        "没有找到这个事项，它可能已被调整或编码有误。请在办事指南中搜索。",
    )
}

/// GET /catalog/{code}: one matter's guide.
pub async fn page(
    State(state): State<AppState>,
    user: Option<PageUser>,
    Path(code): Path<String>,
) -> Response {
    let Ok(code) = MatterCode::parse(&code) else {
        return matter_not_found();
    };
    let version = match state.services.store.matter(&code, None).await {
        Ok(v) => v,
        Err(StoreError::NotFound(_)) => return matter_not_found(),
        Err(e) => {
            tracing::error!(error = %e, %code, "cannot read a matter");
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "事项暂时无法显示，请稍后重试。",
            );
        }
    };
    let names = unit_names(&state).await;
    let certificates: HashMap<String, String> = match state.services.store.certificates().await {
        Ok(list) => list
            .into_iter()
            .map(|c| (c.code, format!("{}（{}出具）", c.name, c.issuer)))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the certificate list");
            HashMap::new()
        }
    };
    let mut m = view(&version, &names, &certificates);
    let staff = is_staff(user.as_ref());
    m.can_apply &= !staff;
    render(&MatterPage {
        chrome: Chrome::for_visitor(user.as_ref()),
        clerk: user.as_ref().is_some_and(|u| u.role == Role::WindowClerk),
        staff,
        m,
    })
}
