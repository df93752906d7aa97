//! The window's rating device (一次一评): a visit is rated once, only at
//! its own hall, a 差评 with a reason, and the form needs its CSRF token.

use axum::http::StatusCode;

use super::support::{apps, d, enterprise};

#[tokio::test]
async fn a_window_visit_is_rated_once_on_its_own_halls_device() {
    for app in apps(d(9, 28)).await {
        let b = app.backend;
        // A window intake records a visit of the county hall by its clerk.
        app.accepted("QX-SCJG-001", enterprise("栖霞市来访商贸有限公司"))
            .await;
        let clerk = app.login("clerk").await;
        let page = app.get(&clerk, "/window/ratings").await;
        page.expect(
            StatusCode::OK,
            &["窗口评价器", "企业设立登记", "非常满意", "工作人员 李娜"],
        )
        .lacks(&["工作人员 clerk"]);
        let at = page.text.find("/window/ratings/").expect("a visit") + "/window/ratings/".len();
        let visit: String = page.text[at..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let path = format!("/window/ratings/{visit}");

        // The device shows the visits its own clerk served today: another
        // clerk of the same hall sees none of them.
        let zhao = app.login("clerk.zhao").await;
        app.get(&zhao, "/window/ratings")
            .await
            .expect(StatusCode::OK, &["暂无待评价的来访"]);

        let guanli = app.login("clerk.guanli").await;
        app.get(&guanli, "/window/ratings")
            .await
            .expect(StatusCode::OK, &["暂无待评价的来访"]);
        app.post(&guanli, &path, &[("rating", "satisfied")])
            .await
            .expect(StatusCode::NOT_FOUND, &["来访记录不存在或不属于本窗口"]);
        let no_token = app
            .post_raw(Some(&clerk), &path, &[("rating", "satisfied")], false)
            .await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN, "[{b}] CSRF");
        app.post(
            &clerk,
            &path,
            &[("rating", "very_dissatisfied"), ("reasons", "")],
        )
        .await
        .expect(StatusCode::UNPROCESSABLE_ENTITY, &["差评须选择或填写原因"]);
        let ok = app.post(&clerk, &path, &[("rating", "satisfied")]).await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{b}] {}", ok.text);
        app.get(&clerk, "/window/ratings?done=1")
            .await
            .expect(StatusCode::OK, &["感谢您的评价", "暂无待评价的来访"]);
        app.post(&clerk, &path, &[("rating", "satisfied")])
            .await
            .expect(StatusCode::CONFLICT, &["一事只能评价一次"]);

        // Yesterday's unrated visits are not on today's device.
        app.accepted("QX-SCJG-001", enterprise("栖霞市隔日商贸有限公司"))
            .await;
        app.on(9, 29);
        let next_day = app.login("clerk").await;
        app.get(&next_day, "/window/ratings")
            .await
            .expect(StatusCode::OK, &["暂无待评价的来访"])
            .lacks(&["企业设立登记"]);
    }
}
