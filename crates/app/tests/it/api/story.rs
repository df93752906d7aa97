//! The whole story of one online application through the API, across the
//! 2026 中秋 and 国庆 holidays.
//!
//! 开办美容美发店（行业综合许可证）QX-ZGB-106: promised 5, statutory 20
//! working days; 容缺 allowed for the non-core 经营场所使用承诺; stage 1 runs
//! 营业执照登记 (scjg) and 公共场所卫生许可 (wjj) in parallel, stage 2 is the
//! hall's 核发行业综合许可证 (zgb).
//!
//! 2026: 09-25..27 中秋 and 10-01..07 国庆 are holidays; 10-10 (Saturday) is a
//! working day. Working days after the acceptance on Mon 09-28: 09-29 (1),
//! 09-30 (2), 10-08 (3), 10-09 (4), 10-10 (5), 10-12 (6), 10-13 (7), …

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::{App, apps, d, ds, enterprise};

const MATTER: &str = "QX-ZGB-106";
const NON_CORE: &str = "不涉及产权争议的经营场所使用承诺";

#[tokio::test]
async fn an_online_application_runs_from_review_to_electronic_delivery() {
    for app in apps(d(9, 25)).await {
        story(&app).await;
    }
}

async fn story(app: &App) {
    let b = app.backend;
    // Submitted online on a holiday: it waits for 预审 in the hall (zgb), no clock yet.
    let body = json!({"matter": MATTER, "channel": "online", "applicant": enterprise()});
    let id = app.open("zhangwei", &body).await;
    let case = app
        .get("clerk", &format!("/api/v1/cases/{id}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(case["record"]["case"]["state"], "submitted", "[{b}]");
    assert_eq!(
        case["record"]["intake_unit"], "zgb",
        "[{b}] online applications go to the 预审 unit"
    );
    assert!(
        case["promised"].is_null(),
        "[{b}] no clock before acceptance"
    );

    // 预审 on Monday: 容缺受理, the non-core commitment owed by Friday 10-09.
    app.on(9, 28);
    let accept = json!({"action": "accept_with_deficiency", "missing": [NON_CORE], "supplement_by": "2026-10-09"});
    let v = app.act("clerk", id, accept).await;
    assert_eq!(v["record"]["case"]["state"], "in_review", "[{b}]");
    assert_promised(&v, (10, 10), (10, 9), "normal", b);
    assert_eq!(
        v["statutory"]["deadline"],
        ds(10, 30),
        "[{b}] 20 working days from 09-28"
    );
    assert_inbox(app, "scjg", id, true).await;
    assert_inbox(app, "wjj", id, true).await;
    assert_inbox(app, "zgb", id, false).await;

    // The applicant cannot record the supplement by a bare API call (files
    // are uploaded from 我的办件); the clerk who receives them at the
    // window records it. The licence step is done the same day.
    app.on(9, 29);
    let supply = json!({"action": "supplement", "materials": [NON_CORE]});
    let bare = app
        .post("zhangwei", &format!("/api/v1/cases/{id}/actions"), &supply)
        .await;
    assert_eq!(
        (bare.status, bare.body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("files_required")),
        "[{b}] {}",
        bare.text
    );
    let v = app.act("clerk", id, supply).await;
    assert_eq!(
        v["record"]["case"]["deficiency"]["supplied_on"],
        ds(9, 29),
        "[{b}]"
    );
    let v = app
        .act(
            "approver.scjg",
            id,
            json!({"action": "complete_step", "step": 0, "opinion": "准予登记"}),
        )
        .await;
    assert_promised(&v, (10, 10), (10, 9), "normal", b);
    assert_inbox(app, "scjg", id, false).await;

    // wjj calls in experts: the clock stops over 国庆 and restarts on 10-08.
    app.on(9, 30);
    let suspend =
        json!({"action": "suspend", "kind": "expert_review", "reason": "需组织专家现场评审"});
    let v = app.act("approver.wjj", id, suspend).await;
    assert_eq!(v["record"]["case"]["state"], "suspended", "[{b}]");
    assert_eq!(v["promised"]["paused"], true, "[{b}]");
    assert_eq!(
        v["promised"]["deadline"],
        ds(10, 12),
        "[{b}] 09-30 stopped: one working day added"
    );
    app.on(10, 8);
    let v = app
        .act("approver.wjj", id, json!({"action": "resume"}))
        .await;
    // 09-30 and 10-08 were inside the suspension: the limit moves two working days.
    assert_promised(&v, (10, 13), (10, 12), "normal", b);
    assert_eq!(v["promised"]["used"], 1, "[{b}] only 09-29 counted");
    assert_eq!(
        v["statutory"]["deadline"],
        ds(11, 3),
        "[{b}] statutory limit moved two working days too"
    );

    // The health licence, then stage 2 in the hall, decided on the working Saturday.
    app.on(10, 9);
    let v = app
        .act(
            "approver.wjj",
            id,
            json!({"action": "complete_step", "step": 1, "opinion": "卫生条件符合要求"}),
        )
        .await;
    assert_promised(&v, (10, 13), (10, 12), "normal", b);
    assert_inbox(app, "zgb", id, true).await;
    // The hall's own step and decision are its head's: a window clerk may not (403).
    let step = json!({"action": "complete_step", "step": 2});
    app.post("clerk", &format!("/api/v1/cases/{id}/actions"), &step)
        .await
        .expect_error(StatusCode::FORBIDDEN, "forbidden");
    app.act("head.zgb", id, step).await;
    app.on(10, 10);
    app.act("head.zgb", id, json!({"action": "decide", "approve": true}))
        .await;
    let issue = json!({"action": "issue", "result": {"kind": "electronic", "number": "QX-HYZ-2026-0001", "licence": "行业综合许可证"}});
    let v = app.act("head.zgb", id, issue).await;
    assert_eq!(v["record"]["case"]["state"], "issued", "[{b}]");
    assert_eq!(v["record"]["case"]["concluded_on"], ds(10, 10), "[{b}]");
    assert_eq!(v["promised"]["used"], 3, "[{b}] 09-29, 10-09, 10-10");
    assert_eq!(v["sla"], "normal", "[{b}] concluded in time");

    // Delivered electronically on Monday; the clock stays as it was at 办结.
    app.on(10, 12);
    let v = app
        .act(
            "clerk.zhao",
            id,
            json!({"action": "deliver", "method": "electronic"}),
        )
        .await;
    assert_eq!(v["record"]["case"]["state"], "delivered", "[{b}]");
    assert_eq!(v["record"]["case"]["delivery"], "electronic", "[{b}]");
    assert_promised(&v, (10, 13), (10, 12), "normal", b);
    assert_inbox(app, "zgb", id, false).await;

    assert_timeline(app, id).await;
}

/// The promised clock's deadline, first 预警 day and status.
#[track_caller]
fn assert_promised(v: &Value, deadline: (u32, u32), warn_from: (u32, u32), status: &str, b: &str) {
    let p = &v["promised"];
    assert_eq!(p["limit"], 5, "[{b}] {p}");
    assert_eq!(
        p["deadline"],
        ds(deadline.0, deadline.1),
        "[{b}] promised deadline: {p}"
    );
    assert_eq!(
        p["warn_from"],
        ds(warn_from.0, warn_from.1),
        "[{b}] first 预警 day: {p}"
    );
    assert_eq!(p["status"], status, "[{b}] {p}");
}

async fn assert_inbox(app: &App, unit: &str, id: i64, holds: bool) {
    let ids = app
        .ids("clerk", &format!("/api/v1/units/{unit}/inbox"))
        .await;
    assert_eq!(
        ids.contains(&id),
        holds,
        "[{}] {unit}'s inbox: {ids:?}",
        app.backend
    );
}

/// Every action is on the timeline, in order, with who did it and for which unit.
async fn assert_timeline(app: &App, id: i64) {
    let v = app
        .get("clerk", &format!("/api/v1/cases/{id}"))
        .await
        .expect(StatusCode::OK);
    let timeline = v["timeline"].as_array().expect("timeline");
    let got: Vec<(&str, &str, &str)> = timeline
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["actor"].as_str().unwrap_or(""),
                e["actor_unit"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let want = [
        ("open", "zhangwei", "qx"),
        ("accept_with_deficiency", "clerk", "zgb"),
        ("supplement", "clerk", "zgb"),
        ("complete_step", "approver.scjg", "scjg"),
        ("suspend", "approver.wjj", "wjj"),
        ("resume", "approver.wjj", "wjj"),
        ("complete_step", "approver.wjj", "wjj"),
        ("complete_step", "head.zgb", "zgb"),
        ("decide", "head.zgb", "zgb"),
        ("issue", "head.zgb", "zgb"),
        ("deliver", "clerk.zhao", "zgb"),
    ];
    assert_eq!(got, want, "[{}] timeline", app.backend);
    assert_eq!(
        v["record"]["version"].as_i64(),
        Some(want.len() as i64),
        "[{}] one version per change",
        app.backend
    );
    let seqs: Vec<i64> = timeline.iter().filter_map(|e| e["seq"].as_i64()).collect();
    assert_eq!(
        seqs,
        (1..=want.len() as i64).collect::<Vec<_>>(),
        "[{}]",
        app.backend
    );
    assert_eq!(
        timeline[4]["payload"]["kind"], "expert_review",
        "[{}] the action as given",
        app.backend
    );
}
