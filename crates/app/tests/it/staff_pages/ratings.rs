//! 好差评 pages on every backend: the 办结通知书's QR link rated by a
//! stranger's phone without signing in (once, within the window, a 差评 with
//! a reason), the order worked by its own unit only, closed only by the
//! supervisor's callback, an appeal upheld, overdue orders flagged, the
//! scores page, CSRF on every form, and who may open which page.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::case::{Action, CaseResult};
use store::Actor;

use super::support::{Page, Session, StaffApp, apps, d, enterprise, form_body};

/// A case of 企业设立登记 (scjg) accepted at the county hall and concluded
/// today (its step done, approved, a paper licence issued).
pub async fn concluded(app: &StaffApp, name: &str) -> i64 {
    let view = app.accepted("QX-SCJG-001", enterprise(name)).await;
    let id = view.record.id;
    let svc = &app.state.services;
    for (i, step) in view.record.case.steps.iter().enumerate() {
        let actor = Actor {
            username: format!("approver.{}", step.unit),
            unit: step.unit.clone(),
        };
        let done = Action::CompleteStep {
            step: i,
            opinion: "审查通过".into(),
        };
        svc.act(&actor, id, None, done).await.expect("step done");
    }
    let head = Actor {
        username: "head.scjg".into(),
        unit: "scjg".into(),
    };
    let decide = Action::Decide {
        approve: true,
        reason: String::new(),
    };
    svc.act(&head, id, None, decide).await.expect("decided");
    let issue = Action::Issue {
        result: CaseResult::Paper {
            number: format!("栖证{id:06}"),
        },
    };
    svc.act(&head, id, None, issue).await.expect("issued");
    id
}

