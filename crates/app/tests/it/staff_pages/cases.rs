//! The case page: only the actions `offered` gives the user, htmx and plain
//! posts, stale versions, refusals in Chinese, CSRF, and escaping.

use axum::http::StatusCode;

use super::support::{StaffApp, apps, d, enterprise};

/// A plain post of an action form, with the version it was read at.
async fn act(
    app: &StaffApp,
    s: &super::support::Session,
    id: i64,
    fields: &[(&str, &str)],
) -> super::support::Page {
    app.post(s, &format!("/cases/{id}/act"), fields).await
}

#[tokio::test]
async fn the_case_page_offers_only_what_the_user_may_do() {
    for app in apps(d(9, 28)).await {
        parallel_steps(&app).await;
        head_decides_after_every_step(&app).await;
    }
}

/// 开办美容美发店: stage 1 runs scjg's and wjj's steps in parallel, then the hall's.
async fn parallel_steps(app: &StaffApp) {
    let b = app.backend;
    let id = app
        .accepted("QX-ZGB-106", enterprise("栖霞市丽人美发有限公司"))
        .await
        .record
        .id;
    let path = format!("/cases/{id}");
    let scjg = app.login("approver.scjg").await;
    let page = app.get(&scjg, &path).await;
    page.expect(
        StatusCode::OK,
        &[
            "营业执照登记",
            "公共场所卫生许可",
            "核发行业综合许可证",
            "栖霞市卫生健康局",
            "办理中",
            "待前一阶段",
            "<option value=\"0\">营业执照登记</option>",
            "value=\"complete_step\"",
            "value=\"suspend\"",
            "5个工作日，期限 2026-10-10",
            "窗口接件",
        ],
    )
    .lacks(&[
        "<option value=\"1\">",
        "value=\"decide\"",
        "value=\"issue\"",
        "value=\"not_accept\"",
    ]);
    let version = page.field("version");

    // A plain post redirects back to the page, which says what was done.
    let done = act(
        app,
        &scjg,
        id,
        &[
            ("action", "complete_step"),
            ("version", &version),
            ("step", "0"),
            ("opinion", "准予登记"),
        ],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "[{b}] {}", done.text);
    assert_eq!(done.location(), format!("/cases/{id}?done=complete_step"));
    // Its step done, scjg holds nothing more here: no action at all.
    app.get(&scjg, done.location())
        .await
        .expect(
            StatusCode::OK,
            &[
                "已办理：完成审查环节",
                "准予登记",
                "您当前没有可对该办件执行的操作",
            ],
        )
        .lacks(&["value=\"complete_step\""]);

    let wjj = app.login("approver.wjj").await;
    app.get(&wjj, &path)
        .await
        .expect(
            StatusCode::OK,
            &[
                "<option value=\"1\">公共场所卫生许可</option>",
                "value=\"suspend\"",
            ],
        )
        .lacks(&["<option value=\"0\">", "value=\"decide\""]);
    // An approver of a unit with no part in the case cannot even see it.
    let zjj = app.login("approver.zjj").await;
    app.get(&zjj, &path)
        .await
        .expect(StatusCode::NOT_FOUND, &[])
        .lacks(&["栖霞市丽人美发有限公司"]);
}

/// 食品经营许可 (scjg, one step): the head decides only once the step is done.
async fn head_decides_after_every_step(app: &StaffApp) {
    let id = app
        .accepted("QX-SCJG-007", enterprise("栖霞市好味餐饮有限公司"))
        .await
        .record
        .id;
    let path = format!("/cases/{id}");
    let head = app.login("head.scjg").await;
    let page = app.get(&head, &path).await;
    page.expect(
        StatusCode::OK,
        &["value=\"complete_step\"", "value=\"suspend\""],
    )
    // Accepted: a refusal now is the head's 不予许可 (once every step is
    // done), never 不予受理.
    .lacks(&["value=\"decide\"", ">准予</button>", "value=\"not_accept\""]);
    let version = page.field("version");

    // htmx: the panel comes back alone, now offering the decision.
    let panel = app
        .post_htmx(
            &head,
            &format!("/cases/{id}/act"),
            &[
                ("action", "complete_step"),
                ("version", &version),
                ("step", "0"),
            ],
        )
        .await;
    panel
        .expect(
            StatusCode::OK,
            &[
                "<div id=\"case-panel\">",
                "已办理：完成审查环节",
                "value=\"decide\"",
                ">准予</button>",
            ],
        )
        .lacks(&["<html", "value=\"complete_step\""]);
    let version = panel.field("version");
    let panel = app
        .post_htmx(
            &head,
            &format!("/cases/{id}/act"),
            &[
                ("action", "decide"),
                ("version", &version),
                ("approve", "true"),
            ],
        )
        .await;
    panel.expect(StatusCode::OK, &["准予（待出证）", "value=\"issue\""]);

    // The approver (not a head) never decides.
    let approver = app.login("approver.scjg").await;
    app.get(&approver, &path)
        .await
        .expect(StatusCode::OK, &[])
        .lacks(&["value=\"issue\"", "value=\"decide\""]);
    let version = panel.field("version");
    let refused = act(
        app,
        &approver,
        id,
        &[
            ("action", "issue"),
            ("version", &version),
            ("result_kind", "paper"),
            ("number", "X-1"),
        ],
    )
    .await;
    refused.expect(StatusCode::FORBIDDEN, &["审批人员不能出证（办结）"]);
}

