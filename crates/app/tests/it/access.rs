//! Signing in and per-unit access, in-process on every configured backend:
//! login, the rate limit, logout, session timeouts, CSRF on every
//! state-changing page request, the session cookie's flags, and a
//! role × endpoint matrix for the JSON API and the pages.
//!
//! The matrix is a table of (who, method, path, expected status): a page
//! added later is one more row. `who` is a demo username (the API is called
//! with that user's token, pages with that user's session) or `-` for
//! someone not signed in; `{A}`, `{B}` and `{C}` stand for the cases below.
//!
//! - A: 开办美容美发店 QX-ZGB-106, applied online by zhangwei; zgb is
//!   responsible, scjg and wjj review in stage 1; waits for 预审 at zgb.
//! - B: 企业设立登记 QX-SCJG-001 (scjg), accepted at the 观里镇 window.
//! - C: 水电气外线工程并联审批 QX-ZJJ-012 (zjj; zrj, zfj, jtysj, gaj
//!   review), applied online by wangfang.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

use std::collections::HashMap;
use std::sync::Arc;

use crate::web::TestApp;
use crate::web::form_body as form;
use app::http::auth::{hash_token, new_token};
use app::http::session::SessionSettings;
use app::service::{
    ApplicantInput, By, Clock, CreateCase, Services, hash_password, hash_session_id,
};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{Duration, NaiveDate, Utc};
use domain::case::{Action, Channel};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use store::testing::{self, TestDb};
use tower::ServiceExt;

mod every_route;

const PASSWORD: &str = "test-password-1";

/// Everyone the matrix names.
const USERS: &[&str] = &[
    "zhangwei",
    "wangfang",
    "clerk",
    "clerk.guanli",
    "approver.scjg",
    "approver.zjj",
    "head.scjg",
    "supervisor",
    "hotline",
    "inspector.scjg",
    "admin",
];

struct App {
    app: TestApp,
    services: Arc<Services>,
    tokens: HashMap<&'static str, String>,
    cases: [i64; 3],
}

