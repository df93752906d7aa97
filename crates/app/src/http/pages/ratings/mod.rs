//! 好差评 pages: the phone-first rating page a 办结通知书's QR code opens
//! (`/rate/{token}`), the printable 办结通知书 with that QR code, the
//! responsible unit's rectification inbox and order page
//! (`/rectifications`), and the supervisor's scores, rates and orders
//! (`/supervise/evaluation`), and the window's rating device for visits
//! (`/window/ratings`).

mod device;
mod notice;
mod orders;
mod rate;
mod scores;

use axum::http::Method;
use axum::response::Response;
use axum::routing::{get, post};

use super::common::rows::refusal_page;
use crate::http::api::Route;
use crate::service::ServiceError;

/// The 好差评 routes.
pub fn routes() -> Vec<Route> {
    vec![
        (Method::GET, "/rate/{token}", get(rate::form)),
        (Method::POST, "/rate/{token}", post(rate::submit)),
        (
            Method::GET,
            "/cases/{id}/notice/conclusion",
            get(notice::page),
        ),
        (Method::GET, "/rectifications", get(orders::list)),
        (Method::GET, "/rectifications/{id}", get(orders::page)),
        (Method::POST, "/rectifications/{id}/act", post(orders::act)),
        (Method::GET, "/supervise/evaluation", get(scores::page)),
        (Method::GET, "/window/ratings", get(device::list)),
        (
            Method::POST,
            "/window/ratings/{visit}",
            post(device::submit),
        ),
    ]
}

/// The Chinese error page for a failed 好差评 call; an order or link that
/// does not exist or is not the user's is one and the same 404.
pub fn failure(e: &ServiceError, missing: &str) -> Response {
    refusal_page(e, missing)
}

/// A rate as a percentage for a page, or “—” when it has no denominator.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}
