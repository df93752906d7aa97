//! The applicant's own cases (`/mine`): each with its state, dates, promised
//! deadline and 正常 / 预警 / 超期 badge, and what is still owed (the items
//! of a one-time notice, 容缺 materials and their date, a 补正); one case
//! with its timeline and files (`/mine/{id}`); and the form to supply what
//! is owed (`/mine/{id}/supplement`). Only cases the account applied for
//! are found: the store applies the applicant's scope, and any other case
//! is "not found", exactly like one that does not exist.

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::{Action, ActionKind, Case, CaseState, SuspensionKind, offered};
use domain::unit::Role;
use serde::Deserialize;
use store::{CaseFilter, StoreError};

use super::apply::read_upload_form;
use super::common::materials::{self, MaterialItem};
use super::track::{CaseSummary, Found, summary};
use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::uploads::{self, RULES_ZH};
use crate::service::{CaseView, ServiceError};

/// What a case still needs from its applicant, in Chinese.
fn owed(case: &Case) -> Vec<String> {
    let mut out = Vec::new();
    if case.state == CaseState::Noticed && !case.notice.is_empty() {
        out.push(format!("一次性告知需补齐：{}", case.notice.join("、")));
    }
    if let Some(d) = &case.deficiency {
        if d.broken {
            out.push(format!(
                "容缺材料 {} 未在 {} 前补交，已记入信用记录",
                d.materials.join("、"),
                d.supplement_by
            ));
        } else if d.supplied_on.is_none() {
            out.push(format!(
                "容缺材料：{}，须于 {} 前补交",
                d.materials.join("、"),
                d.supplement_by
            ));
        }
    }
    if let Some(s) = open_supplement(case) {
        out.push(format!("补正：{}", s));
    }
    out
}

/// The reason of an open 补正 suspension.
fn open_supplement(case: &Case) -> Option<&str> {
    case.suspensions
        .last()
        .filter(|s| {
            s.to.is_none()
                && s.kind == SuspensionKind::Supplement
                && case.state == CaseState::Suspended
        })
        .map(|s| s.reason.as_str())
}

/// The materials the supplement form asks for, and the action it ends in.
fn to_supply(case: &Case, user: &PageUser) -> Option<(Vec<String>, bool)> {
    let kinds = offered(case, user.role, &user.unit);
    if kinds.contains(&ActionKind::Resubmit) && !case.notice.is_empty() {
        return Some((case.notice.clone(), true));
    }
    if !kinds.contains(&ActionKind::Supplement) {
        return None;
    }
    let mut names: Vec<String> = case
        .deficiency
        .as_ref()
        .filter(|d| d.supplied_on.is_none() && !d.broken)
        .map(|d| d.materials.clone())
        .unwrap_or_default();
    if open_supplement(case).is_some() {
        names.push("补正材料".into());
    }
    (!names.is_empty()).then_some((names, false))
}

/// One case in the list.
pub struct MineRow {
    id: i64,
    s: CaseSummary,
    owed: Vec<String>,
    can_supply: bool,
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    chrome: Chrome,
    rows: Vec<MineRow>,
}

#[derive(Template)]
#[template(path = "mine_case.html")]
struct MineCasePage {
    chrome: Chrome,
    id: i64,
    f: Found,
    owed: Vec<String>,
    can_supply: bool,
    materials: Vec<MaterialItem>,
    flash: &'static str,
    /// The case's rating link (好差评) once it is concluded.
    rate_link: Option<String>,
}

fn failure(what: &str, e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "{what}");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "出错了",
        "暂时无法读取办件，请稍后重试。",
    )
}

/// The page for a case outside the user's scope or not there at all.
pub fn case_not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "办件不存在",
        "没有找到这个办件。您只能查看自己申请的办件。",
    )
}

/// GET /mine: the applicant's cases, newest first.
pub async fn list(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(page) = user.require(&[Role::Applicant]) {
        return page;
    }
    let filter = CaseFilter {
        limit: Some(200),
        ..CaseFilter::default()
    };
    let mut views = match state.services.list_for(&user.access(), filter).await {
        Ok(v) => v,
        Err(e) => return failure("cannot list the applicant's cases", &e),
    };
    views.sort_by_key(|v| std::cmp::Reverse(v.record.id));
    let names = super::catalog::unit_names(&state).await;
    let matters = state.services.catalog_snapshot().await.ok();
    let rows = views
        .iter()
        .map(|v| {
            let case = &v.record.case;
            let matter = matters
                .as_ref()
                .and_then(|m| m.matter(&case.matter))
                .map_or_else(|| case.matter.to_string(), |m| m.name.clone());
            let unit = names
                .get(&case.unit)
                .cloned()
                .unwrap_or_else(|| case.unit.clone());
            MineRow {
                id: v.record.id,
                s: summary(v, &matter, &unit),
                owed: owed(case),
                can_supply: to_supply(case, &user).is_some(),
            }
        })
        .collect();
    render(&MinePage {
        chrome: Chrome::for_user(&user),
        rows,
    })
}

