//! The rectification inbox (`/rectifications`) and one order's page
//! (`/rectifications/{id}`): the responsible unit's staff see only their
//! own unit's orders (another unit's is the same 404 as one that does not
//! exist), the supervisor sees every unit's. Each order shows the 差评 that
//! opened it and only the actions the domain allows this role in its state.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::evaluation::RectificationAction;
use domain::unit::Role;

use super::failure;
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::common::form::FormData;
use crate::http::pages::common::rows::Names;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::{OrderView, ServiceError};

const MISSING: &str = "整改单不存在或不属于本单位。";
const ROLES: &[Role] = &[
    Role::Approver,
    Role::DepartmentHead,
    Role::WindowClerk,
    Role::Supervisor,
];

/// One order as a list row or page shows it.
pub struct OrderRow {
    /// Order id.
    pub id: i64,
    /// Stored version (sent back with an action).
    pub version: i64,
    /// State, in Chinese.
    pub state: &'static str,
    /// Closed.
    pub closed: bool,
    /// How it ended, in Chinese (empty while open).
    pub outcome: &'static str,
    /// 超期.
    pub overdue: bool,
    /// Responsible unit's name.
    pub unit: String,
    /// Opened on, due by.
    pub opened_on: String,
    /// Due by.
    pub deadline: String,
    /// The 差评's level, in Chinese.
    pub level: &'static str,
    /// Its reasons, joined.
    pub reasons: String,
    /// Its comment.
    pub comment: String,
    /// Its channel, in Chinese.
    pub channel: &'static str,
    /// The matter's name.
    pub matter: String,
    /// The hall's name.
    pub window: String,
    /// The staff member rated.
    pub staff: String,
    /// Rated on.
    pub rated_on: String,
    /// The case rated, if a case.
    pub case_id: Option<i64>,
}

impl OrderRow {
    /// The row of an order.
    pub fn of(v: &OrderView, names: &Names) -> Self {
        let o = &v.record.order;
        let r = &v.rating.rating;
        Self {
            id: v.record.id,
            version: v.record.version,
            state: o.state.label_zh(),
            closed: o.outcome.is_some(),
            outcome: o.outcome.map_or("", |x| x.label_zh()),
            overdue: v.overdue,
            unit: names.unit(&o.unit),
            opened_on: o.opened_on.to_string(),
            deadline: o.deadline.to_string(),
            level: r.rating.label_zh(),
            reasons: r.reasons.join("；"),
            comment: r.comment.clone(),
            channel: r.channel.label_zh(),
            matter: names.matter(&r.matter_code),
            window: names.unit(&r.window_unit),
            staff: r.staff.clone(),
            rated_on: r.rated_on.to_string(),
            case_id: match r.subject {
                store::RatedThing::Case(id) => Some(id),
                store::RatedThing::Visit(_) => None,
            },
        }
    }
}

#[derive(Template)]
#[template(path = "rectification_list.html")]
struct ListPage {
    chrome: Chrome,
    title: String,
    rows: Vec<OrderRow>,
    show_unit: bool,
}

/// GET /rectifications: the unit's orders (every unit's for the supervisor).
pub async fn list(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(r) = user.require(ROLES) {
        return r;
    }
    let s = &state.services;
    let (views, names) = match (
        s.rectifications_for(&user.access(), false).await,
        s.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) | (_, Err(e)) => return failure(&e, MISSING),
    };
    let supervisor = user.role == Role::Supervisor;
    render(&ListPage {
        chrome: Chrome::for_user(&user),
        title: if supervisor {
            "差评整改 · 全部单位".to_owned()
        } else {
            format!("差评整改 · {}", user.unit_name)
        },
        rows: views.iter().map(|v| OrderRow::of(v, &names)).collect(),
        show_unit: supervisor,
    })
}

