//! 接诉即办 pages. The hotline agent registers calls (`/hotline/new`), sees
//! every ticket with its clock (`/hotline`), dispatches, re-dispatches
//! sent-back tickets, decides extensions, merges duplicates, calls back and
//! closes (`/hotline/{id}`); a unit's approvers and heads see the tickets
//! their unit leads or co-operates on, sign, reply, send back with a reason
//! and ask for more time; the supervisor settles twice-bounced tickets; the
//! figures per unit are at `/hotline/figures`. Which forms a ticket page
//! offers follows the domain's rules; the domain decides on every post.

mod act;
mod figures;
mod list;
mod register;
mod ticket;

use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use domain::unit::Role;

use super::common::rows::{refusal, refusal_page};
use crate::http::api::Route;
use crate::service::ServiceError;

/// Roles that use the hotline pages at all.
pub const HOTLINE_ROLES: &[Role] = &[
    Role::HotlineAgent,
    Role::Supervisor,
    Role::Admin,
    Role::Approver,
    Role::DepartmentHead,
];

/// The hotline page routes.
pub fn routes() -> Vec<Route> {
    vec![
        (Method::GET, "/hotline", get(list::page)),
        (Method::GET, "/hotline/new", get(register::form)),
        (Method::POST, "/hotline/new", post(register::submit)),
        (Method::GET, "/hotline/figures", get(figures::page)),
        (Method::GET, "/hotline/{id}", get(ticket::page)),
        (Method::POST, "/hotline/{id}/act", post(act::submit)),
    ]
}

/// What a missing ticket, or one out of scope, reads as.
const TICKET_MISSING: &str = "工单不存在或不在您的办理范围内";

/// A refusal as (status, Chinese message); a ticket out of scope reads as missing.
pub fn ticket_refusal(e: &ServiceError) -> (StatusCode, String) {
    let r = refusal(e, TICKET_MISSING);
    (r.status, r.message)
}

/// The error page for a refusal.
pub fn ticket_error_page(e: &ServiceError) -> Response {
    refusal_page(e, TICKET_MISSING)
}

/// "正常" etc. with its badge class.
pub fn clock_badge(c: crate::service::hotline::ClockStatus) -> (&'static str, &'static str) {
    use crate::service::hotline::ClockStatus as C;
    let class = match c {
        C::Normal => "sla-normal",
        C::Warning => "sla-warning",
        C::Overdue => "sla-overdue",
        C::NotStarted | C::Stopped => "",
    };
    (c.label_zh(), class)
}
