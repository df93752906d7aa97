//! Printable notices (`/cases/{id}/notice/{kind}`), as HTML print views:
//! 受理通知书, 一次性告知书 and 容缺受理承诺书. The page prints without the
//! site's header and navigation; every date on it is the case's own.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::case::{Action, NoticeKind, level_of, mask_identifier};

use super::case_page::load_case;
use super::common::rows::{ClockView, service_error_page};
use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::session::PageUser;
use crate::service::{CaseView, ServiceError, shanghai_today};

/// What every notice names.
#[derive(Debug, Clone)]
pub struct NoticeHead {
    /// The case's id, for the way back.
    pub id: i64,
    /// 受理编号.
    pub receipt: String,
    /// The applicant's name.
    pub applicant: String,
    /// The identifier, masked.
    pub applicant_id: String,
    /// The matter's name.
    pub matter: String,
    /// The day the application was submitted or presented.
    pub submitted_on: String,
    /// The hall that took the application in.
    pub intake_unit: String,
    /// The responsible unit.
    pub unit: String,
    /// The day printed.
    pub printed_on: String,
}

#[derive(Template)]
#[template(path = "notice_acceptance.html")]
struct Acceptance {
    chrome: Chrome,
    h: NoticeHead,
    accepted_on: String,
    promised: Option<ClockView>,
    /// Certificates replaced by a commitment (告知承诺): (material, verify by).
    pledges: Vec<(String, String)>,
    /// For a 容缺 case, the materials owed at acceptance and by when.
    owed: Option<Owed>,
}

/// The non-core materials a 容缺 case was accepted without.
struct Owed {
    materials: Vec<String>,
    supplement_by: String,
}

#[derive(Template)]
#[template(path = "notice_one_time.html")]
struct OneTime {
    chrome: Chrome,
    h: NoticeHead,
    noticed_on: String,
    missing: Vec<String>,
    note: String,
    /// The halls that handle the matter, when it was presented at a hall of
    /// a level the matter does not list (放权).
    elsewhere: Option<String>,
}

#[derive(Template)]
#[template(path = "notice_deficiency.html")]
struct Deficiency {
    chrome: Chrome,
    h: NoticeHead,
    accepted_on: String,
    missing: Vec<String>,
    supplement_by: String,
}

/// GET /cases/{id}/notice/{kind}: one printable notice of a case.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    PagePath((id, kind)): PagePath<(i64, String)>,
) -> Response {
    let (view, names) = match (
        load_case(&state, &user, id).await,
        state.services.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let case = &view.record.case;
    let h = NoticeHead {
        id,
        receipt: view.record.receipt_no.clone(),
        applicant: case.applicant.name().to_owned(),
        applicant_id: mask_identifier(case.applicant.identifier()),
        matter: names.matter(case.matter.as_str()),
        submitted_on: case.submitted_on.to_string(),
        intake_unit: names.unit(&view.record.intake_unit),
        unit: names.unit(&case.unit),
        printed_on: state.services.today().to_string(),
    };
    let chrome = Chrome::for_user(&user);
    let accepted_on = case.accepted_on.map(|d| d.to_string());
    match (NoticeKind::parse(&kind), accepted_on) {
        (Some(NoticeKind::Acceptance), Some(accepted_on)) => render(&Acceptance {
            chrome,
            h,
            accepted_on,
            promised: view.promised.as_ref().map(ClockView::of),
            pledges: case
                .commitments
                .iter()
                .map(|c| (c.material.clone(), c.verify_by.to_string()))
                .collect(),
            owed: case.deficiency.as_ref().map(|d| Owed {
                materials: d.materials.clone(),
                supplement_by: d.supplement_by.to_string(),
            }),
        }),
        (Some(NoticeKind::DeficiencyCommitment), Some(accepted_on)) => match &case.deficiency {
            Some(d) => render(&Deficiency {
                chrome,
                h,
                accepted_on,
                missing: d.materials.clone(),
                supplement_by: d.supplement_by.to_string(),
            }),
            None => no_such_notice(),
        },
        (Some(NoticeKind::OneTime), _) => match one_time(&view) {
            Some((noticed_on, missing, note)) => match handled_elsewhere(&state, &view).await {
                Ok(elsewhere) => render(&OneTime {
                    chrome,
                    h,
                    noticed_on,
                    missing,
                    note,
                    elsewhere,
                }),
                Err(e) => service_error_page(&e),
            },
            None => no_such_notice(),
        },
        _ => no_such_notice(),
    }
}

/// The halls that handle the case's matter, when the hall it was presented
/// at is of a level the matter does not list.
async fn handled_elsewhere(
    state: &AppState,
    view: &CaseView,
) -> Result<Option<String>, ServiceError> {
    let s = &state.services;
    let case = &view.record.case;
    let matter = s.matter_version(&case.matter, case.matter_version).await?;
    let units = s.units().await?;
    let kind = units
        .iter()
        .find(|u| u.code.as_str() == view.record.intake_unit)
        .map(|u| u.kind);
    let served = kind.is_none_or(|k| matter.matter.levels.contains(&level_of(k)));
    Ok((!served).then(|| matter.matter.levels_zh()))
}

/// The latest one-time notice: its day, everything it asked for, its note.
fn one_time(view: &CaseView) -> Option<(String, Vec<String>, String)> {
    let events = view.timeline.as_deref().unwrap_or_default();
    let latest = events.iter().rev().find_map(|e| {
        match serde_json::from_value::<Action>(e.payload.clone()) {
            Ok(Action::NotifyOnce { missing, note }) => {
                Some((shanghai_today(e.at).to_string(), missing, note))
            }
            _ => None,
        }
    });
    latest.or_else(|| {
        let case = &view.record.case;
        (!case.notice.is_empty()).then(|| {
            (
                case.submitted_on.to_string(),
                case.notice.clone(),
                case.notice_note.clone(),
            )
        })
    })
}

fn no_such_notice() -> Response {
    error_page(
        StatusCode::NOT_FOUND,
        "没有这份文书",
        "该办件没有出具这种文书：受理通知书在受理后出具，容缺受理承诺书仅用于容缺受理，一次性告知书仅在一次性告知后出具。",
    )
}
