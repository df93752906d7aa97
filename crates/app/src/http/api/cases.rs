//! Cases (办件): open one, read one, list them, and the 预警 / 超期 lists.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use chrono::NaiveDate;
use domain::case::{CaseState, SlaStatus};
use serde::Deserialize;
use store::CaseFilter;

use super::{CasePage, PageQuery};
use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, IdempotencyKey, etag};
use crate::service::{CaseView, CreateCase};

/// Opens a case: an online application (it waits for 预审) or a window
/// intake, whose outcome (`intake`) is applied at once. The case is
/// attributed to the token's user. With an `Idempotency-Key` this user has
/// used before, nothing new is made and that case is returned (200).
#[utoipa::path(
    post, path = "/api/v1/cases", operation_id = "create_case", tag = "cases",
    params(("Idempotency-Key" = Option<String>, Header, description = "A client-chosen key; the same key from the same user makes one case")),
    request_body = CreateCase,
    responses(
        (status = 201, description = "Opened", body = CaseView,
            headers(("Location" = String, description = "The case's URL"), ("ETag" = String, description = "The case's version"))),
        (status = 200, description = "Replayed: the case this key already made", body = CaseView),
        (status = 400, description = "Malformed JSON or header", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role may not open cases (only window clerks, and applicants online for themselves)", body = ErrorBody),
        (status = 404, description = "No such matter", body = ErrorBody),
        (status = 409, description = "The window intake's outcome is not allowed", body = ErrorBody),
        (status = 422, description = "A rule broken: `invalid_credit_code`, `invalid_id_number`, `deficiency_not_allowed`, …", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(input): ApiJson<CreateCase>,
) -> Result<(StatusCode, HeaderMap, Json<CaseView>), AppError> {
    let access = user.access();
    let (view, created) = state.services.open_case_as(&access, input, key).await?;
    let mut headers = case_headers(&view);
    let status = if created {
        let location = format!("/api/v1/cases/{}", view.record.id);
        if let Ok(v) = HeaderValue::from_str(&location) {
            headers.insert(header::LOCATION, v);
        }
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, headers, Json(view)))
}

/// Shows one case with its clocks as of today and its whole timeline.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}", operation_id = "show_case", tag = "cases",
    params(("id" = i64, Path, description = "The case's id")),
    responses(
        (status = 200, description = "The case, its promised and statutory clocks, its SLA status and its timeline",
            body = CaseView, headers(("ETag" = String, description = "The case's version, for If-Match"))),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such case, or not one the token's user may see", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<(HeaderMap, Json<CaseView>), AppError> {
    let access = user.access();
    let view = state.services.case_for(&access, id).await?;
    Ok((case_headers(&view), Json(view)))
}

/// Filters for the case list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseListQuery {
    /// In this state: submitted, noticed, in_review, suspended, approved, issued, delivered, refused, not_accepted, withdrawn.
    pub state: Option<String>,
    /// Whose responsible unit is this (unit code).
    pub unit: Option<String>,
    /// Presented at this hall unit.
    pub intake_unit: Option<String>,
    /// normal (正常), warning (预警) or overdue (超期), as of today; running cases only.
    pub sla: Option<String>,
    /// Promised deadline on or after (YYYY-MM-DD).
    pub deadline_from: Option<NaiveDate>,
    /// Promised deadline on or before (YYYY-MM-DD).
    pub deadline_to: Option<NaiveDate>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

/// Lists the cases the token's user may see (their unit's, their town's,
/// their own), by promised deadline, soonest first (undated last), then id.
#[utoipa::path(
    get, path = "/api/v1/cases", operation_id = "list_cases", tag = "cases",
    params(CaseListQuery),
    responses(
        (status = 200, description = "A page of cases", body = CasePage),
        (status = 400, description = "A bad filter", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CaseListQuery>,
) -> Result<Json<CasePage>, AppError> {
    let access = user.access();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let filter = CaseFilter {
        state: parse_opt(q.state.as_deref(), CaseState::parse, "办件状态")?,
        unit: non_empty(q.unit),
        intake_unit: non_empty(q.intake_unit),
        sla: parse_opt(
            q.sla.as_deref(),
            SlaStatus::parse,
            "时限状态（normal、warning 或 overdue）",
        )?,
        deadline_from: q.deadline_from,
        deadline_to: q.deadline_to,
        limit: q.limit,
        offset: q.offset,
        ..CaseFilter::default()
    };
    let items = state.services.list_for(&access, filter).await?;
    Ok(Json(CasePage::new(items, page)))
}

/// Filters for the 预警 and 超期 lists.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlaListQuery {
    /// Only cases of this responsible unit.
    pub unit: Option<String>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

/// Lists running cases in 预警 (most of the promised limit used), soonest deadline first.
#[utoipa::path(
    get, path = "/api/v1/cases/warnings", operation_id = "list_warnings", tag = "cases",
    params(SlaListQuery),
    responses(
        (status = 200, description = "A page of cases in 预警", body = CasePage),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn warnings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SlaListQuery>,
) -> Result<Json<CasePage>, AppError> {
    by_sla(&state, &user, SlaStatus::Warning, q).await
}

/// Lists running cases past their promised deadline (超期), most overdue first.
#[utoipa::path(
    get, path = "/api/v1/cases/overdue", operation_id = "list_overdue", tag = "cases",
    params(SlaListQuery),
    responses(
        (status = 200, description = "A page of cases in 超期", body = CasePage),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn overdue(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<SlaListQuery>,
) -> Result<Json<CasePage>, AppError> {
    by_sla(&state, &user, SlaStatus::Overdue, q).await
}

async fn by_sla(
    state: &AppState,
    user: &CurrentUser,
    sla: SlaStatus,
    q: SlaListQuery,
) -> Result<Json<CasePage>, AppError> {
    let access = user.access();
    let page = PageQuery {
        limit: q.limit,
        offset: q.offset,
    };
    let filter = CaseFilter {
        sla: Some(sla),
        unit: non_empty(q.unit),
        limit: q.limit,
        offset: q.offset,
        ..CaseFilter::default()
    };
    let items = state.services.list_for(&access, filter).await?;
    Ok(Json(CasePage::new(items, page)))
}

/// `ETag` (the version) for a case response.
pub(super) fn case_headers(view: &CaseView) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(&etag(view.record.version)) {
        headers.insert(header::ETAG, v);
    }
    headers
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Parses an optional enum filter given as text; 400 naming what was expected.
fn parse_opt<T>(
    s: Option<&str>,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Result<Option<T>, AppError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s)
            .map(Some)
            .ok_or_else(|| AppError::bad_request(format!("未知的{what}：“{s}”"))),
    }
}
