//! Hotline tickets (接诉即办) over the JSON API: register a call, list and
//! read tickets within the token user's scope (a unit's staff see only the
//! tickets their unit leads or co-operates on; others are 404), act on one
//! (the action named in the body, as the pages do), and the figures.
//! Refusals carry the domain's stable codes: `illegal_transition` (409),
//! `not_holder`, `ticket_settled`, `extension_state`, `reason_required`,
//! `unknown_unit`, `merge_target` (422), `forbidden` (403), `not_found` (404).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use domain::hotline::{TicketAction, TicketState};
use serde::Deserialize;
use store::TicketFilter;

use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service::hotline::{HotlineReport, TicketInput, TicketView};

/// Registers a call (受理); hotline agents only.
#[utoipa::path(
    post, path = "/api/v1/tickets", operation_id = "create_ticket", tag = "hotline",
    request_body(content = Object, description = "kind (consultation|help|complaint|report|suggestion), channel (phone|web|app|wechat), urgency (normal|urgent|very_urgent), category, caller_name, caller_phone, location, position [lat, long], text"),
    responses(
        (status = 201, description = "Registered", body = Object),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: only hotline agents register calls", body = ErrorBody),
        (status = 422, description = "`text_required` or `caller_required`", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(input): ApiJson<TicketInput>,
) -> Result<(StatusCode, Json<TicketView>), AppError> {
    let access = user.access();
    let view = state.services.register_ticket(&access, input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Which tickets to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketQuery {
    /// Only tickets in this state (registered, dispatched, signed, handling,
    /// replied, called_back, closed, returned, escalated, merged).
    pub state: Option<String>,
    /// At most this many (default 100, at most 500).
    pub limit: Option<u32>,
}

/// Tickets within the user's scope, newest first, each with its clock.
#[utoipa::path(
    get, path = "/api/v1/tickets", operation_id = "list_tickets", tag = "hotline",
    params(TicketQuery),
    responses(
        (status = 200, description = "Tickets with limits and clock status", body = Vec<Object>),
        (status = 400, description = "Unknown state", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role sees no tickets", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<TicketQuery>,
) -> Result<Json<Vec<TicketView>>, AppError> {
    let states = match q.state.as_deref() {
        None | Some("") => Vec::new(),
        Some(s) => vec![
            TicketState::parse(s)
                .ok_or_else(|| AppError::bad_request(format!("未知的工单状态：{s}")))?,
        ],
    };
    let filter = TicketFilter {
        states,
        limit: q.limit.unwrap_or(100).clamp(1, 500),
        ..TicketFilter::default()
    };
    let access = user.access();
    Ok(Json(state.services.tickets_for(&access, filter).await?))
}

/// One ticket with its timeline; 404 when out of the user's scope.
#[utoipa::path(
    get, path = "/api/v1/tickets/{id}", operation_id = "show_ticket", tag = "hotline",
    params(("id" = i64, Path, description = "The ticket's id")),
    responses(
        (status = 200, description = "The ticket, its limits, clock and timeline", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such ticket, or not one the user may see", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, AppError> {
    let access = user.access();
    Ok(Json(state.services.ticket_for(&access, id).await?))
}

/// Version to act on, for optimistic concurrency.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketActQuery {
    /// The ticket version the action was computed from; changed since → 409 `conflict`.
    pub expected_version: Option<i64>,
}

/// Acts on a ticket: dispatch, sign, start_handling, reply, send_back,
/// settle, request_extension, decide_extension, call_back, close, merge_into.
#[utoipa::path(
    post, path = "/api/v1/tickets/{id}/actions", operation_id = "act_on_ticket", tag = "hotline",
    params(("id" = i64, Path, description = "The ticket's id"), TicketActQuery),
    request_body(content = Object, description = "{\"action\": \"dispatch\", \"lead_unit\": \"rsj\", \"co_units\": [\"scjg\"]}, {\"action\": \"reply\", \"text\": \"…\"}, {\"action\": \"send_back\", \"reason\": \"…\"}, {\"action\": \"call_back\", \"satisfaction\": \"satisfied\", \"resolved\": true, \"note\": \"…\"}, …"),
    responses(
        (status = 200, description = "The ticket after the action", body = Object),
        (status = 400, description = "Malformed JSON or unknown action", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: the role may not take this action", body = ErrorBody),
        (status = 404, description = "No such ticket, or not one the user may see", body = ErrorBody),
        (status = 409, description = "`illegal_transition` or `conflict`", body = ErrorBody),
        (status = 422, description = "`not_holder`, `ticket_settled`, `extension_state`, `reason_required`, `unknown_unit`, `merge_target`", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<TicketActQuery>,
    ApiJson(action): ApiJson<TicketAction>,
) -> Result<Json<TicketView>, AppError> {
    let access = user.access();
    let view = state
        .services
        .ticket_act(&access, id, q.expected_version, action)
        .await?;
    Ok(Json(view))
}

/// 响应率, 解决率, 满意率 and 按时办结率, overall and per lead unit, and the
/// labour-inspection on-time target (100%, the seed).
#[utoipa::path(
    get, path = "/api/v1/hotline/figures", operation_id = "hotline_figures", tag = "hotline",
    responses(
        (status = 200, description = "The figures as of now", body = Object),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The role sees no hotline figures", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn figures(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<HotlineReport>, AppError> {
    let access = user.access();
    Ok(Json(state.services.hotline_report(&access).await?))
}
