//! A case's uploaded files, opened from the pages that list them: PDF and
//! images shown in the browser, OFD downloaded (browsers have no reader for
//! it). Who may open a file is who may see its case; outside that scope a
//! file is not found, as one that does not exist.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use store::Attachment;

use super::common::rows::refusal_page;
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::uploads::FileKind;

/// GET /cases/{id}/files/{file} and /mine/{id}/files/{file}: one file.
pub async fn open(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, file)): PagePath<(i64, i64)>,
) -> Response {
    match state.services.case_file(&user.access(), id, file).await {
        Ok((a, bytes)) => file_response(&a, bytes),
        Err(e) => refusal_page(&e, "文件不存在或不在您的办理范围内"),
    }
}

/// The file with its type, how to show it and its name (RFC 6266: an ASCII
/// fallback, then the UTF-8 name).
fn file_response(a: &Attachment, bytes: Vec<u8>) -> Response {
    let kind = FileKind::of_content_type(&a.file.content_type);
    let how = if kind.is_some_and(FileKind::opens_in_browser) {
        "inline"
    } else {
        "attachment"
    };
    let name = &a.file.file_name;
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "{how}; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    );
    let content_type = kind.map_or("application/octet-stream", FileKind::content_type);
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}
