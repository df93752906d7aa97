//! Who may open which 好差评 page, walked on every backend, and the demo
//! data's ratings and orders in every state.

use axum::http::StatusCode;

use super::ratings::{concluded, first_order, rate, token};
use super::support::{Session, apps, d};

/// Who may open which 好差评 page: (username, method, path, status), with
/// `{order}` an order of 市场监管局 (scjg) and `{concluded}` a concluded
/// case accepted at the county hall. 404 is the answer for another unit's
/// order or a case out of scope, exactly as for one that does not exist.
pub const RATING_PAGE_MATRIX: &[(&str, &str, &str, u16)] = &[
    ("", "GET", "/rectifications", 303),
    ("approver.scjg", "GET", "/rectifications", 200),
    ("head.scjg", "GET", "/rectifications", 200),
    ("approver.zjj", "GET", "/rectifications", 200),
    ("clerk", "GET", "/rectifications", 200),
    ("supervisor", "GET", "/rectifications", 200),
    ("zhangwei", "GET", "/rectifications", 403),
    ("admin", "GET", "/rectifications", 403),
    ("hotline", "GET", "/rectifications", 403),
    ("inspector.scjg", "GET", "/rectifications", 403),
    ("", "GET", "/rectifications/{order}", 303),
    ("approver.scjg", "GET", "/rectifications/{order}", 200),
    ("head.scjg", "GET", "/rectifications/{order}", 200),
    ("supervisor", "GET", "/rectifications/{order}", 200),
    ("approver.zjj", "GET", "/rectifications/{order}", 404),
    ("head.zjj", "GET", "/rectifications/{order}", 404),
    ("clerk", "GET", "/rectifications/{order}", 404),
    ("zhangwei", "GET", "/rectifications/{order}", 403),
    ("admin", "GET", "/rectifications/{order}", 403),
    ("hotline", "GET", "/rectifications/{order}", 403),
    ("inspector.scjg", "GET", "/rectifications/{order}", 403),
    ("", "GET", "/supervise/evaluation", 303),
    ("supervisor", "GET", "/supervise/evaluation", 200),
    ("supervisor.zfb", "GET", "/supervise/evaluation", 200),
    ("approver.scjg", "GET", "/supervise/evaluation", 403),
    ("head.scjg", "GET", "/supervise/evaluation", 403),
    ("clerk", "GET", "/supervise/evaluation", 403),
    ("zhangwei", "GET", "/supervise/evaluation", 403),
    ("admin", "GET", "/supervise/evaluation", 403),
    ("hotline", "GET", "/supervise/evaluation", 403),
    ("inspector.scjg", "GET", "/supervise/evaluation", 403),
    ("", "GET", "/cases/{concluded}/notice/conclusion", 303),
    ("clerk", "GET", "/cases/{concluded}/notice/conclusion", 200),
    (
        "supervisor",
        "GET",
        "/cases/{concluded}/notice/conclusion",
        200,
    ),
    (
        "approver.scjg",
        "GET",
        "/cases/{concluded}/notice/conclusion",
        200,
    ),
    (
        "clerk.guanli",
        "GET",
        "/cases/{concluded}/notice/conclusion",
        404,
    ),
    (
        "approver.zjj",
        "GET",
        "/cases/{concluded}/notice/conclusion",
        404,
    ),
    (
        "zhangwei",
        "GET",
        "/cases/{concluded}/notice/conclusion",
        404,
    ),
    ("", "GET", "/window/ratings", 303),
    ("clerk", "GET", "/window/ratings", 200),
    ("clerk.guanli", "GET", "/window/ratings", 200),
    ("approver.scjg", "GET", "/window/ratings", 403),
    ("supervisor", "GET", "/window/ratings", 403),
    ("zhangwei", "GET", "/window/ratings", 403),
    ("admin", "GET", "/window/ratings", 403),
    ("", "POST", "/window/ratings/1", 403),
    ("", "POST", "/rectifications/{order}/act", 403),
    ("", "POST", "/rate/{token}", 403),
];

