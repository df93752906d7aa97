//! The JSON API under `/api/v1`: one file per resource. Every route needs a
//! token (see [`super::auth`]); this table is the one list of them, used to
//! build the router and to check that the OpenAPI document names each.

pub mod case_actions;
pub mod cases;
pub mod matters;
pub mod ratings;
pub mod sla;
pub mod tickets;
pub mod units;

use axum::http::Method;
use axum::routing::{MethodRouter, get, post};
use serde::{Deserialize, Serialize};

use super::AppState;
use crate::service::CaseView;

/// One route: its method, its path as the OpenAPI document writes it, and its handler.
pub type Route = (Method, &'static str, MethodRouter<AppState>);

/// Every `/api/v1` route.
pub fn routes() -> Vec<Route> {
    vec![
        (Method::GET, "/api/v1/matters", get(matters::list)),
        (Method::GET, "/api/v1/matters/search", get(matters::search)),
        (Method::GET, "/api/v1/matters/{code}", get(matters::show)),
        (Method::POST, "/api/v1/cases", post(cases::create)),
        (Method::GET, "/api/v1/cases", get(cases::list)),
        (Method::GET, "/api/v1/cases/warnings", get(cases::warnings)),
        (Method::GET, "/api/v1/cases/overdue", get(cases::overdue)),
        (Method::GET, "/api/v1/cases/{id}", get(cases::show)),
        (
            Method::POST,
            "/api/v1/cases/{id}/actions",
            post(case_actions::act),
        ),
        (Method::GET, "/api/v1/units/{code}/inbox", get(units::inbox)),
        (Method::GET, "/api/v1/sla/counts", get(sla::counts)),
        (Method::POST, "/api/v1/tickets", post(tickets::create)),
        (Method::GET, "/api/v1/tickets", get(tickets::list)),
        (Method::GET, "/api/v1/tickets/{id}", get(tickets::show)),
        (
            Method::POST,
            "/api/v1/tickets/{id}/actions",
            post(tickets::act),
        ),
        (
            Method::GET,
            "/api/v1/hotline/figures",
            get(tickets::figures),
        ),
        // 好差评
        (Method::POST, "/api/v1/ratings", post(ratings::rate)),
        (Method::GET, "/api/v1/rectifications", get(ratings::list)),
        (
            Method::GET,
            "/api/v1/rectifications/{id}",
            get(ratings::show),
        ),
        (
            Method::POST,
            "/api/v1/rectifications/{id}/actions",
            post(ratings::act),
        ),
        (
            Method::GET,
            "/api/v1/evaluation/scores",
            get(ratings::scores),
        ),
    ]
}

/// The page size when none is asked for.
const DEFAULT_LIMIT: u32 = 50;
/// The largest page.
const MAX_LIMIT: u32 = 500;

/// Paging parameters.
#[derive(Debug, Clone, Copy, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

impl PageQuery {
    /// The page asked for, within bounds.
    pub fn bounds(self) -> (u32, u32) {
        (
            self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT),
            self.offset.unwrap_or(0),
        )
    }
}

/// A page of cases.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CasePage {
    /// The cases, in the order the endpoint documents.
    pub items: Vec<CaseView>,
    /// The page size used.
    pub limit: u32,
    /// How many were skipped.
    pub offset: u32,
}

impl CasePage {
    /// A page of `items` fetched with `page`.
    pub fn new(items: Vec<CaseView>, page: PageQuery) -> Self {
        let (limit, offset) = page.bounds();
        Self {
            items,
            limit,
            offset,
        }
    }
}
