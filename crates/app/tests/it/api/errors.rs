//! Every kind of failure gets the JSON error shape, the right status and a
//! stable code, and leaves what is stored as it was.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use super::support::{App, apps, d, enterprise};

const MATTER: &str = "QX-ZGB-106";

fn online(applicant: serde_json::Value) -> serde_json::Value {
    json!({"matter": MATTER, "channel": "online", "applicant": applicant})
}

#[tokio::test]
async fn requests_without_a_known_token_are_refused() {
    for app in apps(d(3, 2)).await {
        let r = app
            .send(Method::GET, "/api/v1/cases", None, None, &[])
            .await;
        r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(
            r.headers
                .get(header::WWW_AUTHENTICATE)
                .map(|v| v.as_bytes()),
            Some(&b"Bearer"[..])
        );
        let forged = [(
            "authorization",
            "Bearer 0000000000000000000000000000000000000000000000000000000000000000",
        )];
        let r = app
            .send(Method::GET, "/api/v1/matters", None, None, &forged)
            .await;
        r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
        let r = app
            .send(
                Method::POST,
                "/api/v1/cases",
                None,
                Some(&online(enterprise())),
                &[("authorization", "Basic eDp5")],
            )
            .await;
        r.expect_error(StatusCode::UNAUTHORIZED, "unauthorized");
        // Nothing was made by the refused create.
        assert!(
            app.ids("clerk", "/api/v1/cases").await.is_empty(),
            "[{}]",
            app.backend
        );
        // The health check needs no token.
        let h = app
            .send(Method::GET, "/healthz", None, None, &[])
            .await
            .expect(StatusCode::OK);
        assert_eq!(h["status"], "ok");
        assert_eq!(h["backend"], app.backend);
    }
}

#[tokio::test]
async fn bad_requests_get_a_json_error() {
    for app in apps(d(3, 2)).await {
        bad_input(&app).await;
        bad_identifiers(&app).await;
    }
}

async fn bad_input(app: &App) {
    let b = app.backend;
    let raw = Request::post("/api/v1/cases")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", token_of(app).await),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"matter\": \"QX-ZGB-106\", "))
        .expect("request");
    let r = app.send_raw(raw).await;
    r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    let r = app
        .post("clerk", "/api/v1/cases", &json!({"channel": "online"}))
        .await;
    r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(r.message(), "请求体缺少必填字段“matter”", "[{b}]");
    let r = app
        .post(
            "clerk",
            "/api/v1/cases",
            &json!({"matter": "QX-ZGB-106", "channel": "fax", "applicant": enterprise()}),
        )
        .await;
    r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(
        r.message().contains("“fax”不是可接受的值"),
        "[{b}] {}",
        r.message()
    );
    let no_type = Request::post("/api/v1/cases")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", token_of(app).await),
        )
        .body(Body::from(online(enterprise()).to_string()))
        .expect("request");
    app.send_raw(no_type)
        .await
        .expect_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    app.get("clerk", "/api/v1/cases/abc")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    app.get("clerk", "/api/v1/cases?sla=late")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    let r = app
        .get("clerk", "/api/v1/cases?deadline_from=tomorrow")
        .await;
    r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    assert!(r.message().starts_with("查询参数"), "[{b}] {}", r.message());
    for english in ["Failed", "deserialize", "invalid", "expected"] {
        assert!(!r.message().contains(english), "[{b}] {}", r.message());
    }
    app.get("clerk", "/api/v1/matters?category=nonsense")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    app.get("clerk", "/api/v1/matters/search")
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
    app.get("clerk", "/api/v1/cases/999999")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    app.get("clerk", "/api/v1/matters/QX-NOPE-1")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    app.get("clerk", "/api/v1/units/nowhere/inbox")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    app.get("clerk", "/api/v1/nothing-here")
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    let r = app
        .send(Method::DELETE, "/api/v1/cases", Some("clerk"), None, &[])
        .await;
    r.expect_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let unknown_matter =
        json!({"matter": "QX-NOPE-1", "channel": "online", "applicant": enterprise()});
    app.post("clerk", "/api/v1/cases", &unknown_matter)
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
    assert!(
        app.ids("clerk", "/api/v1/cases").await.is_empty(),
        "[{b}] nothing stored by bad requests"
    );
}

