//! `/admin/units`: the organisation tree (市县 → 部门; 市县 → 镇街 → 村社区)
//! and a form to add a unit under a parent of a fitting kind.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::unit::{Unit, UnitCode, UnitKind};
use serde::Deserialize;
use store::StoreError;

use super::{ADMIN, Flash, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;

/// One unit of the tree, as a row indented by its depth.
#[derive(Debug, Clone)]
pub struct UnitRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Kind, in Chinese.
    pub kind: &'static str,
    /// 0 for the county, 1 under it, 2 for villages and communities.
    pub depth: usize,
    /// An illustration rather than a real unit (示例).
    pub example: bool,
    /// Users acting for it.
    pub users: usize,
}

/// The add-unit form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    example: Option<String>,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    rows: Vec<UnitRow>,
    kinds: Vec<UnitKind>,
    parents: Vec<UnitRow>,
    form: UnitForm,
    errors: Vec<String>,
}

/// GET /admin/units.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    show(&state, &user, None, UnitForm::default(), Vec::new()).await
}

/// POST /admin/units: adds a unit.
pub async fn add(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<UnitForm>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let units = match state.services.store.units().await {
        Ok(u) => u,
        Err(e) => return store_error_page(&e),
    };
    let unit = match check(&form, &units) {
        Ok(u) => u,
        Err(errors) => return show(&state, &user, None, form, errors).await,
    };
    let s = &state.services;
    match s.put_unit(&unit, &user.actor()).await {
        Ok(()) => {
            tracing::info!(admin = %user.username, unit = %unit.code, "unit added");
            let flash = Flash::ok(format!("已添加单位“{}”（{}）", unit.name, unit.code));
            show(&state, &user, flash, UnitForm::default(), Vec::new()).await
        }
        Err(e @ (StoreError::Invalid(_) | StoreError::NotFound(_) | StoreError::Conflict(_))) => {
            show(&state, &user, None, form, vec![e.to_string()]).await
        }
        Err(e) => store_error_page(&e),
    }
}

/// The unit a form describes, or every problem with it in Chinese.
fn check(form: &UnitForm, units: &[Unit]) -> Result<Unit, Vec<String>> {
    let mut errors = Vec::new();
    let code = UnitCode::parse(form.code.trim()).map_err(|e| errors.push(e.to_string()));
    if let Ok(c) = &code
        && units.iter().any(|u| &u.code == c)
    {
        errors.push(format!("单位编码“{c}”已被使用"));
    }
    let name = form.name.trim();
    if name.is_empty() {
        errors.push("请填写单位名称".to_owned());
    } else if name.chars().count() > 100 {
        errors.push("单位名称不能超过 100 个字".to_owned());
    }
    let kind = UnitKind::parse(&form.kind).filter(|k| *k != UnitKind::County);
    if kind.is_none() {
        errors.push("请选择单位类型".to_owned());
    }
    let parent = UnitCode::parse(form.parent.trim()).ok();
    if parent.is_none() {
        errors.push("请选择上级单位".to_owned());
    }
    match (code, kind, parent) {
        (Ok(code), Some(kind), Some(parent)) if errors.is_empty() => Ok(Unit {
            code,
            name: name.to_owned(),
            kind,
            parent: Some(parent),
            example: form.example.is_some(),
        }),
        _ => Err(errors),
    }
}

async fn show(
    state: &AppState,
    user: &PageUser,
    flash: Option<Flash>,
    form: UnitForm,
    errors: Vec<String>,
) -> Response {
    let s = &state.services;
    let (units, users) = match (s.store.units().await, s.store.users().await) {
        (Ok(u), Ok(v)) => (u, v),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let rows = tree(&units, &users);
    let parents = rows.iter().filter(|r| r.depth < 2).cloned().collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UnitsPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        rows,
        kinds: UnitKind::ALL
            .iter()
            .copied()
            .filter(|k| *k != UnitKind::County)
            .collect(),
        parents,
        form,
        errors,
    };
    (status, render(&page)).into_response()
}

/// The units in tree order: each unit followed by those under it,
/// departments before towns and streets, then by code.
pub fn tree(units: &[Unit], users: &[domain::unit::User]) -> Vec<UnitRow> {
    fn walk(
        units: &[Unit],
        users: &[domain::unit::User],
        parent: Option<&UnitCode>,
        depth: usize,
        out: &mut Vec<UnitRow>,
    ) {
        let mut children: Vec<&Unit> = units
            .iter()
            .filter(|u| u.parent.as_ref() == parent)
            .collect();
        children.sort_by(|a, b| (a.kind, &a.code).cmp(&(b.kind, &b.code)));
        for u in children {
            out.push(UnitRow {
                code: u.code.to_string(),
                name: u.name.clone(),
                kind: u.kind.label_zh(),
                depth,
                example: u.example,
                users: users.iter().filter(|x| x.unit == u.code).count(),
            });
            // The tree is three levels deep; the bound guards a corrupt cycle.
            if depth < 8 {
                walk(units, users, Some(&u.code), depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(units.len());
    walk(units, users, None, 0, &mut out);
    out
}
