//! Who is signed in to the pages, and CSRF protection for every form.
//!
//! A browser that signs in gets the cookie `ow_session` (HttpOnly,
//! SameSite=Lax, Path=/, Secure when `cookie_secure` is set) holding a
//! random 32-byte id; the store keeps only its SHA-256 (see
//! [`crate::service::hash_session_id`]). A session ends after the idle
//! timeout, at its absolute end, on logout, or when the account's password
//! changes or it is disabled.
//!
//! [`layer`] runs on every request outside `/api/` and `/open311/` (the JSON API keeps its
//! bearer tokens and never reads cookies, so needs no CSRF token): it
//! resolves the session into a [`Visitor`] in the request's extensions and
//! refuses (403, a Chinese page) any POST, PUT, PATCH or DELETE whose CSRF
//! token is missing or wrong. The token travels as the form field `csrf`
//! (urlencoded or multipart) or the `X-CSRF-Token` header (htmx sends it
//! from `base.html`). It is the session's own random token; before signing
//! in (the login and register forms) it is the random `ow_csrf` cookie,
//! sent back in the form (double submit).
//!
//! Handlers take a [`PageUser`] (sign-in required: a GET without a session
//! is sent to `/login?next=…`) or an `Option<PageUser>` (public pages), and
//! call [`PageUser::require`] to allow only some roles.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts, Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::unit::{Role, UnitKind};
use store::{Actor, StoreError};

use super::AppState;
use super::pages::{Chrome, ChromeUser, ErrorPageParts, NavLink, error_page, public_nav};
use crate::config::Config;
use crate::service::{Access, SessionRules, hash_session_id, random_hex};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "ow_session";
/// The cookie holding the CSRF token of a visitor not signed in.
pub const CSRF_COOKIE: &str = "ow_csrf";
/// The header htmx sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field forms send the CSRF token in.
pub const CSRF_FIELD: &str = "csrf";
/// The largest page request body read (file uploads included).
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How sessions and their cookie behave, from the configuration.
#[derive(Debug, Clone, Default)]
pub struct SessionSettings {
    /// Send cookies over HTTPS only.
    pub cookie_secure: bool,
    /// Timeouts and the sign-in rate limit.
    pub rules: SessionRules,
}

impl SessionSettings {
    /// The settings a configuration names.
    pub fn from_config(config: &Config) -> Self {
        let s = &config.session;
        Self {
            cookie_secure: config.cookie_secure,
            rules: SessionRules {
                idle: chrono::Duration::minutes(i64::from(s.idle_minutes)),
                lifetime: chrono::Duration::hours(i64::from(s.lifetime_hours)),
                max_failures_per_user: i64::from(s.max_failures_per_user),
                max_failures_per_ip: i64::from(s.max_failures_per_ip),
                failure_window: chrono::Duration::minutes(i64::from(s.failure_window_minutes)),
            },
        }
    }

    fn cookie(&self, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
        let mut c = format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/");
        if let Some(age) = max_age {
            c.push_str(&format!("; Max-Age={age}"));
        }
        if self.cookie_secure {
            c.push_str("; Secure");
        }
        HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// `Set-Cookie` for a new session (a browser-session cookie; the server
    /// enforces the idle and absolute ends).
    pub fn session_cookie(&self, session_id: &str) -> HeaderValue {
        self.cookie(SESSION_COOKIE, session_id, None)
    }

    /// `Set-Cookie` removing the session cookie.
    pub fn clear_session_cookie(&self) -> HeaderValue {
        self.cookie(SESSION_COOKIE, "", Some(0))
    }

    /// `Set-Cookie` for a visitor's CSRF token.
    pub fn csrf_cookie(&self, token: &str) -> HeaderValue {
        self.cookie(CSRF_COOKIE, token, None)
    }
}

/// The signed-in user of a page request.
#[derive(Debug, Clone)]
pub struct PageUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The unit's code.
    pub unit: String,
    /// The unit's name.
    pub unit_name: String,
    /// The unit's kind.
    pub unit_kind: UnitKind,
    /// The session's CSRF token, for forms.
    pub csrf: String,
}

