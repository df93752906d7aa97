//! Looking a case up without an account (`/track`): the receipt number
//! (受理编号) and the last four characters of the applicant's ID number or
//! credit code. A wrong pair and an unknown receipt get the same answer, so
//! the page cannot be used to learn which receipts exist. The case summary
//! and the staff-free timeline built here are also what "my cases" shows.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::case::{Action, Channel, SlaStatus, action_name_label};
use domain::time::local_minute;
use serde::Deserialize;
use store::{CaseEvent, StoreError};

use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::session::{ClientIp, PageUser};
use crate::service::CaseView;

/// A case as its applicant reads it: no staff, no internal notes.
pub struct CaseSummary {
    /// 受理编号.
    pub receipt: String,
    /// The matter's code.
    pub matter_code: String,
    /// The matter's name.
    pub matter_name: String,
    /// The responsible unit's name.
    pub unit_name: String,
    /// Where it stands, in Chinese.
    pub state: &'static str,
    /// How it came in, in Chinese.
    pub channel: &'static str,
    /// Submitted on.
    pub submitted_on: String,
    /// Accepted on, or "—".
    pub accepted_on: String,
    /// Concluded on, or "—".
    pub concluded_on: String,
    /// The promised deadline, or "—" before acceptance.
    pub deadline: String,
    /// A remark on the deadline: suspended, provisional, working days left.
    pub deadline_note: String,
    /// 办理结果: the decision, the certificate issued and how it was delivered; empty before.
    pub outcome: String,
    /// 正常 / 预警 / 超期, or empty when there is no running clock.
    pub sla_label: &'static str,
    /// The badge's CSS class.
    pub sla_class: &'static str,
}

/// One line of the applicant's timeline.
pub struct TimelineRow {
    /// When, in Beijing time.
    pub at: String,
    /// What happened, in Chinese.
    pub label: String,
}

/// The SLA badge's label and CSS class.
pub fn sla_badge(sla: Option<SlaStatus>) -> (&'static str, &'static str) {
    match sla {
        Some(SlaStatus::Normal) => ("正常", "sla-normal"),
        Some(SlaStatus::Warning) => ("预警", "sla-warning"),
        Some(SlaStatus::Overdue) => ("超期", "sla-overdue"),
        None => ("", ""),
    }
}

/// 办理结果 in words: the decision, the certificate and its delivery.
fn outcome(case: &domain::case::Case) -> String {
    use domain::case::CaseResult;
    let mut parts = Vec::new();
    match &case.decision {
        Some(d) if d.approved => parts.push("准予".to_owned()),
        Some(d) => parts.push(format!("不予许可：{}", d.reason)),
        None => {}
    }
    match &case.result {
        Some(CaseResult::Electronic { number, licence }) => {
            parts.push(format!("已发放{licence}（编号 {number}）"))
        }
        Some(CaseResult::Paper { number }) => parts.push(format!("已出具文书（编号 {number}）")),
        None => {}
    }
    if let Some(m) = case.delivery {
        parts.push(format!("已{}", m.label_zh()));
    }
    parts.join("；")
}

/// The summary of a case with its clocks (from [`crate::service::Services::view`]).
pub fn summary(v: &CaseView, matter_name: &str, unit_name: &str) -> CaseSummary {
    let case = &v.record.case;
    let date = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
    let (sla_label, sla_class) = sla_badge(v.sla);
    let deadline_note = match v.promised {
        Some(_) if case.concluded_on.is_some() => String::new(),
        Some(c) if c.paused => "（暂停计时中，恢复后顺延）".into(),
        Some(c) if c.provisional => format!("（暂定，{}）", c.time_left_zh()),
        Some(c) => format!("（{}）", c.time_left_zh()),
        None => String::new(),
    };
    CaseSummary {
        outcome: outcome(case),
        receipt: v.record.receipt_no.clone(),
        matter_code: case.matter.to_string(),
        matter_name: matter_name.to_owned(),
        unit_name: unit_name.to_owned(),
        state: case.state.label_zh(),
        channel: case.channel.label_zh(),
        submitted_on: case.submitted_on.to_string(),
        accepted_on: date(case.accepted_on),
        concluded_on: date(case.concluded_on),
        deadline: date(v.promised.map(|c| c.deadline)),
        deadline_note,
        sla_label,
        sla_class,
    }
}

/// The timeline as the applicant sees it: what happened and when, oldest first.
pub fn timeline(events: &[CaseEvent], channel: Channel) -> Vec<TimelineRow> {
    events
        .iter()
        .map(|e| {
            let label = match e.action.as_str() {
                "open" if channel.needs_review() => "提交网上申请".to_owned(),
                "open" => "窗口登记申请".to_owned(),
                other => serde_json::from_value::<Action>(e.payload.clone()).map_or_else(
                    |_| action_name_label(other).to_owned(),
                    |a| a.label_zh().to_owned(),
                ),
            };
            TimelineRow {
                at: local_minute(e.at),
                label,
            }
        })
        .collect()
}

