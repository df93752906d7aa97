//! Tickets over the JSON API: the same rules as the pages, with stable codes.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::support::{StaffApp, apps, d};

async fn call(
    app: &StaffApp,
    who: &str,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    app.api(who, method, uri, body).await
}

#[tokio::test]
async fn tickets_over_the_api_with_stable_codes() {
    for app in apps(d(3, 2)).await {
        let b = app.backend;
        let call_in = json!({
            "kind": "complaint", "channel": "web", "urgency": "urgent",
            "category": "劳动保障监察", "caller_name": "王先生", "caller_phone": "13800000001",
            "location": "翠屏街道", "text": "拖欠工资"
        });
        let (s, _) = call(
            &app,
            "approver.rsj",
            Method::POST,
            "/api/v1/tickets",
            Some(call_in.clone()),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let (s, t) = call(
            &app,
            "hotline",
            Method::POST,
            "/api/v1/tickets",
            Some(call_in),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "[{b}] {t}");
        let id = t["record"]["id"].as_i64().unwrap();
        let acts = format!("/api/v1/tickets/{id}/actions");
        let dispatch = json!({"action": "dispatch", "lead_unit": "rsj", "co_units": ["scjg"]});
        let (s, t) = call(&app, "hotline", Method::POST, &acts, Some(dispatch)).await;
        assert_eq!(
            (s, t["clock"].as_str()),
            (StatusCode::OK, Some("normal")),
            "[{b}] {t}"
        );
        assert_eq!(
            t["limits"]["close_days"], 2,
            "[{b}] urgent complaints close in 2 working days"
        );
        let reply = json!({"action": "reply", "text": "已处理"});
        let (s, e) = call(
            &app,
            "approver.zjj",
            Method::POST,
            &acts,
            Some(reply.clone()),
        )
        .await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "[{b}]"
        );
        assert!(
            !e.to_string().contains("拖欠工资"),
            "[{b}] nothing of the ticket"
        );
        let (s, e) = call(
            &app,
            "approver.scjg",
            Method::POST,
            &acts,
            Some(json!({"action": "sign"})),
        )
        .await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("not_holder")),
            "[{b}]"
        );
        let (s, e) = call(&app, "approver.rsj", Method::POST, &acts, Some(reply)).await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::CONFLICT, Some("illegal_transition")),
            "[{b}]"
        );
        let (s, e) = call(
            &app,
            "hotline",
            Method::POST,
            &acts,
            Some(json!({"action": "sign"})),
        )
        .await;
        assert_eq!(
            (s, e["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "[{b}]"
        );
        let (s, list) = call(&app, "approver.scjg", Method::GET, "/api/v1/tickets", None).await;
        assert_eq!(
            (s, list.as_array().map(Vec::len)),
            (StatusCode::OK, Some(1)),
            "[{b}]"
        );
        let (s, list) = call(
            &app,
            "approver.zjj",
            Method::GET,
            "/api/v1/tickets?state=dispatched",
            None,
        )
        .await;
        assert_eq!((s, list), (StatusCode::OK, json!([])), "[{b}]");
        let (s, _) = call(&app, "clerk", Method::GET, "/api/v1/tickets", None).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "[{b}]");
        let (s, f) = call(
            &app,
            "supervisor",
            Method::GET,
            "/api/v1/hotline/figures",
            None,
        )
        .await;
        assert_eq!(
            (s, &f["overall"]["dispatched"]),
            (StatusCode::OK, &json!(1)),
            "[{b}]"
        );
    }
}
