//! 好差评 over the JSON API on every backend: an applicant rates their own
//! concluded case once (the level as a label or a number on either
//! national scale), a 差评 opens an order only its unit and the supervisor
//! see, the unit works it, only the supervisor's callback closes it, and
//! the scores show it; each refusal has its stable code.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::{App, apps, d};

/// 企业设立登记 applied online by zhangwei, accepted at 预审, reviewed by
/// scjg, approved and issued: concluded today.
async fn concluded(app: &App) -> i64 {
    let body = json!({"matter": "QX-SCJG-001", "channel": "online", "applicant": {"kind": "enterprise", "name": "栖霞市好评商贸有限公司", "credit_code": "91350100M000100Y43"}});
    let id = app.open("zhangwei", &body).await;
    rate(
        app,
        "zhangwei",
        json!({"case_id": id, "rating": "satisfied", "channel": "mobile"}),
    )
    .await
    .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "case_not_concluded");
    app.act("clerk", id, json!({"action": "accept", "commitments": []}))
        .await;
    app.act(
        "approver.scjg",
        id,
        json!({"action": "complete_step", "step": 0}),
    )
    .await;
    app.act(
        "head.scjg",
        id,
        json!({"action": "decide", "approve": true}),
    )
    .await;
    let issue = json!({"action": "issue", "result": {"kind": "paper", "number": "QX-2026-1"}});
    app.act("head.scjg", id, issue).await;
    id
}

async fn rate(app: &App, user: &str, body: Value) -> super::support::Reply {
    app.post(user, "/api/v1/ratings", &body).await
}

async fn order_act(app: &App, user: &str, order: i64, body: Value) -> super::support::Reply {
    app.post(
        user,
        &format!("/api/v1/rectifications/{order}/actions"),
        &body,
    )
    .await
}

#[tokio::test]
async fn an_applicants_bad_rating_is_rectified_and_called_back_with_every_refusal_coded() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        let id = concluded(&app).await;
        for (who, body, status, code) in [
            (
                "clerk",
                json!({"case_id": id, "rating": "satisfied", "channel": "device"}),
                StatusCode::FORBIDDEN,
                "forbidden",
            ),
            (
                "zhangwei",
                json!({"case_id": id, "rating": "satisfied", "channel": "phone"}),
                StatusCode::FORBIDDEN,
                "forbidden",
            ),
            (
                "zhangwei",
                json!({"case_id": id, "channel": "mobile"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "rating_required",
            ),
            // 2 on the scale where 5 is best is 不满意: a reason is required.
            (
                "zhangwei",
                json!({"case_id": id, "number": 2, "scale": "five_is_best", "channel": "mobile"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "reason_required",
            ),
            (
                "zhangwei",
                json!({"channel": "mobile", "rating": "satisfied"}),
                StatusCode::BAD_REQUEST,
                "bad_request",
            ),
            (
                "zhangwei",
                json!({"case_id": id + 999, "rating": "satisfied", "channel": "mobile"}),
                StatusCode::NOT_FOUND,
                "not_found",
            ),
        ] {
            rate(&app, who, body).await.expect_error(status, code);
        }
        // 4 on the scale where 1 is best is also 不满意.
        let v = rate(&app, "zhangwei", json!({"case_id": id, "number": 4, "scale": "one_is_best", "channel": "mobile", "reasons": ["办理时间长、超过承诺时限"]}))
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(v["rating"], "dissatisfied", "[{b}] stored by label");
        assert_eq!(v["staff"], "clerk", "[{b}] the clerk who accepted it");
        let order = v["rectification_id"].as_i64().expect("an order");
        rate(
            &app,
            "zhangwei",
            json!({"case_id": id, "rating": "very_satisfied", "channel": "pc"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "already_rated");

        let path = format!("/api/v1/rectifications/{order}");
        app.get("approver.zjj", &path)
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
        order_act(
            &app,
            "approver.zjj",
            order,
            json!({"action": "verify", "finding": "x"}),
        )
        .await
        .expect_error(StatusCode::NOT_FOUND, "not_found");
        app.get("zhangwei", "/api/v1/rectifications")
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        let mine = app
            .get("approver.scjg", "/api/v1/rectifications?open_only=true")
            .await
            .expect(StatusCode::OK);
        assert_eq!(mine.as_array().map(Vec::len), Some(1), "[{b}]");
        assert!(
            app.get("approver.zjj", "/api/v1/rectifications")
                .await
                .expect(StatusCode::OK)
                .as_array()
                .is_some_and(Vec::is_empty),
            "[{b}]"
        );

        order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "call_back", "applicant_said": "x", "satisfied": true}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "illegal_transition");
        order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "verify", "finding": ""}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "reason_required");
        let v = order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "verify", "finding": "属实"}),
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(v["record"]["order"]["state"], "rectifying", "[{b}]");
        order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "verify", "finding": "属实"}),
        )
        .await
        .expect_error(StatusCode::CONFLICT, "illegal_transition");
        let stale = app
            .post(
                "approver.scjg",
                &format!("{path}/actions?expected_version=1"),
                &json!({"action": "report_rectified", "measures": "x"}),
            )
            .await;
        stale.expect_error(StatusCode::CONFLICT, "conflict");
        order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "report_rectified", "measures": "压缩内部流转时间"}),
        )
        .await
        .expect(StatusCode::OK);
        order_act(
            &app,
            "approver.scjg",
            order,
            json!({"action": "call_back", "applicant_said": "满意", "satisfied": true}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
        let v = order_act(
            &app,
            "supervisor",
            order,
            json!({"action": "call_back", "applicant_said": "申请人认可整改", "satisfied": true}),
        )
        .await
        .expect(StatusCode::OK);
        assert_eq!(v["record"]["order"]["state"], "closed", "[{b}]");
        assert_eq!(v["record"]["order"]["outcome"], "rectified", "[{b}]");

        let uri = "/api/v1/evaluation/scores?from=2026-09-01&to=2026-09-30";
        app.get("approver.scjg", uri)
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        app.get(
            "supervisor",
            "/api/v1/evaluation/scores?from=2026-09-30&to=2026-09-01",
        )
        .await
        .expect_error(StatusCode::BAD_REQUEST, "bad_request");
        let s = app.get("supervisor", uri).await.expect(StatusCode::OK);
        assert_eq!(s["county"]["score"]["ratings"], 1, "[{b}]");
        assert_eq!(s["county"]["rates"]["rectified"], 1.0, "[{b}]");
        assert_eq!(s["county"]["rates"]["called_back"], 1.0, "[{b}]");
        assert_eq!(s["county"]["rates"]["satisfied"], 0.0, "[{b}]");
        assert_eq!(s["departments"][0]["key"], "scjg", "[{b}]");
        assert_eq!(s["staff"][0]["key"], "clerk", "[{b}]");
    }
}

