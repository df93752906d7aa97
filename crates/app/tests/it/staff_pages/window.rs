//! The window: intake of any matter ending in exactly one of 受理, 容缺受理
//! or 一次性告知, the printable notices, the visit register, 预审.
//!
//! 开办美容美发店 QX-ZGB-106: promised 5 working days; 容缺 allowed for the
//! non-core 经营场所使用承诺. Taken in on Mon 2026-09-28, after 中秋; with
//! 国庆 (10-01..07) and the working Saturday 10-10, the fifth working day is
//! 10-10: the latest supplement date, and the promised deadline.

use axum::http::StatusCode;

use super::support::{StaffApp, apps, d, enterprise};

const MATTER: &str = "QX-ZGB-106";
const NON_CORE: &str = "不涉及产权争议的经营场所使用承诺";
const CORE: &[&str] = &[
    "行业综合许可一表申请书",
    "经营场所信息及平面布局图",
    "从业人员健康证明",
    "卫生管理制度及消毒设施说明",
];
const CREDIT_CODE: &str = "91350100M000100Y43";

/// The intake form's fields: an enterprise applicant and the materials received.
fn intake<'a>(received: &[&'a str], extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("matter", MATTER),
        ("kind", "enterprise"),
        ("name", "栖霞市丽人美发有限公司"),
        ("id_number", CREDIT_CODE),
        ("phone", "13800000000"),
    ];
    f.extend(received.iter().map(|m| ("received", *m)));
    f.extend_from_slice(extra);
    f
}

#[tokio::test]
async fn a_clerk_takes_in_with_deficiency_and_prints_the_commitment() {
    for app in apps(d(9, 28)).await {
        deficiency_intake(&app).await;
    }
}