/// Any user's token, for hand-built requests.
async fn token_of(app: &App) -> String {
    let token = app::http::auth::new_token().expect("token");
    app.state
        .services
        .store
        .put_api_token(
            "clerk",
            &app::http::auth::hash_token(&token),
            chrono::Utc::now(),
        )
        .await
        .expect("token stored");
    token
}

async fn bad_identifiers(app: &App) {
    let b = app.backend;
    let bad_check =
        json!({"kind": "enterprise", "name": "某公司", "credit_code": "91350100M000100Y44"});
    let r = app.post("clerk", "/api/v1/cases", &online(bad_check)).await;
    r.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_credit_code");
    assert!(
        r.message().contains("第 18 位"),
        "[{b}] names the position: {}",
        r.message()
    );
    let bad_char =
        json!({"kind": "enterprise", "name": "某公司", "credit_code": "91350100MO00100Y43"});
    let r = app.post("clerk", "/api/v1/cases", &online(bad_char)).await;
    r.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_credit_code");
    assert!(
        r.message().contains("第 10 位") && r.message().contains('O'),
        "[{b}] {}",
        r.message()
    );
    let bad_id = json!({"kind": "person", "name": "张三", "id_number": "37068619900101001"});
    let r = app.post("clerk", "/api/v1/cases", &online(bad_id)).await;
    r.expect_error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_id_number");
    assert!(r.message().contains("18 位"), "[{b}] {}", r.message());
    // A matter's 服务对象 is data: a company cannot apply for 结婚登记, a
    // citizen not for an enterprise's 变更登记.
    let person = json!({"kind": "person", "name": "张三", "id_number": "11010519491231002X"});
    for (matter, applicant) in [("QX-MZJ-001", enterprise()), ("QX-SCJG-002", person)] {
        let input = json!({"matter": matter, "channel": "window", "applicant": applicant});
        let r = app.post("clerk", "/api/v1/cases", &input).await;
        r.expect_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "applicant_type_not_admitted",
        );
        assert!(r.message().contains("服务对象"), "[{b}] {}", r.message());
    }
    assert!(
        app.ids("clerk", "/api/v1/cases").await.is_empty(),
        "[{b}] nothing stored"
    );
}

#[tokio::test]
async fn refused_actions_change_nothing() {
    for app in apps(d(3, 2)).await {
        let b = app.backend;
        let id = app.open("zhangwei", &online(enterprise())).await;
        let url = format!("/api/v1/cases/{id}");
        let before = app.get("clerk", &url).await;
        assert_eq!(
            before.headers.get(header::ETAG).map(|v| v.as_bytes()),
            Some(&b"\"1\""[..]),
            "[{b}]"
        );
        let before = before.expect(StatusCode::OK);

        // Deciding a case not yet accepted: 409 illegal_transition.
        let r = app
            .post(
                "clerk",
                &format!("{url}/actions"),
                &json!({"action": "decide", "approve": true}),
            )
            .await;
        r.expect_error(StatusCode::CONFLICT, "illegal_transition");
        // A rule of the action broken: 422 with the rule's code.
        let core = json!({"action": "accept_with_deficiency", "missing": ["居民身份证"], "supplement_by": "2026-03-04"});
        app.post("clerk", &format!("{url}/actions"), &core)
            .await
            .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "core_material_missing");
        // An action that does not exist: 400.
        app.post(
            "clerk",
            &format!("{url}/actions"),
            &json!({"action": "fly"}),
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
        let after = app.get("clerk", &url).await.expect(StatusCode::OK);
        assert_eq!(
            after["record"], before["record"],
            "[{b}] the case is as it was"
        );
        assert_eq!(
            after["timeline"].as_array().map(Vec::len),
            Some(1),
            "[{b}] only the opening"
        );

        stale_versions(&app, id).await;
    }
}

