//! 好差评 over JSON: rating a case or a visit as the token's user, the
//! rectification orders the user may see and the actions on them, and the
//! supervisor's unified scores. The rules and scoping are the service
//! layer's (see `service::ratings`): another unit's order is a 404.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::evaluation::RectificationAction;
use domain::unit::Role;
use serde::Deserialize;
use store::RatedThing;

use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::service::{OrderView, RateInput, Scoreboard};

/// A rating: of a case (`case_id`) or of a window visit (`visit_id`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RatingRequest {
    /// The concluded case rated (一事一评).
    #[serde(default)]
    pub case_id: Option<i64>,
    /// Or the window visit rated (一次一评).
    #[serde(default)]
    pub visit_id: Option<i64>,
    /// The rating.
    #[serde(flatten)]
    pub rating: RateInput,
}

/// Rates a concluded case (the applicant on pc, mobile or qr_code; the
/// hotline on phone or sms) or a window visit (the clerk's window device).
/// A 差评 opens a rectification order to the responsible unit.
#[utoipa::path(
    post, path = "/api/v1/ratings", operation_id = "rate", tag = "evaluation",
    request_body = RatingRequest,
    responses(
        (status = 201, description = "The rating as stored, with the order a 差评 opened", body = Object),
        (status = 400, description = "Malformed JSON, or neither or both of case_id and visit_id", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: this role may not rate this, or not on this channel", body = ErrorBody),
        (status = 404, description = "No such case or visit, or not one the token's user may rate", body = ErrorBody),
        (status = 409, description = "`already_rated`: a case or visit is rated once", body = ErrorBody),
        (status = 422, description = "`case_not_concluded`, `rating_window_closed`, `reason_required` (a 差评 needs a reason), `rating_required`", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn rate(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<RatingRequest>,
) -> Result<(StatusCode, Json<store::RatingRecord>), AppError> {
    let subject = match (req.case_id, req.visit_id) {
        (Some(id), None) => RatedThing::Case(id),
        (None, Some(id)) => RatedThing::Visit(id),
        _ => {
            return Err(AppError::bad_request(
                "须且只能给出 case_id 或 visit_id 之一",
            ));
        }
    };
    let access = user.access();
    let record = state.services.rate_as(&access, subject, req.rating).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// Which orders to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrdersQuery {
    /// Only orders not yet closed.
    #[serde(default)]
    pub open_only: bool,
}

/// The rectification orders the user may see: their unit's (approver,
/// department head, window clerk) or every unit's (supervisor), soonest
/// deadline first, each with the 差评 that opened it and whether it is overdue.
#[utoipa::path(
    get, path = "/api/v1/rectifications", operation_id = "list_rectifications", tag = "evaluation",
    params(OrdersQuery),
    responses(
        (status = 200, description = "The orders", body = Vec<OrderView>),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: this role sees no orders", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<OrdersQuery>,
) -> Result<Json<Vec<OrderView>>, AppError> {
    let access = user.access();
    Ok(Json(
        state
            .services
            .rectifications_for(&access, q.open_only)
            .await?,
    ))
}

/// One rectification order.
#[utoipa::path(
    get, path = "/api/v1/rectifications/{id}", operation_id = "show_rectification", tag = "evaluation",
    params(("id" = i64, Path, description = "The order's id")),
    responses(
        (status = 200, description = "The order", body = OrderView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: this role sees no orders", body = ErrorBody),
        (status = 404, description = "No such order, or another unit's", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<OrderView>, AppError> {
    let access = user.access();
    Ok(Json(state.services.rectification_for(&access, id).await?))
}

/// The version an action was computed from.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderActQuery {
    /// The order version acted on; an order changed since is a conflict (409).
    pub expected_version: Option<i64>,
}

/// Takes an action on an order: the unit's `verify`, `appeal`,
/// `report_rectified`, `report_cannot`; the supervisor's `uphold_appeal`,
/// `reject_appeal` and `call_back` (the only way an order closes, except an
/// upheld appeal). Body: `{"action": "verify", "finding": "…"}` and so on.
#[utoipa::path(
    post, path = "/api/v1/rectifications/{id}/actions", operation_id = "act_on_rectification", tag = "evaluation",
    params(("id" = i64, Path, description = "The order's id"), OrderActQuery),
    request_body(content = Object, description = "A RectificationAction tagged by `action`"),
    responses(
        (status = 200, description = "The order after the action", body = OrderView),
        (status = 400, description = "Malformed JSON or unknown action", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: the unit's actions are the unit's, the supervisor's the supervisor's", body = ErrorBody),
        (status = 404, description = "No such order, or another unit's", body = ErrorBody),
        (status = 409, description = "`illegal_transition` (not in the order's state) or `conflict` (changed since the version given)", body = ErrorBody),
        (status = 422, description = "`reason_required`: the action's text is empty", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn act(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OrderActQuery>,
    ApiJson(action): ApiJson<RectificationAction>,
) -> Result<Json<OrderView>, AppError> {
    let access = user.access();
    let view = state
        .services
        .act_on_rectification(&access, id, q.expected_version, action)
        .await?;
    Ok(Json(view))
}

/// The period of the scores (both days included).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScoresQuery {
    /// First day, YYYY-MM-DD.
    pub from: NaiveDate,
    /// Last day, YYYY-MM-DD.
    pub to: NaiveDate,
}

/// The unified score and the four rates (主动评价率, 满意率, 差评整改率,
/// 回访率) of the county and of every window, staff member, department and
/// matter over a period. Supervisors only.
#[utoipa::path(
    get, path = "/api/v1/evaluation/scores", operation_id = "evaluation_scores", tag = "evaluation",
    params(ScoresQuery),
    responses(
        (status = 200, description = "Everyone's standing", body = Scoreboard),
        (status = 400, description = "A bad date", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "`forbidden`: not a supervisor", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn scores(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ScoresQuery>,
) -> Result<Json<Scoreboard>, AppError> {
    let access = user.access();
    access.require(&[Role::Supervisor])?;
    if q.from > q.to {
        return Err(AppError::bad_request("开始日期不能晚于结束日期"));
    }
    Ok(Json(state.services.scoreboard(q.from, q.to).await?))
}