/// What the lookup form sends.
#[derive(Debug, Default, Deserialize)]
pub struct TrackQuery {
    /// 受理编号.
    #[serde(default)]
    pub receipt: String,
    /// The last four characters of the ID number or credit code.
    #[serde(default)]
    pub last4: String,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    chrome: Chrome,
    receipt: String,
    last4: String,
    message: String,
    found: Option<Found>,
}

/// A case found, with its timeline: what `track_case.html` shows.
pub struct Found {
    /// The summary.
    pub s: CaseSummary,
    /// The timeline.
    pub rows: Vec<TimelineRow>,
}

impl Found {
    /// The summary and timeline of a case read with its timeline.
    pub async fn of(state: &AppState, v: &CaseView) -> Found {
        let (matter, unit) = names_for(state, v).await;
        Found {
            s: summary(v, &matter, &unit),
            rows: timeline(
                v.timeline.as_deref().unwrap_or_default(),
                v.record.case.channel,
            ),
        }
    }
}

/// The one answer for an unknown receipt and for a wrong pair.
pub const NOT_FOUND_ZH: &str = "未找到该办件，请核对受理编号和证件号码后四位。";

/// Finds the case a receipt and last four name, or `None` for either mistake.
async fn lookup(
    state: &AppState,
    receipt: &str,
    last4: &str,
) -> Result<Option<CaseView>, StoreError> {
    let record = match state.services.store.case_by_receipt(receipt).await {
        Ok(r) => r,
        Err(StoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if !record
        .case
        .applicant
        .last_four()
        .eq_ignore_ascii_case(last4)
    {
        return Ok(None);
    }
    match state.services.case(record.id).await {
        Ok(v) => Ok(Some(v)),
        Err(crate::service::ServiceError::Store(e)) => Err(e),
        Err(e) => Err(StoreError::Backend(e.to_string())),
    }
}

/// The matter's name (of the version the case keeps) and the unit's name.
pub async fn names_for(state: &AppState, v: &CaseView) -> (String, String) {
    let case = &v.record.case;
    let matter = state
        .services
        .store
        .matter(&case.matter, Some(case.matter_version))
        .await
        .map_or_else(|_| case.matter.to_string(), |m| m.matter.name);
    let unit = super::catalog::unit_names(state)
        .await
        .remove(&case.unit)
        .unwrap_or_else(|| case.unit.clone());
    (matter, unit)
}

/// GET /track: the lookup form, and the case when the pair matches.
pub async fn page(
    State(state): State<AppState>,
    user: Option<PageUser>,
    ip: ClientIp,
    Query(q): Query<TrackQuery>,
) -> Response {
    let receipt = q.receipt.trim().to_ascii_uppercase();
    let last4 = q.last4.trim().to_ascii_uppercase();
    let mut page = TrackPage {
        chrome: Chrome::for_visitor(user.as_ref()),
        receipt: receipt.clone(),
        last4: last4.clone(),
        message: String::new(),
        found: None,
    };
    if !(receipt.is_empty() && last4.is_empty()) {
        if receipt.is_empty() || last4.chars().count() != 4 {
            page.message = "请填写受理编号和证件号码的后四位（共 4 个字符）。".into();
        } else {
            let rules = &state.sessions.rules;
            let s = &state.services;
            match s.lookup_allowed(&receipt, &ip.0, rules).await {
                Ok(true) => {}
                Ok(false) => {
                    page.message = format!(
                        "查询失败次数过多，请 {} 分钟后再试。",
                        rules.failure_window.num_minutes()
                    );
                    let mut refused =
                        (StatusCode::TOO_MANY_REQUESTS, render(&page)).into_response();
                    no_store(&mut refused);
                    return refused;
                }
                Err(e) => {
                    tracing::error!(error = %e, "case lookup rate limit failed");
                    return unavailable();
                }
            }
            match lookup(&state, &receipt, &last4).await {
                Ok(Some(v)) => page.found = Some(Found::of(&state, &v).await),
                Ok(None) => {
                    page.message = NOT_FOUND_ZH.into();
                    if let Err(e) = s.record_failed_lookup(&receipt, &ip.0).await {
                        tracing::error!(error = %e, "recording a failed lookup failed");
                        return unavailable();
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "case lookup failed");
                    return unavailable();
                }
            }
        }
    }
    let mut response = render(&page);
    no_store(&mut response);
    response
}

/// What a lookup shows is the applicant's own business: keep it out of caches.
fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn unavailable() -> Response {
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "出错了",
        "暂时无法查询，请稍后重试。",
    )
}