impl std::ops::Deref for App {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The value a `Set-Cookie` of this reply gives `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies().iter().find_map(|c| {
            let (k, rest) = c.split_once('=')?;
            (k == name).then(|| rest.split(';').next().unwrap_or("").to_owned())
        })
    }

    fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .map_or("", |v| v.to_str().unwrap())
    }
}

/// A browser: its cookies.
#[derive(Default, Clone)]
struct Browser {
    session: Option<String>,
    csrf_cookie: Option<String>,
}

impl Browser {
    fn cookie_header(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = &self.session {
            parts.push(format!("ow_session={s}"));
        }
        if let Some(c) = &self.csrf_cookie {
            parts.push(format!("ow_csrf={c}"));
        }
        parts.join("; ")
    }
}

/// The `value` of the hidden `csrf` input of a page.
fn form_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

async fn apps() -> Vec<App> {
    let mut out = Vec::new();
    for db in testing::all().await {
        out.push(App::new(db, SessionSettings::default()).await);
    }
    out
}

fn applicant(n: u32) -> ApplicantInput {
    ApplicantInput::Enterprise {
        name: format!("栖霞市测试企业{n}"),
        credit_code: "91350100M000100Y43".into(),
        phone: "13800000000".into(),
    }
}

impl App {
    async fn new(db: TestDb, settings: SessionSettings) -> App {
        let app = TestApp::new(db, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap())
            .await
            .with_state(|s| s.sessions = Arc::new(settings));
        // One hash for everyone keeps the fixture fast; each login still verifies it.
        let hash = hash_password(PASSWORD).unwrap();
        let mut tokens = HashMap::new();
        for user in USERS {
            let actor = store::Actor::system();
            app.store
                .set_password(user, Some(&hash), &actor, Utc::now())
                .await
                .unwrap();
            let token = new_token().unwrap();
            app.store
                .put_api_token(user, &hash_token(&token), Utc::now())
                .await
                .unwrap();
            tokens.insert(*user, token);
        }
        let services = app.state.services.clone();
        let cases = Self::cases(&services).await;
        App {
            app,
            services,
            tokens,
            cases,
        }
    }

    async fn cases(s: &Services) -> [i64; 3] {
        let online = |matter: &str, n| CreateCase {
            matter: matter.into(),
            channel: Channel::Online,
            applicant: applicant(n),
            intake_unit: None,
            intake: None,
        };
        let actor = |user: &str, unit: &str| store::Actor {
            username: user.into(),
            unit: unit.into(),
        };
        let a = s
            .create_case_for(
                &actor("zhangwei", "qx"),
                online("QX-ZGB-106", 1),
                None,
                Some("zhangwei".into()),
                By::Platform,
            )
            .await
            .unwrap();
        let window = CreateCase {
            channel: Channel::Window,
            intake: Some(Action::Accept {
                commitments: vec![],
            }),
            ..online("QX-SCJG-001", 2)
        };
        let b = s
            .create_case(&actor("clerk.guanli", "guanli"), window, None)
            .await
            .unwrap();
        let c = s
            .create_case_for(
                &actor("wangfang", "qx"),
                online("QX-ZJJ-012", 3),
                None,
                Some("wangfang".into()),
                By::Platform,
            )
            .await
            .unwrap();
        [a.0.record.id, b.0.record.id, c.0.record.id]
    }

    fn path(&self, p: &str) -> String {
        let [a, b, c] = self.cases;
        p.replace("{A}", &a.to_string())
            .replace("{B}", &b.to_string())
            .replace("{C}", &c.to_string())
    }

    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A page request from a browser; a form body is urlencoded.
    async fn page(&self, b: &Browser, method: Method, uri: &str, body: Option<String>) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, b.cookie_header());
        let body = match body {
            Some(f) => {
                req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                Body::from(f)
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// An API request with `user`'s token (none for `-`).
    async fn api(&self, user: &str, method: Method, uri: &str, body: Option<&Value>) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = self.tokens.get(user) {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Opens the login page: the browser gets its CSRF cookie; returns the form's token.
    async fn login_page(&self, b: &mut Browser) -> String {
        let r = self.page(b, Method::GET, "/login", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{}] {}", self.backend, r.text);
        if let Some(c) = r.cookie("ow_csrf") {
            b.csrf_cookie = Some(c);
        }
        form_csrf(&r.text)
    }

    /// Posts the login form.
    async fn try_login(&self, b: &mut Browser, user: &str, password: &str, next: &str) -> Reply {
        let csrf = self.login_page(b).await;
        let body = form(&[
            ("csrf", &csrf),
            ("username", user),
            ("password", password),
            ("next", next),
        ]);
        let r = self.page(b, Method::POST, "/login", Some(body)).await;
        if let Some(s) = r.cookie("ow_session") {
            b.session = Some(s);
        }
        r
    }

    /// A browser signed in as `user`.
    async fn signed_in(&self, user: &str) -> Browser {
        let mut b = Browser::default();
        let r = self.try_login(&mut b, user, PASSWORD, "").await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{}] {user}: {}",
            self.backend,
            r.text
        );
        b
    }

    /// The CSRF token of a browser's session, as the store holds it.
    async fn session_csrf(&self, b: &Browser) -> String {
        let id = b.session.as_deref().expect("signed in");
        self.store
            .session(&hash_session_id(id), self.clock.now())
            .await
            .expect("live session")
            .csrf
    }
}

// ───────────────────────────── signing in ─────────────────────────────

#[tokio::test]
async fn a_user_signs_in_with_the_right_password_and_lands_on_their_start_page() {
    for app in apps().await {
        let bk = app.backend;
        let mut b = Browser::default();
        let wrong = app.try_login(&mut b, "clerk", "not-the-password", "").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "[{bk}]");
        assert!(
            wrong.text.contains("用户名或密码错误"),
            "[{bk}] {}",
            wrong.text
        );
        assert!(wrong.cookie("ow_session").is_none(), "[{bk}]");
        let unknown = app.try_login(&mut b, "nobody", PASSWORD, "").await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "[{bk}]");
        assert!(
            unknown.text.contains("用户名或密码错误"),
            "[{bk}] same message"
        );

        let ok = app.try_login(&mut b, "clerk", PASSWORD, "").await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{bk}] {}", ok.text);
        assert_eq!(
            ok.location(),
            "/window",
            "[{bk}] a clerk starts at the window"
        );
        let cookie = ok
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("ow_session="))
            .unwrap();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(flag), "[{bk}] {cookie}");
        }
        assert!(
            !cookie.contains("Secure"),
            "[{bk}] not by default: {cookie}"
        );
        let id = b.session.clone().unwrap();
        assert_eq!(id.len(), 64, "[{bk}] 32 random bytes in hex");
        assert!(
            app.store.session(&id, app.clock.now()).await.is_err(),
            "[{bk}] the store keeps only the id's hash"
        );

        // Signed in, /login sends the user on.
        let again = app.page(&b, Method::GET, "/login", None).await;
        assert_eq!(
            (again.status, again.location()),
            (StatusCode::SEE_OTHER, "/window"),
            "[{bk}]"
        );

        // `next` is followed when it is a local path, never to another site.
        for (next, to) in [
            ("/cases/7?tab=1", "/cases/7?tab=1"),
            ("https://evil.example/", "/inbox"),
            ("//evil.example/", "/inbox"),
        ] {
            let mut b = Browser::default();
            let r = app.try_login(&mut b, "approver.scjg", PASSWORD, next).await;
            assert_eq!(r.location(), to, "[{bk}] next={next}");
        }
    }
}

#[tokio::test]
async fn the_cookie_is_secure_when_the_configuration_says_so() {
    for db in testing::all().await {
        let settings = SessionSettings {
            cookie_secure: true,
            ..SessionSettings::default()
        };
        let app = App::new(db, settings).await;
        let mut b = Browser::default();
        let r = app.try_login(&mut b, "supervisor", PASSWORD, "").await;
        assert_eq!(r.location(), "/supervise", "[{}]", app.backend);
        let cookie = r
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("ow_session="))
            .unwrap();
        assert!(cookie.contains("; Secure"), "[{}] {cookie}", app.backend);
    }
}

#[tokio::test]
async fn five_failures_lock_a_username_for_fifteen_minutes_without_saying_whether_it_exists() {
    for app in apps().await {
        let bk = app.backend;
        let mut b = Browser::default();
        for user in ["approver.zjj", "ghost"] {
            for _ in 0..5 {
                let r = app.try_login(&mut b, user, "wrong-password", "").await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "[{bk}] {user}");
            }
        }
        // The right password no longer helps; the unknown name reads the same.
        let locked = app.try_login(&mut b, "approver.zjj", PASSWORD, "").await;
        let ghost = app.try_login(&mut b, "ghost", PASSWORD, "").await;
        for r in [&locked, &ghost] {
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "[{bk}] {}", r.text);
            assert!(r.text.contains("登录失败次数过多"), "[{bk}]");
            assert!(r.cookie("ow_session").is_none(), "[{bk}]");
        }
        // Another user from the same address still signs in (10 failures < 20).
        let mut other = Browser::default();
        let r = app.try_login(&mut other, "clerk", PASSWORD, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{bk}]");
        // Fifteen minutes later the window has passed.
        app.clock.set(app.clock.now() + Duration::minutes(16));
        let r = app.try_login(&mut b, "approver.zjj", PASSWORD, "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{bk}] {}", r.text);
    }
}

#[tokio::test]
async fn logout_and_the_idle_timeout_end_the_session() {
    for app in apps().await {
        let bk = app.backend;
        let b = app.signed_in("clerk").await;
        let csrf = app.session_csrf(&b).await;
        let r = app
            .page(&b, Method::POST, "/logout", Some(form(&[("csrf", &csrf)])))
            .await;
        assert_eq!(
            (r.status, r.location()),
            (StatusCode::SEE_OTHER, "/"),
            "[{bk}]"
        );
        let cleared = r
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("ow_session="))
            .unwrap();
        assert!(cleared.contains("Max-Age=0"), "[{bk}] {cleared}");
        // The old cookie no longer signs anyone in.
        let r = app.page(&b, Method::GET, "/login", None).await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "[{bk}] the form again, not a redirect"
        );

        // Idle for the configured two hours: gone; activity before that keeps it.
        let b = app.signed_in("clerk").await;
        app.clock.set(app.clock.now() + Duration::minutes(100));
        let r = app.page(&b, Method::GET, "/login", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{bk}] still signed in");
        app.clock.set(app.clock.now() + Duration::minutes(100));
        let r = app.page(&b, Method::GET, "/login", None).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "[{bk}] the last request moved the idle end"
        );
        app.clock.set(app.clock.now() + Duration::minutes(121));
        let r = app.page(&b, Method::GET, "/login", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{bk}] idle too long: signed out");
    }
}

#[tokio::test]
async fn everyone_changes_their_own_password_and_signs_in_again() {
    for app in apps().await {
        let bk = app.backend;
        let b = app.signed_in("approver.scjg").await;
        let csrf = app.session_csrf(&b).await;
        let r = app.page(&b, Method::GET, "/password", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{bk}]");
        assert!(
            r.text.contains("周振华") && r.text.contains("当前密码"),
            "[{bk}]"
        );
        let send = |current: &str, new: &str, again: &str| {
            form(&[
                ("csrf", &csrf),
                ("current", current),
                ("new", new),
                ("again", again),
            ])
        };
        for (body, says) in [
            (
                send("wrong-password", "new-secret-1", "new-secret-1"),
                "当前密码不正确",
            ),
            (
                send(PASSWORD, "new-secret-1", "new-secret-2"),
                "两次输入的新密码不一致",
            ),
            (send(PASSWORD, "short", "short"), "密码至少 8 位"),
        ] {
            let r = app.page(&b, Method::POST, "/password", Some(body)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{bk}] {says}");
            assert!(r.text.contains(says), "[{bk}] {says}: {}", r.text);
        }
        // Refused attempts changed nothing: the old password still signs in.
        app.signed_in("approver.scjg").await;
        let r = app
            .page(
                &b,
                Method::POST,
                "/password",
                Some(send(PASSWORD, "new-secret-1", "new-secret-1")),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "[{bk}] {}", r.text);
        assert!(r.text.contains("密码已修改"), "[{bk}]");
        // Every session ended; the new password signs in, the old one not.
        let r = app.page(&b, Method::GET, "/inbox", None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "[{bk}] signed out");
        let mut fresh = Browser::default();
        let old = app
            .try_login(&mut fresh, "approver.scjg", PASSWORD, "")
            .await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED, "[{bk}]");
        let new = app
            .try_login(&mut fresh, "approver.scjg", "new-secret-1", "")
            .await;
        assert_eq!(new.status, StatusCode::SEE_OTHER, "[{bk}]");
    }
}

#[tokio::test]
async fn refusals_keep_the_signed_in_header_and_bad_paths_read_in_chinese() {
    for app in apps().await {
        let bk = app.backend;
        let b = app.signed_in("clerk").await;
        for (path, status) in [
            ("/cases/not-a-number", StatusCode::NOT_FOUND),
            ("/mine/abc/files/1", StatusCode::NOT_FOUND),
            ("/no-such-page", StatusCode::NOT_FOUND),
            ("/supervise", StatusCode::FORBIDDEN),
        ] {
            let r = app.page(&b, Method::GET, path, None).await;
            assert_eq!(r.status, status, "[{bk}] {path}");
            assert!(r.text.contains("李娜"), "[{bk}] {path}: the user's header");
            assert!(
                r.text.contains("href=\"/window\""),
                "[{bk}] {path}: their navigation"
            );
            assert!(
                !r.text.contains("Cannot parse"),
                "[{bk}] {path}: {}",
                r.text
            );
            assert!(!r.text.contains(">登录</a>"), "[{bk}] {path}");
        }
        // Someone not signed in gets the public header.
        let r = app
            .page(&Browser::default(), Method::GET, "/no-such-page", None)
            .await;
        assert!(r.text.contains(">登录</a>"), "[{bk}]");
    }
}

#[tokio::test]
async fn a_post_without_the_right_csrf_token_is_refused_and_changes_nothing() {
    for app in apps().await {
        let bk = app.backend;
        let b = app.signed_in("clerk").await;
        let csrf = app.session_csrf(&b).await;
        for body in [
            form(&[]),
            form(&[("csrf", "forged")]),
            form(&[("csrf", "")]),
        ] {
            let r = app.page(&b, Method::POST, "/logout", Some(body)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{bk}]");
            assert!(
                r.text.contains("请求已失效"),
                "[{bk}] a Chinese page: {}",
                r.text
            );
        }
        // A wrong header is refused too; the right one is accepted.
        let req = |token: &str| {
            Request::builder()
                .method(Method::POST)
                .uri("/logout")
                .header(header::COOKIE, b.cookie_header())
                .header("X-CSRF-Token", token)
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(
            app.send(req("forged")).await.status,
            StatusCode::FORBIDDEN,
            "[{bk}]"
        );
        assert!(
            app.store
                .session(
                    &hash_session_id(b.session.as_deref().unwrap()),
                    app.clock.now()
                )
                .await
                .is_ok(),
            "[{bk}] still signed in: the refused logouts changed nothing"
        );
        assert_eq!(
            app.send(req(&csrf)).await.status,
            StatusCode::SEE_OTHER,
            "[{bk}]"
        );

        // Signing in and registering need the visitor's token as well.
        let mut fresh = Browser::default();
        app.login_page(&mut fresh).await;
        let login = form(&[("username", "clerk"), ("password", PASSWORD)]);
        let r = app.page(&fresh, Method::POST, "/login", Some(login)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{bk}]");
        assert!(r.cookie("ow_session").is_none(), "[{bk}]");
        let reg = registration("newco", "forged");
        let r = app.page(&fresh, Method::POST, "/register", Some(reg)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "[{bk}]");
        assert!(
            app.store.account("newco").await.is_err(),
            "[{bk}] no account made"
        );
        // The API takes no cookies and needs no CSRF token.
        let r = app.api("clerk", Method::GET, "/api/v1/cases", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{bk}]");
    }
}

fn registration(username: &str, csrf: &str) -> String {
    form(&[
        ("csrf", csrf),
        ("name", "栖霞市新开美发店"),
        ("id_number", "91350100M000100Y43"),
        ("phone", "13900000000"),
        ("username", username),
        ("password", "a-good-password"),
    ])
}

#[tokio::test]
async fn an_applicant_registers_with_a_checked_identifier_and_is_signed_in() {
    for app in apps().await {
        let bk = app.backend;
        let mut b = Browser::default();
        let r = app.page(&b, Method::GET, "/register", None).await;
        assert_eq!(r.status, StatusCode::OK, "[{bk}]");
        b.csrf_cookie = r.cookie("ow_csrf");
        let csrf = form_csrf(&r.text);

        let bad = form(&[
            ("csrf", &csrf),
            ("name", "张三"),
            ("id_number", "370686199001010011"),
            ("phone", "139"),
            ("username", "zhangsan"),
            ("password", "short"),
        ]);
        let r = app.page(&b, Method::POST, "/register", Some(bad)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "[{bk}]");
        for msg in ["校验位", "11 位手机号码", "密码至少 8 位"] {
            assert!(r.text.contains(msg), "[{bk}] {msg}: {}", r.text);
        }
        assert!(
            r.text.contains("value=\"张三\""),
            "[{bk}] what was typed is kept"
        );
        let taken = registration("zhangwei", &csrf);
        let r = app.page(&b, Method::POST, "/register", Some(taken)).await;
        assert!(r.text.contains("该用户名已被使用"), "[{bk}] {}", r.text);

        let r = app
            .page(
                &b,
                Method::POST,
                "/register",
                Some(registration("newco", &csrf)),
            )
            .await;
        assert_eq!(
            (r.status, r.location()),
            (StatusCode::SEE_OTHER, "/mine"),
            "[{bk}] {}",
            r.text
        );
        assert!(r.cookie("ow_session").is_some(), "[{bk}] signed in at once");
        let a = app.store.account("newco").await.unwrap();
        assert_eq!(a.user.role, domain::unit::Role::Applicant, "[{bk}]");
        assert_eq!(
            a.applicant_id.as_deref(),
            Some("91350100M000100Y43"),
            "[{bk}]"
        );
        assert!(a.password_hash.unwrap().starts_with("$argon2id$"), "[{bk}]");

        // One enterprise, one account: the same credit code again is
        // refused, with the way back into the account, and nothing is made.
        let again = app
            .page(
                &b,
                Method::POST,
                "/register",
                Some(registration("newco2", &csrf)),
            )
            .await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "[{bk}]");
        for msg in ["该证件号码已注册过账号", "ne***", "综合窗口重置密码"] {
            assert!(again.text.contains(msg), "[{bk}] {msg}: {}", again.text);
        }
        assert!(
            app.store.account("newco2").await.is_err(),
            "[{bk}] no second account"
        );
    }
}

// ───────────────────────────── the matrix ─────────────────────────────

/// (who, method, path, expected status). Pages are asked with the user's
/// session (and its CSRF token for a POST), the API with their token.
const MATRIX: &[(&str, &str, &str, u16)] = &[
    // Not signed in.
    ("-", "GET", "/", 200),
    ("-", "GET", "/login", 200),
    ("-", "GET", "/register", 200),
    ("-", "GET", "/api/v1/cases", 401),
    ("-", "GET", "/api/v1/cases/{A}", 401),
    // Signed in, the login and register pages send the user on.
    ("zhangwei", "GET", "/login", 303),
    ("approver.scjg", "GET", "/register", 303),
    ("zhangwei", "GET", "/", 200),
    // One case by id: the owner, the units with a part in it and the
    // county-wide roles see it; everyone else gets 404, as for no case.
    ("zhangwei", "GET", "/api/v1/cases/{A}", 200),
    ("wangfang", "GET", "/api/v1/cases/{A}", 404),
    ("clerk", "GET", "/api/v1/cases/{A}", 200),
    ("clerk.guanli", "GET", "/api/v1/cases/{A}", 404),
    ("approver.scjg", "GET", "/api/v1/cases/{A}", 200),
    ("approver.zjj", "GET", "/api/v1/cases/{A}", 404),
    ("head.scjg", "GET", "/api/v1/cases/{A}", 200),
    ("inspector.scjg", "GET", "/api/v1/cases/{A}", 200),
    ("supervisor", "GET", "/api/v1/cases/{A}", 200),
    ("hotline", "GET", "/api/v1/cases/{A}", 200),
    ("admin", "GET", "/api/v1/cases/{A}", 200),
    ("clerk.guanli", "GET", "/api/v1/cases/{B}", 200),
    ("zhangwei", "GET", "/api/v1/cases/{B}", 404),
    ("approver.zjj", "GET", "/api/v1/cases/{B}", 404),
    ("approver.scjg", "GET", "/api/v1/cases/{B}", 200),
    ("wangfang", "GET", "/api/v1/cases/{C}", 200),
    ("approver.zjj", "GET", "/api/v1/cases/{C}", 200),
    ("approver.scjg", "GET", "/api/v1/cases/{C}", 404),
    ("clerk.guanli", "GET", "/api/v1/cases/{C}", 404),
    // Inboxes: one's own unit (or under one's town); county-wide roles any.
    ("approver.scjg", "GET", "/api/v1/units/scjg/inbox", 200),
    ("approver.zjj", "GET", "/api/v1/units/scjg/inbox", 403),
    ("zhangwei", "GET", "/api/v1/units/scjg/inbox", 403),
    ("clerk.guanli", "GET", "/api/v1/units/scjg/inbox", 403),
    ("clerk.guanli", "GET", "/api/v1/units/guanli/inbox", 200),
    ("supervisor", "GET", "/api/v1/units/scjg/inbox", 200),
    ("clerk", "GET", "/api/v1/units/scjg/inbox", 200),
    // Counts: not for applicants.
    ("zhangwei", "GET", "/api/v1/sla/counts", 403),
    ("approver.scjg", "GET", "/api/v1/sla/counts", 200),
    ("supervisor", "GET", "/api/v1/sla/counts", 200),
    // 好差评: a unit's own orders (here none yet), every unit's for the
    // supervisor, none for other roles; scores for the supervisor only.
    ("approver.scjg", "GET", "/api/v1/rectifications", 200),
    ("head.scjg", "GET", "/api/v1/rectifications", 200),
    ("clerk", "GET", "/api/v1/rectifications", 200),
    ("supervisor", "GET", "/api/v1/rectifications", 200),
    ("zhangwei", "GET", "/api/v1/rectifications", 403),
    ("hotline", "GET", "/api/v1/rectifications", 403),
    ("inspector.scjg", "GET", "/api/v1/rectifications", 403),
    ("admin", "GET", "/api/v1/rectifications", 403),
    ("approver.scjg", "GET", "/api/v1/rectifications/1", 404),
    (
        "supervisor",
        "GET",
        "/api/v1/evaluation/scores?from=2026-01-01&to=2026-12-31",
        200,
    ),
    (
        "approver.scjg",
        "GET",
        "/api/v1/evaluation/scores?from=2026-01-01&to=2026-12-31",
        403,
    ),
    (
        "zhangwei",
        "GET",
        "/api/v1/evaluation/scores?from=2026-01-01&to=2026-12-31",
        403,
    ),
    ("-", "GET", "/api/v1/rectifications", 401),
    ("-", "GET", "/rectifications", 303),
    ("zhangwei", "GET", "/rectifications", 403),
    ("admin", "GET", "/rectifications", 403),
    ("approver.scjg", "GET", "/rectifications", 200),
    ("supervisor", "GET", "/supervise/evaluation", 200),
    ("head.scjg", "GET", "/supervise/evaluation", 403),
    ("hotline", "GET", "/supervise/evaluation", 403),
    ("-", "GET", "/rate/0000", 404),
    // The catalog is public information for every role.
    ("zhangwei", "GET", "/api/v1/matters", 200),
    ("hotline", "GET", "/api/v1/matters/QX-SCJG-001", 200),
    // 接诉即办: the hotline registers; units see their own tickets; the
    // supervisor and the admin see all; other roles none.
    ("-", "GET", "/hotline", 303),
    ("hotline", "GET", "/hotline", 200),
    ("hotline", "GET", "/hotline/new", 200),
    ("hotline", "POST", "/hotline/new", 422),
    ("hotline", "GET", "/hotline/figures", 200),
    ("approver.scjg", "GET", "/hotline", 200),
    ("approver.scjg", "GET", "/hotline/new", 403),
    ("approver.scjg", "POST", "/hotline/new", 403),
    ("head.scjg", "GET", "/hotline/figures", 200),
    ("supervisor", "GET", "/hotline?state=escalated", 200),
    ("supervisor", "GET", "/hotline/figures", 200),
    ("supervisor", "GET", "/hotline/new", 403),
    ("admin", "GET", "/hotline", 200),
    ("clerk", "GET", "/hotline", 403),
    ("clerk", "GET", "/hotline/figures", 403),
    ("inspector.scjg", "GET", "/hotline", 403),
    ("zhangwei", "GET", "/hotline", 403),
    ("zhangwei", "GET", "/hotline/1", 403),
];

/// (who, case, action, expected status): actions refused change nothing.
const ACTIONS: &[(&str, &str, &str, u16)] = &[
    // Out of scope: 404, before anything else is said.
    ("wangfang", "{A}", r#"{"action": "withdraw"}"#, 404),
    ("clerk.guanli", "{A}", r#"{"action": "accept"}"#, 404),
    ("approver.zjj", "{A}", r#"{"action": "accept"}"#, 404),
    // In scope, but not the role's to take: 403.
    ("approver.scjg", "{A}", r#"{"action": "accept"}"#, 403),
    ("supervisor", "{A}", r#"{"action": "accept"}"#, 403),
    ("hotline", "{A}", r#"{"action": "withdraw"}"#, 403),
    ("admin", "{A}", r#"{"action": "accept"}"#, 403),
    (
        "inspector.scjg",
        "{B}",
        r#"{"action": "complete_step", "step": 0}"#,
        403,
    ),
    // Not possible in the case's state, whoever asks: 409.
    (
        "clerk",
        "{A}",
        r#"{"action": "decide", "approve": true}"#,
        409,
    ),
];

#[tokio::test]
async fn every_role_sees_and_does_only_what_its_unit_and_role_allow() {
    for app in apps().await {
        let bk = app.backend;
        let mut browsers: HashMap<&str, Browser> = HashMap::new();
        browsers.insert("-", Browser::default());
        for user in USERS {
            browsers.insert(user, app.signed_in(user).await);
        }
        for (who, method, path, want) in MATRIX {
            let uri = app.path(path);
            let method: Method = method.parse().unwrap();
            let r = if uri.starts_with("/api/") {
                app.api(who, method.clone(), &uri, None).await
            } else {
                let b = &browsers[who];
                let body = if method == Method::GET {
                    None
                } else {
                    let csrf = app.session_csrf(b).await;
                    Some(form(&[("csrf", &csrf)]))
                };
                app.page(b, method.clone(), &uri, body).await
            };
            assert_eq!(
                r.status.as_u16(),
                *want,
                "[{bk}] {who} {method} {uri}: {}",
                r.text
            );
        }

        let before = app
            .api(
                "supervisor",
                Method::GET,
                &app.path("/api/v1/cases/{A}"),
                None,
            )
            .await
            .json();
        for (who, case, action, want) in ACTIONS {
            let uri = app.path(&format!("/api/v1/cases/{case}/actions"));
            let body: Value = serde_json::from_str(action).unwrap();
            let r = app.api(who, Method::POST, &uri, Some(&body)).await;
            assert_eq!(
                r.status.as_u16(),
                *want,
                "[{bk}] {who} {action} on {case}: {}",
                r.text
            );
            let code = r.json()["error"]["code"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let expected_code = match want {
                403 => "forbidden",
                404 => "not_found",
                _ => "illegal_transition",
            };
            assert_eq!(code, expected_code, "[{bk}] {who} {action}");
        }
        let after = app
            .api(
                "supervisor",
                Method::GET,
                &app.path("/api/v1/cases/{A}"),
                None,
            )
            .await
            .json();
        assert_eq!(
            after["record"], before["record"],
            "[{bk}] refused actions changed nothing"
        );

        // Opening cases: window clerks, and applicants online for themselves.
        let online = json!({"matter": "QX-SCJG-001", "channel": "online", "applicant": {"kind": "enterprise", "name": "某公司", "credit_code": "91350100M000100Y43"}});
        let mut window = online.clone();
        window["channel"] = json!("window");
        for (who, body, want) in [
            ("supervisor", &online, 403),
            ("approver.scjg", &window, 403),
            ("zhangwei", &window, 403),
            ("zhangwei", &online, 201),
        ] {
            let r = app
                .api(who, Method::POST, "/api/v1/cases", Some(body))
                .await;
            assert_eq!(r.status.as_u16(), want, "[{bk}] {who} opens: {}", r.text);
        }
        // The applicant's own new case is theirs to see; nobody else's appears.
        let mine = ids(&app, "zhangwei", "/api/v1/cases").await;
        assert_eq!(mine.len(), 2, "[{bk}] A and the new one: {mine:?}");
        assert!(mine.contains(&app.cases[0]), "[{bk}]");
    }
}

async fn ids(app: &App, user: &str, uri: &str) -> Vec<i64> {
    let r = app.api(user, Method::GET, uri, None).await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "[{}] {user} {uri}: {}",
        app.backend,
        r.text
    );
    let mut ids: Vec<i64> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["record"]["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    ids
}

#[tokio::test]
async fn lists_hold_only_the_cases_in_the_users_scope_whatever_the_filter() {
    for app in apps().await {
        let bk = app.backend;
        let [a, b, c] = app.cases;
        for (user, want) in [
            ("zhangwei", vec![a]),
            ("wangfang", vec![c]),
            ("clerk", vec![a, b, c]),
            ("clerk.guanli", vec![b]),
            ("approver.scjg", vec![a, b]),
            ("approver.zjj", vec![c]),
            ("inspector.scjg", vec![a, b]),
            ("supervisor", vec![a, b, c]),
            ("hotline", vec![a, b, c]),
            ("admin", vec![a, b, c]),
        ] {
            assert_eq!(
                ids(&app, user, "/api/v1/cases").await,
                want,
                "[{bk}] {user}"
            );
        }
        // Asking for another unit's cases gives nothing, not their cases.
        assert!(
            ids(&app, "approver.scjg", "/api/v1/cases?unit=zjj")
                .await
                .is_empty(),
            "[{bk}]"
        );
        assert!(
            ids(&app, "clerk.guanli", "/api/v1/cases?intake_unit=zgb")
                .await
                .is_empty(),
            "[{bk}]"
        );
        assert!(
            ids(&app, "zhangwei", "/api/v1/cases/overdue")
                .await
                .is_empty(),
            "[{bk}]"
        );
    }
}