#[tokio::test]
async fn the_hotline_records_a_phone_rating_and_the_window_closes_after_thirty_days() {
    for app in apps(d(9, 28)).await {
        let id = concluded(&app).await;
        rate(
            &app,
            "hotline",
            json!({"case_id": id, "rating": "satisfied", "channel": "mobile"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
        app.on(10, 29);
        rate(
            &app,
            "hotline",
            json!({"case_id": id, "rating": "satisfied", "channel": "phone"}),
        )
        .await
        .expect_error(StatusCode::UNPROCESSABLE_ENTITY, "rating_window_closed");
        app.on(10, 28);
        let v = rate(
            &app,
            "hotline",
            json!({"case_id": id, "rating": "basic", "channel": "phone"}),
        )
        .await
        .expect(StatusCode::CREATED);
        assert_eq!(
            (v["channel"].as_str(), v["rectification_id"].as_i64()),
            (Some("phone"), None)
        );
    }
}

#[tokio::test]
async fn a_window_visit_is_rated_once_on_its_own_halls_device() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        let visit = store::Visit {
            at: app.state.services.clock.now(),
            unit: "zgb".into(),
            clerk: "clerk.zhao".into(),
            applicant_id: "91350100M000100Y43".into(),
            matter_code: "QX-SCJG-001".into(),
            case_id: None,
            outcome: "consultation".into(),
        };
        let vid = app
            .state
            .services
            .store
            .record_visit(&visit)
            .await
            .expect("visit");
        let body = json!({"visit_id": vid, "rating": "very_satisfied", "channel": "device"});
        rate(&app, "clerk.guanli", body.clone())
            .await
            .expect_error(StatusCode::NOT_FOUND, "not_found");
        rate(
            &app,
            "clerk",
            json!({"visit_id": vid, "rating": "very_satisfied", "channel": "pc"}),
        )
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
        rate(&app, "zhangwei", body.clone())
            .await
            .expect_error(StatusCode::FORBIDDEN, "forbidden");
        let v = rate(&app, "clerk", body.clone())
            .await
            .expect(StatusCode::CREATED);
        assert_eq!(v["subject"], json!({"kind": "visit", "id": vid}), "[{b}]");
        assert_eq!(v["staff"], "clerk.zhao", "[{b}] the clerk who served");
        rate(&app, "clerk", body)
            .await
            .expect_error(StatusCode::CONFLICT, "already_rated");
    }
}
