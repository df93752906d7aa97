//! The service catalog (事项目录): list, search and one matter.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::catalog::{Category, Matter, MatterCode};
use serde::{Deserialize, Serialize};
use store::MatterVersion;

use crate::http::AppState;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{ApiPath, ApiQuery};

/// Filters for the catalog list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatterListQuery {
    /// Only matters of this responsible unit (its code, e.g. `scjg`).
    pub unit: Option<String>,
    /// Only matters of this category: `license`, `public_service`, … or the Chinese name (行政许可).
    pub category: Option<String>,
}

/// What the catalog list shows of a matter (its newest version).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatterSummary {
    /// 事项编码.
    pub code: String,
    /// 事项名称.
    pub name: String,
    /// Category, e.g. `license`.
    pub category: String,
    /// Responsible unit's code.
    pub unit: String,
    /// Newest published version.
    pub version: u32,
    /// 承诺时限 in working days (0 = 即办).
    pub promised_limit: u32,
    /// 法定时限 in working days.
    pub statutory_limit: u32,
    /// 容缺受理 allowed.
    pub deficiency_allowed: bool,
    /// 告知承诺 allowed.
    pub commitment_allowed: bool,
    /// How far it can be done online, e.g. `fully_online`.
    pub online_depth: String,
}

impl MatterSummary {
    fn of(v: &MatterVersion) -> Self {
        let m = &v.matter;
        Self {
            code: m.code.as_str().to_owned(),
            name: m.name.clone(),
            category: m.category.as_str().to_owned(),
            unit: m.unit.clone(),
            version: v.version,
            promised_limit: m.promised_limit.get(),
            statutory_limit: m.statutory_limit.get(),
            deficiency_allowed: m.deficiency_allowed,
            commitment_allowed: m.commitment_allowed,
            online_depth: m.online_depth.as_str().to_owned(),
        }
    }
}

/// One published version of a matter, whole.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MatterDetail {
    /// The version number, from 1.
    pub version: u32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// The matter: materials, steps, limits, 办理须知, …
    #[schema(value_type = Object)]
    pub matter: Matter,
}

/// Lists the newest version of every matter, by code.
#[utoipa::path(
    get, path = "/api/v1/matters", operation_id = "list_matters", tag = "catalog",
    params(MatterListQuery),
    responses(
        (status = 200, description = "The matters", body = Vec<MatterSummary>),
        (status = 400, description = "Unknown category", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<MatterListQuery>,
) -> Result<Json<Vec<MatterSummary>>, AppError> {
    let category = match q.category.as_deref().filter(|c| !c.trim().is_empty()) {
        None => None,
        Some(c) => Some(
            Category::parse(c)
                .ok_or_else(|| AppError::bad_request(format!("未知的事项类型“{c}”")))?,
        ),
    };
    let unit = q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let matters = state.services.store.matters().await?;
    let list = matters
        .iter()
        .filter(|v| category.is_none_or(|c| v.matter.category == c))
        .filter(|v| unit.is_none_or(|u| v.matter.unit == u))
        .map(MatterSummary::of)
        .collect();
    Ok(Json(list))
}

/// Search parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for, in the applicant's words, e.g. 营业执照, 开饭店, 社保.
    pub q: String,
    /// At most this many results (default 10, at most 50).
    pub limit: Option<usize>,
}

/// One search result.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchHit {
    /// Relevance; higher is better, comparable within one search only.
    pub score: f64,
    /// The matter.
    pub matter: MatterSummary,
}

/// Searches the catalog in Chinese, best match first.
#[utoipa::path(
    get, path = "/api/v1/matters/search", operation_id = "search_matters", tag = "catalog",
    params(SearchQuery),
    responses(
        (status = 200, description = "The matching matters, best first", body = Vec<SearchHit>),
        (status = 400, description = "No `q`", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn search(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>, AppError> {
    let limit = q.limit.unwrap_or(10).clamp(1, 50);
    // The same cached index the catalog pages use, rebuilt only when the
    // catalog changes.
    let catalog = state.services.catalog_snapshot().await?;
    let hits = catalog
        .search(&q.q, limit)
        .into_iter()
        .filter_map(|h| {
            let v = catalog.versions.iter().find(|v| v.matter.code == h.code)?;
            Some(SearchHit {
                score: h.score,
                matter: MatterSummary::of(v),
            })
        })
        .collect();
    Ok(Json(hits))
}

/// Which version of a matter.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A published version number; the newest when absent.
    pub version: Option<u32>,
}

/// Shows one matter: its newest version, or the one asked for.
#[utoipa::path(
    get, path = "/api/v1/matters/{code}", operation_id = "show_matter", tag = "catalog",
    params(("code" = String, Path, description = "事项编码, e.g. QX-ZGB-106"), VersionQuery),
    responses(
        (status = 200, description = "The matter as published", body = MatterDetail),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 404, description = "No such matter or version", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<VersionQuery>,
) -> Result<Json<MatterDetail>, AppError> {
    let code = MatterCode::parse(&code)
        .map_err(|_| AppError::not_found(format!("没有编码为“{code}”的事项")))?;
    let v = state.services.store.matter(&code, q.version).await?;
    Ok(Json(MatterDetail {
        version: v.version,
        published_at: v.published_at,
        matter: v.matter,
    }))
}
