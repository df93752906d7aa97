//! Extractors whose rejections are [`AppError`]s, so that a malformed body,
//! query, path or header gets the same JSON error shape as everything else.

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use super::error::AppError;

/// A JSON request body.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// Query-string parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// Path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Path parameters of a page: one that does not parse (a letter where a
/// number belongs) answers the Chinese page-not-found page, as a path that
/// does not exist, never axum's English text.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageNotFound))]
pub struct PagePath<T>(pub T);

/// The rejection of [`PagePath`]: the page-not-found page.
#[derive(Debug)]
pub struct PageNotFound;

impl From<PathRejection> for PageNotFound {
    fn from(_: PathRejection) -> Self {
        PageNotFound
    }
}

impl IntoResponse for PageNotFound {
    fn into_response(self) -> Response {
        super::pages::not_found_page()
    }
}

/// The longest `Idempotency-Key` accepted.
const MAX_KEY_LEN: usize = 200;

/// The `Idempotency-Key` header, when sent: a repeated create with the same
/// key by the same user returns the case the first one made.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let Some(raw) = header_text(&parts.headers, "idempotency-key")? else {
            return Ok(Self(None));
        };
        if raw.is_empty() || raw.len() > MAX_KEY_LEN {
            return Err(AppError::bad_request(
                "Idempotency-Key 须为 1–200 个可见 ASCII 字符",
            ));
        }
        Ok(Self(Some(raw.to_owned())))
    }
}

/// The `If-Match` header as a case version (`3`, `"3"` or `W/"3"`); `*` or
/// no header means any version.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let Some(raw) = header_text(&parts.headers, "if-match")? else {
            return Ok(Self(None));
        };
        if raw == "*" {
            return Ok(Self(None));
        }
        let bare = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
        bare.parse::<i64>()
            .map(|v| Self(Some(v)))
            .map_err(|_| AppError::bad_request("If-Match 须为办件版本号，例如 If-Match: \"3\""))
    }
}

/// A header's value as trimmed text, `None` when absent; 400 when it is not visible ASCII.
fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, AppError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()))
            .map_err(|_| AppError::bad_request(format!("请求头 {name} 含有无效字符"))),
    }
}

/// The `ETag` of a case version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}
