//! 查找办件 (`/search`): staff find any case within their scope by its
//! 受理编号, the applicant's 身份证号 or 统一社会信用代码, the matter (code
//! or name), or the applicant's full name. Applicants follow their own cases
//! on /mine instead.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use domain::unit::Role;
use serde::Deserialize;

use super::common::rows::{CaseRow, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::session::PageUser;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    q: String,
    searched: bool,
    rows: Vec<CaseRow>,
    show_unit: bool,
}

/// `?q=…`.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// GET /search?q=…: the cases within the user's scope the query names.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(query): Query<SearchQuery>,
) -> Response {
    if user.role == Role::Applicant {
        return Redirect::to("/mine").into_response();
    }
    let q = query.q.trim().to_owned();
    let (cases, names) = match (
        state.services.find_cases(&user.access(), &q).await,
        state.services.names().await,
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    render(&SearchPage {
        chrome: Chrome::for_user(&user),
        searched: !q.is_empty(),
        q,
        rows: cases.iter().map(|v| CaseRow::of(v, &names, None)).collect(),
        show_unit: true,
    })
}
