//! `/admin`: the admin's start page, with what there is and where to change it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{ADMIN, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;

#[derive(Template)]
#[template(path = "admin_overview.html")]
struct Overview {
    chrome: Chrome,
    sub: Vec<NavLink>,
    units: usize,
    users: usize,
    matters: usize,
    certificates: usize,
    years: String,
    missing_years: Vec<i32>,
}

/// GET /admin.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let s = &state.services;
    let counts = async {
        Ok::<_, store::StoreError>((
            s.store.units().await?.len(),
            s.store.users().await?.len(),
            s.store.matters().await?.len(),
            s.store.certificates().await?.len(),
        ))
    };
    let (units, users, matters, certificates) = match counts.await {
        Ok(c) => c,
        Err(e) => return store_error_page(&e),
    };
    let calendar = s.calendar();
    let years = calendar.years();
    let years_text = match (years.first(), years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b} 年"),
        (Some(a), _) => format!("{a} 年"),
        _ => "无".to_owned(),
    };
    render(&Overview {
        chrome: Chrome::for_user(&user),
        sub: sub_nav(&user),
        units,
        users,
        matters,
        certificates,
        years: years_text,
        missing_years: super::calendar::missing_years(&calendar, s.today()),
    })
}
