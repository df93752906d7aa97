//! The case page (`/cases/{id}`): facts, both clocks, the parallel steps and
//! who holds them, 容缺 and 告知承诺 items, suspensions, the outcome, the
//! timeline, and only the action forms `offered` gives this user. A form
//! posts to `/cases/{id}/act` with the version it was read at: htmx swaps the
//! panel in place; without JavaScript the post redirects back to the page.

mod actions;
mod panel;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::ActionKind;
use domain::unit::Role;
use serde::Deserialize;

use self::actions::action_from_form;
use self::panel::Viewer;
pub use self::panel::{CasePanel, Flash, notices};
use super::common::form::FormData;
use super::common::materials;
use super::common::rows::{Refused, describe, service_error_page};
use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::{CaseView, ServiceError};

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    chrome: Chrome,
    p: CasePanel,
}

#[derive(Template)]
#[template(path = "case_panel.html")]
struct CasePanelFragment {
    p: CasePanel,
}

/// The query a successful post redirects with.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// A case with its timeline, if it lies within the user's scope.
/// A case out of scope is `NotFound`, exactly as one that does not exist.
pub async fn load_case(
    state: &AppState,
    user: &PageUser,
    id: i64,
) -> Result<CaseView, ServiceError> {
    state.services.case_for(&user.access(), id).await
}

async fn panel(state: &AppState, user: &PageUser, id: i64) -> Result<CasePanel, ServiceError> {
    let view = load_case(state, user, id).await?;
    let names = state.services.names().await?;
    let who = Viewer {
        role: user.role,
        unit: &user.unit,
        csrf: &user.csrf,
    };
    let mut p = CasePanel::build(&view, &names, &state.services.calendar(), &who);
    p.materials = materials::of_case(state, &view, &format!("/cases/{id}")).await?;
    Ok(p)
}

/// GET /cases/{id}: the case page.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<Done>,
) -> Response {
    if user.role == Role::Applicant {
        // An applicant follows their case on their own page.
        return Redirect::to(&format!("/mine/{id}")).into_response();
    }
    let mut p = match panel(&state, &user, id).await {
        Ok(p) => p,
        Err(e) => return service_error_page(&e),
    };
    p.flash = q
        .done
        .as_deref()
        .and_then(ActionKind::parse)
        .map(|k| Flash {
            ok: true,
            message: format!("已办理：{}", k.label_zh()),
            code: "",
        });
    render(&CasePage {
        chrome: Chrome::for_user(&user),
        p,
    })
}

/// POST /cases/{id}/act: one action from the case page's forms.
pub async fn act(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if user.role == Role::Applicant {
        return error_page(
            StatusCode::FORBIDDEN,
            "无权访问",
            "此页面供工作人员办理。申请人请在“我的办件”中查看进度、上传补正材料。",
        );
    }
    let form = FormData::new(fields);
    let htmx = headers.contains_key("hx-request");
    let outcome = perform(&state, &user, id, &form).await;
    if let (Ok(kind), false) = (&outcome, htmx) {
        return Redirect::to(&format!("/cases/{id}?done={}", kind.as_str())).into_response();
    }
    let mut p = match panel(&state, &user, id).await {
        Ok(p) => p,
        Err(e) => return service_error_page(&e),
    };
    let status = match outcome {
        Ok(kind) => {
            p.flash = Some(Flash {
                ok: true,
                message: format!("已办理：{}", kind.label_zh()),
                code: "",
            });
            StatusCode::OK
        }
        Err(r) => {
            p.flash = Some(Flash {
                ok: false,
                message: r.message,
                code: r.code.as_str(),
            });
            r.status
        }
    };
    if htmx {
        // The refusal travels in the panel with the API's status; base.html
        // tells htmx to swap 4xx answers too.
        (status, render(&CasePanelFragment { p })).into_response()
    } else {
        (
            status,
            render(&CasePage {
                chrome: Chrome::for_user(&user),
                p,
            }),
        )
            .into_response()
    }
}

async fn perform(
    state: &AppState,
    user: &PageUser,
    id: i64,
    form: &FormData,
) -> Result<ActionKind, Refused> {
    let kind = ActionKind::parse(form.get("action"))
        .ok_or_else(|| Refused::form(StatusCode::BAD_REQUEST, "未知的操作"))?;
    let version: i64 = form
        .get("version")
        .parse()
        .map_err(|_| Refused::form(StatusCode::BAD_REQUEST, "缺少办件版本，请刷新后重试"))?;
    let action = action_from_form(kind, form)
        .map_err(|m| Refused::form(StatusCode::UNPROCESSABLE_ENTITY, m))?;
    state
        .services
        .act_as(&user.access(), id, Some(version), action)
        .await
        .map_err(|e| describe(&e))?;
    Ok(kind)
}
