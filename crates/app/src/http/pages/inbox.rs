//! The back-office inbox (`/inbox`) of approvers and department heads: the
//! cases their unit holds, soonest deadline first, each coloured 正常 / 预警 /
//! 超期 (or 暂停) by the domain's clock, with the steps the unit holds. It
//! filters by what the user may do now (a head's 待我决定, an approver's
//! 待我审查), by state, time-limit status and matter, and pages by 50.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::case::{ActionKind, CaseState, SlaStatus, offered};
use domain::unit::Role;
use serde::Deserialize;

use super::common::paging::{page_link, paged};
use super::common::rows::{CaseRow, service_error_page};
use super::{Chrome, render};
use crate::http::AppState;
use crate::http::session::PageUser;
use crate::service::CaseView;

/// The most of a unit's held cases the inbox reads and filters.
const HELD: u32 = 500;

/// Rows per page.
const PAGE: usize = 50;

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    chrome: Chrome,
    unit_name: String,
    rows: Vec<CaseRow>,
    show_unit: bool,
    f: InboxQuery,
    /// 待我决定 for a head, 待我审查 for an approver.
    mine_label: &'static str,
    states: Vec<(&'static str, &'static str)>,
    matters: Vec<(String, String)>,
    /// How many cases match, and the page's links (none when one page).
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// The inbox's filters, as its form sends them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InboxQuery {
    /// `mine`: only the cases the user may act on now.
    #[serde(default)]
    view: String,
    /// A case state's code.
    #[serde(default)]
    state: String,
    /// normal, warning, overdue or paused.
    #[serde(default)]
    sla: String,
    /// A matter's code.
    #[serde(default)]
    matter: String,
    /// The page, from 1.
    #[serde(default)]
    page: Option<usize>,
}

impl InboxQuery {
    fn keeps(&self, v: &CaseView, user: &PageUser) -> bool {
        let case = &v.record.case;
        let now: &[ActionKind] = match user.role {
            Role::DepartmentHead => &[ActionKind::Decide, ActionKind::Issue],
            _ => &[ActionKind::CompleteStep],
        };
        let paused = v.promised.as_ref().is_some_and(|c| c.paused);
        let sla = match (paused, v.sla) {
            (true, _) => "paused",
            (false, Some(SlaStatus::Normal)) => "normal",
            (false, Some(SlaStatus::Warning)) => "warning",
            (false, Some(SlaStatus::Overdue)) => "overdue",
            (false, None) => "",
        };
        (self.view != "mine"
            || offered(case, user.role, &user.unit)
                .iter()
                .any(|k| now.contains(k)))
            && (self.state.is_empty() || case.state.as_str() == self.state)
            && (self.sla.is_empty() || sla == self.sla)
            && (self.matter.is_empty() || case.matter.as_str() == self.matter)
    }
}

/// GET /inbox: the user's unit's inbox.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(f): Query<InboxQuery>,
) -> Response {
    if let Err(r) = user.require(&[Role::Approver, Role::DepartmentHead]) {
        return r;
    }
    let s = &state.services;
    let (cases, names) = match (
        s.inbox_for(&user.access(), &user.unit, HELD, 0).await,
        s.names().await,
    ) {
        (Ok(c), Ok(n)) => (c, n),
        (Err(e), _) | (_, Err(e)) => return service_error_page(&e),
    };
    let mut matters: Vec<(String, String)> = cases
        .iter()
        .map(|v| v.record.case.matter.as_str())
        .map(|code| (code.to_owned(), names.matter(code)))
        .collect();
    matters.sort();
    matters.dedup();
    let kept: Vec<&CaseView> = cases.iter().filter(|v| f.keeps(v, &user)).collect();
    let pairs = [
        ("view", f.view.as_str()),
        ("state", f.state.as_str()),
        ("sla", f.sla.as_str()),
        ("matter", f.matter.as_str()),
    ];
    let p = paged(kept, f.page, PAGE, |n| page_link("/inbox", &pairs, n));
    let rows = p
        .rows
        .iter()
        .map(|v| CaseRow::of(v, &names, Some(&user.unit)))
        .collect();
    render(&InboxPage {
        chrome: Chrome::for_user(&user),
        unit_name: user.unit_name.clone(),
        rows,
        show_unit: false,
        mine_label: if user.role == Role::DepartmentHead {
            "待我决定"
        } else {
            "待我审查"
        },
        states: [
            CaseState::InReview,
            CaseState::Suspended,
            CaseState::Approved,
        ]
        .iter()
        .map(|s| (s.as_str(), s.label_zh()))
        .collect(),
        matters,
        total: p.total,
        prev: p.prev,
        next: p.next,
        f,
    })
}
