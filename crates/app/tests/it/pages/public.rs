//! The public pages: the catalog with its filters and search, a matter's
//! page, and the case lookup.

use axum::http::StatusCode;
use chrono::Utc;
use domain::catalog::MatterCode;
use store::Actor;

use super::support::{d, page_apps, paths, person};

#[tokio::test]
async fn every_public_page_opens_without_signing_in() {
    for app in page_apps(d(3, 2)).await {
        for path in paths::PUBLIC {
            let page = app.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "[{}] {path}", app.backend);
            page.expect(
                StatusCode::OK,
                &[
                    "lang=\"zh-CN\"",
                    "name=\"viewport\"",
                    "/static/app.css",
                    "登录",
                ],
            );
        }
    }
}

#[tokio::test]
async fn the_catalog_lists_filters_and_searches_in_chinese() {
    for app in page_apps(d(3, 2)).await {
        let all = app.state.services.store.matters().await.unwrap().len();
        let page = app.get("/catalog").await;
        page.expect(
            StatusCode::OK,
            &[
                "办事指南",
                &format!("全部事项：共 {all} 项"),
                "企业设立登记",
                "责任单位",
                "受理层级",
                "hx-get=\"/catalog\"",
            ],
        );
        assert_eq!(page.header("vary"), "HX-Request");

        // Department: only 市场监管's matters.
        let page = app.get("/catalog?unit=scjg").await;
        page.expect(
            StatusCode::OK,
            &["企业设立登记", "食品经营许可", "符合条件的事项：共 9 项"],
        )
        .lacks(&["社会保险参保登记"]);
        // Category and level together: 行政给付 accepted at towns.
        let page = app.get("/catalog?category=payment&level=town").await;
        page.expect(StatusCode::OK, &["失业保险金申领", "最低生活保障审核确认"])
            .lacks(&["企业设立登记", "城乡居民基本医疗保险参保登记"]);
        // Village level.
        let page = app.get("/catalog?level=village").await;
        page.expect(StatusCode::OK, &["居民生活用电报装", "生育登记"])
            .lacks(&["企业设立登记"]);

        // Search: 营业执照 finds company registration first among its hits.
        let page = app.get(&paths::search("营业执照")).await;
        page.expect(
            StatusCode::OK,
            &[
                "“营业执照”的搜索结果",
                "企业设立登记",
                "电子营业执照领取与使用",
            ],
        )
        .lacks(&["城乡居民基本医疗保险参保登记"]);
        // An everyday abbreviation: 社保 → 社会保险.
        let page = app.get(&paths::search("社保")).await;
        page.expect(StatusCode::OK, &["社会保险参保登记（单位及职工）"])
            .lacks(&["企业投资项目备案"]);
        // Search and a filter: 社保 at the village level.
        let page = app
            .get(&format!("{}&level=village", paths::search("养老")))
            .await;
        page.expect(StatusCode::OK, &["城乡居民基本养老保险参保登记"])
            .lacks(&["职工基本养老保险关系转移接续"]);
        // Nothing found says so.
        app.get(&paths::search("zzqqxxyy"))
            .await
            .expect(StatusCode::OK, &["没有找到符合条件的事项", "共 0 项"]);
    }
}

#[tokio::test]
async fn htmx_gets_only_the_results_list() {
    for app in page_apps(d(3, 2)).await {
        let page = app.get_htmx(&paths::search("社保")).await;
        page.expect(StatusCode::OK, &["社会保险参保登记（单位及职工）"])
            .lacks(&["<html", "<form", "栖霞市一窗通办"]);
        // A history restore wants the whole page.
        let req = axum::http::Request::get(paths::search("社保"))
            .header("HX-Request", "true")
            .header("HX-History-Restore-Request", "true")
            .body(axum::body::Body::empty())
            .unwrap();
        app.send(req)
            .await
            .expect(StatusCode::OK, &["<html", "<form"]);
    }
}

