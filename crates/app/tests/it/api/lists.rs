//! Lists, filters, inboxes and the 预警 / 超期 lists as the clock moves.
//!
//! March 2026 has no holiday; 03-02 is a Monday. Window intakes accepted at once:
//! - A: 水电气外线工程并联审批 QX-ZJJ-012 (zjj, promised 3) accepted 03-02:
//!   预警 from 03-04, deadline 03-05.
//! - B1: 开办美容美发店 QX-ZGB-106 (zgb, promised 5) submitted online 03-02,
//!   accepted 03-03: 预警 from 03-09, deadline 03-10.
//! - B2: the same matter accepted at the window 03-02: 预警 from 03-06, deadline 03-09.
//! - C: the same matter submitted online, never accepted (no deadline).

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::support::{App, apps, d, enterprise};

fn window(matter: &str) -> Value {
    json!({"matter": matter, "channel": "window", "applicant": enterprise(), "intake": {"action": "accept"}})
}

fn online(matter: &str) -> Value {
    json!({"matter": matter, "channel": "online", "applicant": enterprise()})
}

#[tokio::test]
async fn lists_filter_and_order_by_deadline() {
    for app in apps(d(3, 2)).await {
        let [a, b1, b2, c] = arrange(&app).await;
        let b = app.backend;
        let list = |q: &'static str| {
            let app = &app;
            async move { app.ids("clerk", &format!("/api/v1/cases{q}")).await }
        };
        assert_eq!(
            list("").await,
            vec![a, b2, b1, c],
            "[{b}] soonest deadline first, undated last"
        );
        assert_eq!(list("?state=in_review").await, vec![a, b2, b1], "[{b}]");
        assert_eq!(list("?state=submitted").await, vec![c], "[{b}]");
        assert_eq!(
            list("?state=%E5%AE%A1%E6%9F%A5%E4%B8%AD").await,
            vec![a, b2, b1],
            "[{b}] the Chinese label works too"
        );
        assert_eq!(list("?unit=zjj").await, vec![a], "[{b}]");
        assert_eq!(list("?unit=zgb").await, vec![b2, b1, c], "[{b}]");
        assert_eq!(
            list("?intake_unit=zgb&state=in_review").await,
            vec![a, b2, b1],
            "[{b}]"
        );
        assert_eq!(
            list("?deadline_from=2026-03-06&deadline_to=2026-03-09").await,
            vec![b2],
            "[{b}]"
        );
        assert_eq!(
            list("?sla=normal").await,
            vec![a, b2, b1],
            "[{b}] as of 03-03"
        );
        assert_eq!(list("?limit=1&offset=1").await, vec![b2], "[{b}] paging");
        let page = app
            .get("clerk", "/api/v1/cases?limit=1000")
            .await
            .expect(StatusCode::OK);
        assert_eq!(page["limit"], 500, "[{b}] the page size is bounded");

        // The inbox of a unit holding stage-1 steps of both B cases: B2 is due first.
        assert_eq!(
            app.ids("clerk", "/api/v1/units/scjg/inbox").await,
            vec![b2, b1],
            "[{b}]"
        );
        assert_eq!(
            app.ids("clerk", "/api/v1/units/gaj/inbox").await,
            vec![a],
            "[{b}]"
        );
        assert!(
            app.ids("clerk", "/api/v1/units/zgb/inbox").await.is_empty(),
            "[{b}] stage 2 not open"
        );

        sla_as_the_clock_moves(&app, [a, b1, b2]).await;
    }
}

async fn arrange(app: &App) -> [i64; 4] {
    let b1 = app.open("zhangwei", &online("QX-ZGB-106")).await;
    let a = app.open("clerk", &window("QX-ZJJ-012")).await;
    let b2 = app.open("clerk", &window("QX-ZGB-106")).await;
    let c = app.open("zhangwei", &online("QX-ZGB-106")).await;
    app.on(3, 3);
    let v = app.act("clerk", b1, json!({"action": "accept"})).await;
    assert_eq!(v["promised"]["deadline"], "2026-03-10", "[{}]", app.backend);
    [a, b1, b2, c]
}

async fn sla_as_the_clock_moves(app: &App, [a, b1, b2]: [i64; 3]) {
    let b = app.backend;
    let counts = |q: &'static str| async move {
        let v = app
            .get("clerk", &format!("/api/v1/sla/counts{q}"))
            .await
            .expect(StatusCode::OK);
        (
            v["normal"].as_i64(),
            v["warning"].as_i64(),
            v["overdue"].as_i64(),
            v["paused"].as_i64(),
        )
    };
    assert_eq!(
        counts("").await,
        (Some(3), Some(0), Some(0), Some(0)),
        "[{b}] 03-03"
    );
    assert!(
        app.ids("clerk", "/api/v1/cases/warnings").await.is_empty(),
        "[{b}]"
    );

    // 03-04: A has one working day left, 预警.
    app.on(3, 4);
    assert_eq!(
        app.ids("clerk", "/api/v1/cases/warnings").await,
        vec![a],
        "[{b}]"
    );
    assert!(
        app.ids("clerk", "/api/v1/cases/overdue").await.is_empty(),
        "[{b}]"
    );
    assert_eq!(
        counts("").await,
        (Some(2), Some(1), Some(0), Some(0)),
        "[{b}] 03-04"
    );
    let v = app
        .get("clerk", &format!("/api/v1/cases/{a}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(v["sla"], "warning", "[{b}]");

    // 03-06: A is past its deadline, B2 in 预警, B1 still 正常.
    app.on(3, 6);
    assert_eq!(
        app.ids("clerk", "/api/v1/cases/overdue").await,
        vec![a],
        "[{b}]"
    );
    assert_eq!(
        app.ids("clerk", "/api/v1/cases/warnings").await,
        vec![b2],
        "[{b}]"
    );
    assert_eq!(
        app.ids("clerk", "/api/v1/cases/warnings?unit=zjj").await,
        Vec::<i64>::new(),
        "[{b}]"
    );
    assert_eq!(
        app.ids("clerk", "/api/v1/cases?sla=normal").await,
        vec![b1],
        "[{b}]"
    );
    assert_eq!(
        counts("").await,
        (Some(1), Some(1), Some(1), Some(0)),
        "[{b}] 03-06"
    );
    assert_eq!(
        counts("?unit=zgb").await,
        (Some(1), Some(1), Some(0), Some(0)),
        "[{b}] zgb only"
    );
    let v = app
        .get("clerk", &format!("/api/v1/cases/{a}"))
        .await
        .expect(StatusCode::OK);
    assert_eq!(v["sla"], "overdue", "[{b}]");

    // A suspension stops B1's clock: counted apart, in no SLA list.
    app.act(
        "approver.scjg",
        b1,
        json!({"action": "suspend", "kind": "supplement", "reason": "请补正经营场所平面图"}),
    )
    .await;
    assert_eq!(
        counts("").await,
        (Some(0), Some(1), Some(1), Some(1)),
        "[{b}] B1 paused"
    );
}
