//! The app in-process for page tests: a fresh database per backend, a fixed
//! clock, a temporary data directory for uploads, and helpers to send page
//! requests (plain, htmx, multipart) and read the HTML back. Other page tests
//! (the role matrix, the browser story's fixtures) can include this file with
//! `#[path = "pages/support.rs"] mod support;` and reuse [`paths`].

use crate::web::TestApp;
pub use crate::web::{Page, d, encode, multipart};
use app::service::{ApplicantInput, CaseView, CreateCase, hash_session_id};
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{NaiveDate, TimeDelta, Utc};
use domain::case::{Action, Channel};
use store::testing::{self, TestDb};
use store::{Actor, NewSession};

/// The pages' paths, for tests that walk them.
pub mod paths {
    /// Pages anyone may open.
    pub const PUBLIC: &[&str] = &["/", "/catalog", "/catalog/QX-SCJG-001", "/track"];

    /// The catalog searched for `q`.
    pub fn search(q: &str) -> String {
        format!("/catalog?q={}", super::encode(q))
    }

    /// A matter's page.
    pub fn matter(code: &str) -> String {
        format!("/catalog/{code}")
    }

    /// The case lookup with a receipt and last four.
    pub fn track(receipt: &str, last4: &str) -> String {
        format!(
            "/track?receipt={}&last4={}",
            super::encode(receipt),
            super::encode(last4)
        )
    }

    /// The online application form of a matter.
    pub fn apply(code: &str) -> String {
        format!("/apply/{code}")
    }

    /// The applicant's cases.
    pub const MINE: &str = "/mine";

    /// One of the applicant's cases.
    pub fn mine_case(id: i64) -> String {
        format!("/mine/{id}")
    }

    /// The supplement form of one of the applicant's cases.
    pub fn supplement(id: i64) -> String {
        format!("/mine/{id}/supplement")
    }
}

/// A person with a valid 居民身份证号 ending in X.
pub fn person(name: &str) -> ApplicantInput {
    ApplicantInput::Person {
        name: name.into(),
        id_number: "11010519491231002X".into(),
        phone: String::new(),
    }
}

/// The app on one backend.
pub struct PageApp {
    app: TestApp,
    /// Where uploaded files are kept.
    pub data_dir: tempfile::TempDir,
}

impl std::ops::Deref for PageApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
pub struct Browser {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The token forms send back in their `csrf` field.
    pub csrf: String,
}

/// The app on every configured backend, the clock on `start`.
pub async fn page_apps(start: NaiveDate) -> Vec<PageApp> {
    let mut apps = Vec::new();
    for db in testing::all().await {
        apps.push(PageApp::new(db, start).await);
    }
    apps
}

impl PageApp {
    async fn new(db: TestDb, start: NaiveDate) -> PageApp {
        let data_dir = tempfile::tempdir().expect("temporary data directory");
        let dir = data_dir.path().to_owned();
        let app = TestApp::build(db, start, |s| s.data_dir = dir).await;
        PageApp { app, data_dir }
    }

    /// GET a page with no one signed in.
    pub async fn get(&self, uri: &str) -> Page {
        self.send(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// GET a page as htmx asks for it (a partial update).
    pub async fn get_htmx(&self, uri: &str) -> Page {
        self.send(
            Request::get(uri)
                .header("HX-Request", "true")
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// Signs `username` in by storing a session for them directly (no
    /// password needed), valid from the clock's current time.
    pub async fn sign_in(&self, username: &str) -> Browser {
        let id = format!("test-session-{username}-{}", Utc::now().timestamp_micros());
        let csrf = format!("csrf-{username}");
        let now = self.state.services.clock.now();
        self.state
            .services
            .store
            .create_session(&NewSession {
                id_hash: hash_session_id(&id),
                username: username.to_owned(),
                csrf: csrf.clone(),
                created_at: now,
                idle_until: now + TimeDelta::hours(8),
                expires_at: now + TimeDelta::hours(8),
            })
            .await
            .expect("session stored");
        Browser {
            cookie: format!("ow_session={id}"),
            csrf,
        }
    }

    /// GET a page as a signed-in browser.
    pub async fn get_as(&self, b: &Browser, uri: &str) -> Page {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, &b.cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// POST a form as a signed-in browser; the session's CSRF token is
    /// added as the `csrf` field.
    pub async fn post_as(&self, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("csrf", b.csrf.as_str())];
        all.extend_from_slice(fields);
        self.send(
            Request::post(uri)
                .header(header::COOKIE, &b.cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(crate::web::form_body(&all)))
                .expect("request"),
        )
        .await
    }

    /// POST a multipart form as a signed-in browser; the session's CSRF
    /// token is added as the `csrf` field.
    pub async fn post_multipart(
        &self,
        b: &Browser,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Page {
        let mut all = vec![("csrf", b.csrf.as_str())];
        all.extend_from_slice(fields);
        let (content_type, body) = multipart(&all, files);
        self.send(
            Request::post(uri)
                .header(header::COOKIE, &b.cookie)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// A case opened and accepted at the county hall's window; returns its view.
    pub async fn window_case(&self, matter: &str, applicant: ApplicantInput) -> CaseView {
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