#[tokio::test]
async fn every_role_gets_what_the_rating_matrix_says() {
    for app in apps(d(9, 28)).await {
        let clerk = app.login("clerk").await;
        let concluded_id = concluded(&app, "栖霞市矩阵商贸有限公司").await;
        let t = token(&app, &clerk, concluded_id).await;
        rate(
            &app,
            &t,
            &[("rating", "dissatisfied"), ("reasons", "多次跑腿")],
        )
        .await
        .expect(StatusCode::OK, &["感谢您的评价"]);
        let scjg = app.login("approver.scjg").await;
        let order = first_order(&app, &scjg).await;
        let mut sessions: Vec<Session> = Vec::new();
        for (user, method, path, status) in RATING_PAGE_MATRIX {
            let path = path
                .replace("{order}", &order.to_string())
                .replace("{concluded}", &concluded_id.to_string())
                .replace("{token}", &t);
            let page = if user.is_empty() {
                match *method {
                    "GET" => app.get_anonymous(&path).await,
                    _ => {
                        app.post_raw(None, &path, &[("action", "verify"), ("text", "x")], false)
                            .await
                    }
                }
            } else {
                let s = match sessions.iter().find(|s| s.username == *user) {
                    Some(s) => s.clone(),
                    None => {
                        let s = app.login(user).await;
                        sessions.push(s.clone());
                        s
                    }
                };
                app.get(&s, &path).await
            };
            assert_eq!(
                page.status,
                StatusCode::from_u16(*status).expect("status"),
                "[{}] {user:?} {method} {path}: {}",
                app.backend,
                page.text
            );
            if *status == 404 {
                page.lacks(&["栖霞市矩阵商贸有限公司", "多次跑腿"]);
            }
        }
    }
}

#[tokio::test]
async fn the_demo_has_ratings_and_orders_in_every_state() {
    use domain::evaluation::{Outcome, RectificationState as S};
    for db in store::testing::all().await {
        let b = db.store.backend();
        app::demo::generate(db.store.clone(), d(9, 28), 4)
            .await
            .expect("demo data");
        let ratings = db.store.ratings(d(1, 1), d(12, 31)).await.expect("ratings");
        assert!(ratings.len() >= 9, "[{b}] {} ratings", ratings.len());
        let orders = db
            .store
            .rectifications(&store::RectificationFilter::default())
            .await
            .expect("orders");
        for state in [
            S::Verifying,
            S::Rectifying,
            S::Appealed,
            S::Rectified,
            S::CannotRectify,
        ] {
            assert!(
                orders.iter().any(|o| o.order.state == state),
                "[{b}] no order {state:?}"
            );
        }
        for outcome in [Outcome::Rectified, Outcome::CannotRectify, Outcome::Invalid] {
            assert!(
                orders.iter().any(|o| o.order.outcome == Some(outcome)),
                "[{b}] no order closed {outcome:?}"
            );
        }
        assert!(
            orders.iter().any(|o| o.order.is_overdue(d(9, 28))),
            "[{b}] an overdue order"
        );
        // The supervisor's numbers over the demo's quarter are all there.
        let clock = std::sync::Arc::new(app::service::FixedClock::new(chrono::Utc::now()));
        clock.set_day(d(9, 28));
        let svc = app::service::Services::new(db.store.clone(), clock, Default::default())
            .await
            .expect("services");
        let board = svc.scoreboard(d(6, 1), d(9, 28)).await.expect("scores");
        assert_eq!(
            board.county.score.ratings + 1,
            ratings.len(),
            "[{b}] one 无效差评 not counted"
        );
        let r = board.county.rates;
        for rate in [r.rated, r.satisfied, r.rectified, r.called_back] {
            assert!(
                rate.is_some_and(|x| (0.0..=1.0).contains(&x)),
                "[{b}] {r:?}"
            );
        }
        assert!(
            !board.departments.is_empty()
                && !board.staff.is_empty()
                && !board.windows.is_empty()
                && !board.matters.is_empty(),
            "[{b}]"
        );
        assert_eq!(
            db.store.verify_audit().await.expect("audit").first_bad,
            None,
            "[{b}]"
        );
    }
}
