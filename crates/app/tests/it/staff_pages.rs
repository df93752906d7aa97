//! The staff pages in-process on every configured backend (SQLite always,
//! PostgreSQL when `ONEWINDOW_TEST_DATABASE_URL` is set), signed in through
//! the real login with a fixed clock: window intake and its notices, the
//! 预审 queue and visit register, the inbox, the case page and its actions,
//! the supervisor's view, and who may open which page.
#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

pub(crate) mod support;

mod cases;
mod lists;
mod matrix;
mod parity;
mod rating_device;
mod ratings;
mod ratings_matrix;
mod window;

use axum::http::StatusCode;

use matrix::ROLE_PAGE_MATRIX;
use support::{Session, apps, d, enterprise};

#[tokio::test]
async fn every_role_gets_what_the_matrix_says() {
    for app in apps(d(9, 28)).await {
        let case = app
            .accepted("QX-ZGB-106", enterprise("栖霞市丽人美发有限公司"))
            .await;
        let mut sessions: Vec<Session> = Vec::new();
        for (user, method, path, status) in ROLE_PAGE_MATRIX {
            let path = path.replace("{case}", &case.record.id.to_string());
            let page = if user.is_empty() {
                match *method {
                    "GET" => app.get_anonymous(&path).await,
                    _ => app.post_raw(None, &path, &[("x", "1")], false).await,
                }
            } else {
                let s = match sessions.iter().find(|s| s.username == *user) {
                    Some(s) => s.clone(),
                    None => {
                        let s = app.login(user).await;
                        sessions.push(s.clone());
                        s
                    }
                };
                assert_eq!(*method, "GET", "signed-in rows are GETs");
                app.get(&s, &path).await
            };
            assert_eq!(
                page.status,
                StatusCode::from_u16(*status).unwrap(),
                "[{}] {user:?} {method} {path}: {}",
                app.backend,
                page.text
            );
            if *status == 303 {
                // Someone not signed in signs in; an applicant asking for a
                // staff case page follows the case on their own page.
                let onward = if user.is_empty() { "/login" } else { "/mine/" };
                assert!(page.location().starts_with(onward), "{path}");
            }
            if *status == 404 && path.starts_with("/cases/") {
                assert!(
                    !page.text.contains("栖霞市丽人美发有限公司"),
                    "[{}] {user} must not see someone else's case",
                    app.backend
                );
            }
        }
    }
}