#[tokio::test]
async fn a_matter_shows_everything_an_applicant_needs() {
    for app in page_apps(d(3, 2)).await {
        let page = app.get(&paths::matter("QX-ZGB-106")).await;
        page.expect(
            StatusCode::OK,
            &[
                "开办美容美发店（行业综合许可证）",
                "事项类型",
                "行政许可",
                "责任单位",
                "受理层级",
                "市级",
                "下放方式",
                "法定时限",
                "承诺时限",
                "5个工作日",
                "收费",
                "设定依据",
                "网办深度",
                "网上可办",
                "移动办理",
                "自助办",
                "最多跑动次数",
                "代办",
                // Materials: 容缺 on the non-core one, fetched ones marked, the certificate named.
                "不涉及产权争议的经营场所使用承诺",
                "非核心",
                "可容缺",
                "电子证照（免提交）",
                "ZM-004",
                "从业人员健康证明",
                "告知承诺",
                "容缺受理",
                "可适用",
                // Steps with their limits.
                "办理环节",
                "第1阶段",
                "href=\"/apply/QX-ZGB-106\"",
                "在线申请",
            ],
        );
        // 即办 and 零跑腿 where the matter says so.
        let page = app.get(&paths::matter("QX-RSJ-004")).await;
        page.expect(StatusCode::OK, &["即办", "电子证照（免提交）", "零跑腿"]);
        // Shared data is fetched, not asked for.
        app.get(&paths::matter("QX-SCJG-003"))
            .await
            .expect(StatusCode::OK, &["清税证明", "共享数据（免提交）"]);
        // A window-only matter offers no online application.
        app.get(&paths::matter("QX-ZRJ-004"))
            .await
            .expect(
                StatusCode::OK,
                &["查封登记", "窗口办理", "本事项须到窗口办理"],
            )
            .lacks(&["/apply/QX-ZRJ-004"]);
    }
}

#[tokio::test]
async fn an_unknown_matter_is_a_404_page() {
    for app in page_apps(d(3, 2)).await {
        app.get(&paths::matter("QX-NOPE-999"))
            .await
            .expect(StatusCode::NOT_FOUND, &["事项不存在", "办事指南"]);
        app.get("/catalog/%3Cscript%3E")
            .await
            .expect(StatusCode::NOT_FOUND, &["事项不存在"])
            .lacks(&["<script>"]);
    }
}

#[tokio::test]
async fn names_from_the_catalog_are_escaped_and_new_matters_are_found() {
    for app in page_apps(d(3, 2)).await {
        let store = &app.state.services.store;
        // Warm the search index, then change the catalog: the index must follow.
        app.get(&paths::search("营业执照"))
            .await
            .expect(StatusCode::OK, &[]);
        let mut m = store
            .matter(&MatterCode::parse("QX-SCJG-005").unwrap(), None)
            .await
            .unwrap()
            .matter;
        m.code = MatterCode::parse("QX-TEST-001").unwrap();
        m.name = "<script>alert(1)</script>营业执照测试事项".into();
        m.description = "第一行\n<b>第二行</b>".into();
        store
            .put_matter(&m, &Actor::system(), Utc::now())
            .await
            .unwrap();

        let page = app.get(&paths::search("营业执照测试事项")).await;
        page.expect(
            StatusCode::OK,
            &["&#60;script&#62;alert(1)&#60;/script&#62;营业执照测试事项"],
        )
        .lacks(&["<script>alert(1)"]);
        let page = app.get(&paths::matter("QX-TEST-001")).await;
        page.expect(
            StatusCode::OK,
            &[
                "&#60;script&#62;alert(1)&#60;/script&#62;",
                "&#60;b&#62;第二行&#60;/b&#62;",
            ],
        )
        .lacks(&["<script>alert(1)", "<b>第二行"]);
        // The query itself is escaped where the page repeats it.
        app.get(&paths::search("<img src=x onerror=alert(1)>"))
            .await
            .expect(StatusCode::OK, &["&#60;img src=x onerror=alert(1)&#62;"])
            .lacks(&["<img src=x"]);
    }
}

