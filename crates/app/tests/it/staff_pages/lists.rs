//! The inbox (ordered by deadline, coloured by the domain's clock) and the
//! supervisor's view (预警 and 超期 cases, counts per unit).
//!
//! 2026: 09-25..27 中秋 are holidays. 食品经营许可 QX-SCJG-007 promises 3
//! working days, 特种设备使用登记 QX-SCJG-009 five; 预警 starts with one
//! working day left. Seen on Mon 09-28:
//! - A, 007 accepted 09-21: due 09-24, 超期;
//! - C, 007 accepted 09-23: due 09-29 (09-24, 09-28, 09-29), 预警 from 09-28;
//! - B, 009 accepted 09-28: due 10-10, 正常 with 5 working days left;
//! - D, 009 accepted 09-28 and suspended for 补正: 暂停.

use axum::http::StatusCode;
use domain::case::{Action, SuspensionKind};
use store::Actor;

use super::support::{StaffApp, apps, d, enterprise, text_of};

struct Cases {
    overdue: String,
    warning: String,
    normal: String,
    paused: String,
}

async fn cases(app: &StaffApp) -> Cases {
    app.on(9, 21);
    let a = app
        .accepted("QX-SCJG-007", enterprise("甲餐饮有限公司"))
        .await;
    app.on(9, 23);
    let c = app
        .accepted("QX-SCJG-007", enterprise("丙餐饮有限公司"))
        .await;
    app.on(9, 28);
    let b = app
        .accepted("QX-SCJG-009", enterprise("乙机械有限公司"))
        .await;
    let p = app
        .accepted("QX-SCJG-009", enterprise("丁机械有限公司"))
        .await;
    let head = Actor {
        username: "head.scjg".into(),
        unit: "scjg".into(),
    };
    let suspend = Action::Suspend {
        kind: SuspensionKind::Supplement,
        reason: "缺少检验证书".into(),
    };
    app.state
        .services
        .act(&head, p.record.id, None, suspend)
        .await
        .expect("suspended");
    // A case of another unit, which scjg's inbox must not show.
    app.accepted("QX-ZJJ-004", enterprise("戊建筑有限公司"))
        .await;
    Cases {
        overdue: a.record.receipt_no,
        warning: c.record.receipt_no,
        normal: b.record.receipt_no,
        paused: p.record.receipt_no,
    }
}

#[tokio::test]
async fn the_inbox_is_ordered_by_deadline_and_coloured() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let approver = app.login("approver.scjg").await;
        let inbox = app.get(&approver, "/inbox").await;
        inbox
            .expect(StatusCode::OK, &["栖霞市市场监督管理局"])
            .lacks(&["戊建筑有限公司"]);
        let at = |r: &str| {
            inbox
                .text
                .find(r)
                .unwrap_or_else(|| panic!("{r} not in the inbox"))
        };
        assert!(
            at(&c.overdue) < at(&c.warning)
                && at(&c.warning) < at(&c.normal)
                && at(&c.normal) < at(&c.paused),
            "[{}] soonest deadline first:\n{}",
            app.backend,
            inbox.text
        );
        let row = |r: &str| text_of(inbox.row(r));
        assert!(
            inbox.row(&c.overdue).contains("class=\"sla-overdue\""),
            "{}",
            inbox.row(&c.overdue)
        );
        assert!(
            // Due Thursday 09-24; Friday 09-25 is 中秋节, so Monday is one day over.
            row(&c.overdue).starts_with("超期超期1个工作日2026-09-24"),
            "{}",
            row(&c.overdue)
        );
        assert!(inbox.row(&c.warning).contains("class=\"sla-warning\""));
        assert!(
            row(&c.warning).starts_with("预警剩1个工作日2026-09-29"),
            "{}",
            row(&c.warning)
        );
        assert!(inbox.row(&c.normal).contains("class=\"sla-normal\""));
        assert!(
            row(&c.normal).starts_with("正常剩5个工作日2026-10-10"),
            "{}",
            row(&c.normal)
        );
        assert!(
            row(&c.normal).ends_with("特种设备使用登记乙机械有限公司审查中审查"),
            "{}",
            row(&c.normal)
        );
        assert!(row(&c.paused).starts_with("暂停"), "{}", row(&c.paused));
        assert!(row(&c.paused).contains("暂停计时"), "{}", row(&c.paused));
    }
}

#[tokio::test]
async fn the_supervisor_sees_warning_and_overdue_cases_and_counts_per_unit() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let supervisor = app.login("supervisor").await;
        let page = app.get(&supervisor, "/supervise").await;
        page.expect(
            StatusCode::OK,
            &["超期办件（1）", "预警办件（1）", &c.overdue, &c.warning],
        )
        .lacks(&[&c.normal, &c.paused]);
        assert_eq!(
            text_of(page.row("<td>栖霞市市场监督管理局")),
            "栖霞市市场监督管理局1111",
            "[{}]",
            app.backend
        );
        assert_eq!(
            text_of(page.row("<td>栖霞市住房和城乡建设管理局")),
            "栖霞市住房和城乡建设管理局1000"
        );
        assert_eq!(text_of(page.row("合计")), "合计2111");
        let at = |unit: &str| page.text.find(&format!("<td>{unit}")).expect(unit);
        assert!(
            at("栖霞市市场监督管理局") < at("栖霞市住房和城乡建设管理局"),
            "the units most behind come first"
        );
        assert!(
            !page.text.contains("<td>栖霞市卫生健康局"),
            "units with no running case are left out"
        );
        // Each listed case links to its page, which the supervisor may open.
        assert!(page.row(&c.overdue).contains("href=\"/cases/"));
    }
}

