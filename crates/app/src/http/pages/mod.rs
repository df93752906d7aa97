//! Server-rendered pages in Simplified Chinese, from askama templates (which
//! escape everything they print) in `crates/app/templates/`; htmx for partial
//! updates. Each page struct carries a [`Chrome`]: who is signed in, the CSRF
//! token its forms must send back, and the navigation for that user's role.

mod admin;
mod apply;
mod auth;
mod case_page;
mod catalog;
pub(crate) mod common;
mod files;
mod home;
mod hotline;
mod inbox;
mod inspect;
mod matter;
mod mine;
mod notices;
mod ratings;
mod search;
mod supervise;
mod track;
mod window;

use askama::Template;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use super::api::Route;
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
    code: &'a str,
}

/// An error page with a status, a title and a message, all in Chinese.
pub fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    coded_error_page(status, "", title, message)
}

/// An error page for a refusal with a stable code (the API's for the same
/// refusal), carried in the page as `data-code`.
pub fn coded_error_page(status: StatusCode, code: &str, title: &str, message: &str) -> Response {
    let html = error_html(Chrome::public(), title, message, code);
    let mut response = (status, Html(html)).into_response();
    // The session layer renders it again with the signed-in user's header.
    response.extensions_mut().insert(ErrorPageParts {
        title: title.to_owned(),
        message: message.to_owned(),
        code: code.to_owned(),
    });
    response
}

/// What an error page says, kept on its response so that the session layer
/// can render it again with the signed-in user's navigation.
#[derive(Debug, Clone)]
pub struct ErrorPageParts {
    title: String,
    message: String,
    code: String,
}

impl ErrorPageParts {
    /// The page again, under `chrome`.
    pub fn render_for(&self, chrome: Chrome) -> String {
        error_html(chrome, &self.title, &self.message, &self.code)
    }
}

fn error_html(chrome: Chrome, title: &str, message: &str, code: &str) -> String {
    let page = ErrorPage {
        chrome,
        title,
        message,
        code,
    };
    page.render()
        .unwrap_or_else(|_| format!("{title}：{message}"))
}

/// The page for a path that does not exist.
pub async fn not_found() -> Response {
    not_found_page()
}

/// The page-not-found page (also for a path whose number does not parse).
pub fn not_found_page() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您访问的页面不存在或已被移除，请检查地址是否正确。",
    )
}

/// Every page route, as (method, path, handler): one list for the router and
/// for the access tests that walk every role over every page.
pub fn routes() -> Vec<Route> {
    let uploads = || DefaultBodyLimit::max(MAX_REQUEST_BYTES);
    let mut all = auth::routes();
    all.extend(admin::routes());
    all.extend(ratings::routes());
    all.extend(hotline::routes());
    all.extend([
        (Method::GET, "/", get(home::page)),
        (Method::GET, "/catalog", get(catalog::page)),
        (Method::GET, "/catalog/{code}", get(matter::page)),
        (Method::GET, "/track", get(track::page)),
        (Method::GET, "/apply", get(apply::index)),
        (Method::GET, "/apply/{code}", get(apply::form)),
        (
            Method::POST,
            "/apply/{code}",
            post(apply::submit).layer(uploads()),
        ),
        (Method::GET, "/mine", get(mine::list)),
        (Method::GET, "/mine/{id}", get(mine::case)),
        (Method::GET, "/mine/{id}/files/{file}", get(files::open)),
        (
            Method::GET,
            "/mine/{id}/supplement",
            get(mine::supplement_form),
        ),
        (
            Method::POST,
            "/mine/{id}/supplement",
            post(mine::supplement).layer(uploads()),
        ),
        (Method::GET, "/cases/{id}", get(case_page::page)),
        (Method::POST, "/cases/{id}/act", post(case_page::act)),
        (Method::GET, "/cases/{id}/notice/{kind}", get(notices::page)),
        (Method::GET, "/cases/{id}/files/{file}", get(files::open)),
        (Method::GET, "/window", get(window::home)),
        (Method::GET, "/window/intake", get(window::intake::form)),
        (Method::POST, "/window/intake", post(window::intake::submit)),
        (
            Method::POST,
            "/window/outcome",
            post(window::outcome::fragment),
        ),
        (Method::GET, "/window/receipt/{id}", get(window::receipt)),
        (Method::GET, "/window/review", get(window::review::queue)),
        (
            Method::GET,
            "/window/review/{id}",
            get(window::review::form),
        ),
        (
            Method::POST,
            "/window/review/{id}",
            post(window::review::submit),
        ),
        (Method::GET, "/window/visits", get(window::visits)),
        (Method::GET, "/inbox", get(inbox::page)),
        (Method::GET, "/supervise", get(supervise::page)),
        (Method::GET, "/inspect", get(inspect::page)),
        (Method::GET, "/search", get(search::page)),
    ]);
    all
}

/// Every page route as (method, path).
pub fn route_list() -> Vec<(Method, &'static str)> {
    crate::http::paths(routes())
}