async fn deficiency_intake(app: &StaffApp) {
    let clerk = app.login("clerk").await;
    app.get(&clerk, "/window?q=%E7%BE%8E%E5%AE%B9%E7%BE%8E%E5%8F%91")
        .await
        .expect(
            StatusCode::OK,
            &[MATTER, "/window/intake?matter=QX-ZGB-106"],
        );
    let form = app.get(&clerk, "/window/intake?matter=QX-ZGB-106").await;
    form.expect(StatusCode::OK, &["核心要件", NON_CORE]);
    let key = form.field("key");

    // Only the non-core material missing: 容缺 (dated at most the promised deadline) or 一次性告知.
    let checked = app
        .post(
            &clerk,
            "/window/intake",
            &intake(CORE, &[("step", "check")]),
        )
        .await;
    checked
        .expect(
            StatusCode::OK,
            &[
                "value=\"accept_with_deficiency\"",
                "value=\"notify_once\"",
                "name=\"supplement_by\" value=\"2026-10-10\"",
                "max=\"2026-10-10\"",
            ],
        )
        .lacks(&["value=\"accept\"", "不予受理"]);

    // Refusals say what is wrong, in Chinese, and keep what was typed.
    let bad_code = [("id_number", "91350100M000100Y44")];
    let mut fields = intake(
        CORE,
        &[("outcome", "accept_with_deficiency"), ("committed", "yes")],
    );
    fields.retain(|(k, _)| *k != "id_number");
    fields.extend_from_slice(&bad_code);
    app.post(&clerk, "/window/intake", &fields).await.expect(
        StatusCode::UNPROCESSABLE_ENTITY,
        &["统一社会信用代码校验位错误", "91350100M000100Y44"],
    );
    let unsigned = intake(
        CORE,
        &[
            ("outcome", "accept_with_deficiency"),
            ("supplement_by", "2026-10-10"),
        ],
    );
    app.post(&clerk, "/window/intake", &unsigned).await.expect(
        StatusCode::UNPROCESSABLE_ENTITY,
        &["申请人须签署《容缺受理承诺书》"],
    );
    let too_late = intake(
        CORE,
        &[
            ("outcome", "accept_with_deficiency"),
            ("supplement_by", "2026-10-12"),
            ("committed", "yes"),
        ],
    );
    app.post(&clerk, "/window/intake", &too_late).await.expect(
        StatusCode::UNPROCESSABLE_ENTITY,
        &["补齐日期须在 2026-09-28 至 2026-10-10"],
    );

    let accept = intake(
        CORE,
        &[
            ("outcome", "accept_with_deficiency"),
            ("supplement_by", "2026-10-10"),
            ("committed", "yes"),
            ("key", &key),
        ],
    );
    let done = app.post(&clerk, "/window/intake", &accept).await;
    assert_eq!(
        done.status,
        StatusCode::SEE_OTHER,
        "[{}] {}",
        app.backend,
        done.text
    );
    let receipt_url = done.location().to_owned();
    assert!(receipt_url.starts_with("/window/receipt/"), "{receipt_url}");
    let id = receipt_url
        .trim_start_matches("/window/receipt/")
        .to_owned();
    // The same form sent twice (a double click) opens one case.
    let again = app.post(&clerk, "/window/intake", &accept).await;
    assert_eq!(
        again.location(),
        receipt_url,
        "[{}] idempotent",
        app.backend
    );

    app.get(&clerk, &receipt_url).await.expect(
        StatusCode::OK,
        &[
            "审查中",
            "2026-10-10",
            &format!("/cases/{id}/notice/deficiency_commitment"),
            &format!("/cases/{id}/notice/acceptance"),
        ],
    );
    app.get(&clerk, &format!("/cases/{id}/notice/deficiency_commitment"))
        .await
        .expect(
            StatusCode::OK,
            &[
                "容缺受理承诺书",
                NON_CORE,
                "于 <strong>2026-10-10</strong> 前补齐",
                "信用记录",
                "申请人（签字或盖章）",
                "window.print()",
                "913501********0Y43",
            ],
        )
        .lacks(&[CREDIT_CODE]);
    // A 容缺 case's 受理通知书 says what is owed and by when, never that
    // the materials are complete.
    app.get(&clerk, &format!("/cases/{id}/notice/acceptance"))
        .await
        .expect(
            StatusCode::OK,
            &[
                "受理通知书",
                "于 2026-09-28 提交的“开办美容美发店",
                "5个工作日，于 2026-10-10 前办结",
                "栖霞市政务服务管理办公室",
                "决定予以容缺受理",
                &format!("<li>{NON_CORE}</li>"),
                "请于 <strong>2026-10-10</strong> 前补齐上述材料",
            ],
        )
        .lacks(&["申请材料齐全"]);
    app.get(&clerk, &format!("/cases/{id}/notice/one_time"))
        .await
        .expect(StatusCode::NOT_FOUND, &["没有这份文书"]);

    // 每事必接: the visit is on the register, the identifier masked.
    app.get(&clerk, "/window/visits")
        .await
        .expect(
            StatusCode::OK,
            &[
                "913501********0Y43",
                "容缺受理",
                "开办美容美发店",
                &format!("/cases/{id}"),
            ],
        )
        .lacks(&[CREDIT_CODE]);
    // The register filters by day, outcome and clerk.
    app.get(
        &clerk,
        "/window/visits?day=2026-09-28&outcome=accept_with_deficiency&mine=1",
    )
    .await
    .expect(StatusCode::OK, &["共 1 条", &format!("/cases/{id}")]);
    app.get(&clerk, "/window/visits?outcome=notify_once")
        .await
        .expect(StatusCode::OK, &["共 0 条", "暂无符合条件的来访记录"]);
    app.get(&clerk, "/window/visits?day=2026-09-27")
        .await
        .expect(StatusCode::OK, &["共 0 条"]);
    let zhao = app.login("clerk.zhao").await;
    app.get(&zhao, "/window/visits?mine=1")
        .await
        .expect(StatusCode::OK, &["共 0 条"]);
}

