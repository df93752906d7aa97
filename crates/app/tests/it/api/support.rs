//! The app in-process on a fresh database, a settable clock, API tokens for
//! the demo users, and requests through `router(state).oneshot(…)`.

use std::collections::HashMap;

pub use crate::web::d;
use crate::web::{Page, TestApp};
use app::http::auth::{hash_token, new_token};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{NaiveDate, Utc};
use domain::unit::Role;
use serde_json::Value;
use store::testing::{self, TestDb};

/// Users who get a token: the default demo users, plus `approver.wjj` and
/// `head.zgb` (the hall's head, who decides its matters) made here.
const USERS: &[&str] = &[
    "zhangwei",
    "clerk",
    "clerk.zhao",
    "clerk.guanli",
    "approver.scjg",
    "approver.wjj",
    "approver.zjj",
    "head.zgb",
    "head.scjg",
    "supervisor",
    "hotline",
];

/// A running app on one backend.
pub struct App {
    app: TestApp,
    tokens: HashMap<&'static str, String>,
}

impl std::ops::Deref for App {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// A response: status, headers, and the body as JSON (Null when not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    /// The error code of an error reply.
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or_default()
    }

    /// The Chinese message of an error reply.
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }

    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: StatusCode) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self.body
    }

    /// Asserts an error reply's status and code.
    #[track_caller]
    pub fn expect_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        assert_eq!(self.code(), code, "unexpected code; body: {}", self.text);
        assert!(
            !self.message().is_empty(),
            "an error has a message: {}",
            self.text
        );
    }
}

/// The app on every configured backend, the clock on `start`.
pub async fn apps(start: NaiveDate) -> Vec<App> {
    let mut apps = Vec::new();
    for db in testing::all().await {
        apps.push(App::new(db, start).await);
    }
    apps
}

impl App {
    async fn new(db: TestDb, start: NaiveDate) -> App {
        let app = TestApp::new(db, start).await;
        app.add_user("approver.wjj", "林静", "wjj", Role::Approver)
            .await;
        app.add_user("head.zgb", "孙志刚", "zgb", Role::DepartmentHead)
            .await;
        let mut tokens = HashMap::new();
        for user in USERS {
            let token = new_token().expect("random token");
            app.store
                .put_api_token(user, &hash_token(&token), Utc::now())
                .await
                .expect("token stored");
            tokens.insert(*user, token);
        }
        App { app, tokens }
    }

    /// Moves the clock to a day of 2026.
    pub fn on(&self, month: u32, day: u32) {
        self.clock.set_day(d(month, day));
    }

    /// Sends a request; `user` picks the token (none when `None`).
    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        user: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(user) = user {
            let token = self
                .tokens
                .get(user)
                .unwrap_or_else(|| panic!("no token for {user}"));
            req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        self.send_raw(req.expect("request")).await
    }

    /// Sends a request as built.
    pub async fn send_raw(&self, req: Request<Body>) -> Reply {
        let page = Page::send(&self.router, req).await;
        Reply {
            status: page.status,
            headers: page.headers,
            body: serde_json::from_slice(&page.bytes).unwrap_or(Value::Null),
            text: page.text,
        }
    }

    /// GET as `user`.
    pub async fn get(&self, user: &str, uri: &str) -> Reply {
        self.send(Method::GET, uri, Some(user), None, &[]).await
    }

    /// POST JSON as `user`.
    pub async fn post(&self, user: &str, uri: &str, body: &Value) -> Reply {
        self.send(Method::POST, uri, Some(user), Some(body), &[])
            .await
    }

    /// Acts on a case as `user`; the action must succeed. Returns the case view.
    pub async fn act(&self, user: &str, id: i64, action: Value) -> Value {
        let reply = self
            .post(user, &format!("/api/v1/cases/{id}/actions"), &action)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "[{}] {user} {action}: {}",
            self.backend,
            reply.text
        );
        reply.body
    }

    /// Opens a case as `user`; it must be created (201). Returns its id.
    pub async fn open(&self, user: &str, body: &Value) -> i64 {
        let v = self
            .post(user, "/api/v1/cases", body)
            .await
            .expect(StatusCode::CREATED);
        v["record"]["id"].as_i64().expect("case id")
    }

    /// The ids of a list reply's cases, in order.
    pub async fn ids(&self, user: &str, uri: &str) -> Vec<i64> {
        let v = self.get(user, uri).await.expect(StatusCode::OK);
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["record"]["id"].as_i64().expect("id"))
            .collect()
    }
}

/// A date as the API writes it.
pub fn ds(month: u32, day: u32) -> Value {
    Value::String(d(month, day).to_string())
}

/// An enterprise applicant with a valid 统一社会信用代码.
pub fn enterprise() -> Value {
    serde_json::json!({"kind": "enterprise", "name": "栖霞市丽人美发有限公司", "credit_code": "91350100M000100Y43", "phone": "13800000000"})
}
