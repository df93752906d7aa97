//! Acting on a case: 受理, 容缺受理, completing a step, suspending, deciding,
//! issuing, delivering, … — one endpoint, the action named in the body.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use domain::case::Action;
use serde::Deserialize;

use super::cases::case_headers;
use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, IfMatch};
use crate::http::openapi::ActionRequest;
use crate::service::CaseView;

/// The version the client acted on, as a query parameter (for clients that cannot set If-Match).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActQuery {
    /// The case version the action was computed from; a case changed since is a conflict (409).
    pub expected_version: Option<i64>,
}

/// Applies an action to a case, attributed to the token's user. With
/// `If-Match` (or `expected_version`), a case changed since that version is
/// refused with 409 `conflict` and nothing is written.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/actions", operation_id = "act_on_case", tag = "cases",
    params(
        ("id" = i64, Path, description = "The case's id"),
        ("If-Match" = Option<String>, Header, description = "The case version acted on, as returned in ETag"),
        ActQuery,
    ),
    request_body = ActionRequest,
    responses(
        (status = 200, description = "The case after the action", body = CaseView,
            headers(("ETag" = String, description = "The case's new version"))),
        (status = 400, description = "Malformed JSON, unknown action, or a bad If-Match", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: the user's role or unit may not take this action (e.g. a decision outside the responsible unit, a step of another unit, any action by a read-only role)", body = ErrorBody),
        (status = 404, description = "No such case, or not one the token's user may see", body = ErrorBody),
        (status = 409, description = "`illegal_transition` (not allowed in the case's state) or `conflict` (changed since the version given)", body = ErrorBody),
        (status = 422, description = "A rule of the action broken, e.g. `core_material_missing`, `supplement_date_out_of_range`, `steps_pending`", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    IfMatch(if_match): IfMatch,
    ApiQuery(q): ApiQuery<ActQuery>,
    ApiJson(action): ApiJson<Action>,
) -> Result<(HeaderMap, Json<CaseView>), AppError> {
    let expected = match (if_match, q.expected_version) {
        (Some(h), Some(v)) if h != v => {
            return Err(AppError::bad_request(
                "If-Match 与 expected_version 给出的版本不一致",
            ));
        }
        (h, v) => h.or(v),
    };
    let access = user.access();
    let view = state.services.act_as(&access, id, expected, action).await?;
    Ok((case_headers(&view), Json(view)))
}