async fn stale_versions(app: &App, id: i64) {
    let b = app.backend;
    let url = format!("/api/v1/cases/{id}/actions");
    let accept = json!({"action": "accept"});
    let r = app
        .send(
            Method::POST,
            &url,
            Some("clerk"),
            Some(&accept),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(
        r.headers.get(header::ETAG).map(|v| v.as_bytes()),
        Some(&b"\"2\""[..]),
        "[{b}] {}",
        r.text
    );
    r.expect(StatusCode::OK);
    // Someone acting on version 1 after it changed: 409 conflict, nothing written.
    let step = json!({"action": "complete_step", "step": 0});
    let r = app
        .send(
            Method::POST,
            &url,
            Some("approver.scjg"),
            Some(&step),
            &[("if-match", "\"1\"")],
        )
        .await;
    r.expect_error(StatusCode::CONFLICT, "conflict");
    let r = app
        .post("approver.scjg", &format!("{url}?expected_version=1"), &step)
        .await;
    r.expect_error(StatusCode::CONFLICT, "conflict");
    let r = app
        .send(
            Method::POST,
            &url,
            Some("approver.scjg"),
            Some(&step),
            &[("if-match", "soon")],
        )
        .await;
    r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    let v = app
        .get("clerk", &format!("/api/v1/cases/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(v["record"]["version"], 2, "[{b}]");
    assert!(
        v["record"]["case"]["steps"][0]["done_on"].is_null(),
        "[{b}]"
    );
    // With the current version it goes through.
    let r = app
        .send(
            Method::POST,
            &url,
            Some("approver.scjg"),
            Some(&step),
            &[("if-match", "2")],
        )
        .await;
    assert_eq!(r.expect(StatusCode::OK)["record"]["version"], 3, "[{b}]");
}

#[tokio::test]
async fn an_idempotency_key_makes_one_case() {
    for app in apps(d(3, 2)).await {
        let b = app.backend;
        let body = online(enterprise());
        let key = [("idempotency-key", "form-7f3a-0001")];
        let first = app
            .send(
                Method::POST,
                "/api/v1/cases",
                Some("zhangwei"),
                Some(&body),
                &key,
            )
            .await;
        assert_eq!(first.status, StatusCode::CREATED, "[{b}] {}", first.text);
        let id = first.body["record"]["id"].as_i64();
        assert_eq!(
            first
                .headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            id.map(|id| format!("/api/v1/cases/{id}")).as_deref(),
            "[{b}]"
        );
        let again = app
            .send(
                Method::POST,
                "/api/v1/cases",
                Some("zhangwei"),
                Some(&body),
                &key,
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::OK,
            "[{b}] a replay: {}",
            again.text
        );
        assert_eq!(
            again.body["record"]["id"].as_i64(),
            id,
            "[{b}] the same case"
        );
        assert_eq!(
            app.ids("clerk", "/api/v1/cases").await.len(),
            1,
            "[{b}] one case"
        );
        // The same key from someone else is their own request.
        let other = app
            .send(
                Method::POST,
                "/api/v1/cases",
                Some("clerk"),
                Some(&body),
                &key,
            )
            .await;
        assert_eq!(other.status, StatusCode::CREATED, "[{b}] {}", other.text);
        assert_eq!(app.ids("clerk", "/api/v1/cases").await.len(), 2, "[{b}]");
        let long = "k".repeat(201);
        let r = app
            .send(
                Method::POST,
                "/api/v1/cases",
                Some("zhangwei"),
                Some(&body),
                &[("idempotency-key", &long)],
            )
            .await;
        r.expect_error(StatusCode::BAD_REQUEST, "bad_request");
    }
}
