//! 督办 (`/supervise`): cases in 预警 and 超期 across every unit, and the
//! running cases of each department, town and street by SLA status.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use domain::case::{CaseState, SlaStatus};
use domain::unit::{Role, UnitKind};
use store::{CaseFilter, SlaCounts};

use super::common::rows::{CaseRow, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::session::PageUser;
use crate::service::{ServiceError, Services};

/// One unit's running cases by status.
#[derive(Debug, Clone)]
pub struct CountRow {
    /// The unit's name (合计 for the total).
    pub unit: String,
    /// The counts.
    pub counts: SlaCounts,
}

#[derive(Template)]
#[template(path = "supervise.html")]
struct SupervisePage {
    chrome: Chrome,
    warning: Vec<CaseRow>,
    overdue: Vec<CaseRow>,
    counts: Vec<CountRow>,
    total: SlaCounts,
    /// Running cases held by a unit with nobody to review or decide.
    stalled: Vec<CaseRow>,
    show_unit: bool,
}

/// GET /supervise: the supervisor's view.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(r) = user.require(&[Role::Supervisor]) {
        return r;
    }
    let s = &state.services;
    let names = match s.names().await {
        Ok(n) => n,
        Err(e) => return service_error_page(&e),
    };
    let (warning, overdue) = match (
        by_sla(s, SlaStatus::Warning).await,
        by_sla(s, SlaStatus::Overdue).await,
    ) {
        (Ok(w), Ok(o)) => (w, o),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let (counts, total) = match counts(s).await {
        Ok(c) => c,
        Err(e) => return service_error_page(&e),
    };
    let stalled = match stalled(s, &names).await {
        Ok(v) => v,
        Err(e) => return service_error_page(&e),
    };
    let rows = |v: Vec<crate::service::CaseView>| -> Vec<CaseRow> {
        v.iter().map(|c| CaseRow::of(c, &names, None)).collect()
    };
    render(&SupervisePage {
        chrome: Chrome::for_user(&user),
        warning: rows(warning),
        overdue: rows(overdue),
        counts,
        total,
        stalled: rows(stalled),
        show_unit: true,
    })
}

/// Cases in review, suspended or waiting to be issued that a unit holds with nobody to
/// act on them (no approver or head): they would wait for ever.
async fn stalled(
    s: &Services,
    names: &crate::service::Names,
) -> Result<Vec<crate::service::CaseView>, ServiceError> {
    let mut out = Vec::new();
    for state in [
        CaseState::InReview,
        CaseState::Suspended,
        CaseState::Approved,
    ] {
        let cases = s
            .list(CaseFilter {
                state: Some(state),
                limit: Some(500),
                ..CaseFilter::default()
            })
            .await?;
        out.extend(
            cases
                .into_iter()
                .filter(|v| v.record.case.holders().iter().any(|u| !names.staffed(u))),
        );
    }
    Ok(out)
}

async fn by_sla(
    s: &Services,
    sla: SlaStatus,
) -> Result<Vec<crate::service::CaseView>, ServiceError> {
    s.list(CaseFilter {
        sla: Some(sla),
        limit: Some(200),
        ..CaseFilter::default()
    })
    .await
}

/// The counts of every department, town and street with running cases (most
/// overdue first), and the total.
async fn counts(s: &Services) -> Result<(Vec<CountRow>, SlaCounts), ServiceError> {
    let today = s.today();
    let mut rows = Vec::new();
    for unit in s.units().await?.iter() {
        if !matches!(
            unit.kind,
            UnitKind::Department | UnitKind::Town | UnitKind::Street
        ) {
            continue;
        }
        let counts = s.store.sla_counts(today, Some(unit.code.as_str())).await?;
        if counts != SlaCounts::default() {
            rows.push(CountRow {
                unit: unit.name.clone(),
                counts,
            });
        }
    }
    // The units most behind first.
    rows.sort_by(|a, b| {
        (b.counts.overdue, b.counts.warning)
            .cmp(&(a.counts.overdue, a.counts.warning))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    let total = s.store.sla_counts(today, None).await?;
    Ok((rows, total))
}
