//! The app in-process for the staff pages: a fresh database per backend, a
//! fixed clock, demo users signed in through the real login (`POST /login`
//! with the CSRF double submit), and form posts carrying the session's token.

use crate::web::TestApp;
pub use crate::web::{Page, d, form_body};
use app::service::{ApplicantInput, CaseView, CreateCase};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{NaiveDate, Utc};
use domain::case::{Action, Channel};
use domain::unit::Role;
use store::Actor;

/// The password every demo user gets in these tests.
pub const PASSWORD: &str = "staff-pages-2026";

/// The app on one backend (the shared [`TestApp`], signed in through the login page).
pub struct StaffApp(TestApp);

impl std::ops::Deref for StaffApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.0
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub username: String,
    pub cookie: String,
    pub csrf: String,
}

/// Text without its tags and spaces, for comparing table rows.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The app on every configured backend, the clock on `start`; 卫健局 has
/// an approver (the demo data has none; the parallel-step tests need one).
pub async fn apps(start: NaiveDate) -> Vec<StaffApp> {
    let mut apps = Vec::new();
    for app in TestApp::all(start).await {
        app.add_user("approver.wjj", "林静", "wjj", Role::Approver)
            .await;
        apps.push(StaffApp(app));
    }
    apps
}

/// An enterprise with a valid 统一社会信用代码.
pub fn enterprise(name: &str) -> ApplicantInput {
    ApplicantInput::Enterprise {
        name: name.into(),
        credit_code: "91350100M000100Y43".into(),
        phone: "13800000000".into(),
    }
}

impl StaffApp {
    /// The same app serving with `public_url` configured.
    pub fn with_public_url(self, url: &str) -> StaffApp {
        let config = app::config::Config {
            public_url: Some(url.into()),
            ..app::config::Config::default()
        };
        StaffApp(self.0.with_state(|s| *s = s.clone().with_config(&config)))
    }

    /// Moves the clock to a day of 2026.
    pub fn on(&self, month: u32, day: u32) {
        self.clock.set_day(d(month, day));
    }

    /// Signs `username` in through the login page (setting their password first).
    pub async fn login(&self, username: &str) -> Session {
        let services = &self.state.services;
        services
            .set_password(&Actor::system(), username, PASSWORD)
            .await
            .expect("password set");
        let form = self
            .send(Request::get("/login").body(Body::empty()).expect("request"))
            .await;
        let csrf = form.field("csrf");
        let body = form_body(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", PASSWORD),
            ("next", ""),
        ]);
        let req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("ow_csrf={csrf}"))
            .body(Body::from(body))
            .expect("request");
        let res = self.send(req).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "[{}] login of {username}: {}",
            self.backend,
            res.text
        );
        let cookie = res.cookie("ow_session").expect("a session cookie");
        let mut session = Session {
            username: username.into(),
            cookie,
            csrf: String::new(),
        };
        // The session's own token is on every signed-in page (the logout
        // form); the role's start page is where the login sent us.
        let home = self.get(&session, res.location()).await;
        session.csrf = home.try_field("csrf").unwrap_or_default();
        session
    }

    /// GET as a signed-in user.
    pub async fn get(&self, s: &Session, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, format!("ow_session={}", s.cookie))
            .body(Body::empty())
            .expect("request");
        self.send(req).await
    }

    /// Calls the JSON API as `who` (with a token made for them), returning
    /// the status and the JSON answer.
    pub async fn api(
        &self,
        who: &str,
        method: axum::http::Method,
        uri: &str,
        body: Option<serde_json::Value>,
    ) -> (StatusCode, serde_json::Value) {
        let token = format!("token-of-{who}");
        // Stored once per user; a second store of the same token is a conflict, which is fine.
        let _ = self
            .state
            .services
            .store
            .put_api_token(who, &app::http::auth::hash_token(&token), Utc::now())
            .await;
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
            .expect("request");
        let page = self.send(req).await;
        let json = serde_json::from_str(&page.text).unwrap_or(serde_json::Value::Null);
        (page.status, json)
    }

    /// GET with no one signed in.
    pub async fn get_anonymous(&self, uri: &str) -> Page {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// POST a form as a signed-in user, with the session's CSRF token.
    pub async fn post(&self, s: &Session, uri: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("csrf", s.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(Some(s), uri, &all, false).await
    }

    /// POST a form the way htmx does (`HX-Request`, the token in `X-CSRF-Token`).
    pub async fn post_htmx(&self, s: &Session, uri: &str, fields: &[(&str, &str)]) -> Page {
        self.post_raw(Some(s), uri, fields, true).await
    }

    /// POST exactly these fields (no token added unless htmx).
    pub async fn post_raw(
        &self,
        s: Option<&Session>,
        uri: &str,
        fields: &[(&str, &str)],
        htmx: bool,
    ) -> Page {
        let mut req =
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = s {
            req = req.header(header::COOKIE, format!("ow_session={}", s.cookie));
            if htmx {
                req = req
                    .header("HX-Request", "true")
                    .header("X-CSRF-Token", &s.csrf);
            }
        }
        let req = req.body(Body::from(form_body(fields))).expect("request");
        self.send(req).await
    }

    /// A case opened at the county hall's window and accepted there today.
    pub async fn accepted(&self, matter: &str, applicant: ApplicantInput) -> CaseView {
        let clerk = Actor {
            username: "clerk".into(),
            unit: "zgb".into(),
        };
        let input = CreateCase {
            matter: matter.into(),
            channel: Channel::Window,
            applicant,
            intake_unit: Some("zgb".into()),
            intake: Some(Action::Accept {
                commitments: vec![],
            }),
        };
        let (view, _) = self
            .state
            .services
            .create_case(&clerk, input, None)
            .await
            .expect("case opened");
        view
    }
}
