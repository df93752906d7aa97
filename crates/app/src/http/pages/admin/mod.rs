//! 系统管理 (`/admin/…`): units, users and roles, calendar years, and the
//! catalog — matters with their versions, the certificate list, and Excel
//! import and export. Units, users and the calendar are the admin's; the
//! catalog pages are also the supervisor's, who owns the catalog
//! (PRODUCT.md, "Who uses it"). Every change is made as the signed-in user.

mod calendar;
mod catalog;
mod certificates;
mod excel;
mod fields;
mod matter_check;
mod matter_form;
mod matter_view;
mod overview;
mod units;
mod user;
mod users;

use axum::extract::DefaultBodyLimit;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use domain::unit::Role;
use store::StoreError;

use super::{NavLink, error_page};
use crate::http::api::Route;
use crate::http::session::PageUser;
use crate::service::ServiceError;

/// Who may use the organisation, user and calendar pages.
const ADMIN: &[Role] = &[Role::Admin];
/// Who may use the catalog pages: the admin and the supervisor who owns the catalog.
const CATALOG: &[Role] = &[Role::Admin, Role::Supervisor];
/// The largest workbook or calendar file accepted.
const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;

/// The admin pages' routes.
pub fn routes() -> Vec<Route> {
    let all = vec![
        (Method::GET, "/admin", get(overview::page)),
        (Method::GET, "/admin/units", get(units::page)),
        (Method::POST, "/admin/units", post(units::add)),
        (Method::GET, "/admin/users", get(users::list)),
        (Method::POST, "/admin/users", post(users::create)),
        (Method::GET, "/admin/users/{username}", get(user::page)),
        (Method::POST, "/admin/users/{username}", post(user::change)),
        (
            Method::POST,
            "/admin/users/{username}/password",
            post(user::password),
        ),
        (
            Method::POST,
            "/admin/users/{username}/disabled",
            post(user::disabled),
        ),
        (Method::GET, "/admin/calendar", get(calendar::page)),
        (Method::POST, "/admin/calendar", post(calendar::load)),
        (Method::GET, "/admin/catalog", get(catalog::list)),
        (Method::GET, "/admin/catalog/new", get(catalog::new_form)),
        (Method::POST, "/admin/catalog/new", post(catalog::create)),
        (Method::GET, "/admin/catalog/excel", get(excel::page)),
        (Method::POST, "/admin/catalog/excel", post(excel::import)),
        (
            Method::GET,
            "/admin/catalog/excel/export",
            get(excel::export),
        ),
        (Method::GET, "/admin/catalog/{code}", get(catalog::page)),
        (
            Method::POST,
            "/admin/catalog/{code}",
            post(catalog::publish),
        ),
        (
            Method::GET,
            "/admin/catalog/{code}/versions/{version}",
            get(catalog::version),
        ),
        (Method::GET, "/admin/certificates", get(certificates::page)),
        (
            Method::POST,
            "/admin/certificates",
            post(certificates::save),
        ),
    ];
    all.into_iter()
        .map(|(m, p, h)| (m, p, h.layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))))
        .collect()
}

/// The admin area's own links, for the user's role.
fn sub_nav(user: &PageUser) -> Vec<NavLink> {
    let link = |href, label| NavLink { href, label };
    let mut links = Vec::new();
    if ADMIN.contains(&user.role) {
        links.extend([
            link("/admin", "概览"),
            link("/admin/units", "单位"),
            link("/admin/users", "用户与角色"),
            link("/admin/calendar", "工作日历"),
        ]);
    }
    links.extend([
        link("/admin/catalog", "事项目录"),
        link("/admin/certificates", "证明事项清单"),
        link("/admin/catalog/excel", "Excel 导入导出"),
    ]);
    links
}

/// A message shown above a page's content after an action.
#[derive(Debug, Clone)]
pub struct Flash {
    /// Whether it reports success (green) or a refusal (red).
    pub ok: bool,
    /// What happened, in Chinese.
    pub message: String,
}

impl Flash {
    fn ok(message: impl Into<String>) -> Option<Flash> {
        Some(Flash {
            ok: true,
            message: message.into(),
        })
    }

    fn error(message: impl Into<String>) -> Option<Flash> {
        Some(Flash {
            ok: false,
            message: message.into(),
        })
    }
}

/// The page for a store failure: a missing thing is 404, a refused change
/// 422 with the store's Chinese message, a database failure a logged 500.
fn store_error_page(e: &StoreError) -> Response {
    match e {
        StoreError::NotFound(what) => error_page(
            StatusCode::NOT_FOUND,
            "未找到",
            &format!("{what}不存在或已被移除。"),
        ),
        StoreError::Backend(detail) => {
            tracing::error!(error = %detail, "admin page: the store failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "暂时无法完成，请稍后重试。",
            )
        }
        other => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "无法完成",
            &other.to_string(),
        ),
    }
}

/// The page for a service failure.
fn service_error_page(e: &ServiceError) -> Response {
    match e {
        ServiceError::Store(s) => store_error_page(s),
        other => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "无法完成",
            &other.to_string(),
        ),
    }
}
