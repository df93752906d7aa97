//! The supervisor's 好差评 view (`/supervise/evaluation`): over a chosen
//! period, the county's four rates and score, the score table of every
//! window, staff member, department and matter (统一计分: one rule for
//! all), and the orders still open, overdue first.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use domain::unit::Role;
use serde::Deserialize;

use super::orders::OrderRow;
use super::{failure, percent};
use crate::http::AppState;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::{ScoreRow, ServiceError};

/// The period asked for (both days included); by default the last 90 days.
#[derive(Debug, Default, Deserialize)]
pub struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// One table row as shown.
pub struct Shown {
    /// Name.
    pub name: String,
    /// Ratings counted.
    pub ratings: usize,
    /// Score, one decimal.
    pub score: String,
    /// Plain mean, two decimals.
    pub mean: String,
    /// 主动评价率.
    pub rated: String,
    /// 满意率.
    pub satisfied: String,
    /// 差评 counted.
    pub bad: usize,
    /// 差评整改率.
    pub rectified: String,
    /// 回访率.
    pub called_back: String,
}

impl Shown {
    fn of(r: &ScoreRow) -> Self {
        Self {
            name: r.name.clone(),
            ratings: r.score.ratings,
            score: format!("{:.1}", r.score.score),
            mean: if r.score.ratings == 0 {
                "—".into()
            } else {
                format!("{:.2}", r.score.raw_mean)
            },
            rated: percent(r.rates.rated),
            satisfied: percent(r.rates.satisfied),
            bad: r.bad,
            rectified: percent(r.rates.rectified),
            called_back: percent(r.rates.called_back),
        }
    }
}

#[derive(Template)]
#[template(path = "rating_scores.html")]
struct ScoresPage {
    chrome: Chrome,
    from: String,
    to: String,
    error: String,
    prior_weight: String,
    prior_mean: String,
    county: Vec<Shown>,
    tables: Vec<(&'static str, Vec<Shown>)>,
    open_orders: Vec<OrderRow>,
    /// Callbacks made in the period, newest first: (day, order row, what was said, satisfied).
    callbacks: Vec<(String, OrderRow, String, bool)>,
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// GET /supervise/evaluation: scores, rates and open orders over a period.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Period>,
) -> Response {
    if let Err(r) = user.require(&[Role::Supervisor]) {
        return r;
    }
    let s = &state.services;
    let today = s.today();
    let (mut from, mut to) = (today - Duration::days(89), today);
    let mut error = String::new();
    match (
        q.from.is_empty() && q.to.is_empty(),
        parse_day(&q.from),
        parse_day(&q.to),
    ) {
        (true, ..) => {}
        (false, Some(f), Some(t)) if f <= t => (from, to) = (f, t),
        _ => {
            error =
                "请按“年-月-日”填写起止日期，且开始日期不晚于结束日期；下面显示最近 90 天。".into()
        }
    }
    let loaded = async {
        let board = s.scoreboard(from, to).await?;
        let orders = s.rectifications_for(&user.access(), false).await?;
        let names = s.names().await?;
        Ok::<_, ServiceError>((board, orders, names))
    };
    let (board, mut orders, names) = match loaded.await {
        Ok(x) => x,
        Err(e) => return failure(&e, "未找到"),
    };
    orders.sort_by_key(|o| (!o.overdue, o.record.order.deadline));
    let mut callbacks: Vec<_> = orders
        .iter()
        .filter_map(|o| {
            let cb = o.record.order.callback.as_ref()?;
            (from <= cb.on && cb.on <= to).then(|| {
                (
                    cb.on.to_string(),
                    OrderRow::of(o, &names),
                    cb.applicant_said.clone(),
                    cb.satisfied,
                )
            })
        })
        .collect();
    callbacks.sort_by(|a, b| b.0.cmp(&a.0));
    let table = |rows: &[ScoreRow]| rows.iter().map(Shown::of).collect::<Vec<_>>();
    render(&ScoresPage {
        chrome: Chrome::for_user(&user),
        from: from.to_string(),
        to: to.to_string(),
        error,
        prior_weight: format!("{}", board.rule.prior_weight),
        prior_mean: format!("{:.2}", board.rule.prior_mean),
        county: vec![Shown::of(&board.county)],
        tables: vec![
            ("窗口", table(&board.windows)),
            ("部门", table(&board.departments)),
            ("工作人员", table(&board.staff)),
            ("事项", table(&board.matters)),
        ],
        open_orders: orders
            .iter()
            .filter(|o| o.record.order.outcome.is_none())
            .map(|o| OrderRow::of(o, &names))
            .collect(),
        callbacks,
    })
}
