//! The catalog's matters for the admin and the supervisor: the list with each
//! matter's current version, one matter's versions (each viewable, none ever
//! changed) and the form that publishes a new version, and a new matter.
//! Saving goes through `Store::put_matter`, which refuses with every
//! problem; each is shown next to its field or material row.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::catalog::{
    ApplicantTypes, CatalogError, Category, Certificate, Delegation, Level, MaterialSource, Matter,
    MatterCode, OnlineDepth,
};
use domain::time::local_minute;
use store::{MatterVersion, StoreError};

use super::fields::Fields;
use super::matter_check::settle;
use super::matter_form::MatterForm;
use super::matter_view::{MatterFacts, StepFacts, steps, unit_name};
use super::units::{UnitRow, tree};
use super::{CATALOG, Flash, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::{Chrome, NavLink, error_page, render};
use crate::http::session::PageUser;

/// One matter in the list, or one version of a matter.
#[derive(Debug, Clone)]
pub struct VersionRow {
    /// 事项编码.
    pub code: String,
    /// 事项名称.
    pub name: String,
    /// 事项类型.
    pub category: &'static str,
    /// 责任单位.
    pub unit: String,
    /// Version number.
    pub version: u32,
    /// When published, Asia/Shanghai.
    pub published: String,
}

impl VersionRow {
    fn of(v: &MatterVersion, units: &[domain::unit::Unit]) -> Self {
        Self {
            code: v.matter.code.to_string(),
            name: v.matter.name.clone(),
            category: v.matter.category.label_zh(),
            unit: unit_name(units, &v.matter.unit),
            version: v.version,
            published: local_minute(v.published_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_catalog.html")]
struct ListPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    rows: Vec<VersionRow>,
}

#[derive(Template)]
#[template(path = "admin_matter.html")]
struct MatterPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    is_new: bool,
    versions: Vec<VersionRow>,
    steps: Vec<StepFacts>,
    form: MatterForm,
    units: Vec<UnitRow>,
    certificates: Vec<Certificate>,
    categories: &'static [Category],
    levels: &'static [Level],
    delegations: &'static [Delegation],
    depths: &'static [OnlineDepth],
    applicant_types: &'static [ApplicantTypes],
    sources: &'static [MaterialSource],
}

#[derive(Template)]
#[template(path = "admin_matter_version.html")]
struct VersionPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    row: VersionRow,
    newest: u32,
    facts: MatterFacts,
}

/// GET /admin/catalog: every matter with its current version.
pub async fn list(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let s = &state.services;
    let (matters, units) = match (s.store.matters().await, s.store.units().await) {
        (Ok(m), Ok(u)) => (m, u),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    render(&ListPage {
        chrome: Chrome::for_user(&user),
        sub: sub_nav(&user),
        rows: matters.iter().map(|v| VersionRow::of(v, &units)).collect(),
    })
}

/// GET /admin/catalog/{code}: the versions and the form for the next one.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let current = match newest(&state, &code).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let form = MatterForm::of(&current.matter);
    show(&state, &user, form, None, StatusCode::OK).await
}

/// POST /admin/catalog/{code}: publishes the form as a new version (or adds
/// an empty material row when that button was pressed).
pub async fn publish(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let current = match newest(&state, &code).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let fields = Fields::new(pairs);
    let mut form = MatterForm::read(&fields);
    form.code = current.matter.code.to_string();
    if fields.get("op") == "add_row" {
        form.add_row();
        return show(&state, &user, form, None, StatusCode::OK).await;
    }
    let Some(mut matter) = form.build(current.matter.steps.clone()) else {
        return show(&state, &user, form, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    settle(&mut matter, &current.matter);
    save(&state, &user, form, &matter, Some(current.version)).await
}

/// GET /admin/catalog/new: the form for a new matter.
pub async fn new_form(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    show_new(&state, &user, MatterForm::blank(), StatusCode::OK).await
}

/// POST /admin/catalog/new: publishes a new matter as version 1.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let fields = Fields::new(pairs);
    let mut form = MatterForm::read(&fields);
    let new = StatusCode::OK;
    if fields.get("op") == "add_row" {
        form.add_row();
        return show_new(&state, &user, form, new).await;
    }
    let built = form.build(Vec::new());
    if let Ok(code) = MatterCode::parse(&form.code) {
        match state.services.store.matter(&code, None).await {
            Ok(_) => form.errors.add(
                "code",
                format!("事项编码“{code}”已存在，请到该事项的页面修改"),
            ),
            Err(StoreError::NotFound(_)) => {}
            Err(e) => return store_error_page(&e),
        }
    }
    match built {
        Some(matter) if !form.has_errors() => save(&state, &user, form, &matter, None).await,
        _ => show_new(&state, &user, form, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// GET /admin/catalog/{code}/versions/{version}: one published version, read-only.
pub async fn version(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((code, version)): PagePath<(String, u32)>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let newest = match newest(&state, &code).await {
        Ok(v) => v.version,
        Err(page) => return page,
    };
    let s = &state.services;
    let Ok(code) = MatterCode::parse(&code) else {
        return no_matter();
    };
    let (v, units) = match (
        s.store.matter(&code, Some(version)).await,
        s.store.units().await,
    ) {
        (Ok(v), Ok(u)) => (v, u),
        (Err(StoreError::NotFound(_)), _) => return no_matter(),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    render(&VersionPage {
        chrome: Chrome::for_user(&user),
        sub: sub_nav(&user),
        row: VersionRow::of(&v, &units),
        newest,
        facts: MatterFacts::of(&v.matter, &units),
    })
}

/// Publishes `matter` and shows the result: the new version, "unchanged",
/// or the form with every problem next to its field.
async fn save(
    state: &AppState,
    user: &PageUser,
    mut form: MatterForm,
    matter: &Matter,
    previous: Option<u32>,
) -> Response {
    let s = &state.services;
    match s
        .store
        .put_matter(matter, &user.actor(), s.clock.now())
        .await
    {
        Ok(v) => {
            let flash = if previous == Some(v.version) {
                Flash::ok(format!("内容与第 {} 版相同，未发布新版本", v.version))
            } else {
                tracing::info!(user = %user.username, matter = %v.matter.code, version = v.version, "matter published");
                Flash::ok(format!(
                    "已发布第 {} 版，新受理的办件按此版本办理；已受理的办件仍按原版本",
                    v.version
                ))
            };
            show(
                state,
                user,
                MatterForm::of(&v.matter),
                flash,
                StatusCode::OK,
            )
            .await
        }
        Err(StoreError::Catalog(CatalogError::Invalid(problems))) => {
            form.attach(problems);
            respond_with(state, user, form, previous.is_none()).await
        }
        Err(StoreError::Catalog(e @ CatalogError::BadCode(_))) => {
            form.errors.add("code", e.to_string());
            respond_with(state, user, form, previous.is_none()).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::Conflict(_))) => {
            form.errors.add("", e.to_string());
            respond_with(state, user, form, previous.is_none()).await
        }
        Err(e) => store_error_page(&e),
    }
}

async fn respond_with(
    state: &AppState,
    user: &PageUser,
    form: MatterForm,
    is_new: bool,
) -> Response {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    if is_new {
        show_new(state, user, form, status).await
    } else {
        show(state, user, form, None, status).await
    }
}

/// The newest version of the matter `code`, or the 404 page.
async fn newest(state: &AppState, code: &str) -> Result<MatterVersion, Response> {
    let code = MatterCode::parse(code).map_err(|_| no_matter())?;
    match state.services.store.matter(&code, None).await {
        Ok(v) => Ok(v),
        Err(StoreError::NotFound(_)) => Err(no_matter()),
        Err(e) => Err(store_error_page(&e)),
    }
}

fn no_matter() -> Response {
    error_page(StatusCode::NOT_FOUND, "未找到", "没有这个事项或这个版本。")
}

async fn show_new(
    state: &AppState,
    user: &PageUser,
    form: MatterForm,
    status: StatusCode,
) -> Response {
    render_form(state, user, form, None, status, true).await
}

async fn show(
    state: &AppState,
    user: &PageUser,
    form: MatterForm,
    flash: Option<Flash>,
    status: StatusCode,
) -> Response {
    render_form(state, user, form, flash, status, false).await
}

async fn render_form(
    state: &AppState,
    user: &PageUser,
    form: MatterForm,
    flash: Option<Flash>,
    status: StatusCode,
    is_new: bool,
) -> Response {
    let s = &state.services;
    let (units, certificates) = match (s.store.units().await, s.store.certificates().await) {
        (Ok(u), Ok(c)) => (u, c),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let versions = match MatterCode::parse(&form.code) {
        Ok(code) if !is_new => match s.store.matter_versions(&code).await {
            Ok(v) => v,
            Err(e) => return store_error_page(&e),
        },
        _ => Vec::new(),
    };
    let page = MatterPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        is_new,
        steps: versions
            .last()
            .map(|v| steps(&v.matter, &units))
            .unwrap_or_default(),
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionRow::of(v, &units))
            .collect(),
        form,
        units: tree(&units, &[]),
        certificates,
        categories: Category::ALL,
        levels: Level::ALL,
        delegations: Delegation::ALL,
        depths: OnlineDepth::ALL,
        applicant_types: ApplicantTypes::ALL,
        sources: MaterialSource::ALL,
    };
    (status, render(&page)).into_response()
}
