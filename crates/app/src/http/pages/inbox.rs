//! The back-office inbox (`/inbox`) of approvers and department heads: the
//! cases their unit holds, soonest deadline first, each coloured 正常 / 预警 /
//! 超期 (or 暂停) by the domain's clock, with the steps the unit holds.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::unit::Role;

use super::common::rows::{CaseRow, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::session::PageUser;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    unit_name: String,
    rows: Vec<CaseRow>,
    show_unit: bool,
}

/// GET /inbox: the user's unit's inbox.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(r) = user.require(&[Role::Approver, Role::DepartmentHead]) {
        return r;
    }
    let s = &state.services;
    let (cases, names) = match (
        s.inbox_for(&user.access(), &user.unit, 200, 0).await,
        s.names().await,
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let rows = cases
        .iter()
        .map(|v| CaseRow::of(v, &names, Some(&user.unit)))
        .collect();
    render(&InboxPage {
        chrome: Chrome::for_user(&user),
        unit_name: user.unit_name.clone(),
        rows,
        show_unit: false,
    })
}
