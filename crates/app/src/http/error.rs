//! The HTTP layer's one error type, [`AppError`], and the JSON every error
//! response carries: `{"error": {"code": "…", "message": "…"}}`.
//!
//! Which error crate where: libraries (`domain`, `store`, the `service`
//! layer) define typed errors with `thiserror`, because their callers match
//! on them and must map each one to something (a status, a code, a retry).
//! `anyhow` is only for the binary's edges (a CLI subcommand, start-up),
//! where an error is reported to a person and nobody matches on it. Handlers
//! return `Result<_, AppError>`; every typed error converts into it here, in
//! one place, so a code never depends on which handler met it.
//!
//! Rule violations become 4xx with a stable snake_case `code` (clients and
//! pages key on it) and a Chinese `message`; storage and other
//! infrastructure failures become a logged 500 whose body says nothing about
//! the cause.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::CaseError;
use domain::catalog::{CatalogError, Problem};
use domain::party::IdError;
use domain::{ErrorCode, ErrorKind};
use serde::Serialize;
use store::StoreError;

use crate::service::ServiceError;

/// What a client sees when a request fails.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// One error: a stable code to act on and a Chinese message to show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable snake_case code, e.g. `illegal_transition`, `not_found`, `unauthorized`.
    #[schema(value_type = String)]
    pub code: ErrorCode,
    /// What went wrong, in Chinese, for a person.
    pub message: String,
    /// For `catalog_invalid`: every problem found (code, field, message).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<Problem>,
}

/// A failed request: a status, a stable code and a Chinese message.
#[derive(Debug)]
pub struct AppError {
    code: ErrorCode,
    message: String,
    problems: Vec<Problem>,
}

/// The message a client gets for any failure we do not explain.
const INTERNAL_MESSAGE: &str = "服务器内部错误，请稍后重试；如持续出现请联系管理员";

impl AppError {
    /// An error with its code (whose kind decides the status) and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// 400: the request itself is malformed (body, query, path or header).
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::BadRequest, message)
    }

    /// 401: no token, or one we do not know.
    pub fn unauthorized() -> Self {
        Self::new(
            ErrorCode::Unauthorized,
            "缺少或无效的访问令牌，请在 Authorization 头中提供 Bearer 令牌",
        )
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }

    /// 500 for a failure whose detail must not reach the client; the detail is logged.
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "request failed");
        Self::new(ErrorCode::Internal, INTERNAL_MESSAGE)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        status_of(self.code.kind())
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                problems: self.problems,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The HTTP status of each kind of answer, for every code: the one place a
/// status is chosen.
pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Clash => StatusCode::CONFLICT,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::Malformed => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Missing => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl AppError {
    /// The answer to a failed service call, read without taking it: the
    /// pages render the same status, code and message the API sends.
    pub fn of(e: &ServiceError) -> Self {
        match e {
            ServiceError::Refused { code, message } => Self::new(*code, message.clone()),
            ServiceError::Store(e) => Self::of_store(e),
        }
    }

    fn of_store(e: &StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => Self::not_found(e.to_string()),
            StoreError::Conflict(_) => Self::new(ErrorCode::Conflict, e.to_string()),
            StoreError::Catalog(c) => Self::of_catalog(c),
            StoreError::Invalid(m) => Self::new(ErrorCode::Invalid, m.clone()),
            StoreError::Backend(detail) => Self::internal(detail),
        }
    }

    fn of_catalog(e: &CatalogError) -> Self {
        let problems = match e {
            CatalogError::Invalid(problems) => problems.clone(),
            CatalogError::BadCode(_) => Vec::new(),
        };
        Self {
            problems,
            ..Self::new(ErrorCode::CatalogInvalid, e.to_string())
        }
    }

    /// The message for a person.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        Self::of(&e)
    }
}

