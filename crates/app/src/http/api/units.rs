//! A unit's work: its back-office inbox.

use axum::Json;
use axum::extract::State;

use super::{CasePage, PageQuery};
use crate::http::AppState;
use crate::http::auth::CurrentUser;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};

/// Lists the cases a unit holds now (an open step, or a result to issue or
/// deliver), soonest promised deadline first. A department's users see
/// their own unit's inbox, a town's clerks those of the units under it;
/// county-wide roles any.
#[utoipa::path(
    get, path = "/api/v1/units/{code}/inbox", operation_id = "unit_inbox", tag = "cases",
    params(("code" = String, Path, description = "The unit's code, e.g. scjg"), PageQuery),
    responses(
        (status = 200, description = "A page of the unit's cases", body = CasePage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Not a unit whose inbox the user may see", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn inbox(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(code): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<CasePage>, AppError> {
    let units = state.services.units().await?;
    if !units.iter().any(|u| u.code.as_str() == code) {
        return Err(AppError::not_found(format!("没有编码为“{code}”的单位")));
    }
    let (limit, offset) = page.bounds();
    let access = user.access();
    let items = state
        .services
        .inbox_for(&access, &code, limit, offset)
        .await?;
    Ok(Json(CasePage::new(items, page)))
}
