//! Open311 GeoReport v2 (JSON) over the hotline, so third-party clients can
//! file and read requests: `/open311/v2/services.json`,
//! `/open311/v2/services/{code}.json`, `/open311/v2/requests.json` (GET, and
//! POST with an `api_key`) and `/open311/v2/requests/{id}.json`.
//!
//! How onewindow maps to GeoReport:
//! - a **service** is a ticket type (咨询 consultation, 求助 help, 投诉
//!   complaint, 举报 report, 建议 suggestion); its `service_code` is the
//!   type's stable English name, its `group` the 12345 hotline. Every
//!   service has `metadata: true` and one optional attribute, `category`
//!   (the subject area, e.g. 劳动保障监察), which the hotline uses for
//!   figures. Requests are `realtime`: a `service_request_id` comes back at once;
//! - a **service request** is a ticket; `service_request_id` is its id.
//!   It is registered (受理) with the channel 移动端 and normal urgency, and
//!   the hotline dispatches it to a unit as any other ticket. `status` is
//!   `closed` once 办结 or merged (并单), `open` before;
//!   `agency_responsible` is the lead unit's name; `expected_datetime` the
//!   end of its close day (Asia/Shanghai), once dispatched;
//!   `status_notes` the reply to the caller, or where the ticket stands;
//! - **api_key**: keys are made with `onewindow open311 key create NAME`
//!   and stored hashed (SHA-256); reading needs no key, filing does;
//! - `media_url` (an http(s) link to a photo the client keeps) is stored
//!   and read back; onewindow keeps no media itself.
//!
//! Errors are what the spec defines: an array of `{code, description}`,
//! with HTTP 400 (bad or missing parameters), 403 (missing or wrong
//! api_key) or 404 (no such service or request).

mod requests;
mod services;

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use super::api::Route;
use crate::service::ServiceError;

/// The Open311 routes.
pub fn routes() -> Vec<Route> {
    vec![
        (
            Method::GET,
            "/open311/v2/services.json",
            get(services::list),
        ),
        (
            Method::GET,
            "/open311/v2/services/{file}",
            get(services::definition),
        ),
        (
            Method::GET,
            "/open311/v2/requests.json",
            get(requests::list),
        ),
        (
            Method::POST,
            "/open311/v2/requests.json",
            post(requests::create),
        ),
        (
            Method::GET,
            "/open311/v2/requests/{file}",
            get(requests::show),
        ),
    ]
}

/// Every Open311 route as (method, path).
pub fn route_list() -> Vec<(Method, &'static str)> {
    crate::http::paths(routes())
}

/// One GeoReport error.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct GeoError {
    /// The HTTP status as a number, as the spec's examples give it.
    pub code: u16,
    /// What is wrong.
    pub description: String,
}

/// A failed Open311 call: its status and the spec's error array.
#[derive(Debug)]
pub struct Open311Error(StatusCode, String);

impl Open311Error {
    /// 400: a missing or malformed parameter.
    pub fn bad_request(d: impl Into<String>) -> Self {
        Self(StatusCode::BAD_REQUEST, d.into())
    }
    /// 403: a missing or wrong api_key.
    pub fn forbidden(d: impl Into<String>) -> Self {
        Self(StatusCode::FORBIDDEN, d.into())
    }
    /// 404: no such service or request.
    pub fn not_found(d: impl Into<String>) -> Self {
        Self(StatusCode::NOT_FOUND, d.into())
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = vec![GeoError {
            code: self.0.as_u16(),
            description: self.1,
        }];
        (self.0, Json(body)).into_response()
    }
}

impl From<ServiceError> for Open311Error {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Store(store::StoreError::NotFound(what)) => {
                Self::not_found(format!("not found: {what}"))
            }
            ServiceError::Refused { code, message, .. } => {
                Self::bad_request(format!("{code}: {message}"))
            }
            other => {
                tracing::error!(error = %other, "Open311 request failed");
                Self(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal error".to_owned(),
                )
            }
        }
    }
}

/// The `.json` file name a path segment must be; anything else is 404
/// (onewindow answers GeoReport in JSON only).
fn json_stem(file: &str) -> Result<&str, Open311Error> {
    file.strip_suffix(".json")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Open311Error::not_found("only the .json format is served"))
}

/// An instant as GeoReport writes it: W3C date-time in China Standard Time.
pub(crate) fn w3c(at: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => at
            .with_timezone(&cst)
            .format("%Y-%m-%dT%H:%M:%S%:z")
            .to_string(),
        None => at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    }
}
