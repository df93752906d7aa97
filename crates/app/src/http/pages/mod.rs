//! Server-rendered pages in Simplified Chinese, from askama templates (which
//! escape everything they print) in `crates/app/templates/`; htmx for partial
//! updates. Each page struct carries a [`Chrome`]: who is signed in, the CSRF
//! token its forms must send back, and the navigation for that user's role.

mod admin;
mod apply;
mod auth;
mod case_page;
mod catalog;
mod home;
mod hotline;
mod inbox;
mod matter;
mod mine;
mod notices;
mod supervise;
mod track;
mod window;

use askama::Template;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use super::AppState;
use crate::service::uploads::MAX_REQUEST_BYTES;

/// The part of every page around its content.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    /// The signed-in user, if any.
    pub user: Option<ChromeUser>,
    /// The CSRF token every state-changing form and htmx request sends back.
    pub csrf: String,
    /// Navigation links for this user.
    pub nav: Vec<NavLink>,
}

/// Who is signed in, as the header shows it.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    /// Name.
    pub display_name: String,
    /// Role, in Chinese.
    pub role_label: String,
    /// Unit name.
    pub unit_name: String,
}

/// One navigation link.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
}

impl Chrome {
    /// The chrome for someone not signed in.
    pub fn public() -> Self {
        Self {
            user: None,
            csrf: String::new(),
            nav: public_nav(),
        }
    }
}

/// Links everyone sees.
pub fn public_nav() -> Vec<NavLink> {
    vec![
        NavLink {
            href: "/catalog",
            label: "办事指南",
        },
        NavLink {
            href: "/track",
            label: "办件查询",
        },
    ]
}

/// Renders a template into a page; a template failure is a logged 500 page.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "页面暂时无法显示，请稍后重试。",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    title: &'a str,
    message: &'a str,
}

/// An error page with a status, a title and a message, all in Chinese.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let page = ErrorPage {
        chrome: Chrome::public(),
        title,
        message,
    };
    let html = page
        .render()
        .unwrap_or_else(|_| format!("{title}：{message}"));
    (status, Html(html)).into_response()
}

/// The page for a path that does not exist.
pub async fn not_found() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在或已被移除。",
    )
}

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(hotline::routes())
        .route("/", get(home::page))
        .route("/catalog", get(catalog::page))
        .route("/catalog/{code}", get(matter::page))
        .route("/track", get(track::page))
        .route("/apply", get(apply::index))
        .route(
            "/apply/{code}",
            get(apply::form)
                .post(apply::submit)
                .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)),
        )
        .route("/mine", get(mine::list))
        .route("/mine/{id}", get(mine::case))
        .route(
            "/mine/{id}/supplement",
            get(mine::supplement_form)
                .post(mine::supplement)
                .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)),
        )
        .route("/cases/{id}", get(case_page::page))
        .route("/cases/{id}/act", post(case_page::act))
        .route("/cases/{id}/notice/{kind}", get(notices::page))
        .route("/window", get(window::home))
        .route(
            "/window/intake",
            get(window::intake::form).post(window::intake::submit),
        )
        .route("/window/outcome", post(window::outcome::fragment))
        .route("/window/receipt/{id}", get(window::receipt))
        .route("/window/review", get(window::review::queue))
        .route(
            "/window/review/{id}",
            get(window::review::form).post(window::review::submit),
        )
        .route("/window/visits", get(window::visits))
        .route("/inbox", get(inbox::page))
        .route("/supervise", get(supervise::page))
}