impl From<CaseError> for AppError {
    fn from(e: CaseError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<IdError> for AppError {
    fn from(e: IdError) -> Self {
        ServiceError::from(e).into()
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        Self::of_store(&e)
    }
}

impl From<CatalogError> for AppError {
    fn from(e: CatalogError) -> Self {
        Self::of_catalog(&e)
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => Self::new(
                ErrorCode::UnsupportedMediaType,
                "请求体须为 JSON，并带 Content-Type: application/json",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(ErrorCode::PayloadTooLarge, "请求体过大")
            }
            JsonRejection::JsonSyntaxError(_) => {
                Self::bad_request("请求体不是有效的 JSON（语法错误或内容不完整）")
            }
            other => Self::bad_request(format!("请求体{}", in_chinese(&other.body_text()))),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(format!("查询参数{}", in_chinese(&r.body_text())))
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        Self::bad_request(format!("路径参数{}", in_chinese(&r.body_text())))
    }
}

/// What serde (through axum) says is wrong with a request's data, in
/// Chinese: which field is missing, unknown or of the wrong type or value.
/// The field's name is kept; serde's English is not passed on.
fn in_chinese(text: &str) -> String {
    // axum writes "Failed to deserialize …: <path>: <serde's message>".
    let detail = text.split_once(": ").map_or(text, |(_, d)| d);
    let (path, message) = match detail.rsplit_once(": ") {
        Some((p, m)) if !p.contains(' ') => (Some(p), m),
        _ => (None, detail),
    };
    let quoted = |marker: &str| {
        message
            .split_once(marker)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    let what = if let Some(f) = quoted("missing field `") {
        format!("缺少必填字段“{f}”")
    } else if let Some(f) = quoted("unknown field `") {
        format!("含有不认识的字段“{f}”")
    } else if let Some(v) = quoted("unknown variant `") {
        format!("中的取值“{v}”不是可接受的值")
    } else if message.contains("invalid type") || message.contains("invalid digit") {
        "中有字段的类型不对（如须为数字却给了文字）".to_owned()
    } else if message.contains("input contains invalid characters")
        || message.contains("premature end of input")
        || message.contains("invalid value")
    {
        "中有字段的取值无效（如日期须为 YYYY-MM-DD）".to_owned()
    } else {
        "无法解析".to_owned()
    };
    match path.filter(|p| !p.is_empty() && *p != ".") {
        Some(p) => format!("{what}（位置：{p}）"),
        None => what,
    }
}

/// Any path no route matches.
/// API paths answer JSON; every other path is a page and gets the HTML 404.
pub async fn no_route(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        AppError::not_found("没有这个接口，请查看 /api/docs").into_response()
    } else {
        crate::http::pages::not_found().await
    }
}

/// A known path asked with a method it does not serve.
pub async fn method_not_allowed() -> AppError {
    AppError::new(
        ErrorCode::MethodNotAllowed,
        "该接口不支持此请求方法，请查看 /api/docs",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    async fn body_of(e: AppError) -> (StatusCode, serde_json::Value) {
        let res = e.into_response();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn a_backend_failure_leaks_nothing() {
        let e = AppError::from(ServiceError::Store(StoreError::Backend(
            "connection to postgres://ow:s3cret@db/onewindow refused".into(),
        )));
        let (status, body) = body_of(e).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        let text = body.to_string();
        assert!(
            !text.contains("s3cret") && !text.contains("postgres"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn catalog_problems_are_listed() {
        let problems = vec![Problem::new("QX-X-1", "承诺时限", "不能超过法定时限")];
        let (status, body) =
            body_of(StoreError::Catalog(CatalogError::Invalid(problems)).into()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"]["code"], "catalog_invalid");
        assert_eq!(body["error"]["problems"][0]["field"], "承诺时限");
    }

    #[test]
    fn parse_errors_are_said_in_chinese() {
        let missing = in_chinese(
            "Failed to deserialize the JSON body into the target type: missing field `applicant` at line 1 column 22",
        );
        assert_eq!(missing, "缺少必填字段“applicant”");
        let variant = in_chinese(
            "Failed to deserialize the JSON body into the target type: channel: unknown variant `fax`, expected one of `window`, `online` at line 1 column 40",
        );
        assert_eq!(variant, "中的取值“fax”不是可接受的值（位置：channel）");
        let date = in_chinese(
            "Failed to deserialize query string: deadline_from: input contains invalid characters",
        );
        assert!(date.starts_with("中有字段的取值无效"), "{date}");
        assert!(!date.contains("invalid"), "{date}");
    }

    #[test]
    fn case_errors_keep_their_codes() {
        let illegal = AppError::from(CaseError::IllegalTransition {
            action: "准予",
            state: "待预审",
        });
        assert_eq!(
            (illegal.status(), illegal.code()),
            (StatusCode::CONFLICT, ErrorCode::IllegalTransition)
        );
        let rule = AppError::from(CaseError::StepNotOpen(3));
        assert_eq!(
            (rule.status(), rule.code()),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::StepNotOpen)
        );
    }
}