impl PageUser {
    /// The user as the author of a change.
    pub fn actor(&self) -> Actor {
        Actor {
            username: self.username.clone(),
            unit: self.unit.clone(),
        }
    }

    /// What the user may see and do (pass to `Services::case_for`, `list_for`, …).
    pub fn access(&self) -> Access {
        Access {
            username: self.username.clone(),
            role: self.role,
            unit: self.unit.clone(),
            kind: self.unit_kind,
            scope: crate::service::scope_for(&self.username, self.role, &self.unit, self.unit_kind),
        }
    }

    /// Refuses with a 403 page unless the user has one of `roles`.
    #[expect(
        clippy::result_large_err,
        reason = "the error is the page to answer with"
    )]
    pub fn require(&self, roles: &[Role]) -> Result<(), Response> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(forbidden_page(&format!(
                "您的角色（{}）不能使用此页面。",
                self.role.label_zh()
            )))
        }
    }

    /// Where the user starts after signing in.
    pub fn home(&self) -> &'static str {
        role_home(self.role)
    }
}

/// Where a role starts after signing in.
pub fn role_home(role: Role) -> &'static str {
    match role {
        Role::Applicant => "/mine",
        Role::WindowClerk => "/window",
        Role::Approver | Role::DepartmentHead => "/inbox",
        Role::Supervisor => "/supervise",
        Role::Admin => "/admin",
        Role::HotlineAgent => "/hotline",
        Role::Inspector => "/inspect",
    }
}

/// The links a role sees first in the navigation.
pub fn role_nav(role: Role) -> Vec<NavLink> {
    let link = |href, label| NavLink { href, label };
    match role {
        Role::Applicant => vec![link("/apply", "网上申请"), link("/mine", "我的办件")],
        Role::WindowClerk => vec![
            link("/window", "窗口受理"),
            link("/window/visits", "来访登记"),
            link("/window/ratings", "评价器"),
            link("/search", "查找办件"),
        ],
        Role::Approver | Role::DepartmentHead => {
            vec![
                link("/inbox", "待办"),
                link("/search", "查找办件"),
                link("/rectifications", "差评整改"),
                link("/hotline", "热线工单"),
            ]
        }
        Role::Supervisor => vec![
            link("/supervise", "督办"),
            link("/search", "查找办件"),
            link("/supervise/evaluation", "好差评"),
            link("/hotline?state=escalated", "热线裁定"),
            link("/hotline/figures", "热线指标"),
            link("/admin/catalog", "事项目录"),
        ],
        Role::Admin => vec![link("/admin", "系统管理")],
        Role::HotlineAgent => vec![
            link("/hotline", "12345 热线"),
            link("/hotline/new", "登记来电"),
            link("/hotline/figures", "热线指标"),
        ],
        Role::Inspector => vec![link("/inspect", "本部门办件"), link("/search", "查找办件")],
    }
}

impl Chrome {
    /// The chrome for a signed-in user: who they are, their CSRF token, and
    /// their role's links before the public ones.
    pub fn for_user(user: &PageUser) -> Self {
        let mut nav = role_nav(user.role);
        nav.extend(public_nav());
        Self {
            user: Some(ChromeUser {
                display_name: user.display_name.clone(),
                role_label: user.role.label_zh().to_owned(),
                unit_name: user.unit_name.clone(),
            }),
            csrf: user.csrf.clone(),
            nav,
        }
    }

    /// The chrome for whoever it is: signed in or not.
    pub fn for_visitor(user: Option<&PageUser>) -> Self {
        user.map_or_else(Chrome::public, Chrome::for_user)
    }
}