#[tokio::test]
async fn an_inspector_lists_their_own_departments_cases_by_state() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let inspector = app.login("inspector.scjg").await;
        // By default the results issued: none yet.
        app.get(&inspector, "/inspect").await.expect(
            StatusCode::OK,
            &[
                "本部门办件",
                "栖霞市市场监督管理局",
                "暂无“已办结（已出证）”的办件",
            ],
        );
        app.get(&inspector, "/inspect?state=in_review")
            .await
            .expect(StatusCode::OK, &[&c.overdue, &c.warning, &c.normal])
            .lacks(&[&c.paused, "戊建筑有限公司"]);
        app.get(&inspector, "/inspect?state=suspended")
            .await
            .expect(StatusCode::OK, &[&c.paused])
            .lacks(&[&c.normal]);
        // A state the page does not offer falls back to the default.
        app.get(&inspector, "/inspect?state=bogus")
            .await
            .expect(StatusCode::OK, &["暂无“已办结（已出证）”的办件"]);
        // Another department's inspector sees none of scjg's cases.
        let other = app.login("inspector.rsj").await;
        app.get(&other, "/inspect?state=in_review")
            .await
            .expect(StatusCode::OK, &["暂无“审查中”的办件"])
            .lacks(&[&c.overdue, &c.normal]);
    }
}

#[tokio::test]
async fn staff_find_a_case_by_each_key_within_their_scope_only() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let b = app.backend;
        let approver = app.login("approver.scjg").await;
        let find = |s: &super::support::Session, q: &str| {
            let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
            let s = s.clone();
            let app = &app;
            async move { app.get(&s, &format!("/search?q={q}")).await }
        };
        // By 受理编号 (any letter case), by the applicant's full name, by the
        // credit code, by the matter's name.
        find(&approver, &c.overdue.to_lowercase())
            .await
            .expect(StatusCode::OK, &["找到 1 件", &c.overdue])
            .lacks(&[&c.warning]);
        find(&approver, "丙餐饮有限公司")
            .await
            .expect(StatusCode::OK, &["找到 1 件", &c.warning]);
        find(&approver, "91350100M000100Y43")
            .await
            .expect(StatusCode::OK, &["找到 4 件", &c.overdue, &c.paused])
            .lacks(&["戊建筑有限公司"]);
        find(&approver, "特种设备使用登记")
            .await
            .expect(StatusCode::OK, &["找到 2 件", &c.normal, &c.paused]);
        // Outside the unit's part, nothing is found, as if it did not exist.
        find(&approver, "戊建筑有限公司")
            .await
            .expect(StatusCode::OK, &["没有找到"]);
        let supervisor = app.login("supervisor").await;
        find(&supervisor, "戊建筑有限公司")
            .await
            .expect(StatusCode::OK, &["找到 1 件", "住房和城乡建设"]);
        assert!(
            find(&approver, "").await.text.contains("查找办件"),
            "[{b}] the empty form"
        );
    }
}

#[tokio::test]
async fn the_supervisor_sees_the_cases_nobody_can_act_on() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let supervisor = app.login("supervisor").await;
        app.get(&supervisor, "/supervise")
            .await
            .expect(StatusCode::OK, &["超期办件"])
            .lacks(&["无人办理的办件"]);
        // 市场监管局 loses everyone who reviews or decides.
        for (username, name) in [("approver.scjg", "周振华"), ("head.scjg", "林国栋")] {
            app.add_user(username, name, "scjg", domain::unit::Role::Inspector)
                .await;
        }
        app.state.services.forget_directory();
        app.get(&supervisor, "/supervise").await.expect(
            StatusCode::OK,
            &[
                "无人办理的办件（4）",
                &c.overdue,
                &c.warning,
                &c.normal,
                &c.paused,
            ],
        );
    }
}

#[tokio::test]
async fn the_inbox_filters_by_what_i_may_do_state_time_limit_and_matter() {
    for app in apps(d(9, 21)).await {
        let c = cases(&app).await;
        let approver = app.login("approver.scjg").await;
        // 待我审查: the cases with a step of ours open (not the paused one).
        app.get(&approver, "/inbox?view=mine")
            .await
            .expect(
                StatusCode::OK,
                &["待我审查", "共 3 件", &c.overdue, &c.warning, &c.normal],
            )
            .lacks(&[&c.paused]);
        app.get(&approver, "/inbox?sla=overdue")
            .await
            .expect(StatusCode::OK, &["共 1 件", &c.overdue])
            .lacks(&[&c.warning]);
        app.get(&approver, "/inbox?matter=QX-SCJG-009")
            .await
            .expect(StatusCode::OK, &["共 2 件", &c.normal, &c.paused])
            .lacks(&[&c.overdue]);
        app.get(&approver, "/inbox?state=suspended")
            .await
            .expect(StatusCode::OK, &["共 1 件", &c.paused]);
        // The head's 待我决定 holds a case once its steps are done.
        let head = app.login("head.scjg").await;
        app.get(&head, "/inbox?view=mine")
            .await
            .expect(StatusCode::OK, &["待我决定", "共 0 件"]);
        let id = app
            .state
            .services
            .store
            .case_by_receipt(&c.warning)
            .await
            .unwrap()
            .id;
        let scjg = Actor {
            username: "approver.scjg".into(),
            unit: "scjg".into(),
        };
        let done = Action::CompleteStep {
            step: 0,
            opinion: "符合条件".into(),
        };
        app.state.services.act(&scjg, id, None, done).await.unwrap();
        app.get(&head, "/inbox?view=mine")
            .await
            .expect(StatusCode::OK, &["共 1 件", &c.warning])
            .lacks(&[&c.overdue]);
    }
}