/// The rating link's token printed on the case's 办结通知书.
pub async fn token(app: &StaffApp, clerk: &Session, id: i64) -> String {
    let page = app
        .get(clerk, &format!("/cases/{id}/notice/conclusion"))
        .await;
    page.expect(StatusCode::OK, &["办结通知书", "<svg", "/rate/", "好差评"]);
    let at = page.text.find("/rate/").expect("a rating link") + "/rate/".len();
    let token: String = page.text[at..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(token.len(), 64, "an unguessable token");
    token
}

/// A visitor's phone: GETs the rating page, then posts with its own cookie and token.
pub async fn rate(app: &StaffApp, token: &str, fields: &[(&str, &str)]) -> Page {
    // The visitor's token comes in the `ow_csrf` cookie (double submit),
    // whether or not the page still shows a form.
    let form = app.get_anonymous(&format!("/rate/{token}")).await;
    let csrf = form.cookie("ow_csrf").expect("a CSRF cookie");
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let req = Request::post(format!("/rate/{token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("ow_csrf={csrf}"))
        .body(Body::from(form_body(&all)))
        .expect("request");
    app.send(req).await
}

/// The id of the newest order on the unit's or supervisor's list.
pub async fn first_order(app: &StaffApp, s: &Session) -> i64 {
    let list = app.get(s, "/rectifications").await;
    list.expect(StatusCode::OK, &["差评整改"]);
    let at = list.text.find("/rectifications/").expect("an order") + "/rectifications/".len();
    list.text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("an order id")
}

async fn act(app: &StaffApp, s: &Session, order: i64, fields: &[(&str, &str)]) -> Page {
    app.post(s, &format!("/rectifications/{order}/act"), fields)
        .await
}

#[tokio::test]
async fn a_bad_rating_from_the_printed_qr_code_is_rectified_and_closed_only_by_the_callback() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        let clerk = app.login("clerk").await;
        let id = concluded(&app, "栖霞市好评商贸有限公司").await;
        let token = token(&app, &clerk, id).await;
        let again = super::ratings::token(&app, &clerk, id).await;
        assert_eq!(token, again, "[{b}] a reprint shows the same link");

        // The stranger's phone: no sign-in, the form, refusals in Chinese.
        app.get_anonymous(&format!("/rate/{token}")).await.expect(
            StatusCode::OK,
            &["非常满意", "非常不满意", "窗口人员态度不好", "企业设立登记"],
        );
        app.get_anonymous("/rate/0123456789abcdef")
            .await
            .expect(StatusCode::NOT_FOUND, &["评价链接无效"]);
        let no_csrf = app
            .post_raw(
                None,
                &format!("/rate/{token}"),
                &[("rating", "satisfied")],
                false,
            )
            .await;
        assert_eq!(no_csrf.status, StatusCode::FORBIDDEN, "[{b}]");
        rate(&app, &token, &[("rating", "dissatisfied")])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["差评须选择或填写原因"]);
        rate(
            &app,
            &token,
            &[
                ("rating", "dissatisfied"),
                ("reasons", "窗口人员态度不好"),
                ("comment", "<b>排队</b>"),
            ],
        )
        .await
        .expect(
            StatusCode::OK,
            &[
                "感谢您的评价",
                "转交承办单位整改",
                "您已评价：<strong>不满意</strong>",
            ],
        );
        rate(&app, &token, &[("rating", "very_satisfied")])
            .await
            .expect(
                StatusCode::UNPROCESSABLE_ENTITY,
                &["一事只能评价一次", "您已评价：<strong>不满意</strong>"],
            );

        // Another unit never sees the order.
        let zjj = app.login("approver.zjj").await;
        app.get(&zjj, "/rectifications")
            .await
            .expect(StatusCode::OK, &["暂无整改单"]);
        let scjg = app.login("approver.scjg").await;
        let order = first_order(&app, &scjg).await;
        let path = format!("/rectifications/{order}");
        app.get(&zjj, &path)
            .await
            .expect(StatusCode::NOT_FOUND, &["整改单不存在或不属于本单位"])
            .lacks(&["栖霞市好评商贸有限公司", "窗口人员态度不好"]);
        let foreign = act(&app, &zjj, order, &[("action", "verify"), ("text", "x")]).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "[{b}]");

        // The unit works it; typed text is escaped.
        let page = app.get(&scjg, &path).await;
        page.expect(
            StatusCode::OK,
            &[
                "待核实",
                "核实属实，开始整改",
                "申诉为无效差评",
                "&#60;b&#62;排队",
            ],
        )
        .lacks(&["<b>排队", "回访申请人并办结"]);
        let stale_version = page.field("version");
        act(
            &app,
            &scjg,
            order,
            &[
                ("version", &stale_version),
                ("action", "verify"),
                ("text", ""),
            ],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["须填写核实情况"]);
        let ok = act(
            &app,
            &scjg,
            order,
            &[
                ("version", &stale_version),
                ("action", "verify"),
                ("text", "窗口人员解释不耐心，属实"),
            ],
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{b}] {}", ok.text);
        act(
            &app,
            &scjg,
            order,
            &[
                ("version", &stale_version),
                ("action", "report_rectified"),
                ("text", "x"),
            ],
        )
        .await
        .expect(StatusCode::CONFLICT, &["整改单已被他人修改"]);
        let ok = act(
            &app,
            &scjg,
            order,
            &[
                ("action", "report_rectified"),
                ("text", "已约谈并开展服务礼仪培训"),
            ],
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{b}] {}", ok.text);

        // Only the supervisor's callback closes it.
        app.get(&scjg, &path)
            .await
            .expect(
                StatusCode::OK,
                &["已整改（待回访）", "等待督办人员回访申请人"],
            )
            .lacks(&["已办结"]);
        act(
            &app,
            &scjg,
            order,
            &[
                ("action", "call_back"),
                ("text", "满意"),
                ("satisfied", "yes"),
            ],
        )
        .await
        .expect(StatusCode::FORBIDDEN, &["只有督办人员可以审核申诉或回访"]);
        let supervisor = app.login("supervisor").await;
        app.get(&supervisor, &path)
            .await
            .expect(StatusCode::OK, &["回访申请人并办结"]);
        act(
            &app,
            &supervisor,
            order,
            &[("action", "call_back"), ("text", " ")],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["须填写回访记录"]);
        let ok = act(
            &app,
            &supervisor,
            order,
            &[
                ("action", "call_back"),
                ("text", "申请人表示态度已改善"),
                ("satisfied", "yes"),
            ],
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{b}] {}", ok.text);
        app.get(&supervisor, &path).await.expect(
            StatusCode::OK,
            &[
                "已办结",
                "申请人表示态度已改善",
                "申请人满意",
                "办结结果</dt><dd>已整改",
            ],
        );
        let no_token = app
            .post_raw(
                Some(&supervisor),
                &format!("{path}/act"),
                &[("action", "call_back")],
                false,
            )
            .await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN, "[{b}] CSRF");

        let scores = app
            .get(
                &supervisor,
                "/supervise/evaluation?from=2026-09-01&to=2026-09-30",
            )
            .await;
        scores.expect(
            StatusCode::OK,
            &[
                "统一计分",
                "栖霞市市场监督管理局",
                "主动评价率",
                "回访率",
                "100.0%",
                "回访记录（1）",
                "申请人表示态度已改善",
            ],
        );
        app.get(&supervisor, "/supervise/evaluation?from=bad&to=2026-09-30")
            .await
            .expect(StatusCode::OK, &["请按“年-月-日”填写起止日期"]);
        let verified = app
            .state
            .services
            .store
            .verify_audit()
            .await
            .expect("audit");
        assert_eq!(verified.first_bad, None, "[{b}]");
    }
}