#[tokio::test]
async fn a_core_material_gap_offers_only_the_one_time_notice() {
    for app in apps(d(9, 28)).await {
        let clerk = app.login("clerk").await;
        let only_non_core = intake(&[NON_CORE], &[("step", "check")]);
        for page in [
            app.post(&clerk, "/window/intake", &only_non_core).await,
            app.post_htmx(&clerk, "/window/outcome", &only_non_core)
                .await,
        ] {
            page.expect(
                StatusCode::OK,
                &["缺少核心要件", "value=\"notify_once\"", "从业人员健康证明"],
            )
            .lacks(&[
                "value=\"accept\"",
                "value=\"accept_with_deficiency\"",
                "不予受理",
            ]);
        }
        // The htmx answer is the outcome section alone.
        let fragment = app
            .post_htmx(&clerk, "/window/outcome", &only_non_core)
            .await;
        assert!(
            fragment
                .text
                .trim_start()
                .starts_with("<section id=\"outcome\""),
            "{}",
            fragment.text
        );

        let forced = intake(
            &[NON_CORE],
            &[("outcome", "accept_with_deficiency"), ("committed", "yes")],
        );
        app.post(&clerk, "/window/intake", &forced).await.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["所选办理结果与已收材料不符"],
        );

        let notify = intake(
            &[NON_CORE],
            &[
                ("outcome", "notify_once"),
                ("extra", "法定代表人授权委托书"),
                ("note", "补齐后可到任一综合窗口提交"),
            ],
        );
        let done = app.post(&clerk, "/window/intake", &notify).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            done.text
        );
        let id = done
            .location()
            .trim_start_matches("/window/receipt/")
            .to_owned();
        app.get(&clerk, done.location())
            .await
            .expect(StatusCode::OK, &["已一次性告知", "一次性告知书"]);
        let mut needed: Vec<&str> = CORE.to_vec();
        needed.push("法定代表人授权委托书");
        // The note given at the window is printed on the notice too.
        needed.push("补齐后可到任一综合窗口提交");
        app.get(&clerk, &format!("/cases/{id}/notice/one_time"))
            .await
            .expect(StatusCode::OK, &needed)
            .lacks(&[&format!("<li>{NON_CORE}</li>")]);
        app.get(&clerk, &format!("/cases/{id}/notice/acceptance"))
            .await
            .expect(StatusCode::NOT_FOUND, &[]);
        app.get(&clerk, "/window/visits")
            .await
            .expect(StatusCode::OK, &["一次性告知"]);
    }
}

#[tokio::test]
async fn a_certificate_is_replaced_by_a_signed_commitment_at_the_window() {
    for app in apps(d(9, 28)).await {
        let clerk = app.login("clerk").await;
        const HEALTH: &str = "从业人员健康证明";
        let without: Vec<&str> = CORE.iter().copied().filter(|m| *m != HEALTH).collect();
        let mut all = without.clone();
        all.push(NON_CORE);
        // The certificate offers 告知承诺; ticking it counts it as received.
        let form = app.get(&clerk, "/window/intake?matter=QX-ZGB-106").await;
        form.expect(
            StatusCode::OK,
            &[
                "以告知承诺代替",
                &format!("name=\"pledge\" value=\"{HEALTH}\""),
            ],
        )
        .lacks(&[&format!("name=\"pledge\" value=\"{NON_CORE}\"")]);
        let pledged = app
            .post(
                &clerk,
                "/window/intake",
                &intake(&all, &[("step", "check"), ("pledge", HEALTH)]),
            )
            .await;
        pledged
            .expect(
                StatusCode::OK,
                &[
                    "告知承诺",
                    "value=\"accept\"",
                    "name=\"verify_by\" value=\"2026-10-10\"",
                ],
            )
            .lacks(&["缺少核心要件"]);
        // Not signed: refused, nothing opened.
        let unsigned = intake(&all, &[("pledge", HEALTH), ("outcome", "accept")]);
        app.post(&clerk, "/window/intake", &unsigned).await.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["申请人须签署《告知承诺书》"],
        );
        // A verification date already past: the domain refuses it.
        let past = intake(
            &all,
            &[
                ("pledge", HEALTH),
                ("pledge_signed", "yes"),
                ("verify_by", "2026-09-01"),
                ("outcome", "accept"),
            ],
        );
        let refused = app.post(&clerk, "/window/intake", &past).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{}] {}",
            app.backend,
            refused.text
        );
        // Signed: accepted, and the 受理通知书 names the commitment and its check date.
        let signed = intake(
            &all,
            &[
                ("pledge", HEALTH),
                ("pledge_signed", "yes"),
                ("verify_by", "2026-10-20"),
                ("outcome", "accept"),
            ],
        );
        let done = app.post(&clerk, "/window/intake", &signed).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            done.text
        );
        let id = done
            .location()
            .trim_start_matches("/window/receipt/")
            .to_owned();
        app.get(&clerk, &format!("/cases/{id}/notice/acceptance"))
            .await
            .expect(
                StatusCode::OK,
                &["告知承诺制", HEALTH, "核查日期 2026-10-20"],
            );
        let view = app
            .state
            .services
            .case(id.parse().unwrap())
            .await
            .expect("case");
        let c = &view.record.case.commitments;
        assert_eq!(c.len(), 1, "[{}] {c:?}", app.backend);
        assert_eq!(c[0].material, HEALTH);
        assert_eq!(c[0].verify_by, d(10, 20));
    }
}

