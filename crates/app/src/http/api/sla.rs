//! Time-limit standing (正常 / 预警 / 超期) of running cases.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::ApiQuery;

/// Which cases to count.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountsQuery {
    /// Only cases of this responsible unit; all when absent.
    pub unit: Option<String>,
}

/// Running cases by SLA status.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SlaCountsView {
    /// The day the statuses are judged on (Asia/Shanghai).
    pub today: NaiveDate,
    /// The unit counted, or none for all.
    pub unit: Option<String>,
    /// 正常
    pub normal: i64,
    /// 预警
    pub warning: i64,
    /// 超期
    pub overdue: i64,
    /// Suspended (clock stopped); not in the three above.
    pub paused: i64,
}

/// Counts running cases in 正常, 预警 and 超期 as of today, and those suspended.
#[utoipa::path(
    get, path = "/api/v1/sla/counts", operation_id = "sla_counts", tag = "sla",
    params(CountsQuery),
    responses(
        (status = 200, description = "The counts", body = SlaCountsView),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Applicants see their own cases, not the county's counts", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<CountsQuery>,
) -> Result<Json<SlaCountsView>, AppError> {
    if user.0.role == domain::unit::Role::Applicant {
        return Err(crate::service::ServiceError::forbidden("申请人只能查看自己的办件").into());
    }
    let today = state.services.today();
    let unit = q
        .unit
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    let c = state
        .services
        .store
        .sla_counts(today, unit.as_deref())
        .await?;
    Ok(Json(SlaCountsView {
        today,
        unit,
        normal: c.normal,
        warning: c.warning,
        overdue: c.overdue,
        paused: c.paused,
    }))
}
