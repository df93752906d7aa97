//! GET /hotline/{id}: one ticket — the call, where it stands, its limits
//! and clock, send-backs, extensions, the reply and callback, the timeline,
//! duplicate candidates while it is new, and the forms the user may use now.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::evaluation::Rating;
use domain::hotline::{Ticket, TicketState};
use domain::time::local_minute;
use domain::unit::{Role, Unit, UnitKind};
use serde::Deserialize;

use super::list::Row;
use super::{HOTLINE_ROLES, clock_badge, ticket_error_page};
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::hotline::TicketView;
use crate::service::{Names, ServiceError};

/// Which forms the page offers, by the domain's roles and states.
#[derive(Debug, Default)]
pub struct Offered {
    pub dispatch: bool,
    pub merge: bool,
    pub decide_extension: bool,
    pub call_back: bool,
    pub close: bool,
    pub settle: bool,
    pub sign: bool,
    pub start_handling: bool,
    pub reply: bool,
    pub send_back: bool,
    pub request_extension: bool,
}

impl Offered {
    fn of(t: &Ticket, role: Role, unit: &str) -> Self {
        use TicketState as S;
        let agent = role == Role::HotlineAgent;
        let holder = matches!(role, Role::Approver | Role::DepartmentHead)
            && t.lead_unit.as_deref() == Some(unit);
        let pending = t.extensions.iter().any(|e| e.approved.is_none());
        let s = t.state;
        Offered {
            dispatch: agent && matches!(s, S::Registered | S::Returned),
            merge: agent && matches!(s, S::Registered | S::Dispatched | S::Returned),
            decide_extension: agent && pending,
            call_back: agent && s == S::Replied,
            close: agent && s == S::CalledBack,
            settle: role == Role::Supervisor && s == S::Escalated,
            sign: holder && s == S::Dispatched,
            start_handling: holder && s == S::Signed,
            reply: holder && matches!(s, S::Signed | S::Handling),
            send_back: holder && !t.settled && matches!(s, S::Dispatched | S::Signed),
            request_extension: holder
                && !pending
                && matches!(s, S::Dispatched | S::Signed | S::Handling),
        }
    }

    fn any(&self) -> bool {
        self.dispatch
            || self.merge
            || self.decide_extension
            || self.call_back
            || self.close
            || self.settle
            || self.sign
            || self.start_handling
            || self.reply
            || self.send_back
            || self.request_extension
    }
}

/// One timeline line.
pub struct Line {
    pub at: String,
    pub who: String,
    pub action: String,
    pub to: &'static str,
}

#[derive(Template)]
#[template(path = "hotline_ticket.html")]
pub struct TicketPage {
    chrome: Chrome,
    id: i64,
    version: i64,
    t: Ticket,
    unit_name: String,
    co_names: String,
    clock: (&'static str, &'static str),
    limits: String,
    /// The most working days one extension may ask for (the county's `hotline` config).
    max_extension_days: u32,
    sign_by: String,
    respond_by: String,
    close_by: String,
    send_backs: Vec<(String, String, String)>,
    extensions: Vec<(u32, String, &'static str)>,
    timeline: Vec<Line>,
    duplicates: Vec<Row>,
    offered: Offered,
    has_forms: bool,
    units: Vec<(String, String)>,
    ratings: Vec<(&'static str, &'static str)>,
    flash: Option<(bool, String)>,
}

fn name_of(units: &[Unit], code: &str) -> String {
    units
        .iter()
        .find(|u| u.code.as_str() == code)
        .map_or_else(|| code.to_owned(), |u| u.name.clone())
}

/// What an action's stable name reads as on the timeline.
fn action_label(a: &str) -> &'static str {
    match a {
        "register" => "受理",
        "dispatch" => "派单",
        "sign" => "签收",
        "start_handling" => "开始办理",
        "reply" => "答复",
        "send_back" => "退单",
        "settle" => "督办裁定",
        "request_extension" => "申请延期",
        "decide_extension" => "审批延期",
        "call_back" => "回访",
        "close" => "办结",
        "merge" => "并单",
        _ => "其他",
    }
}

