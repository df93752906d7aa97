//! The inspector's page (`/inspect`): the cases of their own department, by
//! state — by default the results issued (已出证), which are the licences
//! and registrations that 事中事后监管 checks. Scoped in the store query like
//! every other list: an inspector sees their department's cases only.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::case::CaseState;
use domain::unit::Role;
use serde::Deserialize;
use store::CaseFilter;

use super::common::rows::{CaseRow, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::session::PageUser;

/// The states an inspector can list, in the order the filter offers them.
const STATES: &[CaseState] = &[
    CaseState::Issued,
    CaseState::Delivered,
    CaseState::Approved,
    CaseState::InReview,
    CaseState::Suspended,
    CaseState::Refused,
];

/// How many cases one page lists.
const PAGE: u32 = 200;

#[derive(Debug, Default, Deserialize)]
pub struct InspectQuery {
    #[serde(default)]
    state: String,
}

#[derive(Template)]
#[template(path = "inspect.html")]
struct InspectPage {
    chrome: Chrome,
    unit_name: String,
    /// (value, label, selected) for the state filter.
    states: Vec<(&'static str, &'static str, bool)>,
    state_label: &'static str,
    rows: Vec<CaseRow>,
    show_unit: bool,
    full: bool,
}

/// GET /inspect: the department's cases in one state.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<InspectQuery>,
) -> Response {
    if let Err(r) = user.require(&[Role::Inspector]) {
        return r;
    }
    let chosen = CaseState::parse(&q.state)
        .filter(|s| STATES.contains(s))
        .unwrap_or(CaseState::Issued);
    let filter = CaseFilter {
        state: Some(chosen),
        unit: Some(user.unit.clone()),
        limit: Some(PAGE),
        ..CaseFilter::default()
    };
    let s = &state.services;
    let (cases, names) = match (s.list_for(&user.access(), filter).await, s.names().await) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let rows: Vec<CaseRow> = cases
        .iter()
        .map(|v| CaseRow::of(v, &names, Some(&user.unit)))
        .collect();
    render(&InspectPage {
        chrome: Chrome::for_user(&user),
        unit_name: user.unit_name.clone(),
        states: STATES
            .iter()
            .map(|s| (s.as_str(), s.label_zh(), *s == chosen))
            .collect(),
        state_label: chosen.label_zh(),
        full: rows.len() == PAGE as usize,
        rows,
        show_unit: false,
    })
}