/// What [`layer`] found about the visitor of a page request.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    /// The signed-in user, if any.
    pub user: Option<PageUser>,
    /// The session id from the cookie, when it names a live session.
    pub session_id: Option<String>,
    /// The `ow_csrf` cookie, if any.
    pub anon_csrf: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .unwrap_or_default())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        let user = parts
            .extensions
            .get::<Visitor>()
            .and_then(|v| v.user.clone());
        match user {
            Some(u) => Ok(u),
            None if parts.method == Method::GET || parts.method == Method::HEAD => Err(
                login_redirect(parts.uri.path_and_query().map_or("/", |p| p.as_str())),
            ),
            None => Err(error_page(
                StatusCode::UNAUTHORIZED,
                "请先登录",
                "登录已过期或尚未登录，请重新登录后再试。",
            )),
        }
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for PageUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Visitor>()
            .and_then(|v| v.user.clone()))
    }
}

/// The client's address as the connection gives it (`unknown` without one).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// 303 to the login page, coming back to `next` afterwards.
pub fn login_redirect(next: &str) -> Response {
    let next: String = next
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    Redirect::to(&format!("/login?next={next}")).into_response()
}

/// `next` when it is a path on this site (never another site), else `None`.
pub fn local_path(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    ok.then_some(next)
}

/// The 403 page.
pub fn forbidden_page(message: &str) -> Response {
    error_page(StatusCode::FORBIDDEN, "无权访问", message)
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// Middleware for every non-API request: resolves the session and checks
/// the CSRF token of state-changing requests.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    // Open311 clients file with an api_key and never send cookies.
    if path.starts_with("/api/") || path.starts_with("/static/") || path.starts_with("/open311/") {
        return next.run(request).await;
    }
    let visitor = match visitor(&state, request.headers()).await {
        Ok(v) => v,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the session");
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "暂时无法确认登录状态，请稍后重试。",
            );
        }
    };
    let changes_state = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let mut request = request;
    if changes_state {
        let (given, checked) = match csrf_token(request).await {
            Ok(found) => found,
            Err(response) => return response,
        };
        let expected = visitor
            .user
            .as_ref()
            .map(|u| u.csrf.as_str())
            .into_iter()
            .chain(visitor.anon_csrf.as_deref());
        let ok = given.is_some_and(|g| expected.into_iter().any(|e| same(e, &g)));
        if !ok {
            tracing::warn!(path = %checked.uri().path(), signed_in = visitor.user.is_some(), "CSRF token missing or wrong");
            return error_page(
                StatusCode::FORBIDDEN,
                "请求已失效",
                "页面已过期或请求来源无法确认，请返回并刷新页面后重试。",
            );
        }
        request = checked;
    }
    let user = visitor.user.clone();
    request.extensions_mut().insert(visitor);
    let mut response = next.run(request).await;
    // An error page keeps the signed-in user's header and navigation.
    if let (Some(user), Some(parts)) = (user, response.extensions().get::<ErrorPageParts>()) {
        let html = parts.render_for(Chrome::for_user(&user));
        response.headers_mut().remove(CONTENT_LENGTH);
        *response.body_mut() = Body::from(html);
    }
    response
}

/// The visitor a request's cookies name; moves a live session's idle end on
/// (at most once a minute, so reads stay reads).
async fn visitor(state: &AppState, headers: &HeaderMap) -> Result<Visitor, StoreError> {
    let anon_csrf = cookie(headers, CSRF_COOKIE).map(str::to_owned);
    let Some(id) = cookie(headers, SESSION_COOKIE) else {
        return Ok(Visitor {
            anon_csrf,
            ..Visitor::default()
        });
    };
    let hash = hash_session_id(id);
    let now = state.services.clock.now();
    let session = match state.services.store.session(&hash, now).await {
        Ok(s) => s,
        Err(StoreError::NotFound(_)) => {
            return Ok(Visitor {
                anon_csrf,
                ..Visitor::default()
            });
        }
        Err(e) => return Err(e),
    };
    let idle = state.sessions.rules.idle;
    if session.idle_until - now < idle - chrono::Duration::minutes(1) {
        state
            .services
            .store
            .touch_session(&hash, now + idle)
            .await?;
    }
    Ok(Visitor {
        user: Some(PageUser {
            username: session.user.username,
            display_name: session.user.display_name,
            role: session.user.role,
            unit: session.user.unit.as_str().to_owned(),
            unit_name: session.unit_name,
            unit_kind: session.unit_kind,
            csrf: session.csrf,
        }),
        session_id: Some(id.to_owned()),
        anon_csrf,
    })
}

