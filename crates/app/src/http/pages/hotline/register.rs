//! GET/POST /hotline/new: the hotline agent registers a call (受理). The
//! ticket page it leads to shows open tickets from the same phone as
//! duplicate candidates (并单).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::hotline::{TicketChannel, TicketType, Urgency};
use domain::unit::Role;

use super::ticket_refusal;
use crate::http::AppState;
use crate::http::pages::common::form::FormData;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::hotline::TicketInput;

type Options = Vec<(&'static str, &'static str)>;

#[derive(Template)]
#[template(path = "hotline_new.html")]
struct NewPage {
    chrome: Chrome,
    kinds: Options,
    channels: Options,
    urgencies: Options,
    error: Option<String>,
    f: FormData,
}

fn page(user: &PageUser, f: FormData, error: Option<String>) -> NewPage {
    NewPage {
        chrome: Chrome::for_user(user),
        kinds: TicketType::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh()))
            .collect(),
        channels: TicketChannel::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh()))
            .collect(),
        urgencies: Urgency::ALL
            .iter()
            .map(|t| (t.as_str(), t.label_zh()))
            .collect(),
        error,
        f,
    }
}

/// GET /hotline/new
pub async fn form(user: PageUser) -> Response {
    if let Err(r) = user.require(&[Role::HotlineAgent]) {
        return r;
    }
    render(&page(&user, FormData::default(), None))
}

fn input(f: &FormData) -> Result<TicketInput, String> {
    Ok(TicketInput {
        kind: TicketType::parse(f.get("kind")).ok_or("请选择诉求类型")?,
        channel: TicketChannel::parse(f.get("channel")).ok_or("请选择来源渠道")?,
        urgency: Urgency::parse(f.get("urgency")).ok_or("请选择紧急程度")?,
        category: f.get("category").to_owned(),
        caller_name: f.get("caller_name").to_owned(),
        caller_phone: f.get("caller_phone").to_owned(),
        location: f.get("location").to_owned(),
        position: None,
        text: f.get("text").to_owned(),
    })
}

/// POST /hotline/new
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = user.require(&[Role::HotlineAgent]) {
        return r;
    }
    let f = FormData::new(fields);
    let outcome = match input(&f) {
        Ok(i) => state
            .services
            .register_ticket(&user.access(), i)
            .await
            .map_err(|e| ticket_refusal(&e)),
        Err(m) => Err((StatusCode::UNPROCESSABLE_ENTITY, m)),
    };
    match outcome {
        Ok(v) => Redirect::to(&format!("/hotline/{}?done=register", v.record.id)).into_response(),
        Err((status, message)) => (status, render(&page(&user, f, Some(message)))).into_response(),
    }
}
