//! Calendar years: the page says which years are missing, a loaded year
//! makes its deadlines exact at once, and a bad file is refused in Chinese.

use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::catalog::WorkingDays;

use super::support::apps;

const YEAR_2027: &str = r#"[[years]]
year = 2027
notice = "国务院办公厅关于2027年部分节假日安排的通知（测试）"
makeup_workdays = [2027-01-31, 2027-02-20]

[[years.holidays]]
name = "元旦"
from = 2027-01-01
to = 2027-01-03

[[years.holidays]]
name = "春节"
from = 2027-02-06
to = 2027-02-13
"#;

/// 2026 as an admin might load it, differing from the shipped notice.
const YEAR_2026: &str = r#"[[years]]
year = 2026
notice = "2026年安排（测试替换）"
makeup_workdays = [2026-02-07]

[[years.holidays]]
name = "春节"
from = 2026-02-09
to = 2026-02-13
"#;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[tokio::test]
async fn loading_2027_makes_a_2027_deadline_exact() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let services = &app.state.services;
        // 10 working days after 2027-02-01, on weekends only: provisional.
        let before = services
            .calendar()
            .add_workdays(day(2027, 2, 1), WorkingDays(10));
        assert!(before.provisional, "[{bk}]");
        app.get(&admin, "/admin/calendar").await.expect(
            StatusCode::OK,
            &[
                "2027 年尚未载入：涉及 2027 年的期限按周末推算并标注“暂定”",
                "随系统发布",
                "2026",
            ],
        );
        app.get(&admin, "/admin")
            .await
            .expect(StatusCode::OK, &["2027 年尚未载入"]);

        // Pasted as text (the upload field left empty).
        let page = app
            .post_multipart(
                &admin,
                "/admin/calendar",
                &[("toml", YEAR_2027)],
                &[("file", "", b"")],
            )
            .await;
        page.expect(
            StatusCode::OK,
            &[
                "已载入 2027 年的节假日安排",
                "国务院办公厅关于2027年部分节假日安排的通知（测试）",
                "管理员载入",
                "春节 02-06–02-13",
                "01-31、02-20",
            ],
        )
        .lacks(&["2027 年尚未载入"]);
        let after = services
            .calendar()
            .add_workdays(day(2027, 2, 1), WorkingDays(10));
        assert!(!after.provisional, "[{bk}]");
        // 春节 02-06–02-13 off, Saturday 02-20 worked: 02-01 + 10 → 02-20.
        assert_eq!(after.value, day(2027, 2, 20), "[{bk}]");
        assert_eq!(app.store.calendar_years().await.unwrap().len(), 1, "[{bk}]");
    }
}

#[tokio::test]
async fn a_year_uploaded_as_a_file_replaces_the_shipped_one() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let page = app
            .post_multipart(
                &admin,
                "/admin/calendar",
                &[("toml", "")],
                &[("file", "2026.toml", YEAR_2026.as_bytes())],
            )
            .await;
        page.expect(
            StatusCode::OK,
            &["已载入 2026 年", "管理员载入（替换随系统发布的安排）"],
        );
        let cal = app.state.services.calendar();
        assert!(
            !cal.is_workday(day(2026, 2, 10)).value,
            "[{bk}] 春节 as loaded"
        );
        assert!(
            cal.is_workday(day(2026, 2, 7)).value,
            "[{bk}] a make-up Saturday as loaded"
        );
    }
}

#[tokio::test]
async fn a_bad_calendar_file_is_refused_in_chinese_and_nothing_is_loaded() {
    for app in apps().await {
        let bk = app.backend;
        let admin = app.login("admin").await;
        let weekday = YEAR_2027.replace("2027-01-31", "2027-02-01");
        app.post_multipart(&admin, "/admin/calendar", &[("toml", &weekday)], &[])
            .await
            .expect(
                StatusCode::UNPROCESSABLE_ENTITY,
                &["2027年的安排中，调休上班日2027-02-01是周一，只有周六、周日才需要调休上班"],
            );
        app.post_multipart(&admin, "/admin/calendar", &[("toml", "year = ")], &[])
            .await
            .expect(StatusCode::UNPROCESSABLE_ENTITY, &["日历文件格式错误"]);
        app.post_multipart(&admin, "/admin/calendar", &[("toml", "  ")], &[])
            .await
            .expect(
                StatusCode::UNPROCESSABLE_ENTITY,
                &["请粘贴节假日安排，或选择要上传的文件"],
            );
        assert!(
            app.store.calendar_years().await.unwrap().is_empty(),
            "[{bk}]"
        );
        assert!(
            app.state
                .services
                .calendar()
                .add_workdays(day(2027, 2, 1), WorkingDays(10))
                .provisional,
            "[{bk}]"
        );
    }
}
