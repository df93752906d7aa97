//! Every role × every route: each page and API route the router serves is
//! given a gate below, and every user of [`USERS`](super::USERS) (plus
//! someone not signed in) asks it. The test fails when a route has no gate,
//! so a page added later must say who may use it.
//!
//! What each refusal looks like:
//! - not signed in: a page GET goes to `/login`, a page POST is refused for
//!   the missing CSRF token (403), the API says 401;
//! - signed in with a role the route is not for: 403;
//! - the right role but a case outside the user's scope: 404, exactly as
//!   for a case that does not exist (someone else's data is never shown);
//! - allowed: the handler runs — anything but a refusal, a sign-in redirect
//!   or a server error (an empty form comes back refused for its content).

use std::collections::{BTreeSet, HashMap};

use app::service::hotline::TicketInput;
use app::service::uploads;
use app::service::{Access, CreateCase, RateInput};
use axum::http::{Method, StatusCode};
use chrono::Utc;
use domain::case::{Action, CaseResult, Channel};
use domain::evaluation::RatingChannel;
use domain::hotline::{TicketAction, TicketChannel, TicketType, Urgency};
use domain::unit::Role;
use store::{Actor, RectificationFilter, Scope};

use super::{App, Browser, USERS, apps, form};

/// Who may use a route.
#[derive(Clone, Copy)]
enum Gate {
    /// Everyone, signed in or not.
    Public,
    /// Someone not signed in; a signed-in user is sent on (303).
    Guest,
    /// The sign-in form's POST: anyone may try; the walk's empty form is
    /// refused as a failed sign-in (401, or 429 once the address has failed
    /// too often).
    SignIn,
    /// Any signed-in user.
    SignedIn,
    /// Signed-in users with one of these roles.
    Roles(&'static [Role]),
    /// These roles, for a case in the user's scope (which case: the path
    /// says); out of scope is 404, as for a case that does not exist.
    InScope(&'static [Role]),
    /// Scope first (404 outside it, whatever the role), then these roles
    /// for the action sent (403).
    ScopeThenRoles(&'static [Role]),
    /// Nobody by session: the route takes an Open311 api_key (403 without).
    ApiKey,
    /// The staff case page and its actions: staff with the case in scope
    /// (404 outside it); an applicant is sent on to /mine/{id} (GET) or
    /// refused (POST), whichever case it is.
    StaffCase,
    /// These roles, for a unit within the user's reach; another unit's
    /// inbox is refused (403): the unit exists, its work is not theirs.
    OwnUnit(&'static [Role]),
}

const STAFF: &[Role] = &[
    Role::WindowClerk,
    Role::Approver,
    Role::DepartmentHead,
    Role::Supervisor,
    Role::HotlineAgent,
    Role::Inspector,
    Role::Admin,
];
const EVERYONE: &[Role] = &[
    Role::Applicant,
    Role::WindowClerk,
    Role::Approver,
    Role::DepartmentHead,
    Role::Supervisor,
    Role::HotlineAgent,
    Role::Inspector,
    Role::Admin,
];
const APPLICANT: &[Role] = &[Role::Applicant];
const CLERK: &[Role] = &[Role::WindowClerk];
const BACK_OFFICE: &[Role] = &[Role::Approver, Role::DepartmentHead];
const SUPERVISOR: &[Role] = &[Role::Supervisor];
const INSPECTOR: &[Role] = &[Role::Inspector];
/// Who works rectification orders: the responsible unit's approvers and
/// head, the hall's clerks (for a window's own 差评), the supervisor.
const ORDER_ROLES: &[Role] = &[
    Role::Approver,
    Role::DepartmentHead,
    Role::WindowClerk,
    Role::Supervisor,
];
/// Who sees hotline tickets: the agents, the supervisor and the admin all of
/// them, a unit's approvers and head those their unit holds.
const HOTLINE_ROLES: &[Role] = &[
    Role::HotlineAgent,
    Role::Supervisor,
    Role::Admin,
    Role::Approver,
    Role::DepartmentHead,
];
const AGENT: &[Role] = &[Role::HotlineAgent];
/// Who records a rating on a phone or a PC through the API: the applicant
/// (the hotline records only ratings given by phone or SMS).
const RATERS: &[Role] = &[Role::Applicant];
const ADMIN: &[Role] = &[Role::Admin];
const CATALOG_OWNERS: &[Role] = &[Role::Admin, Role::Supervisor];
/// Who may open a case: applicants for their own, the opening roles.
const OPENERS: &[Role] = &[Role::Applicant, Role::WindowClerk];
/// County-wide lists and counts: not for applicants.
const COUNTS: &[Role] = STAFF;

/// (method, path as routed, path asked, gate). `{A}`/`{B}` are the fixture
/// cases of `access.rs`: A applied online by zhangwei and waiting for 预审 at
/// the county hall; B accepted at the 观里镇 window.
const GATES: &[(&str, &str, &str, Gate)] = &[
    // Public pages and documents.
    ("GET", "/", "/", Gate::Public),
    ("GET", "/catalog", "/catalog?q=营业执照", Gate::Public),
    (
        "GET",
        "/catalog/{code}",
        "/catalog/QX-SCJG-001",
        Gate::Public,
    ),
    ("GET", "/track", "/track", Gate::Public),
    ("GET", "/healthz", "/healthz", Gate::Public),
    (
        "GET",
        "/api/openapi.json",
        "/api/openapi.json",
        Gate::Public,
    ),
    ("GET", "/api/docs", "/api/docs", Gate::Public),
    // Signing in and out, registering.
    ("GET", "/login", "/login", Gate::Guest),
    ("POST", "/login", "/login", Gate::SignIn),
    ("GET", "/register", "/register", Gate::Guest),
    // A signed-in user may post the form too; the empty one is refused (422).
    ("POST", "/register", "/register", Gate::Public),
    ("POST", "/logout", "/logout", Gate::SignedIn),
    // 查找办件: staff search within their scope; an applicant is sent to /mine.
    ("GET", "/search", "/search?q={A}", Gate::SignedIn),
    // One's own password: anyone signed in (the walk's empty form is refused).
    ("GET", "/password", "/password", Gate::SignedIn),
    ("POST", "/password", "/password", Gate::SignedIn),
    // Applicants.
    // `/apply` sends everyone to the catalog, where each matter links its form.
    ("GET", "/apply", "/apply", Gate::Public),
    (
        "GET",
        "/apply/{code}",
        "/apply/QX-SCJG-001",
        Gate::Roles(APPLICANT),
    ),
    (
        "POST",
        "/apply/{code}",
        "/apply/QX-SCJG-001",
        Gate::Roles(APPLICANT),
    ),
    ("GET", "/mine", "/mine", Gate::Roles(APPLICANT)),
    ("GET", "/mine/{id}", "/mine/{A}", Gate::InScope(APPLICANT)),
    // A case's uploaded file: whoever has the case in scope, as its page.
    (
        "GET",
        "/mine/{id}/files/{file}",
        "/mine/{A}/files/{F}",
        Gate::InScope(EVERYONE),
    ),
    (
        "GET",
        "/cases/{id}/files/{file}",
        "/cases/{A}/files/{F}",
        Gate::InScope(EVERYONE),
    ),
    (
        "GET",
        "/mine/{id}/supplement",
        "/mine/{A}/supplement",
        Gate::InScope(APPLICANT),
    ),
    (
        "POST",
        "/mine/{id}/supplement",
        "/mine/{A}/supplement",
        Gate::InScope(APPLICANT),
    ),
    // The case page and its actions: staff with the case in scope; an
    // applicant follows their case on /mine/{id}. Its notices: whoever has
    // the case in scope.
    ("GET", "/cases/{id}", "/cases/{A}", Gate::StaffCase),
    ("POST", "/cases/{id}/act", "/cases/{A}/act", Gate::StaffCase),
    (
        "GET",
        "/cases/{id}/notice/{kind}",
        "/cases/{B}/notice/acceptance",
        Gate::InScope(EVERYONE),
    ),
    // The window.
    ("GET", "/window", "/window", Gate::Roles(CLERK)),
    (
        "GET",
        "/window/intake",
        "/window/intake?matter=QX-SCJG-001",
        Gate::Roles(CLERK),
    ),
    (
        "POST",
        "/window/intake",
        "/window/intake",
        Gate::Roles(CLERK),
    ),
    (
        "POST",
        "/window/outcome",
        "/window/outcome",
        Gate::Roles(CLERK),
    ),
    (
        "GET",
        "/window/receipt/{id}",
        "/window/receipt/{B}",
        Gate::InScope(CLERK),
    ),
    (
        "GET",
        "/window/review",
        "/window/review",
        Gate::Roles(CLERK),
    ),
    (
        "GET",
        "/window/review/{id}",
        "/window/review/{A}",
        Gate::InScope(CLERK),
    ),
    (
        "POST",
        "/window/review/{id}",
        "/window/review/{A}",
        Gate::InScope(CLERK),
    ),
    (
        "GET",
        "/window/visits",
        "/window/visits",
        Gate::Roles(CLERK),
    ),
    // Back office and supervision.
    ("GET", "/inbox", "/inbox", Gate::Roles(BACK_OFFICE)),
    ("GET", "/supervise", "/supervise", Gate::Roles(SUPERVISOR)),
    ("GET", "/inspect", "/inspect", Gate::Roles(INSPECTOR)),
    // 好差评: the 办结通知书 with its QR code, the rating page it opens (no
    // sign-in: the unguessable token is the key), the units' orders and the
    // supervisor's scores.
    (
        "GET",
        "/cases/{id}/notice/conclusion",
        "/cases/{D}/notice/conclusion",
        Gate::InScope(EVERYONE),
    ),
    ("GET", "/rate/{token}", "/rate/{T}", Gate::Public),
    ("POST", "/rate/{token}", "/rate/{T}", Gate::Public),
    (
        "GET",
        "/rectifications",
        "/rectifications",
        Gate::Roles(ORDER_ROLES),
    ),
    (
        "GET",
        "/rectifications/{id}",
        "/rectifications/{O}",
        Gate::InScope(ORDER_ROLES),
    ),
    (
        "POST",
        "/rectifications/{id}/act",
        "/rectifications/{O}/act",
        Gate::InScope(ORDER_ROLES),
    ),
    (
        "GET",
        "/supervise/evaluation",
        "/supervise/evaluation",
        Gate::Roles(SUPERVISOR),
    ),
    // The hall's rating device: its clerks hand it to the visitor.
    (
        "GET",
        "/window/ratings",
        "/window/ratings",
        Gate::Roles(CLERK),
    ),
    (
        "POST",
        "/window/ratings/{visit}",
        "/window/ratings/{V}",
        Gate::InScope(CLERK),
    ),
    // The 12345 hotline: agents register and dispatch, units work the
    // tickets they hold, the supervisor settles; a ticket outside one's
    // reach is 404 whatever the role.
    ("GET", "/hotline", "/hotline", Gate::Roles(HOTLINE_ROLES)),
    ("GET", "/hotline/new", "/hotline/new", Gate::Roles(AGENT)),
    ("POST", "/hotline/new", "/hotline/new", Gate::Roles(AGENT)),
    (
        "GET",
        "/hotline/figures",
        "/hotline/figures",
        Gate::Roles(HOTLINE_ROLES),
    ),
    (
        "GET",
        "/hotline/{id}",
        "/hotline/{K}",
        Gate::InScope(HOTLINE_ROLES),
    ),
    (
        "POST",
        "/hotline/{id}/act",
        "/hotline/{K}/act",
        Gate::InScope(HOTLINE_ROLES),
    ),
    // Open311 GeoReport v2: reading is public (no personal data); posting
    // needs an api_key, which no user's session replaces.
    (
        "GET",
        "/open311/v2/services.json",
        "/open311/v2/services.json",
        Gate::Public,
    ),
    (
        "GET",
        "/open311/v2/services/{file}",
        "/open311/v2/services/complaint.json",
        Gate::Public,
    ),
    (
        "GET",
        "/open311/v2/requests.json",
        "/open311/v2/requests.json",
        Gate::Public,
    ),
    (
        "POST",
        "/open311/v2/requests.json",
        "/open311/v2/requests.json",
        Gate::ApiKey,
    ),
    (
        "GET",
        "/open311/v2/requests/{file}",
        "/open311/v2/requests/{K}.json",
        Gate::Public,
    ),
    // Administration.
    ("GET", "/admin", "/admin", Gate::Roles(ADMIN)),
    ("GET", "/admin/units", "/admin/units", Gate::Roles(ADMIN)),
    ("POST", "/admin/units", "/admin/units", Gate::Roles(ADMIN)),
    ("GET", "/admin/users", "/admin/users", Gate::Roles(ADMIN)),
    ("POST", "/admin/users", "/admin/users", Gate::Roles(ADMIN)),
    (
        "GET",
        "/admin/users/{username}",
        "/admin/users/clerk.zhao",
        Gate::Roles(ADMIN),
    ),
    (
        "POST",
        "/admin/users/{username}",
        "/admin/users/clerk.zhao",
        Gate::Roles(ADMIN),
    ),
    (
        "POST",
        "/admin/users/{username}/password",
        "/admin/users/clerk.zhao/password",
        Gate::Roles(ADMIN),
    ),
    (
        "POST",
        "/admin/users/{username}/disabled",
        "/admin/users/clerk.zhao/disabled",
        Gate::Roles(ADMIN),
    ),
    (
        "GET",
        "/admin/calendar",
        "/admin/calendar",
        Gate::Roles(ADMIN),
    ),
    (
        "POST",
        "/admin/calendar",
        "/admin/calendar",
        Gate::Roles(ADMIN),
    ),
    (
        "GET",
        "/admin/catalog",
        "/admin/catalog",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/catalog/new",
        "/admin/catalog/new",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "POST",
        "/admin/catalog/new",
        "/admin/catalog/new",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/catalog/excel",
        "/admin/catalog/excel",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "POST",
        "/admin/catalog/excel",
        "/admin/catalog/excel",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/catalog/excel/export",
        "/admin/catalog/excel/export",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/catalog/{code}",
        "/admin/catalog/QX-SCJG-001",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "POST",
        "/admin/catalog/{code}",
        "/admin/catalog/QX-SCJG-001",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/catalog/{code}/versions/{version}",
        "/admin/catalog/QX-SCJG-001/versions/1",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "GET",
        "/admin/certificates",
        "/admin/certificates",
        Gate::Roles(CATALOG_OWNERS),
    ),
    (
        "POST",
        "/admin/certificates",
        "/admin/certificates",
        Gate::Roles(CATALOG_OWNERS),
    ),
    // The JSON API (with each user's token).
    ("GET", "/api/v1/matters", "/api/v1/matters", Gate::SignedIn),
    (
        "GET",
        "/api/v1/matters/search",
        "/api/v1/matters/search?q=社保",
        Gate::SignedIn,
    ),
    (
        "GET",
        "/api/v1/matters/{code}",
        "/api/v1/matters/QX-SCJG-001",
        Gate::SignedIn,
    ),
    (
        "POST",
        "/api/v1/cases",
        "/api/v1/cases",
        Gate::Roles(OPENERS),
    ),
    ("GET", "/api/v1/cases", "/api/v1/cases", Gate::SignedIn),
    (
        "GET",
        "/api/v1/cases/warnings",
        "/api/v1/cases/warnings",
        Gate::SignedIn,
    ),
    (
        "GET",
        "/api/v1/cases/overdue",
        "/api/v1/cases/overdue",
        Gate::SignedIn,
    ),
    (
        "GET",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{A}",
        Gate::InScope(EVERYONE),
    ),
    (
        "POST",
        "/api/v1/cases/{id}/actions",
        "/api/v1/cases/{A}/actions",
        Gate::InScope(EVERYONE),
    ),
    (
        "GET",
        "/api/v1/units/{code}/inbox",
        "/api/v1/units/zgb/inbox",
        Gate::OwnUnit(COUNTS),
    ),
    (
        "GET",
        "/api/v1/sla/counts",
        "/api/v1/sla/counts",
        Gate::Roles(COUNTS),
    ),
    (
        "GET",
        "/api/v1/tickets",
        "/api/v1/tickets",
        Gate::Roles(HOTLINE_ROLES),
    ),
    (
        "POST",
        "/api/v1/tickets",
        "/api/v1/tickets",
        Gate::Roles(AGENT),
    ),
    (
        "GET",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{K}",
        Gate::InScope(EVERYONE),
    ),
    (
        "POST",
        "/api/v1/tickets/{id}/actions",
        "/api/v1/tickets/{K}/actions",
        Gate::ScopeThenRoles(AGENT),
    ),
    (
        "GET",
        "/api/v1/hotline/figures",
        "/api/v1/hotline/figures",
        Gate::Roles(HOTLINE_ROLES),
    ),
    // The body rates case A: its applicant only (another's case is 404).
    (
        "POST",
        "/api/v1/ratings",
        "/api/v1/ratings",
        Gate::InScope(RATERS),
    ),
    (
        "GET",
        "/api/v1/rectifications",
        "/api/v1/rectifications",
        Gate::Roles(ORDER_ROLES),
    ),
    (
        "GET",
        "/api/v1/rectifications/{id}",
        "/api/v1/rectifications/{O}",
        Gate::InScope(ORDER_ROLES),
    ),
    (
        "POST",
        "/api/v1/rectifications/{id}/actions",
        "/api/v1/rectifications/{O}/actions",
        Gate::InScope(ORDER_ROLES),
    ),
    (
        "GET",
        "/api/v1/evaluation/scores",
        "/api/v1/evaluation/scores?from=2026-01-01&to=2026-12-31",
        Gate::Roles(SUPERVISOR),
    ),
];

/// The role of each user of the fixture.
fn role(user: &str) -> Role {
    match user {
        "zhangwei" | "wangfang" => Role::Applicant,
        "clerk" | "clerk.guanli" => Role::WindowClerk,
        "approver.scjg" | "approver.zjj" => Role::Approver,
        "head.scjg" => Role::DepartmentHead,
        "supervisor" => Role::Supervisor,
        "hotline" => Role::HotlineAgent,
        "inspector.scjg" => Role::Inspector,
        "admin" => Role::Admin,
        other => panic!("no role for {other}"),
    }
}

/// Whose scope the thing a path names lies in (for [`Gate::InScope`]).
fn in_scope(user: &str, asked: &str) -> bool {
    // Case A: zhangwei's online application for 开办美容美发店 (QX-ZGB-106),
    // responsible unit zgb (the county hall, also where online applications
    // are received), reviewed by scjg and wjj; county-wide roles see all.
    const A: &[&str] = &[
        "zhangwei",
        "clerk",
        "approver.scjg",
        "head.scjg",
        "inspector.scjg",
        "supervisor",
        "hotline",
        "admin",
    ];
    // Case B: 企业设立登记 (scjg) accepted at the 观里镇 window.
    // The county hall's clerks (zgb) may look up any case.
    const B: &[&str] = &[
        "clerk",
        "clerk.guanli",
        "approver.scjg",
        "head.scjg",
        "inspector.scjg",
        "supervisor",
        "hotline",
        "admin",
    ];
    // The zgb inbox: its own staff and the county-wide roles.
    const ZGB_INBOX: &[&str] = &["clerk", "supervisor", "hotline", "admin"];
    // The rectification order of a 差评 of D: scjg's (the responsible unit).
    const ORDER: &[&str] = &["approver.scjg", "head.scjg", "supervisor"];
    // Ticket K, led by scjg: its staff, and the hotline-wide roles.
    const TICKET: &[&str] = &[
        "approver.scjg",
        "head.scjg",
        "hotline",
        "supervisor",
        "admin",
    ];
    let who = if asked.contains("{A}") || asked == "/api/v1/ratings" {
        A
    } else if asked.contains("{B}") || asked.contains("{D}") {
        B
    } else if asked.contains("{V}") {
        // A visit at the 观里镇 hall: its own clerks' device.
        &["clerk.guanli"]
    } else if asked.contains("{O}") {
        ORDER
    } else if asked.contains("{K}") {
        TICKET
    } else if asked.contains("/units/zgb/") {
        ZGB_INBOX
    } else {
        panic!("no scope for {asked}")
    };
    who.contains(&user)
}

/// What `user` (`-`: not signed in) must get from a route.
#[derive(Debug, PartialEq)]
enum Want {
    /// The handler ran: a page, a redirect onwards, or the request refused
    /// for its content.
    Allowed,
    /// A failed sign-in: 401, or 429 when the attempts are limited.
    SignInRefused,
    TooMany,
    SentOn,
    Login,
    Unauthorized,
    Forbidden,
    NotFound,
}

fn want(user: &str, method: &str, asked: &str, gate: Gate) -> Want {
    let api = asked.starts_with("/api/v1/");
    if user == "-" {
        return match gate {
            Gate::Public | Gate::Guest if method == "GET" => Want::Allowed,
            // No session, so no CSRF token: refused before anything else.
            _ if method == "POST" && !api => Want::Forbidden,
            _ if api => Want::Unauthorized,
            _ => Want::Login,
        };
    }
    match gate {
        Gate::Public | Gate::SignedIn => Want::Allowed,
        Gate::Guest => Want::SentOn,
        Gate::SignIn => Want::SignInRefused,
        Gate::Roles(roles) if roles.contains(&role(user)) => Want::Allowed,
        Gate::StaffCase if role(user) == Role::Applicant => {
            if method == "GET" {
                Want::SentOn
            } else {
                Want::Forbidden
            }
        }
        Gate::StaffCase if in_scope(user, asked) => Want::Allowed,
        Gate::StaffCase => Want::NotFound,
        Gate::InScope(roles) if roles.contains(&role(user)) => {
            if in_scope(user, asked) {
                Want::Allowed
            } else {
                Want::NotFound
            }
        }
        Gate::ScopeThenRoles(_) if !in_scope(user, asked) => Want::NotFound,
        Gate::ScopeThenRoles(roles) if roles.contains(&role(user)) => Want::Allowed,
        Gate::OwnUnit(roles) if roles.contains(&role(user)) && in_scope(user, asked) => {
            Want::Allowed
        }
        Gate::Roles(_)
        | Gate::InScope(_)
        | Gate::ScopeThenRoles(_)
        | Gate::OwnUnit(_)
        | Gate::ApiKey => Want::Forbidden,
    }
}

/// The JSON body an API POST sends: one that a permitted user gets refused
/// for its content or state, so the walk changes nothing.
fn api_body(asked: &str) -> String {
    let body = if asked.starts_with("/api/v1/ratings") {
        // Case A is not concluded: refused for its state for whoever may rate.
        r#"{"case_id": {A}, "rating": "satisfied", "channel": "mobile"}"#
    } else if asked.starts_with("/api/v1/rectifications/") {
        // An order waiting to be checked cannot be called back yet: 409.
        r#"{"action": "call_back", "applicant_said": "申请人表示满意", "satisfied": true}"#
    } else if asked.starts_with("/api/v1/tickets/") {
        // A dispatched ticket cannot be closed: 409 for whoever may see it.
        r#"{"action": "close"}"#
    } else if asked.starts_with("/api/v1/tickets") {
        // No text: refused for its content (422) for the hotline agent.
        r#"{"kind": "complaint", "channel": "phone", "urgency": "normal", "caller_name": "王女士", "text": ""}"#
    } else if asked.ends_with("/actions") {
        // A case waiting for 预审 cannot be decided: 409 for whoever may see it.
        r#"{"action": "decide", "approve": true}"#
    } else {
        // A credit code with a wrong check character: refused for its
        // content (422) for whoever may open cases.
        r#"{"matter": "QX-SCJG-001", "channel": "online",
            "applicant": {"kind": "enterprise", "name": "某公司", "credit_code": "91350100M000100Y44"}}"#
    };
    body.to_owned()
}

fn got(status: StatusCode, location: &str) -> Want {
    match status.as_u16() {
        401 => Want::Unauthorized,
        403 => Want::Forbidden,
        404 => Want::NotFound,
        429 => Want::TooMany,
        303 if location.starts_with("/login") => Want::Login,
        303 => Want::SentOn,
        s if s >= 500 => panic!("server error {s}"),
        _ => Want::Allowed,
    }
}

/// Routes whose forms are multipart (they take files).
const MULTIPART: &[&str] = &[
    "/apply/QX-SCJG-001",
    "/mine/{A}/supplement",
    "/admin/calendar",
    "/admin/catalog/excel",
];

/// Posts a page's form with only the CSRF token (none when empty), plus
/// the matter for the window's intake forms, so an allowed user's request
/// reaches the handler and is refused for its content.
async fn post_form(app: &App, b: &Browser, uri: &str, asked: &str, csrf: &str) -> super::Reply {
    let mut fields = vec![("csrf", csrf)];
    if asked.starts_with("/window/intake") || asked.starts_with("/window/outcome") {
        fields.push(("matter", "QX-SCJG-001"));
    }
    if !MULTIPART.contains(&asked) {
        return app.page(b, Method::POST, uri, Some(form(&fields))).await;
    }
    const BOUNDARY: &str = "----onewindow-walk";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(axum::http::header::COOKIE, b.cookie_header())
        .header(
            axum::http::header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap();
    app.send(req).await
}

/// What the later routes name, made through the services: D, a case like B
/// (accepted at the 观里镇 window, scjg's) concluded with a paper
/// certificate; T, the token of D's rating link; O, the rectification order
/// a 非常不满意 rating of D opened; K, a hotline ticket dispatched to scjg;
/// V, a window visit at the 观里镇 hall.
async fn fixtures(app: &App) -> HashMap<&'static str, String> {
    let s = &app.services;
    let actor = |username: &str, unit: &str| Actor {
        username: username.into(),
        unit: unit.into(),
    };
    let window = CreateCase {
        matter: "QX-SCJG-001".into(),
        channel: Channel::Window,
        applicant: super::applicant(4),
        intake_unit: None,
        intake: Some(Action::Accept {
            commitments: vec![],
        }),
    };
    let (d, _) = s
        .create_case(&actor("clerk.guanli", "guanli"), window, None)
        .await
        .unwrap();
    let id = d.record.id;
    for (i, step) in d.record.case.steps.iter().enumerate() {
        let done = Action::CompleteStep {
            step: i,
            opinion: "审查通过".into(),
        };
        let approver = actor(&format!("approver.{}", step.unit), &step.unit);
        s.act(&approver, id, None, done).await.unwrap();
    }
    let head = actor("head.scjg", "scjg");
    let decide = Action::Decide {
        approve: true,
        reason: String::new(),
    };
    s.act(&head, id, None, decide).await.unwrap();
    let issue = Action::Issue {
        result: CaseResult::Paper {
            number: "栖证000004".into(),
        },
    };
    s.act(&head, id, None, issue).await.unwrap();
    let token = s
        .store
        .rating_token(id, &"ab".repeat(32), Utc::now())
        .await
        .unwrap();
    let bad = RateInput {
        rating: Some("very_dissatisfied".into()),
        number: None,
        scale: None,
        channel: RatingChannel::QrCode,
        reasons: vec!["办事效率低".into()],
        comment: String::new(),
    };
    s.rate_by_token(&token, bad).await.unwrap();
    let orders = s
        .store
        .rectifications(&RectificationFilter::default())
        .await
        .unwrap();
    assert_eq!(orders.len(), 1, "the 差评 opened one order");
    let agent = Access {
        username: "hotline".into(),
        role: Role::HotlineAgent,
        unit: "zgb".into(),
        kind: domain::unit::UnitKind::Department,
        scope: Scope::All,
    };
    let call = TicketInput {
        kind: TicketType::Complaint,
        channel: TicketChannel::Phone,
        urgency: Urgency::Normal,
        category: "市场监管".into(),
        caller_name: "王女士".into(),
        caller_phone: "13900000000".into(),
        location: "栖霞市翠屏街道".into(),
        position: None,
        text: "超市售卖过期食品".into(),
    };
    let ticket = s.register_ticket(&agent, call).await.unwrap();
    let dispatch = TicketAction::Dispatch {
        lead_unit: "scjg".into(),
        co_units: vec![],
    };
    let ticket = s
        .ticket_act(&agent, ticket.record.id, None, dispatch)
        .await
        .unwrap();
    // V: a consultation at the 观里镇 hall, waiting for the visitor's rating.
    let consultation = store::Visit {
        at: Utc::now(),
        unit: "guanli".into(),
        clerk: "clerk.guanli".into(),
        applicant_id: "11010519491231002X".into(),
        matter_code: "QX-SCJG-001".into(),
        case_id: None,
        outcome: "consultation".into(),
    };
    let visit = s.store.record_visit(&consultation).await.unwrap();
    // F: a PDF zhangwei uploaded with case A.
    let a: i64 = app.path("{A}").parse().unwrap();
    let pdf = uploads::check(uploads::Received {
        material: "营业执照".into(),
        file_name: "营业执照.pdf".into(),
        size: 14,
        bytes: b"%PDF-1.4\n%%EOF".to_vec(),
    })
    .unwrap();
    let file = s
        .attach_files(a, vec![pdf], &actor("zhangwei", "qx"))
        .await
        .unwrap();
    HashMap::from([
        ("{F}", file[0].id.to_string()),
        ("{V}", visit.to_string()),
        ("{D}", id.to_string()),
        ("{T}", token),
        ("{O}", orders[0].id.to_string()),
        ("{K}", ticket.record.id.to_string()),
    ])
}

#[tokio::test]
async fn every_role_is_allowed_or_refused_on_every_route() {
    // Every served route has a gate, and every gate names a served route.
    let served: BTreeSet<(String, String)> = app::http::route_list()
        .into_iter()
        .chain(app::http::pages::route_list())
        .chain(app::http::open311::route_list())
        .map(|(m, p)| (m.to_string(), p.to_owned()))
        .collect();
    let gated: BTreeSet<(String, String)> = GATES
        .iter()
        .map(|(m, p, _, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        served.difference(&gated).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routes without a gate in GATES"
    );
    assert_eq!(
        gated.difference(&served).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "gates for routes the router does not serve"
    );

    for app in apps().await {
        let bk = app.backend;
        let more = fixtures(&app).await;
        let fill = |p: &str| more.iter().fold(app.path(p), |p, (k, v)| p.replace(k, v));
        let mut browsers: HashMap<&str, Browser> = HashMap::new();
        browsers.insert("-", Browser::default());
        for user in USERS {
            browsers.insert(user, app.signed_in(user).await);
        }
        let mut wrong = Vec::new();
        let mut refused = 0;
        let mut allowed = 0;
        for (method, _, asked, gate) in GATES {
            for user in std::iter::once(&"-").chain(USERS) {
                let expected = want(user, method, asked, *gate);
                let uri = fill(asked);
                let m: Method = method.parse().unwrap();
                let r = if asked.starts_with("/api/v1/") {
                    let body = (m == Method::POST).then(|| {
                        serde_json::from_str::<serde_json::Value>(&fill(&api_body(asked))).unwrap()
                    });
                    app.api(user, m, &uri, body.as_ref()).await
                } else {
                    // Signing out ends a session: use a fresh one for it.
                    let b = if *asked == "/logout" && *user != "-" {
                        app.signed_in(user).await
                    } else {
                        browsers[user].clone()
                    };
                    if m == Method::GET {
                        app.page(&b, m, &uri, None).await
                    } else {
                        let csrf = if *user == "-" {
                            String::new()
                        } else {
                            app.session_csrf(&b).await
                        };
                        post_form(&app, &b, &uri, asked, &csrf).await
                    }
                };
                // Open311 is public: the caller's name and phone never show.
                if uri.starts_with("/open311/") {
                    assert!(
                        !r.text.contains("13900000000") && !r.text.contains("王女士"),
                        "[{bk}] {uri} shows the caller: {}",
                        r.text
                    );
                }
                let seen = got(r.status, r.location());
                let fits = match expected {
                    Want::Allowed => matches!(seen, Want::Allowed | Want::SentOn),
                    Want::SignInRefused => matches!(seen, Want::Unauthorized | Want::TooMany),
                    _ => seen == expected,
                };
                if !fits {
                    let head: String = r.text.chars().take(300).collect();
                    wrong.push(format!(
                        "[{bk}] {user} {method} {uri}: want {expected:?}, got {} {head}",
                        r.status
                    ));
                    continue;
                }
                if expected == Want::Allowed {
                    allowed += 1;
                } else {
                    refused += 1;
                    // A refusal never carries the refused thing's data.
                    if asked.contains("{A}") {
                        assert!(
                            !r.text.contains("栖霞市测试企业1"),
                            "[{bk}] {user} {method} {uri} leaked case A"
                        );
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        // Both kinds are exercised on every backend.
        assert!(allowed > 100 && refused > 300, "[{bk}] {allowed} {refused}");
    }
}
