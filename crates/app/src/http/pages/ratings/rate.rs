//! The rating page (`/rate/{token}`): what the QR code on a 办结通知书
//! opens on the applicant's phone. The token in the link is the only key
//! (64 random hex characters, made when the notice is first printed): a
//! stranger cannot guess one, and an unknown token is a plain 404. No
//! sign-in is needed, so the form carries the visitor's own CSRF token
//! (double submit, as the sign-in form does).

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::evaluation::{REASONS, Rating, RatingChannel};
use store::{CaseRecord, RatedThing, RatingRecord};

use super::failure;
use crate::http::AppState;
use crate::http::pages::common::form::FormData;
use crate::http::pages::{Chrome, render};
use crate::http::session::{Visitor, visitor_csrf, with_cookie};
use crate::service::{RateInput, ServiceError};

const MISSING: &str = "评价链接无效。请扫描办结通知书上的二维码，或使用通知书上的完整链接。";

#[derive(Template)]
#[template(path = "rating_form.html")]
struct RatePage {
    chrome: Chrome,
    form_csrf: String,
    token: String,
    receipt: String,
    matter: String,
    unit: String,
    concluded_on: String,
    /// The rating already given, if any (一事一评: the form is not shown again).
    given: Option<RatingRecord>,
    /// Why the case cannot be rated now (not concluded, window closed).
    closed: String,
    levels: Vec<(&'static str, &'static str)>,
    reasons: &'static [&'static str],
    /// What was posted, kept when the form comes back with an error.
    chosen: String,
    picked: Vec<String>,
    comment: String,
    error: String,
    done: bool,
}

fn levels() -> Vec<(&'static str, &'static str)> {
    Rating::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_zh()))
        .collect()
}

async fn page(
    state: &AppState,
    visitor: &Visitor,
    token: &str,
    status: StatusCode,
    fill: impl FnOnce(&mut RatePage),
) -> Response {
    let s = &state.services;
    let loaded = async {
        let record: CaseRecord = s.case_by_rating_token(token).await?;
        let given = s.store.rating_of(RatedThing::Case(record.id)).await?;
        let names = s.names().await?;
        Ok::<_, ServiceError>((record, given, names))
    };
    let (record, given, names) = match loaded.await {
        Ok(x) => x,
        Err(e) => return failure(&e, MISSING),
    };
    let (form_csrf, cookie) = match visitor_csrf(visitor, &state.sessions) {
        Ok(x) => x,
        Err(e) => return failure(&e, MISSING),
    };
    let case = &record.case;
    let rules = s.evaluation.rules();
    let closed = match case.concluded_on {
        None => "该办件尚未办结，办结后才能评价。".to_owned(),
        Some(d) if (s.today() - d).num_days() > i64::from(rules.rating_window_days) => {
            format!(
                "评价期限已过：办结后 {} 天内可以评价。",
                rules.rating_window_days
            )
        }
        Some(_) => String::new(),
    };
    let mut p = RatePage {
        chrome: Chrome::for_visitor(visitor.user.as_ref()),
        form_csrf,
        token: token.to_owned(),
        receipt: record.receipt_no.clone(),
        matter: names.matter(case.matter.as_str()),
        unit: names.unit(&case.unit),
        concluded_on: case.concluded_on.map(|d| d.to_string()).unwrap_or_default(),
        given,
        closed,
        levels: levels(),
        reasons: REASONS,
        chosen: String::new(),
        picked: Vec::new(),
        comment: String::new(),
        error: String::new(),
        done: false,
    };
    fill(&mut p);
    let response = (status, render(&p)).into_response();
    match cookie {
        Some(c) => with_cookie(response, c),
        None => response,
    }
}

/// GET /rate/{token}: the rating form, or the rating already given.
pub async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> Response {
    page(&state, &visitor, &token, StatusCode::OK, |_| {}).await
}

/// POST /rate/{token}: stores the rating (channel 二维码); a refusal comes
/// back on the form in Chinese with what was chosen kept.
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let f = FormData::new(fields);
    let mut reasons = f.all("reasons");
    reasons.extend(f.lines("other_reason"));
    let input = RateInput {
        rating: Some(f.get("rating").to_owned()).filter(|r| !r.is_empty()),
        number: None,
        scale: None,
        channel: RatingChannel::QrCode,
        reasons: reasons.clone(),
        comment: f.get("comment").to_owned(),
    };
    match state.services.rate_by_token(&token, input).await {
        Ok(_) => page(&state, &visitor, &token, StatusCode::OK, |p| p.done = true).await,
        Err(ServiceError::Refused { message, .. }) => {
            let chosen = f.get("rating").to_owned();
            let comment = f.get("comment").to_owned();
            page(
                &state,
                &visitor,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
                |p| {
                    p.error = message;
                    p.chosen = chosen;
                    p.picked = reasons;
                    p.comment = comment;
                },
            )
            .await
        }
        Err(e) => failure(&e, MISSING),
    }
}

impl RatePage {
    fn is_picked(&self, reason: &str) -> bool {
        self.picked.iter().any(|p| p == reason)
    }
}
