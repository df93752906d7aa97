//! `/admin/catalog/excel`: the whole catalog as a workbook (事项目录.xlsx) and
//! back. An import is all or nothing: a workbook that cannot be read lists
//! every bad cell (工作表, 行, 列, 问题); one the catalog's rules refuse lists
//! every problem by matter; either way nothing changes.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::catalog::{CatalogError, Problem};
use store::{ImportReport, StoreError};

use super::{CATALOG, store_error_page, sub_nav};
use crate::excel::{RowProblem, export_catalog, import_catalog};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, error_page, render};
use crate::http::session::PageUser;

/// The download's name: 事项目录.xlsx, percent-encoded for `filename*`.
const FILE_NAME_UTF8: &str = "%E4%BA%8B%E9%A1%B9%E7%9B%AE%E5%BD%95.xlsx";
/// The workbook's MIME type.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Template)]
#[template(path = "admin_excel.html")]
struct ExcelPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    matters: usize,
    certificates: usize,
    error: String,
    rows: Vec<RowProblem>,
    problems: Vec<Problem>,
    report: Option<ImportReport>,
}

/// GET /admin/catalog/excel.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    show(&state, &user, Outcome::default()).await
}

/// GET /admin/catalog/excel/export: the whole current catalog as 事项目录.xlsx.
pub async fn export(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let catalog = match state.services.store.catalog().await {
        Ok(c) => c,
        Err(e) => return store_error_page(&e),
    };
    let bytes = match export_catalog(&catalog) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "cannot write the catalog workbook");
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "导出失败",
                &e.to_string(),
            );
        }
    };
    let disposition =
        format!("attachment; filename=\"catalog.xlsx\"; filename*=UTF-8''{FILE_NAME_UTF8}");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What an import came to.
#[derive(Debug, Default)]
struct Outcome {
    error: String,
    rows: Vec<RowProblem>,
    problems: Vec<Problem>,
    report: Option<ImportReport>,
}

impl Outcome {
    fn refused(error: String) -> Self {
        Self {
            error,
            ..Self::default()
        }
    }
}

/// POST /admin/catalog/excel (multipart `file`): imports a workbook.
pub async fn import(State(state): State<AppState>, user: PageUser, form: Multipart) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let outcome = match read_file(form).await {
        Ok(bytes) => match imported(&state, &user, &bytes).await {
            Ok(o) => o,
            Err(e) => return store_error_page(&e),
        },
        Err(error) => Outcome::refused(error),
    };
    show(&state, &user, outcome).await
}

/// Reads the workbook and imports it, all or nothing; `Err` only when the
/// database fails.
async fn imported(state: &AppState, user: &PageUser, bytes: &[u8]) -> store::Result<Outcome> {
    let refused = |n: usize| format!("导入未通过，共 {n} 处问题，目录未作任何修改。");
    let catalog = match import_catalog(bytes) {
        Ok(c) => c,
        Err(e) => {
            let mut outcome = Outcome::refused(refused(e.problems.len()));
            outcome.rows = e.problems;
            return Ok(outcome);
        }
    };
    let s = &state.services;
    match s
        .store
        .import_catalog(&catalog, &user.actor(), s.clock.now())
        .await
    {
        Ok(report) => {
            tracing::info!(user = %user.username, ?report, "catalog imported from a workbook");
            Ok(Outcome {
                report: Some(report),
                ..Outcome::default()
            })
        }
        Err(StoreError::Catalog(CatalogError::Invalid(problems))) => {
            let mut outcome = Outcome::refused(refused(problems.len()));
            outcome.problems = problems;
            Ok(outcome)
        }
        Err(e @ (StoreError::Catalog(_) | StoreError::Invalid(_) | StoreError::Conflict(_))) => Ok(
            Outcome::refused(format!("导入未通过，目录未作任何修改：{e}")),
        ),
        Err(e) => Err(e),
    }
}

/// The uploaded workbook's bytes.
async fn read_file(mut form: Multipart) -> Result<Vec<u8>, String> {
    let mut file = Vec::new();
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                if field.name() == Some("file") {
                    file = field
                        .bytes()
                        .await
                        .map_err(|e| format!("文件未能上传完整：{}", e.body_text()))?
                        .to_vec();
                }
            }
            Ok(None) => break,
            Err(e) => return Err(format!("文件未能上传完整：{}", e.body_text())),
        }
    }
    if file.is_empty() {
        return Err("请选择要导入的 Excel 文件（.xlsx）".to_owned());
    }
    Ok(file)
}

async fn show(state: &AppState, user: &PageUser, outcome: Outcome) -> Response {
    let s = &state.services;
    let (matters, certificates) = match (s.store.matters().await, s.store.certificates().await) {
        (Ok(m), Ok(c)) => (m.len(), c.len()),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let status = if outcome.error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ExcelPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        matters,
        certificates,
        error: outcome.error,
        rows: outcome.rows,
        problems: outcome.problems,
        report: outcome.report,
    };
    (status, render(&page)).into_response()
}
