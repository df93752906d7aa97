//! The window clerk's pages: find a matter and take it in (每事必接), the
//! receipt after an intake, the 预审 queue of online applications, and the
//! visit register of the clerk's hall.

pub mod intake;
pub mod outcome;
pub mod review;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::case::{CaseState, mask_identifier, visit_outcome_label};
use domain::time::local_minute;
use domain::unit::Role;
use serde::Deserialize;
use store::CaseFilter;

use super::case_page::{load_case, notices};
use super::common::paging::{page_link, paged};
use super::common::rows::{ClockView, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::shanghai_today;

/// The units of a matter's steps (and its responsible unit, which decides)
/// with nobody to review or decide: a case taken in would wait for them.
pub fn unstaffed(
    matter: &domain::catalog::Matter,
    names: &super::common::rows::Names,
) -> Vec<String> {
    let mut units: Vec<&str> = std::iter::once(matter.unit.as_str())
        .chain(matter.steps.iter().filter_map(|s| s.unit.as_deref()))
        .filter(|u| !names.staffed(u))
        .collect();
    units.sort_unstable();
    units.dedup();
    units.into_iter().map(|u| names.unit(u)).collect()
}

/// Refuses everyone but window clerks.
pub fn require_clerk(user: &PageUser) -> Option<Response> {
    user.require(&[Role::WindowClerk]).err()
}

#[derive(Template)]
#[template(path = "window.html")]
struct WindowHome {
    chrome: Chrome,
    q: String,
    hits: Vec<(String, String, String)>,
    searched: bool,
    waiting: usize,
}

/// `?q=` on the window's home.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// GET /window: search the catalog for the matter to take in; the 预审 queue's size.
pub async fn home(
    State(state): State<AppState>,
    user: PageUser,
    Query(sq): Query<SearchQuery>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let q = sq.q.unwrap_or_default().trim().to_owned();
    let s = &state.services;
    let catalog = match s.catalog_snapshot().await {
        Ok(c) => c,
        Err(e) => return service_error_page(&e),
    };
    let hits = catalog
        .search(&q, 20)
        .into_iter()
        .filter_map(|h| catalog.matter(&h.code))
        .map(|m| {
            (
                m.code.to_string(),
                m.name.clone(),
                m.promised_limit.to_string(),
            )
        })
        .collect();
    let filter = CaseFilter {
        state: Some(CaseState::Submitted),
        intake_unit: Some(user.unit.clone()),
        limit: Some(500),
        ..CaseFilter::default()
    };
    let waiting = match s.list_for(&user.access(), filter).await {
        Ok(v) => v
            .iter()
            .filter(|c| c.record.case.channel.needs_review())
            .count(),
        Err(e) => return service_error_page(&e),
    };
    render(&WindowHome {
        chrome: Chrome::for_user(&user),
        searched: !q.is_empty(),
        q,
        hits,
        waiting,
    })
}

/// One visit as the register shows it.
#[derive(Debug, Clone)]
pub struct VisitRow {
    at: String,
    applicant: String,
    matter: String,
    outcome: &'static str,
    clerk: String,
    case_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "window_visits.html")]
struct VisitsPage {
    chrome: Chrome,
    unit_name: String,
    rows: Vec<VisitRow>,
    f: VisitsQuery,
    outcomes: Vec<(&'static str, &'static str)>,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// The visit register's filters.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VisitsQuery {
    /// A day, YYYY-MM-DD.
    #[serde(default)]
    day: String,
    /// An outcome's code.
    #[serde(default)]
    outcome: String,
    /// `1`: only the visits this clerk served.
    #[serde(default)]
    mine: String,
    /// The page, from 1.
    #[serde(default)]
    page: Option<usize>,
}

/// The most recent visits of a hall the register reads and filters.
const VISITS_READ: u32 = 2000;

/// GET /window/visits: the clerk's hall's visits, newest first, filtered by
/// day, outcome and clerk, 50 to a page.
pub async fn visits(
    State(state): State<AppState>,
    user: PageUser,
    Query(f): Query<VisitsQuery>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let s = &state.services;
    let (visits, names) = match (
        s.store.visits(&user.unit, VISITS_READ).await,
        s.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) => return service_error_page(&e.into()),
        (_, Err(e)) => return service_error_page(&e),
    };
    let kept: Vec<_> = visits
        .into_iter()
        .filter(|v| f.day.is_empty() || shanghai_today(v.at).to_string() == f.day)
        .filter(|v| f.outcome.is_empty() || v.outcome == f.outcome)
        .filter(|v| f.mine.is_empty() || v.clerk == user.username)
        .collect();
    let pairs = [
        ("day", f.day.as_str()),
        ("outcome", f.outcome.as_str()),
        ("mine", f.mine.as_str()),
    ];
    let p = paged(kept, f.page, 50, |n| page_link("/window/visits", &pairs, n));
    let rows = p
        .rows
        .iter()
        .map(|v| VisitRow {
            at: local_minute(v.at),
            applicant: mask_identifier(&v.applicant_id),
            matter: names.matter(&v.matter_code),
            outcome: visit_outcome_label(&v.outcome),
            clerk: names.user(&v.clerk),
            case_id: v.case_id,
        })
        .collect();
    render(&VisitsPage {
        chrome: Chrome::for_user(&user),
        unit_name: user.unit_name.clone(),
        rows,
        outcomes: [
            "accept",
            "accept_with_deficiency",
            "notify_once",
            "consultation",
        ]
        .into_iter()
        .map(|o| (o, visit_outcome_label(o)))
        .collect(),
        total: p.total,
        prev: p.prev,
        next: p.next,
        f,
    })
}

#[derive(Template)]
#[template(path = "window_receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    id: i64,
    receipt: String,
    state: &'static str,
    matter: String,
    applicant: String,
    applicant_id: String,
    promised: Option<ClockView>,
    notice: Vec<String>,
    notices: Vec<(&'static str, &'static str)>,
}

/// GET /window/receipt/{id}: what the intake came to, with the notices to print.
pub async fn receipt(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
) -> Response {
    if let Some(r) = require_clerk(&user) {
        return r;
    }
    let (view, names) = match (
        load_case(&state, &user, id).await,
        state.services.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let case = &view.record.case;
    render(&ReceiptPage {
        chrome: Chrome::for_user(&user),
        id,
        receipt: view.record.receipt_no.clone(),
        state: case.state.label_zh(),
        matter: names.matter(case.matter.as_str()),
        applicant: case.applicant.name().to_owned(),
        applicant_id: mask_identifier(case.applicant.identifier()),
        promised: view.promised.as_ref().map(ClockView::of),
        notice: case.notice.clone(),
        notices: notices(&view),
    })
}