#[tokio::test]
async fn a_case_is_found_by_receipt_and_last_four_only() {
    for app in page_apps(d(3, 2)).await {
        let v = app.window_case("QX-SCJG-007", person("张伟")).await;
        let receipt = v.record.receipt_no.clone();

        app.get("/track")
            .await
            .expect(StatusCode::OK, &["办件查询", "受理编号", "证件号码后四位"]);

        // Right pair, lower-case x accepted: state, matter, dates, deadline and badge.
        let page = app
            .get(&paths::track(&receipt.to_lowercase(), "002x"))
            .await;
        page.expect(
            StatusCode::OK,
            &[
                &receipt,
                "食品经营许可",
                "审查中",
                "2026-03-02",
                "承诺办结日期",
                "2026-03-05",
                "sla-normal",
                "正常",
                "窗口登记申请",
                "受理",
            ],
        )
        .lacks(&["clerk", "李娜", "11010519491231002X"]);
        assert_eq!(page.header("cache-control"), "no-store");

        // Later the same case turns 预警, then 超期: the badge is the service's.
        app.clock.set_day(d(3, 5));
        app.get(&paths::track(&receipt, "002X"))
            .await
            .expect(StatusCode::OK, &["sla-warning", "预警"]);
        app.clock.set_day(d(3, 9));
        app.get(&paths::track(&receipt, "002X"))
            .await
            .expect(StatusCode::OK, &["sla-overdue", "超期"]);

        // A wrong pair and an unknown receipt read exactly alike.
        let wrong = app.get(&paths::track(&receipt, "1234")).await;
        wrong
            .expect(StatusCode::OK, &["未找到该办件"])
            .lacks(&["食品经营许可"]);
        let unknown = app.get(&paths::track("QX2026030299999999", "002X")).await;
        unknown.expect(StatusCode::OK, &["未找到该办件"]);
        assert_eq!(
            wrong
                .text
                .replace(&receipt, "R")
                .replace("value=\"1234\"", "L"),
            unknown
                .text
                .replace("QX2026030299999999", "R")
                .replace("value=\"002X\"", "L")
        );
        // A short last four is a form mistake, not a lookup.
        app.get(&paths::track(&receipt, "02X"))
            .await
            .expect(StatusCode::OK, &["共 4 个字符"])
            .lacks(&["食品经营许可"]);
    }
}

#[tokio::test]
async fn guessing_the_last_four_is_stopped_after_five_failures() {
    for app in page_apps(d(3, 2)).await {
        let v = app.window_case("QX-SCJG-007", person("张伟")).await;
        let receipt = v.record.receipt_no.clone();
        let other = app.window_case("QX-SCJG-007", person("李明")).await;
        for guess in ["0001", "0002", "0003", "0004", "0005"] {
            app.get(&paths::track(&receipt, guess))
                .await
                .expect(StatusCode::OK, &["未找到该办件"]);
        }
        // The sixth try is refused, even with the right four: nothing is learnt.
        let refused = app.get(&paths::track(&receipt, "002X")).await;
        refused
            .expect(
                StatusCode::TOO_MANY_REQUESTS,
                &["查询失败次数过多，请 15 分钟后再试"],
            )
            .lacks(&["食品经营许可", "审查中"]);
        assert_eq!(refused.header("cache-control"), "no-store");
        // Another receipt from the same address still answers.
        app.get(&paths::track(&other.record.receipt_no, "002X"))
            .await
            .expect(StatusCode::OK, &["食品经营许可"]);
        // The limit's window passes: the right pair answers again.
        let now = app::service::Clock::now(&*app.clock);
        app.clock.set(now + chrono::Duration::minutes(16));
        app.get(&paths::track(&receipt, "002X"))
            .await
            .expect(StatusCode::OK, &["食品经营许可"]);
    }
}
