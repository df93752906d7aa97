//! onewindow over HTTP: the JSON API under `/api/v1` (token required), its
//! OpenAPI document at `/api/openapi.json`, a docs page at `/api/docs`, and
//! `/healthz`. [`router`] builds it all, so tests drive the app in-process
//! through `router(state).oneshot(request)` without a socket.

pub mod api;
pub mod assets;
pub mod auth;
pub mod docs;
pub mod error;
pub mod extract;
pub mod open311;
pub mod openapi;
pub mod pages;
pub mod session;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::service::Services;

/// What every handler shares: the service layer (store, calendar, clock)
/// and how page sessions behave.
#[derive(Clone)]
pub struct AppState {
    /// The services.
    pub services: Arc<Services>,
    /// Session cookie and timeouts, sign-in rate limit.
    pub sessions: Arc<session::SessionSettings>,
    /// The address citizens reach onewindow at, for printed links
    /// (`public_url` in the configuration), without a trailing slash.
    pub public_url: Option<Arc<str>>,
}

impl AppState {
    /// State over a set of services, with the default session settings.
    pub fn new(services: Services) -> Self {
        Self {
            services: Arc::new(services),
            sessions: Arc::default(),
            public_url: None,
        }
    }

    /// The same state with the session settings a configuration names.
    pub fn with_config(mut self, config: &crate::config::Config) -> Self {
        self.sessions = Arc::new(session::SessionSettings::from_config(config));
        self.public_url = config
            .public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| !u.is_empty())
            .map(Arc::from);
        self
    }
}

/// The routes anyone may call, without a token.
fn public_routes() -> Vec<api::Route> {
    vec![
        (Method::GET, "/healthz", get(healthz)),
        (Method::GET, "/api/openapi.json", get(openapi::openapi_json)),
        (Method::GET, "/api/docs", get(docs::page)),
    ]
}

/// Every route served, as (method, path) with paths written as the OpenAPI
/// document writes them; one list for the router and the docs check.
pub fn route_list() -> Vec<(Method, &'static str)> {
    let mut all = public_routes();
    all.extend(api::routes());
    paths(all)
}

/// A router serving a list of routes (one path may appear once per method).
fn mount(routes: Vec<api::Route>) -> Router<AppState> {
    routes
        .into_iter()
        .fold(Router::new(), |r, (_, path, handler)| {
            r.route(path, handler)
        })
}

/// The (method, path) pairs of a list of routes, for the checks that walk them.
pub fn paths(routes: Vec<api::Route>) -> Vec<(Method, &'static str)> {
    routes.into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let protected = mount(api::routes()).route_layer(middleware::from_fn_with_state(
        state.clone(),
        auth::require_user,
    ));
    mount(public_routes())
        .merge(protected)
        .merge(mount(pages::routes()))
        .merge(mount(open311::routes()))
        .route("/static/{*path}", get(assets::file))
        .fallback(error::no_route)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ))
        .layer(middleware::from_fn(log_request))
        .with_state(state)
}

/// One log line per request: method, path, status and how long it took.
async fn log_request(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let ms = started.elapsed().as_millis();
    if response.status().is_server_error() {
        tracing::warn!(%method, %path, status, ms, "request failed");
    } else {
        tracing::info!(%method, %path, status, ms, "request");
    }
    response
}

/// The health check's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the process answers.
    pub status: &'static str,
    /// The database backend in use: `sqlite` or `postgres`.
    pub backend: &'static str,
}

/// Says the process is up (no token needed).
#[utoipa::path(
    get, path = "/healthz", tag = "system",
    responses((status = 200, description = "The process is up", body = Health))
)]
pub async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        backend: state.services.store.backend(),
    })
}
