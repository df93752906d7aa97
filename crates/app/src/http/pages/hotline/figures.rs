//! GET /hotline/figures: 响应率, 解决率, 满意率 and 按时办结率 overall and per
//! lead unit, and the seed's 100% on-time target for labour-inspection
//! complaints and reports. The rates come from `domain::hotline::figures`.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::hotline::HotlineFigures;

use super::{HOTLINE_ROLES, ticket_error_page};
use crate::http::AppState;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;

/// One row: a name, tickets dispatched and the four rates as text.
pub struct FigureRow {
    pub name: String,
    pub dispatched: usize,
    pub rates: [String; 4],
}

fn pct(r: Option<f64>) -> String {
    r.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

fn row(name: String, f: &HotlineFigures) -> FigureRow {
    FigureRow {
        name,
        dispatched: f.dispatched,
        rates: [
            pct(f.response_rate),
            pct(f.solve_rate),
            pct(f.satisfaction_rate),
            pct(f.on_time_rate),
        ],
    }
}

#[derive(Template)]
#[template(path = "hotline_figures.html")]
struct FiguresPage {
    chrome: Chrome,
    rows: Vec<FigureRow>,
    labour: FigureRow,
    labour_met: Option<bool>,
}

/// GET /hotline/figures
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(r) = user.require(HOTLINE_ROLES) {
        return r;
    }
    let report = match state.services.hotline_report(&user.access()).await {
        Ok(r) => r,
        Err(e) => return ticket_error_page(&e),
    };
    let mut rows = vec![row("全部".into(), &report.overall)];
    rows.extend(report.units.iter().map(|u| row(u.name.clone(), &u.figures)));
    render(&FiguresPage {
        chrome: Chrome::for_user(&user),
        rows,
        labour: row("劳动保障监察举报投诉".into(), &report.labour),
        labour_met: report.labour_target_met,
    })
}
