//! 预审: the online applications waiting at the clerk's hall, each decided
//! like a window intake (受理, 容缺受理 or 一次性告知) through `Services::act`
//! with the version the page was read at.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::{ActionKind, CaseState, mask_identifier, offered};
use store::CaseFilter;

use super::super::case_page::{Flash, load_case};
use super::super::common::form::FormData;
use super::super::common::materials::{self, MaterialItem};
use super::super::common::rows::{CaseRow, Refused, describe, service_error_page};
use super::super::{Chrome, render};
use super::outcome::{OutcomeView, intake_action};
use super::require_clerk;
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::CaseView;

#[derive(Template)]
#[template(path = "window_review_list.html")]
struct QueuePage {
    chrome: Chrome,
    rows: Vec<CaseRow>,
}

/// GET /window/review: online applications awaiting 预审 at the clerk's unit.
pub async fn queue(State(state): State<AppState>, user: PageUser) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let filter = CaseFilter {
        state: Some(CaseState::Submitted),
        intake_unit: Some(user.unit.clone()),
        limit: Some(200),
        ..CaseFilter::default()
    };
    let (cases, names) = match (
        state.services.list_for(&user.access(), filter).await,
        state.services.names().await,
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let rows = cases
        .iter()
        .filter(|v| v.record.case.channel.needs_review())
        .map(|v| CaseRow::of(v, &names, None))
        .collect();
    render(&QueuePage {
        chrome: Chrome::for_user(&user),
        rows,
    })
}

#[derive(Template)]
#[template(path = "window_review.html")]
struct ReviewPage {
    chrome: Chrome,
    csrf: String,
    id: i64,
    version: i64,
    receipt: String,
    matter_name: String,
    applicant: String,
    applicant_id: String,
    channel: &'static str,
    submitted_on: String,
    open: bool,
    o: OutcomeView,
    /// The materials checklist with the applicant's uploads, to open.
    materials: Vec<MaterialItem>,
    flash: Option<Flash>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    view: &CaseView,
    f: &FormData,
    flash: Option<Flash>,
) -> Response {
    let case = &view.record.case;
    let s = &state.services;
    let m = match s
        .store
        .matter(&case.matter, Some(case.matter_version))
        .await
    {
        Ok(m) => m,
        Err(e) => return service_error_page(&e.into()),
    };
    let (o, _) = OutcomeView::for_clerk(&m, f, s, user);
    let base = format!("/cases/{}", view.record.id);
    let materials = match materials::of_case_matter(state, view, &m.matter, &base).await {
        Ok(m) => m,
        Err(e) => return service_error_page(&e),
    };
    render(&ReviewPage {
        chrome: Chrome::for_user(user),
        csrf: user.csrf.clone(),
        id: view.record.id,
        version: view.record.version,
        receipt: view.record.receipt_no.clone(),
        matter_name: m.matter.name.clone(),
        applicant: case.applicant.name().to_owned(),
        applicant_id: mask_identifier(case.applicant.identifier()),
        channel: case.channel.label_zh(),
        submitted_on: case.submitted_on.to_string(),
        open: offered(case, user.role, &user.unit).contains(&ActionKind::Accept),
        o,
        materials,
        flash,
    })
}

/// GET /window/review/{id}: check an online application's materials.
pub async fn form(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let view = match load_case(&state, &user, id).await {
        Ok(view) => view,
        Err(e) => return service_error_page(&e),
    };
    // The materials the applicant uploaded start ticked; the clerk checks
    // each file and unticks what does not do.
    let received = match state.services.store.attachments(id).await {
        Ok(files) => files
            .into_iter()
            .map(|a| ("received".to_owned(), a.file.material))
            .collect(),
        Err(e) => return service_error_page(&e.into()),
    };
    page(&state, &user, &view, &FormData::new(received), None).await
}

/// POST /window/review/{id}: re-check, or decide the intake.
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let f = FormData::new(fields);
    let view = match load_case(&state, &user, id).await {
        Ok(v) => v,
        Err(e) => return service_error_page(&e),
    };
    if f.get("outcome").is_empty() {
        return page(&state, &user, &view, &f, None).await;
    }
    match decide(&state, &user, &view, &f).await {
        Ok(()) => Redirect::to(&format!("/window/receipt/{id}")).into_response(),
        Err(r) => {
            // Show the case as it now stands, with why nothing was done.
            let view = load_case(&state, &user, id).await.unwrap_or(view);
            let flash = Some(Flash {
                ok: false,
                message: r.message,
                code: r.code.as_str(),
            });
            (r.status, page(&state, &user, &view, &f, flash).await).into_response()
        }
    }
}

async fn decide(
    state: &AppState,
    user: &PageUser,
    view: &CaseView,
    f: &FormData,
) -> Result<(), Refused> {
    let case = &view.record.case;
    let s = &state.services;
    let m = s
        .store
        .matter(&case.matter, Some(case.matter_version))
        .await
        .map_err(|e| describe(&e.into()))?;
    let (o, opts) = OutcomeView::for_clerk(&m, f, s, user);
    let action = intake_action(&opts, &o, f)
        .map_err(|m| Refused::form(StatusCode::UNPROCESSABLE_ENTITY, m))?;
    let version = f
        .get("version")
        .parse()
        .map_err(|_| Refused::form(StatusCode::BAD_REQUEST, "缺少办件版本，请刷新后重试"))?;
    s.act_as(&user.access(), view.record.id, Some(version), action)
        .await
        .map(|_| ())
        .map_err(|e| describe(&e))
}