#[tokio::test]
async fn a_stale_page_gets_the_conflict_message_and_refusals_are_in_chinese() {
    for app in apps(d(9, 28)).await {
        let id = app
            .accepted("QX-SCJG-007", enterprise("栖霞市好味餐饮有限公司"))
            .await
            .record
            .id;
        let head = app.login("head.scjg").await;
        let approver = app.login("approver.scjg").await;
        let old = app
            .get(&head, &format!("/cases/{id}"))
            .await
            .field("version");
        // Someone else acts first.
        let v = app
            .get(&approver, &format!("/cases/{id}"))
            .await
            .field("version");
        act(
            &app,
            &approver,
            id,
            &[("action", "complete_step"), ("version", &v), ("step", "0")],
        )
        .await;

        let suspend = [
            ("action", "suspend"),
            ("version", old.as_str()),
            ("kind", "supplement"),
            ("reason", "缺少布局图"),
        ];
        act(&app, &head, id, &suspend)
            .await
            .expect(StatusCode::CONFLICT, &["办件已被他人修改", "请刷新后重试"]);
        app.post_htmx(&head, &format!("/cases/{id}/act"), &suspend)
            .await
            .expect(
                StatusCode::CONFLICT,
                &[
                    "办件已被他人修改",
                    "请刷新后重试",
                    "<div id=\"case-panel\">",
                ],
            );
        // Nothing was suspended.
        app.get(&head, &format!("/cases/{id}"))
            .await
            .expect(StatusCode::OK, &["审查中"])
            .lacks(&["缺少布局图"]);

        // The domain's own refusal: refusing needs a reason.
        let now = app
            .get(&head, &format!("/cases/{id}"))
            .await
            .field("version");
        act(
            &app,
            &head,
            id,
            &[
                ("action", "decide"),
                ("version", &now),
                ("approve", "false"),
            ],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["须填写理由"]);
    }
}

#[tokio::test]
async fn a_post_without_the_csrf_token_is_refused() {
    for app in apps(d(9, 28)).await {
        let id = app
            .accepted("QX-SCJG-007", enterprise("栖霞市好味餐饮有限公司"))
            .await
            .record
            .id;
        let head = app.login("head.scjg").await;
        let version = app
            .get(&head, &format!("/cases/{id}"))
            .await
            .field("version");
        let fields = [
            ("action", "complete_step"),
            ("version", version.as_str()),
            ("step", "0"),
        ];
        app.post_raw(Some(&head), &format!("/cases/{id}/act"), &fields, false)
            .await
            .expect(StatusCode::FORBIDDEN, &["请求已失效"]);
        let mut wrong = vec![("csrf", "not-the-token")];
        wrong.extend_from_slice(&fields);
        app.post_raw(Some(&head), &format!("/cases/{id}/act"), &wrong, false)
            .await
            .expect(StatusCode::FORBIDDEN, &["请求已失效"]);
        let view = app.state.services.case(id).await.expect("case");
        assert!(
            view.record.case.steps[0].done_on.is_none(),
            "[{}] nothing done",
            app.backend
        );
    }
}

#[tokio::test]
async fn what_people_typed_is_escaped() {
    for app in apps(d(9, 28)).await {
        let name = "<script>alert(\"x\")</script>";
        let id = app
            .accepted("QX-SCJG-007", enterprise(name))
            .await
            .record
            .id;
        let head = app.login("head.scjg").await;
        let version = app
            .get(&head, &format!("/cases/{id}"))
            .await
            .field("version");
        let reason = "<img src=x onerror=alert(1)>";
        let suspend = [
            ("action", "suspend"),
            ("version", version.as_str()),
            ("kind", "supplement"),
            ("reason", reason),
        ];
        act(&app, &head, id, &suspend).await;
        app.get(&head, &format!("/cases/{id}"))
            .await
            .expect(
                StatusCode::OK,
                &["&#60;script&#62;", "&#60;img src=x onerror=alert(1)&#62;"],
            )
            .lacks(&[name, reason]);
        app.get(&head, "/inbox")
            .await
            .expect(StatusCode::OK, &["&#60;script&#62;"])
            .lacks(&[name]);
        let clerk = app.login("clerk").await;
        let typed = [
            ("matter", "QX-SCJG-007"),
            ("kind", "person"),
            ("name", name),
            ("id_number", "\"><b>x</b>"),
            ("step", "check"),
        ];
        app.post(&clerk, "/window/intake", &typed)
            .await
            .expect(
                StatusCode::OK,
                &["&#60;script&#62;", "&#34;&#62;&#60;B&#62;X&#60;/B&#62;"],
            )
            .lacks(&[name, "<B>X</B>"]);
    }
}