/// The CSRF token a request carries, and the request to pass on (its body
/// read and put back when the token had to be found in it).
async fn csrf_token(request: Request) -> Result<(Option<String>, Request), Response> {
    if let Some(h) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
    {
        return Ok((Some(h.to_owned()), request));
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Media types are case-insensitive, but a multipart boundary is not:
    // compare the type in lower case, take the boundary as sent.
    let lower = content_type.to_ascii_lowercase();
    let urlencoded = lower.starts_with("application/x-www-form-urlencoded");
    let boundary = lower
        .starts_with("multipart/form-data")
        .then(|| multer::parse_boundary(&content_type).ok())
        .flatten();
    if !urlencoded && boundary.is_none() {
        return Ok((None, request));
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return Err(error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "提交的内容过大",
            "提交的内容超过了上限，请减少或压缩附件后重试。",
        ));
    };
    let token = match boundary {
        Some(b) => multipart_field(bytes.clone(), b, CSRF_FIELD).await,
        None => urlencoded_field(&bytes, CSRF_FIELD),
    };
    Ok((token, Request::from_parts(parts, Body::from(bytes))))
}

/// A field of an urlencoded body.
fn urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// A text field of a multipart body (file parts are skipped).
async fn multipart_field(body: Bytes, boundary: String, name: &str) -> Option<String> {
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut form = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(name) && field.file_name().is_none() {
            return field.text().await.ok();
        }
    }
    None
}

/// Compares two tokens in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A fresh CSRF token for a visitor not signed in, with its cookie when new.
pub fn visitor_csrf(
    visitor: &Visitor,
    settings: &SessionSettings,
) -> Result<(String, Option<HeaderValue>), crate::service::ServiceError> {
    match &visitor.anon_csrf {
        Some(t) => Ok((t.clone(), None)),
        None => {
            let t = random_hex(32)?;
            let c = settings.csrf_cookie(&t);
            Ok((t, Some(c)))
        }
    }
}

/// Adds a `Set-Cookie` to a response.
pub fn with_cookie(mut response: Response, cookie: HeaderValue) -> Response {
    response.headers_mut().append(SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_token_is_found_in_either_body_encoding() {
        let form = Bytes::from_static(b"a=1&csrf=ab%2Bc&b=x+y");
        assert_eq!(urlencoded_field(&form, "csrf").as_deref(), Some("ab+c"));
        // Browsers send mixed-case boundaries (Chromium: ----WebKitFormBoundary…).
        let boundary = "----WebKitFormBoundaryTPwV1ZDQ8urpLEAV";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf\"\r\n\r\nnope\r\n--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok123\r\n--{b}--\r\n",
            b = boundary
        );
        let ct = format!("multipart/form-data; boundary={boundary}");
        let parsed = multer::parse_boundary(&ct).unwrap();
        assert_eq!(parsed, boundary, "the boundary keeps its case");
        assert_eq!(
            multipart_field(Bytes::from(body.clone()), parsed.clone(), "csrf")
                .await
                .as_deref(),
            Some("tok123")
        );
        assert_eq!(
            multipart_field(Bytes::from(body), parsed, "other").await,
            None
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path("/inbox?x=1"), Some("/inbox?x=1"));
        for bad in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil",
            "inbox",
        ] {
            assert_eq!(local_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, HeaderValue::from_static("a=1; ow_session=abc; b=2"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
    }
}