#[tokio::test]
async fn late_unfinished_and_appealed_ratings_and_overdue_orders() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        let clerk = app.login("clerk").await;
        // An unfinished case has no 办结通知书 and so no link.
        let open = app
            .accepted("QX-SCJG-001", enterprise("栖霞市未结商贸有限公司"))
            .await;
        app.get(
            &clerk,
            &format!("/cases/{}/notice/conclusion", open.record.id),
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["办件尚未办结"]);

        // After the window (30 days by default), the link says so and refuses.
        let late = concluded(&app, "栖霞市迟评商贸有限公司").await;
        let late_token = token(&app, &clerk, late).await;
        app.on(10, 29);
        app.get_anonymous(&format!("/rate/{late_token}"))
            .await
            .expect(StatusCode::OK, &["评价期限已过"])
            .lacks(&["提交评价"]);
        rate(&app, &late_token, &[("rating", "satisfied")])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["已超过评价期限"]);

        // A 差评 the unit appeals and the supervisor finds invalid (sessions
        // end after 12 hours: sign in again on the new day).
        let clerk = app.login("clerk").await;
        let id = concluded(&app, "栖霞市申诉商贸有限公司").await;
        let t = token(&app, &clerk, id).await;
        rate(
            &app,
            &t,
            &[
                ("rating", "very_dissatisfied"),
                ("other_reason", "与本次服务无关"),
            ],
        )
        .await
        .expect(StatusCode::OK, &["感谢您的评价"]);
        let head = app.login("head.scjg").await;
        let order = first_order(&app, &head).await;
        let appeal = act(
            &app,
            &head,
            order,
            &[("action", "appeal"), ("text", "评价内容与本办件无关")],
        )
        .await;
        assert_eq!(
            appeal.status,
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            appeal.text
        );
        act(
            &app,
            &head,
            order,
            &[("action", "uphold_appeal"), ("text", "x")],
        )
        .await
        .expect(StatusCode::FORBIDDEN, &["只有督办人员"]);
        let supervisor = app.login("supervisor").await;
        let upheld = act(
            &app,
            &supervisor,
            order,
            &[("action", "uphold_appeal"), ("text", "经核实，属无效差评")],
        )
        .await;
        assert_eq!(
            upheld.status,
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            upheld.text
        );
        app.get(&head, &format!("/rectifications/{order}"))
            .await
            .expect(StatusCode::OK, &["办结结果</dt><dd>无效差评"]);

        // An order not reported by its deadline is flagged 超期.
        let id = concluded(&app, "栖霞市超期商贸有限公司").await;
        let t = token(&app, &clerk, id).await;
        rate(
            &app,
            &t,
            &[("rating", "dissatisfied"), ("reasons", "多次跑腿")],
        )
        .await
        .expect(StatusCode::OK, &["感谢您的评价"]);
        app.get(&head, "/rectifications")
            .await
            .lacks(&["超期</span>"]);
        app.on(11, 10);
        let (head, supervisor) = (app.login("head.scjg").await, app.login("supervisor").await);
        app.get(&head, "/rectifications")
            .await
            .expect(StatusCode::OK, &["超期</span>"]);
        app.get(&supervisor, "/supervise/evaluation")
            .await
            .expect(StatusCode::OK, &["未办结的整改单（1）", "超期</span>"]);
    }
}