#[tokio::test]
async fn an_online_application_is_reviewed_at_the_hall() {
    for app in apps(d(9, 28)).await {
        let online = app_services_online(&app).await;
        let clerk = app.login("clerk").await;
        app.get(&clerk, "/window")
            .await
            .expect(StatusCode::OK, &["有 1 件网上申请待预审"]);
        app.get(&clerk, "/window/review").await.expect(
            StatusCode::OK,
            &[&format!("/window/review/{online}"), "开办美容美发店"],
        );
        let form = app.get(&clerk, &format!("/window/review/{online}")).await;
        let version = form.field("version");
        let mut all: Vec<(&str, &str)> = CORE.iter().map(|m| ("received", *m)).collect();
        all.push(("received", NON_CORE));
        all.extend([("outcome", "accept"), ("version", version.as_str())]);
        let done = app
            .post(&clerk, &format!("/window/review/{online}"), &all)
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            done.text
        );
        // The queue is empty again; a second decision on the old page is stale.
        app.get(&clerk, "/window/review")
            .await
            .expect(StatusCode::OK, &["暂无待预审"]);
        app.post(&clerk, &format!("/window/review/{online}"), &all)
            .await
            .expect(StatusCode::CONFLICT, &["办件已被他人修改", "请刷新后重试"]);

        // 一次性告知 at 预审: the notice lists what is missing and the note.
        let second = app_services_online(&app).await;
        let version = app
            .get(&clerk, &format!("/window/review/{second}"))
            .await
            .field("version");
        let notify = [
            ("received", CORE[0]),
            ("outcome", "notify_once"),
            ("note", "请法定代表人到场签字"),
            ("version", version.as_str()),
        ];
        let done = app
            .post(&clerk, &format!("/window/review/{second}"), &notify)
            .await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "[{}] {}",
            app.backend,
            done.text
        );
        app.get(&clerk, &format!("/cases/{second}/notice/one_time"))
            .await
            .expect(
                StatusCode::OK,
                &[
                    "一次性告知书",
                    CORE[1],
                    NON_CORE,
                    "说明：请法定代表人到场签字",
                ],
            )
            .lacks(&[&format!("<li>{}</li>", CORE[0])]);
    }
}

/// An online application by the demo applicant; returns its id.
#[tokio::test]
async fn review_starts_with_the_uploaded_materials_ticked() {
    for app in apps(d(9, 28)).await {
        let online = app_services_online(&app).await;
        let upload = store::NewAttachment {
            material: CORE[1].into(),
            file_name: "平面图.pdf".into(),
            content_type: "application/pdf".into(),
            size: 2048,
            sha256: "0".repeat(64),
            stored_path: format!("uploads/{online}/{}", "0".repeat(64)),
        };
        let actor = store::Actor {
            username: "zhangwei".into(),
            unit: "qx".into(),
        };
        app.state
            .services
            .store
            .add_attachments(online, &[upload], &actor, chrono::Utc::now())
            .await
            .expect("attachment");
        let clerk = app.login("clerk").await;
        let page = app.get(&clerk, &format!("/window/review/{online}")).await;
        let page = page.expect(StatusCode::OK, &["平面图.pdf", "PDF · 2 KB"]);
        let ticked = |m: &str| page.text.contains(&format!("value=\"{m}\" checked"));
        assert!(
            ticked(CORE[1]),
            "[{}] uploaded material ticked",
            app.backend
        );
        assert!(
            !ticked(CORE[0]),
            "[{}] nothing uploaded, not ticked",
            app.backend
        );
        assert!(!ticked(NON_CORE), "[{}]", app.backend);
    }
}

async fn app_services_online(app: &StaffApp) -> i64 {
    let input = app::service::CreateCase {
        matter: MATTER.into(),
        channel: domain::case::Channel::Online,
        applicant: enterprise("栖霞市丽人美发有限公司"),
        intake_unit: None,
        intake: None,
    };
    let actor = store::Actor {
        username: "zhangwei".into(),
        unit: "qx".into(),
    };
    let (view, _) = app
        .state
        .services
        .create_case(&actor, input, None)
        .await
        .expect("online application");
    view.record.id
}