/// One of the user's cases with its timeline; `Err` is the page to show.
async fn load(state: &AppState, user: &PageUser, id: i64) -> Result<CaseView, Response> {
    user.require(&[Role::Applicant])?;
    match state.services.case_for(&user.access(), id).await {
        Ok(v) => Ok(v),
        Err(ServiceError::Store(StoreError::NotFound(_))) => Err(case_not_found()),
        Err(e) => Err(failure("cannot read a case", &e)),
    }
}

/// What a redirect back to the case page says happened.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    submitted: Option<String>,
    #[serde(default)]
    supplied: Option<String>,
}

/// GET /mine/{id}: one of the user's cases.
pub async fn case(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Query(done): Query<Done>,
) -> Response {
    let v = match load(&state, &user, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let materials = match materials::of_case(&state, &v, &format!("/mine/{id}")).await {
        Ok(m) => m,
        Err(e) => return failure("cannot list a case's materials", &e),
    };
    let flash = if done.submitted.is_some() {
        "申请已提交，请等待预审。受理编号请妥善保存，可随时凭编号查询进度。"
    } else if done.supplied.is_some() {
        "材料已补交。"
    } else {
        ""
    };
    let rate_link = match v.record.case.concluded_on {
        Some(_) => match state.services.rating_token_for(&user.access(), id).await {
            Ok(token) => Some(format!("/rate/{token}")),
            Err(e) => return failure("cannot make a case's rating link", &e),
        },
        None => None,
    };
    render(&MineCasePage {
        chrome: Chrome::for_user(&user),
        rate_link,
        id,
        owed: owed(&v.record.case),
        can_supply: to_supply(&v.record.case, &user).is_some(),
        f: Found::of(&state, &v).await,
        materials,
        flash,
    })
}

/// One file input of the supplement form.
pub struct SupplyInput {
    field: String,
    name: String,
    error: String,
}

#[derive(Template)]
#[template(path = "mine_supplement.html")]
struct SupplementPage {
    chrome: Chrome,
    id: i64,
    receipt: String,
    version: i64,
    csrf: String,
    resubmit: bool,
    reason: String,
    inputs: Vec<SupplyInput>,
    message: String,
    rules: &'static str,
}

fn supplement_page(
    user: &PageUser,
    v: &CaseView,
    names: &[String],
    resubmit: bool,
) -> SupplementPage {
    SupplementPage {
        chrome: Chrome::for_user(user),
        id: v.record.id,
        receipt: v.record.receipt_no.clone(),
        version: v.record.version,
        csrf: user.csrf.clone(),
        resubmit,
        reason: open_supplement(&v.record.case)
            .unwrap_or_default()
            .to_owned(),
        inputs: names
            .iter()
            .enumerate()
            .map(|(i, n)| SupplyInput {
                field: format!("file_{i}"),
                name: n.clone(),
                error: String::new(),
            })
            .collect(),
        message: String::new(),
        rules: RULES_ZH,
    }
}

fn nothing_owed(id: i64) -> Response {
    Redirect::to(&format!("/mine/{id}")).into_response()
}

/// GET /mine/{id}/supplement: the files still owed, one input each.
pub async fn supplement_form(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    let v = match load(&state, &user, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    match to_supply(&v.record.case, &user) {
        Some((names, resubmit)) => render(&supplement_page(&user, &v, &names, resubmit)),
        None => nothing_owed(id),
    }
}

/// POST /mine/{id}/supplement: every owed file must pass; then the case
/// records the supplement (or the resubmission) and the files are kept.
pub async fn supplement(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    multipart: Multipart,
) -> Response {
    let v = match load(&state, &user, id).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let Some((names, resubmit)) = to_supply(&v.record.case, &user) else {
        return nothing_owed(id);
    };
    let mut form = match read_upload_form(multipart).await {
        Ok(f) => f,
        Err(why) => return error_page(StatusCode::PAYLOAD_TOO_LARGE, "提交失败", &why),
    };
    let mut page = supplement_page(&user, &v, &names, resubmit);
    let mut files = Vec::new();
    for input in &mut page.inputs {
        match form.files.remove(&input.field) {
            Some(mut file) => {
                file.material = input.name.clone();
                match uploads::check(file) {
                    Ok(f) => files.push(f),
                    Err(why) => input.error = why,
                }
            }
            None => input.error = "请上传此材料".into(),
        }
    }
    if page.inputs.iter().any(|i| !i.error.is_empty()) {
        page.message = "有材料未通过检查，本次未保存任何文件。请按提示改正后重新提交。".into();
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    }
    let expected = form.field("version").parse().ok();
    let action = if resubmit {
        Action::Resubmit
    } else {
        Action::Supplement { materials: names }
    };
    if let Err(e) = state
        .services
        .act_with_files(&user.access(), id, expected, action, files)
        .await
    {
        page.message = match &e {
            ServiceError::Store(StoreError::Conflict(_)) => {
                "办件状态刚刚发生变化，请刷新页面后重新提交。".into()
            }
            ServiceError::Store(_) => return failure("supplement failed", &e),
            other => other.to_string(),
        };
        return (StatusCode::CONFLICT, render(&page)).into_response();
    }
    Redirect::to(&format!("/mine/{id}?supplied=1")).into_response()
}