#[derive(Template)]
#[template(path = "rectification_order.html")]
struct OrderPage {
    chrome: Chrome,
    o: OrderRow,
    view: OrderView,
    /// The actions this user may take now: (name, label, what the text says).
    actions: Vec<(&'static str, &'static str, &'static str)>,
    error: String,
    done: bool,
}

/// Every action by name, with its label and the text it asks for.
const ACTIONS: &[(&str, &str, &str)] = &[
    ("verify", "核实属实，开始整改", "核实情况"),
    ("report_rectified", "报告已整改", "整改措施"),
    ("report_cannot", "报告无法整改", "无法整改的原因"),
    ("appeal", "申诉为无效差评", "申诉理由"),
    ("uphold_appeal", "认定无效差评（办结）", "督办意见"),
    ("reject_appeal", "驳回申诉，继续整改", "督办意见"),
    ("call_back", "回访申请人并办结", "回访记录（申请人的意见）"),
];

fn action_of(name: &str, text: &str, satisfied: bool) -> Option<RectificationAction> {
    use RectificationAction as A;
    let t = text.to_owned();
    Some(match name {
        "verify" => A::Verify { finding: t },
        "report_rectified" => A::ReportRectified { measures: t },
        "report_cannot" => A::ReportCannot { reason: t },
        "appeal" => A::Appeal { reason: t },
        "uphold_appeal" => A::UpholdAppeal { note: t },
        "reject_appeal" => A::RejectAppeal { note: t },
        "call_back" => A::CallBack {
            applicant_said: t,
            satisfied,
        },
        _ => return None,
    })
}

/// The actions the domain allows `role` on the order today.
fn offered(
    view: &OrderView,
    role: Role,
    today: chrono::NaiveDate,
) -> Vec<(&'static str, &'static str, &'static str)> {
    ACTIONS
        .iter()
        .filter(|(name, ..)| {
            action_of(name, "-", true).is_some_and(|a| {
                a.allowed_for(role) && view.record.order.apply(&a, today, "-").is_ok()
            })
        })
        .copied()
        .collect()
}

async fn order_page(
    state: &AppState,
    user: &PageUser,
    id: i64,
    status: StatusCode,
    error: String,
    done: bool,
) -> Response {
    let s = &state.services;
    let (view, names) = match (
        s.rectification_for(&user.access(), id).await,
        s.names().await,
    ) {
        (Ok(v), Ok(n)) => (v, n),
        (Err(e), _) | (_, Err(e)) => return failure(&e, MISSING),
    };
    let page = OrderPage {
        chrome: Chrome::for_user(user),
        o: OrderRow::of(&view, &names),
        actions: offered(&view, user.role, s.today()),
        view,
        error,
        done,
    };
    (status, render(&page)).into_response()
}

/// GET /rectifications/{id}: one order with the actions open to the user.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    q: axum::extract::Query<Done>,
) -> Response {
    if let Err(r) = user.require(ROLES) {
        return r;
    }
    order_page(
        &state,
        &user,
        id,
        StatusCode::OK,
        String::new(),
        q.done.is_some(),
    )
    .await
}

/// `?done=1` after an action went through.
#[derive(Debug, serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

/// POST /rectifications/{id}/act: takes one action; a refusal comes back on
/// the order's page in Chinese, and nothing is written.
pub async fn act(
    State(state): State<AppState>,
    user: PageUser,
    PagePath(id): PagePath<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = user.require(ROLES) {
        return r;
    }
    let f = FormData::new(fields);
    let Some(action) = action_of(f.get("action"), f.get("text"), f.get("satisfied") == "yes")
    else {
        return order_page(
            &state,
            &user,
            id,
            StatusCode::UNPROCESSABLE_ENTITY,
            "请选择要办理的操作".into(),
            false,
        )
        .await;
    };
    let version = f.get("version").parse().ok();
    match state
        .services
        .act_on_rectification(&user.access(), id, version, action)
        .await
    {
        Ok(_) => Redirect::to(&format!("/rectifications/{id}?done=1")).into_response(),
        Err(e @ ServiceError::Store(store::StoreError::NotFound(_))) => failure(&e, MISSING),
        Err(e) => {
            let r = crate::http::pages::common::rows::describe(&e);
            let message = if r.code == domain::ErrorCode::Conflict {
                "整改单已被他人修改，请查看最新情况后重试。".to_owned()
            } else {
                r.message
            };
            order_page(&state, &user, id, r.status, message, false).await
        }
    }
}
