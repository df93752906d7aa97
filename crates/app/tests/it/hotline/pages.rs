//! The hotline pages, signed in through the real login: a call registered
//! with its duplicate hint, dispatched, signed, replied, called back and
//! closed through the forms; a unit refused on a ticket it does not hold
//! (and shown nothing of it); closing without a callback and a third
//! send-back refused in Chinese; a post without the CSRF token refused; who
//! may open a ticket's page.

use axum::http::StatusCode;
use domain::hotline::TicketState;

use super::support::{Session, StaffApp, apps, d};

async fn register(app: &StaffApp, s: &Session, text: &str) -> i64 {
    let page = app
        .post(
            s,
            "/hotline/new",
            &[
                ("kind", "complaint"),
                ("channel", "phone"),
                ("urgency", "normal"),
                ("category", "劳动保障监察"),
                ("caller_name", "王先生"),
                ("caller_phone", "13800000001"),
                ("location", "翠屏街道"),
                ("text", text),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text);
    let loc = page.location();
    loc.trim_start_matches("/hotline/")
        .split('?')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("redirect to the ticket")
}

async fn act(
    app: &StaffApp,
    s: &Session,
    id: i64,
    fields: &[(&str, &str)],
) -> super::support::Page {
    let page = app.get(s, &format!("/hotline/{id}")).await;
    let version = page.try_field("version").unwrap_or_default();
    let mut all = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    app.post(s, &format!("/hotline/{id}/act"), &all).await
}

async fn state_of(app: &StaffApp, id: i64) -> TicketState {
    app.state
        .services
        .store
        .ticket(id)
        .await
        .unwrap()
        .ticket
        .state
}

#[tokio::test]
async fn a_call_goes_round_the_loop_through_the_pages() {
    for app in apps(d(3, 2)).await {
        let b = app.backend;
        let hotline = app.login("hotline").await;
        let rsj = app.login("approver.rsj").await;
        let id = register(&app, &hotline, "某公司拖欠三个月工资").await;
        app.get(&hotline, &format!("/hotline/{id}?done=register"))
            .await
            .expect(
                StatusCode::OK,
                &[
                    "已办理：受理",
                    "某公司拖欠三个月工资",
                    "派单",
                    "未派单",
                    "于晓慧（",
                    // The lead unit is chosen, never preselected; co-units
                    // are ticked in a list the agent can filter.
                    "<option value=\"\" selected disabled>请选择主办单位</option>",
                    "type=\"checkbox\" name=\"co_units\" value=\"scjg\"",
                    "输入单位名称筛选",
                ],
            )
            .lacks(&["hotline（", "multiple size"]);
        // The same caller again: the hint names the first ticket.
        let dup = register(&app, &hotline, "还是工资的事").await;
        app.get(&hotline, &format!("/hotline/{dup}"))
            .await
            .expect(StatusCode::OK, &["可能重复的工单", "某公司拖欠三个月工资"]);
        // The duplicate is merged into the first.
        let p = act(
            &app,
            &hotline,
            dup,
            &[("action", "merge"), ("ticket", &id.to_string())],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{b}] {}", p.text);
        assert_eq!(state_of(&app, dup).await, TicketState::Merged, "[{b}]");
        let p = act(
            &app,
            &hotline,
            id,
            &[
                ("action", "dispatch"),
                ("lead_unit", "rsj"),
                ("co_units", "scjg"),
            ],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{b}] {}", p.text);
        app.get(&rsj, "/hotline")
            .await
            .expect(StatusCode::OK, &["某公司拖欠三个月工资", "正常"]);
        app.get(&rsj, &format!("/hotline/{id}"))
            .await
            .expect(StatusCode::OK, &["签收", "退单", "2026-03-09"]);
        assert_eq!(
            act(&app, &rsj, id, &[("action", "sign")]).await.status,
            StatusCode::SEE_OTHER
        );
        let p = act(
            &app,
            &rsj,
            id,
            &[("action", "reply"), ("text", "已责令补发工资")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{b}] {}", p.text);
        // Closing before the 回访 is refused, in Chinese, and changes nothing.
        act(&app, &hotline, id, &[("action", "close")])
            .await
            .expect(StatusCode::CONFLICT, &["不能执行此操作"]);
        assert_eq!(state_of(&app, id).await, TicketState::Replied, "[{b}]");
        let cb = [
            ("action", "call_back"),
            ("satisfaction", "satisfied"),
            ("resolved", "true"),
            ("note", "工资已到账"),
        ];
        assert_eq!(
            act(&app, &hotline, id, &cb).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(
            act(&app, &hotline, id, &[("action", "close")]).await.status,
            StatusCode::SEE_OTHER
        );
        assert_eq!(state_of(&app, id).await, TicketState::Closed, "[{b}]");
        app.get(&hotline, &format!("/hotline/{id}"))
            .await
            .expect(StatusCode::OK, &["已办结", "满意", "工资已到账", "已停止"]);
        app.get(&hotline, "/hotline/figures").await.expect(
            StatusCode::OK,
            &["栖霞市人力资源和社会保障局", "100.0%", "达标"],
        );
    }
}

#[tokio::test]
async fn refusals_on_the_pages() {
    for app in apps(d(3, 2)).await {
        let b = app.backend;
        let hotline = app.login("hotline").await;
        let zjj = app.login("approver.zjj").await;
        let scjg = app.login("approver.scjg").await;
        let supervisor = app.login("supervisor").await;
        let id = register(&app, &hotline, "小区门口占道经营").await;
        act(
            &app,
            &hotline,
            id,
            &[("action", "dispatch"), ("lead_unit", "scjg")],
        )
        .await;
        // 住建局 does not hold it: 404, nothing of the ticket shown, nothing changed.
        let p = app.get(&zjj, &format!("/hotline/{id}")).await;
        p.expect(StatusCode::NOT_FOUND, &["工单不存在或不在您的办理范围内"])
            .lacks(&["小区门口占道经营", "王先生"]);
        let p = app
            .post(
                &zjj,
                &format!("/hotline/{id}/act"),
                &[("action", "reply"), ("text", "已处理")],
            )
            .await;
        p.expect(StatusCode::NOT_FOUND, &[])
            .lacks(&["小区门口占道经营"]);
        assert_eq!(state_of(&app, id).await, TicketState::Dispatched, "[{b}]");
        // Without the CSRF token: refused, nothing changed.
        let p = app
            .post_raw(
                Some(&scjg),
                &format!("/hotline/{id}/act"),
                &[("action", "sign")],
                false,
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "[{b}]");
        assert_eq!(state_of(&app, id).await, TicketState::Dispatched, "[{b}]");
        // A send-back needs a reason.
        act(&app, &scjg, id, &[("action", "send_back"), ("reason", "")])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["须填写退单理由"]);
        // Two send-backs: the supervisor settles; a third is refused.
        act(
            &app,
            &scjg,
            id,
            &[("action", "send_back"), ("reason", "属城管职责")],
        )
        .await;
        act(
            &app,
            &hotline,
            id,
            &[("action", "dispatch"), ("lead_unit", "zjj")],
        )
        .await;
        act(
            &app,
            &zjj,
            id,
            &[("action", "send_back"), ("reason", "属市场监管职责")],
        )
        .await;
        assert_eq!(state_of(&app, id).await, TicketState::Escalated, "[{b}]");
        app.get(&supervisor, "/hotline?state=escalated")
            .await
            .expect(StatusCode::OK, &["小区门口占道经营", "待督办裁定"]);
        app.get(&supervisor, &format!("/hotline/{id}"))
            .await
            .expect(
                StatusCode::OK,
                &["督办裁定承办单位", "属城管职责", "属市场监管职责"],
            );
        let p = act(
            &app,
            &supervisor,
            id,
            &[("action", "settle"), ("lead_unit", "scjg")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{b}] {}", p.text);
        act(
            &app,
            &scjg,
            id,
            &[("action", "send_back"), ("reason", "还是不归我们")],
        )
        .await
        .expect(StatusCode::CONFLICT, &["不能再退单"]);
        assert_eq!(state_of(&app, id).await, TicketState::Dispatched, "[{b}]");
        // An extension asked by the unit, approved by the hotline.
        act(
            &app,
            &scjg,
            id,
            &[
                ("action", "request_extension"),
                ("days", "3"),
                ("reason", "需联合执法"),
            ],
        )
        .await;
        app.get(&hotline, &format!("/hotline/{id}"))
            .await
            .expect(StatusCode::OK, &["审批延期申请", "待审批"]);
        let p = act(
            &app,
            &hotline,
            id,
            &[("action", "decide_extension"), ("approve", "true")],
        )
        .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "[{b}] {}", p.text);
    }
}

#[tokio::test]
async fn who_may_open_a_ticket_page() {
    for app in apps(d(3, 2)).await {
        let hotline = app.login("hotline").await;
        let id = register(&app, &hotline, "路灯不亮").await;
        act(
            &app,
            &hotline,
            id,
            &[
                ("action", "dispatch"),
                ("lead_unit", "rsj"),
                ("co_units", "scjg"),
            ],
        )
        .await;
        let path = format!("/hotline/{id}");
        for (user, status) in [
            ("hotline", 200),
            ("approver.rsj", 200),
            ("approver.scjg", 200),
            ("head.scjg", 200),
            ("supervisor", 200),
            ("admin", 200),
            ("approver.zjj", 404),
            ("head.zjj", 404),
            ("clerk", 403),
            ("inspector.scjg", 403),
            ("zhangwei", 403),
        ] {
            let s = app.login(user).await;
            let p = app.get(&s, &path).await;
            assert_eq!(
                p.status.as_u16(),
                status,
                "[{}] {user}: {}",
                app.backend,
                p.text
            );
            if status != 200 {
                assert!(
                    !p.text.contains("路灯不亮"),
                    "[{}] {user} saw the ticket",
                    app.backend
                );
            }
        }
        assert_eq!(app.get_anonymous(&path).await.status, StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn typed_text_is_escaped_on_every_hotline_page() {
    for app in apps(d(3, 2)).await {
        let hotline = app.login("hotline").await;
        let evil = "<script>alert(\"x\")</script>";
        let id = register(&app, &hotline, evil).await;
        act(
            &app,
            &hotline,
            id,
            &[("action", "dispatch"), ("lead_unit", "rsj")],
        )
        .await;
        let rsj = app.login("approver.rsj").await;
        act(&app, &rsj, id, &[("action", "send_back"), ("reason", evil)]).await;
        for (s, path) in [
            (&hotline, format!("/hotline/{id}")),
            (&hotline, "/hotline".to_owned()),
            (&rsj, "/hotline".to_owned()),
        ] {
            let p = app.get(s, &path).await;
            assert!(
                !p.text.contains(evil),
                "[{}] {path} prints raw text",
                app.backend
            );
        }
        app.get(&hotline, &format!("/hotline/{id}"))
            .await
            .expect(StatusCode::OK, &["&#60;script&#62;"]);
        // A refused registration shows what was typed, escaped.
        let p = app
            .post(
                &hotline,
                "/hotline/new",
                &[
                    ("kind", "complaint"),
                    ("channel", "phone"),
                    ("urgency", "normal"),
                    ("caller_name", evil),
                    ("text", ""),
                ],
            )
            .await;
        p.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["须填写诉求内容", "&#60;script&#62;"],
        );
        assert!(!p.text.contains(evil));
    }
}

#[tokio::test]
async fn every_demo_ticket_page_renders_for_the_hotline_and_its_unit() {
    for app in apps(d(3, 20)).await {
        let store = app.state.services.store.clone();
        app::demo::generate(store.clone(), d(3, 20), 1)
            .await
            .expect("demo data");
        let hotline = app.login("hotline").await;
        app.get(&hotline, "/hotline").await.expect(
            StatusCode::OK,
            &["超时", "正常", "待督办裁定", "已并单", "已办结"],
        );
        app.get(&hotline, "/hotline/figures").await.expect(
            StatusCode::OK,
            &["栖霞市人力资源和社会保障局", "劳动保障监察举报投诉"],
        );
        let tickets = store
            .list_tickets(&store::TicketFilter::default())
            .await
            .unwrap();
        let rsj = app.login("approver.rsj").await;
        for t in &tickets {
            let path = format!("/hotline/{}", t.id);
            app.get(&hotline, &path)
                .await
                .expect(StatusCode::OK, &[t.ticket.state.label_zh()]);
            let want = if t.ticket.lead_unit.as_deref() == Some("rsj") {
                200
            } else {
                404
            };
            assert_eq!(
                app.get(&rsj, &path).await.status.as_u16(),
                want,
                "[{}] {path}",
                app.backend
            );
        }
    }
}
