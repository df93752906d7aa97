//! `onewindow token create` makes a token the API accepts, for that user only.

use std::process::Command;
use std::sync::Arc;

use app::http::{AppState, router};
use app::service::{Services, SystemClock};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::case::WarningRule;
use tower::ServiceExt;

fn onewindow(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_onewindow"))
        .args(args)
        .env("ONEWINDOW_DATA_DIR", data)
        .env_remove("ONEWINDOW_DATABASE_URL")
        .env_remove("ONEWINDOW_CONFIG")
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn a_token_from_the_cli_signs_in_as_its_user() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = onewindow(dir.path(), &["token", "create", "approver.scjg"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_owned();
    assert_eq!(token.len(), 64, "32 bytes in hex: {token}");
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()), "{token}");
    let unknown = onewindow(dir.path(), &["token", "create", "nobody"]);
    assert!(
        !unknown.status.success(),
        "no token for a user who does not exist"
    );

    let url = dir.path().join("onewindow.db").display().to_string();
    let store = store::open(&url, chrono::Utc::now()).await.expect("store");
    let hash = app::http::auth::hash_token(&token);
    assert_eq!(
        store.user_by_token(&hash).await.expect("user").0.username,
        "approver.scjg"
    );
    assert!(
        store.user_by_token(&token).await.is_err(),
        "only the hash is stored"
    );
    let services = Services::new(store, Arc::new(SystemClock), WarningRule::default())
        .await
        .expect("services");
    let req = Request::get("/api/v1/sla/counts")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let res = router(AppState::new(services))
        .oneshot(req)
        .await
        .expect("answer");
    assert_eq!(res.status(), StatusCode::OK);
}
