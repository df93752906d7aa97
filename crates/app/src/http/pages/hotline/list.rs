//! GET /hotline: the tickets the user may see, newest first, with their
//! clock (正常 / 预警 / 超时), optionally one state only.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::hotline::TicketState;
use domain::unit::Role;
use serde::Deserialize;
use store::TicketFilter;

use super::{HOTLINE_ROLES, clock_badge, ticket_error_page};
use crate::http::AppState;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::hotline::TicketView;

/// One row of the list.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub urgency: &'static str,
    pub state: &'static str,
    pub caller: String,
    pub text: String,
    pub unit: String,
    pub close_by: String,
    pub clock: (&'static str, &'static str),
}

impl Row {
    /// The row of a ticket; unit codes shown by name.
    pub fn of(v: &TicketView, names: &[domain::unit::Unit]) -> Self {
        let t = &v.record.ticket;
        let unit = t.lead_unit.as_ref().map_or_else(String::new, |c| {
            names
                .iter()
                .find(|u| u.code.as_str() == c)
                .map_or_else(|| c.clone(), |u| u.name.clone())
        });
        Row {
            id: v.record.id,
            kind: t.kind.label_zh(),
            urgency: t.urgency.label_zh(),
            state: t.state.label_zh(),
            caller: t.caller_name.clone(),
            text: t.text.chars().take(40).collect(),
            unit,
            close_by: v.close_by.map(|d| d.to_string()).unwrap_or_default(),
            clock: clock_badge(v.clock),
        }
    }
}

#[derive(Template)]
#[template(path = "hotline_list.html")]
struct ListPage {
    chrome: Chrome,
    heading: String,
    rows: Vec<Row>,
    states: Vec<(&'static str, &'static str)>,
    chosen: String,
    may_register: bool,
}

/// The query: one state, by its stable name.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
}

/// GET /hotline
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<ListQuery>,
) -> Response {
    if let Err(r) = user.require(HOTLINE_ROLES) {
        return r;
    }
    let s = &state.services;
    let chosen = TicketState::parse(&q.state);
    let filter = TicketFilter {
        states: chosen.into_iter().collect(),
        limit: 500,
        ..TicketFilter::default()
    };
    let (views, names) = match (s.tickets_for(&user.access(), filter).await, s.units().await) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) | (_, Err(e)) => return ticket_error_page(&e),
    };
    let heading = match user.role {
        Role::Approver | Role::DepartmentHead => format!("热线工单 · {}", user.unit_name),
        _ => "12345 热线工单".to_owned(),
    };
    render(&ListPage {
        chrome: Chrome::for_user(&user),
        heading,
        rows: views.iter().map(|v| Row::of(v, &names)).collect(),
        states: TicketState::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_zh()))
            .collect(),
        chosen: chosen.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        may_register: user.role == Role::HotlineAgent,
    })
}