/// The page of a ticket the user may see, with a message after an action.
pub async fn build(
    state: &AppState,
    user: &PageUser,
    id: i64,
    flash: Option<(bool, String)>,
) -> Result<TicketPage, ServiceError> {
    let s = &state.services;
    let v: TicketView = s.ticket_for(&user.access(), id).await?;
    let units = s.units().await?;
    let duplicates =
        if user.role == Role::HotlineAgent && v.record.ticket.state == TicketState::Registered {
            s.duplicate_candidates(&v.record.ticket.caller_phone, id)
                .await?
        } else {
            Vec::new()
        };
    let t = v.record.ticket.clone();
    let l = v.limits;
    let timeline = timeline(&v, &units, &*s.names().await?);
    let offered = Offered::of(&t, user.role, &user.unit);
    Ok(TicketPage {
        chrome: Chrome::for_user(user),
        max_extension_days: s.ticket_limits.max_extension_days,
        id,
        version: v.record.version,
        unit_name: t
            .lead_unit
            .as_deref()
            .map(|c| name_of(&units, c))
            .unwrap_or_default(),
        co_names: t
            .co_units
            .iter()
            .map(|c| name_of(&units, c))
            .collect::<Vec<_>>()
            .join("、"),
        clock: clock_badge(v.clock),
        limits: format!(
            "{}、{}：派单后 {} 小时内签收，{} 小时内响应，{} 个工作日内办结",
            t.kind.label_zh(),
            t.urgency.label_zh(),
            l.sign_hours,
            l.respond_hours,
            l.close_days
        ),
        sign_by: v.sign_by.map(local_minute).unwrap_or_default(),
        respond_by: v.respond_by.map(local_minute).unwrap_or_default(),
        close_by: v.close_by.map(|d| d.to_string()).unwrap_or_default(),
        send_backs: t
            .send_backs
            .iter()
            .map(|b| {
                (
                    local_minute(b.at),
                    name_of(&units, &b.unit),
                    b.reason.clone(),
                )
            })
            .collect(),
        extensions: extension_rows(&t),
        timeline,
        duplicates: duplicates.iter().map(|d| Row::of(d, &units)).collect(),
        has_forms: offered.any(),
        offered,
        units: units
            .iter()
            .filter(|u| {
                matches!(
                    u.kind,
                    UnitKind::Department | UnitKind::Town | UnitKind::Street
                )
            })
            .map(|u| (u.code.as_str().to_owned(), u.name.clone()))
            .collect(),
        ratings: Rating::ALL
            .iter()
            .map(|r| (r.as_str(), r.label_zh()))
            .collect(),
        flash,
        t,
    })
}

/// The ticket's timeline: when, who (by name, for which unit), what.
fn timeline(v: &TicketView, units: &[Unit], names: &Names) -> Vec<Line> {
    v.timeline
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|e| Line {
            at: local_minute(e.at),
            who: format!(
                "{}（{}）",
                names.user(&e.actor),
                name_of(units, &e.actor_unit)
            ),
            action: action_label(&e.action).to_owned(),
            to: e.to_state.label_zh(),
        })
        .collect()
}

/// Each extension asked for: days, reason, and whether it was granted.
fn extension_rows(t: &Ticket) -> Vec<(u32, String, &'static str)> {
    t.extensions
        .iter()
        .map(|e| {
            let status = match e.approved {
                None => "待审批",
                Some(true) => "已批准",
                Some(false) => "未批准",
            };
            (e.days, e.reason.clone(), status)
        })
        .collect()
}

/// `?done=` after a successful action.
#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    done: String,
}

/// GET /hotline/{id}
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Query(q): Query<Done>,
) -> Response {
    if let Err(r) = user.require(HOTLINE_ROLES) {
        return r;
    }
    let flash = (!q.done.is_empty()).then(|| (true, format!("已办理：{}", action_label(&q.done))));
    match build(&state, &user, id, flash).await {
        Ok(p) => (StatusCode::OK, render(&p)).into_response(),
        Err(e) => ticket_error_page(&e),
    }
}
