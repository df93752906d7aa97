//! What the staff pages share: names for codes, a case as one list row, the
//! SLA badge, and service errors as Chinese messages and pages.

use axum::http::StatusCode;
use axum::response::Response;
use domain::ErrorCode;
use domain::case::{CaseClock, SlaStatus, unit_duties};

use crate::http::error::AppError;
use crate::http::pages::coded_error_page;
pub use crate::service::Names;
use crate::service::{CaseView, ServiceError};

/// A coloured 正常 / 预警 / 超期 / 暂停 label.
#[derive(Debug, Clone)]
pub struct Badge {
    /// The CSS class (`sla-normal`, `sla-warning`, `sla-overdue`; none when paused).
    pub class: &'static str,
    /// The Chinese label.
    pub label: &'static str,
}

impl Badge {
    fn of(status: SlaStatus, paused: bool) -> Badge {
        if paused {
            return Badge {
                class: "",
                label: "暂停",
            };
        }
        let class = match status {
            SlaStatus::Normal => "sla-normal",
            SlaStatus::Warning => "sla-warning",
            SlaStatus::Overdue => "sla-overdue",
        };
        Badge {
            class,
            label: status.label_zh(),
        }
    }
}

/// One clock of a case as a page shows it; every number is the domain's.
#[derive(Debug, Clone)]
pub struct ClockView {
    /// The limit: 即办 or N个工作日.
    pub limit: String,
    /// The deadline.
    pub deadline: String,
    /// Working days used.
    pub used: u32,
    /// The time left, or how far over: 剩 N 个工作日 / 今日到期 / 超期 N 个工作日.
    pub left: String,
    /// Its status.
    pub badge: Badge,
    /// The deadline falls in a year whose holidays are not loaded.
    pub provisional: bool,
}

impl ClockView {
    /// The view of a domain clock.
    pub fn of(c: &CaseClock) -> ClockView {
        ClockView {
            limit: c.limit.to_string(),
            deadline: c.deadline.to_string(),
            used: c.used,
            left: c.time_left_zh(),
            badge: Badge::of(c.status, c.paused),
            provisional: c.provisional,
        }
    }
}

/// A case as one row of a list (inbox, 预审 queue, supervision).
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Database id, for the link.
    pub id: i64,
    /// 受理编号.
    pub receipt: String,
    /// The matter's name.
    pub matter: String,
    /// The applicant's name.
    pub applicant: String,
    /// The state, in Chinese.
    pub state: &'static str,
    /// The channel, in Chinese.
    pub channel: &'static str,
    /// The responsible unit's name.
    pub unit: String,
    /// Submitted on.
    pub submitted_on: String,
    /// The promised clock's status (none before acceptance or once over).
    pub badge: Option<Badge>,
    /// The time left on the promised clock, or how far over it is.
    pub left: Option<String>,
    /// The promised deadline.
    pub deadline: String,
    /// The deadline is provisional.
    pub provisional: bool,
    /// What the viewing unit owes the case (steps, decision, issuing).
    pub duties: Vec<String>,
}

impl CaseRow {
    /// The row for a case; `duties_of` names the unit whose duties to list.
    pub fn of(v: &CaseView, names: &Names, duties_of: Option<&str>) -> CaseRow {
        let case = &v.record.case;
        let running = v.sla.is_some() && case.concluded_on.is_none();
        let promised = v.promised.as_ref();
        CaseRow {
            id: v.record.id,
            receipt: v.record.receipt_no.clone(),
            matter: names.matter(case.matter.as_str()),
            applicant: case.applicant.name().to_owned(),
            state: case.state.label_zh(),
            channel: case.channel.label_zh(),
            unit: names.unit(&case.unit),
            submitted_on: case.submitted_on.to_string(),
            badge: promised
                .filter(|_| running)
                .map(|c| Badge::of(c.status, c.paused)),
            left: promised.filter(|_| running).map(CaseClock::time_left_zh),
            deadline: promised.map(|c| c.deadline.to_string()).unwrap_or_default(),
            provisional: promised.is_some_and(|c| c.provisional),
            duties: duties_of.map(|u| unit_duties(case, u)).unwrap_or_default(),
        }
    }
}

/// A refusal as a page shows it: the status and stable code the API gives
/// for the same failure ([`AppError::of`]), and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code (the page carries it as `data-code`).
    pub code: ErrorCode,
    /// What the person reads.
    pub message: String,
}

impl Refused {
    /// A refusal of a form the page could not read (a field missing or malformed).
    pub fn form(status: StatusCode, message: impl Into<String>) -> Self {
        let code = if status == StatusCode::BAD_REQUEST {
            ErrorCode::BadRequest
        } else {
            ErrorCode::InvalidForm
        };
        Self {
            status,
            code,
            message: message.into(),
        }
    }
}

/// How a failed service call reads on a page: exactly as the API answers it
/// ([`AppError::of`]: the same status, code and Chinese message; a storage
/// failure logged and said as a plain apology).
pub fn describe(e: &ServiceError) -> Refused {
    let answer = AppError::of(e);
    Refused {
        status: answer.status(),
        code: answer.code(),
        message: answer.message().to_owned(),
    }
}

/// A refusal with `missing` as the answer for anything not found: a record
/// outside the user's scope reads the same.
pub fn refusal(e: &ServiceError, missing: &str) -> Refused {
    let mut r = describe(e);
    if r.status == StatusCode::NOT_FOUND {
        missing.clone_into(&mut r.message);
    }
    r
}

/// The error page for a failed service call whose missing record reads as
/// `missing`.
pub fn refusal_page(e: &ServiceError, missing: &str) -> Response {
    titled_error_page(refusal(e, missing))
}

/// A whole error page for a failed service call.
pub fn service_error_page(e: &ServiceError) -> Response {
    titled_error_page(describe(e))
}

fn titled_error_page(r: Refused) -> Response {
    let title = match r.status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::INTERNAL_SERVER_ERROR => "出错了",
        _ => "无法完成",
    };
    coded_error_page(r.status, r.code.as_str(), title, &r.message)
}
