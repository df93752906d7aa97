//! What the page and API tests share: the app built in-process on a test
//! database ([`TestApp`]), a page as the router answers it and the checks
//! made on it, form and multipart bodies, and the days of 2026 their fixed
//! clocks are set to.
#![expect(clippy::expect_used, reason = "test helpers fail loudly")]

use std::sync::Arc;

use app::http::{AppState, router};
use app::service::{FixedClock, Services};
use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{NaiveDate, Utc};
use domain::case::WarningRule;
use domain::unit::{Role, UnitCode, User};
use http_body_util::BodyExt;
use store::Store;
use store::testing::{self, TestDb};
use tower::ServiceExt;

/// The app in-process on one fresh test database: its state, its router
/// and the fixed clock every suite sets. Each suite's app wraps one and adds
/// its own way of signing in.
pub struct TestApp {
    /// The routes, as `onewindow serve` serves them.
    pub router: Router,
    /// The state behind them.
    pub state: AppState,
    /// The clock the services read.
    pub clock: Arc<FixedClock>,
    /// The database.
    pub store: Arc<dyn Store>,
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    _db: TestDb,
    /// The data directory (uploaded files) unless `configure` names another.
    _data: tempfile::TempDir,
}

impl TestApp {
    /// The app over `db` with the clock on `start`.
    pub async fn new(db: TestDb, start: NaiveDate) -> TestApp {
        Self::build(db, start, |_| {}).await
    }

    /// The app over `db` with the clock on `start`, its services changed
    /// first by `configure` (the data directory, …).
    pub async fn build(
        db: TestDb,
        start: NaiveDate,
        configure: impl FnOnce(&mut Services),
    ) -> TestApp {
        let store = db.store.clone();
        let clock = Arc::new(FixedClock::new(Utc::now()));
        clock.set_day(start);
        let mut services = Services::new(store.clone(), clock.clone(), WarningRule::default())
            .await
            .expect("services");
        let data = tempfile::tempdir().expect("temporary data directory");
        services.data_dir = data.path().to_owned();
        configure(&mut services);
        let state = AppState::new(services);
        TestApp {
            router: router(state.clone()),
            backend: store.backend(),
            state,
            clock,
            store,
            _db: db,
            _data: data,
        }
    }

    /// The app on every configured backend (SQLite always, PostgreSQL when
    /// `ONEWINDOW_TEST_DATABASE_URL` is set), the clock on `start`.
    pub async fn all(start: NaiveDate) -> Vec<TestApp> {
        let mut apps = Vec::new();
        for db in testing::all().await {
            apps.push(TestApp::new(db, start).await);
        }
        apps
    }

    /// The same app with its state changed (configuration, session
    /// settings, the data directory), routed anew.
    pub fn with_state(mut self, change: impl FnOnce(&mut AppState)) -> TestApp {
        change(&mut self.state);
        self.router = router(self.state.clone());
        self
    }

    /// Adds a staff account the demo users lack.
    pub async fn add_user(&self, username: &str, display_name: &str, unit: &str, role: Role) {
        let user = User {
            username: username.into(),
            display_name: display_name.into(),
            unit: UnitCode::parse(unit).expect("unit code"),
            role,
        };
        self.store
            .put_user(&user, &store::Actor::system(), Utc::now())
            .await
            .expect("user stored");
    }

    /// Sends a request as built.
    pub async fn send(&self, req: Request<Body>) -> Page {
        Page::send(&self.router, req).await
    }
}

/// A day of 2026.
pub fn d(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("a 2026 day")
}

/// Percent-encodes a form or query value (everything but unreserved ASCII).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// An urlencoded body of these pairs.
pub fn form_body(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A `multipart/form-data` body: its content type and bytes. Files are
/// (field name, file name, content type, bytes).
pub fn multipart(
    fields: &[(&str, &str)],
    files: &[(&str, &str, &str, &[u8])],
) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----onewindow-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// A page as answered.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
    pub text: String,
}

impl Page {
    /// Sends `req` through `router` and reads the whole answer.
    pub async fn send(router: &Router, req: Request<Body>) -> Page {
        let res = router
            .clone()
            .oneshot(req)
            .await
            .expect("the router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Page {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    /// Asserts the status and that every piece of text is on the page.
    #[track_caller]
    pub fn expect(&self, status: StatusCode, texts: &[&str]) -> &Self {
        assert_eq!(
            self.status, status,
            "unexpected status; page:\n{}",
            self.text
        );
        for t in texts {
            assert!(
                self.text.contains(t),
                "“{t}” is not on the page:\n{}",
                self.text
            );
        }
        self
    }

    /// Asserts that none of the texts is on the page.
    #[track_caller]
    pub fn lacks(&self, texts: &[&str]) -> &Self {
        for t in texts {
            assert!(
                !self.text.contains(t),
                "“{t}” should not be on the page:\n{}",
                self.text
            );
        }
        self
    }

    /// A response header as text (empty when absent).
    pub fn header<K: header::AsHeaderName>(&self, name: K) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value this answer's `Set-Cookie` gives cookie `name`, if any.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let prefix = format!("{name}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| c.strip_prefix(prefix.as_str()))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned)
    }

    /// The `Location` of a redirect.
    pub fn location(&self) -> &str {
        self.header(header::LOCATION)
    }

    /// The value of the first `<input name="{name}" value="…">` on the page.
    #[track_caller]
    pub fn field(&self, name: &str) -> String {
        self.try_field(name)
            .unwrap_or_else(|| panic!("no field {name} on the page:\n{}", self.text))
    }

    /// The value of the first field `name`, if there is one.
    pub fn try_field(&self, name: &str) -> Option<String> {
        let start = format!("name=\"{name}\" value=\"");
        let i = self.text.find(&start)? + start.len();
        self.text[i..].split('"').next().map(str::to_owned)
    }

    /// The table row (`<tr …>…</tr>`) holding `needle`.
    #[track_caller]
    pub fn row(&self, needle: &str) -> &str {
        let at = self
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("“{needle}” is not on the page:\n{}", self.text));
        let start = self.text[..at].rfind("<tr").unwrap_or(0);
        let end = self.text[at..]
            .find("</tr>")
            .map_or(self.text.len(), |e| at + e);
        &self.text[start..end]
    }
}
