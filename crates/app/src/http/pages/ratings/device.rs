//! The window's rating device (窗口评价器, `/window/ratings`): after serving
//! someone, the clerk turns the screen to them and they rate the visit
//! (一次一评). It shows the visits this clerk served today and that are not
//! yet rated, newest first (the one at the counter on top), not the hall's
//! backlog; each visit is rated once, and only at its own hall.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::{REASONS, Rating, RatingChannel};
use domain::unit::Role;
use serde::Deserialize;
use store::RatedThing;

use super::failure;
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::common::form::FormData;
use crate::http::pages::common::rows::describe;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::{RateInput, ServiceError, shanghai_today};

/// One visit waiting for its rating.
pub struct VisitRow {
    id: i64,
    day: String,
    matter: String,
    clerk: String,
}

#[derive(Template)]
#[template(path = "rating_device.html")]
struct DevicePage {
    chrome: Chrome,
    visits: Vec<VisitRow>,
    levels: Vec<(&'static str, &'static str)>,
    reasons: &'static [&'static str],
    error: String,
    done: bool,
}

/// The hall's newest unrated visits read to find this clerk's of today.
const HALL_WINDOW: u32 = 200;

/// The clerk's own visits of today shown on the device (the one at the
/// counter first).
const AT_THE_COUNTER: usize = 3;

/// `?done=1` after a rating went through.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    user: &PageUser,
    status: StatusCode,
    error: String,
    done: bool,
) -> Response {
    let s = &state.services;
    let (visits, names) = match (
        s.store.unrated_visits(&user.unit, HALL_WINDOW).await,
        s.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) => return failure(&ServiceError::Store(e), "未找到"),
        (_, Err(e)) => return failure(&e, "未找到"),
    };
    let today = s.today();
    let visits = visits
        .into_iter()
        .filter(|(_, v)| v.clerk == user.username && shanghai_today(v.at) == today)
        .take(AT_THE_COUNTER)
        .map(|(id, v)| VisitRow {
            id,
            day: shanghai_today(v.at).to_string(),
            matter: names.matter(&v.matter_code),
            clerk: names.user(&v.clerk),
        })
        .collect();
    let p = DevicePage {
        chrome: Chrome::for_user(user),
        visits,
        levels: Rating::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_zh()))
            .collect(),
        reasons: REASONS,
        error,
        done,
    };
    (status, render(&p)).into_response()
}

/// GET /window/ratings: the hall's visits waiting for a rating.
pub async fn list(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<Done>,
) -> Response {
    if let Err(r) = user.require(&[Role::WindowClerk]) {
        return r;
    }
    page(
        &state,
        &user,
        StatusCode::OK,
        String::new(),
        q.done.is_some(),
    )
    .await
}

/// POST /window/ratings/{visit}: the visitor's rating on the device.
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(visit): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = user.require(&[Role::WindowClerk]) {
        return r;
    }
    let f = FormData::new(fields);
    let input = RateInput {
        rating: Some(f.get("rating").to_owned()).filter(|r| !r.is_empty()),
        number: None,
        scale: None,
        channel: RatingChannel::Device,
        reasons: f.all("reasons"),
        comment: String::new(),
    };
    match state
        .services
        .rate_as(&user.access(), RatedThing::Visit(visit), input)
        .await
    {
        Ok(_) => Redirect::to("/window/ratings?done=1").into_response(),
        Err(e @ ServiceError::Store(store::StoreError::NotFound(_))) => {
            failure(&e, "来访记录不存在或不属于本窗口。")
        }
        Err(e) => {
            let r = describe(&e);
            page(&state, &user, r.status, r.message, false).await
        }
    }
}