#[tokio::test]
async fn the_conclusion_notice_prints_the_configured_public_address() {
    for app in apps(d(9, 28)).await {
        let app = app.with_public_url("https://zwfw.example.gov.cn/");
        let id = super::ratings::concluded(&app, "栖霞市公开地址有限公司").await;
        let clerk = app.login("clerk").await;
        app.get(&clerk, &format!("/cases/{id}/notice/conclusion"))
            .await
            .expect(
                StatusCode::OK,
                &["https://zwfw.example.gov.cn/rate/", "<svg"],
            )
            .lacks(&["127.0.0.1", "example.gov.cn//rate"]);
    }
}

/// 放权 has effect: a village station does not accept a county-only permit
/// (QX-ZGB-106 lists only the city level). It offers only the one-time
/// notice naming the hall that handles it; an accept posted anyway is
/// refused as the API refuses it, and the visit is still recorded.
#[tokio::test]
async fn a_village_station_directs_a_county_matter_to_the_hall() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        let clerk = app.login("clerk.yijia").await;
        let mut all: Vec<&str> = CORE.to_vec();
        all.push(NON_CORE);
        let check = intake(&all, &[("step", "check")]);
        app.post(&clerk, "/window/intake", &check)
            .await
            .expect(
                StatusCode::OK,
                &[
                    "本事项不在本级受理，由市级政务服务中心受理",
                    "value=\"notify_once\"",
                ],
            )
            .lacks(&["value=\"accept\"", "value=\"accept_with_deficiency\""]);
        let forced = intake(&all, &[("outcome", "accept")]);
        app.post(&clerk, "/window/intake", &forced).await.expect(
            StatusCode::UNPROCESSABLE_ENTITY,
            &["本事项不在本级受理，请一次性告知申请人到市级政务服务中心办理"],
        );
        let notify = intake(&all, &[("outcome", "notify_once")]);
        let done = app.post(&clerk, "/window/intake", &notify).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "[{b}] {}", done.text);
        let id = done
            .location()
            .trim_start_matches("/window/receipt/")
            .to_owned();
        let mut notice: Vec<&str> = vec![
            "不在本级受理，由市级政务服务中心受理",
            "请携带以下材料到市级政务服务中心办理",
        ];
        notice.extend(CORE);
        notice.push(NON_CORE);
        app.get(&clerk, &format!("/cases/{id}/notice/one_time"))
            .await
            .expect(StatusCode::OK, &notice)
            .lacks(&["到任一综合窗口", "经审查，尚需补齐"]);
        app.get(&clerk, "/window/visits")
            .await
            .expect(StatusCode::OK, &["一次性告知"]);

        // The API gives the same refusal to a window intake that accepts.
        let body = serde_json::json!({
            "matter": MATTER,
            "channel": "window",
            "applicant": {"kind": "enterprise", "name": "栖霞市丽人美发有限公司", "credit_code": CREDIT_CODE},
            "intake": {"action": "accept"},
        });
        let (status, e) = app
            .api(
                "clerk.yijia",
                axum::http::Method::POST,
                "/api/v1/cases",
                Some(body),
            )
            .await;
        assert_eq!(
            (status, e["error"]["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("not_handled_here")),
            "[{b}] {e}"
        );
    }
}

#[tokio::test]
async fn intake_warns_when_a_step_has_nobody_to_act_on_it() {
    for app in apps(d(9, 28)).await {
        let clerk = app.login("clerk").await;
        let form = format!("/window/intake?matter={MATTER}");
        app.get(&clerk, &form)
            .await
            .expect(StatusCode::OK, &["窗口接件"])
            .lacks(&["data-code=\"unstaffed\""]);
        // 卫健局 (a reviewer of the matter) loses its only reviewer and head.
        for (username, name) in [("approver.wjj", "林静"), ("head.wjj", "魏宏伟")] {
            app.add_user(username, name, "wjj", domain::unit::Role::Inspector)
                .await;
        }
        app.state.services.forget_directory();
        app.get(&clerk, &form).await.expect(
            StatusCode::OK,
            &[
                "data-code=\"unstaffed\"",
                "栖霞市卫生健康局目前没有审批人员或负责人账号",
            ],
        );
    }
}
