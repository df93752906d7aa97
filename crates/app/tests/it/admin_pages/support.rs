//! The app in-process for the admin page tests: a fresh database per
//! backend, a fixed clock in 2026, users signed in through `POST /login`
//! (CSRF double submit), and form posts (urlencoded or multipart) carrying
//! the session's token.

use crate::web::TestApp;
pub use crate::web::{Page, d, encode, form_body, multipart};
use app::service::hash_session_id;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use store::Actor;

/// The password the tests give the demo users they sign in as.
pub const PASSWORD: &str = "admin-pages-2026";

/// The app on one backend (the shared [`TestApp`], signed in through the login page).
pub struct AdminApp(TestApp);

impl std::ops::Deref for AdminApp {
    type Target = TestApp;
    fn deref(&self) -> &TestApp {
        &self.0
    }
}

/// A signed-in browser: its session cookie and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The app on every configured backend, the clock on 2026-09-14.
pub async fn apps() -> Vec<AdminApp> {
    TestApp::all(d(9, 14))
        .await
        .into_iter()
        .map(AdminApp)
        .collect()
}

impl AdminApp {
    /// Posts the login form as a browser would; the answer as given.
    pub async fn try_login(&self, username: &str, password: &str) -> Page {
        let login = self
            .send(Request::get("/login").body(Body::empty()).unwrap())
            .await;
        let csrf = login.field("csrf");
        let body = form_body(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", ""),
        ]);
        let req = Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("ow_csrf={csrf}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Signs a demo user in through the login page (setting their password first).
    pub async fn login(&self, username: &str) -> Session {
        let services = &self.state.services;
        services
            .set_password(&Actor::system(), username, PASSWORD)
            .await
            .expect("password set");
        self.session_of(username, PASSWORD).await
    }

    /// Signs in with this password; panics unless it works.
    pub async fn session_of(&self, username: &str, password: &str) -> Session {
        let res = self.try_login(username, password).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "[{}] login of {username}: {}",
            self.backend,
            res.text
        );
        let cookie = res.cookie("ow_session").expect("a session cookie");
        // The token a signed-in page puts in its forms is the session's own.
        let services = &self.state.services;
        let csrf = self
            .store
            .session(&hash_session_id(&cookie), services.clock.now())
            .await
            .expect("a live session")
            .csrf;
        Session { cookie, csrf }
    }

    /// GET as a signed-in user.
    pub async fn get(&self, s: &Session, uri: &str) -> Page {
        let req = Request::get(uri)
            .header(header::COOKIE, format!("ow_session={}", s.cookie))
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// POST an urlencoded form as a signed-in user, with the session's token.
    pub async fn post<K: AsRef<str>, V: AsRef<str>>(
        &self,
        s: &Session,
        uri: &str,
        fields: &[(K, V)],
    ) -> Page {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        let body = format!("csrf={}&{}", encode(&s.csrf), form_body(&fields));
        let req = Request::post(uri)
            .header(header::COOKIE, format!("ow_session={}", s.cookie))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// POST a multipart form (text fields and files) with the session's token.
    pub async fn post_multipart(
        &self,
        s: &Session,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Page {
        let mut all = vec![("csrf", s.csrf.as_str())];
        all.extend_from_slice(fields);
        let files: Vec<_> = files
            .iter()
            .map(|&(name, file_name, bytes)| (name, file_name, "application/octet-stream", bytes))
            .collect();
        let (content_type, body) = multipart(&all, &files);
        let req = Request::post(uri)
            .header(header::COOKIE, format!("ow_session={}", s.cookie))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }
}
