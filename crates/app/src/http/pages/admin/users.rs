//! `/admin/users`: every account with its role, unit and whether it can sign
//! in, and a form to create a staff account with an initial password.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::unit::{Role, UnitCode, User};
use serde::Deserialize;
use store::{Account, StoreError};

use super::fields::Errors;
use super::units::{UnitRow, tree};
use super::{ADMIN, Flash, service_error_page, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;
use crate::service::{ServiceError, Services};

/// One account in the list.
#[derive(Debug, Clone)]
pub struct UserRow {
    /// Login name.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Role, in Chinese.
    pub role: &'static str,
    /// The unit's name.
    pub unit_name: String,
    /// 可登录, 已停用 or 未设密码.
    pub status: &'static str,
    /// Whether the account can sign in now.
    pub can_sign_in: bool,
}

/// Whether an account can sign in, in Chinese.
pub fn status(account: &Account) -> (&'static str, bool) {
    match (account.disabled, account.password_hash.is_some()) {
        (true, _) => ("已停用", false),
        (false, false) => ("未设密码", false),
        (false, true) => ("可登录", true),
    }
}

/// The new-account form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    rows: Vec<UserRow>,
    units: Vec<UnitRow>,
    roles: Vec<Role>,
    form: NewUserForm,
    errors: Errors,
}

/// The roles staff accounts may have (applicants register themselves).
pub fn staff_roles() -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|r| *r != Role::Applicant)
        .collect()
}

/// GET /admin/users.
pub async fn list(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    show(
        &state,
        &user,
        None,
        NewUserForm::default(),
        Errors::default(),
    )
    .await
}

/// POST /admin/users: creates a staff account.
pub async fn create(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<NewUserForm>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let new = match check(&form) {
        Ok(u) => u,
        Err(errors) => return show(&state, &user, None, form, errors).await,
    };
    let s = &state.services;
    match s
        .create_staff(&user.actor(), &new, Some(&form.password))
        .await
    {
        Ok(()) => {
            tracing::info!(admin = %user.username, user = %new.username, role = new.role.as_str(), "staff account created");
            let flash = Flash::ok(format!(
                "已创建账号 {}（{}，{}），可用初始密码登录",
                new.username,
                new.display_name,
                new.role.label_zh()
            ));
            show(
                &state,
                &user,
                flash,
                NewUserForm::default(),
                Errors::default(),
            )
            .await
        }
        Err(e) => match field_of(&e) {
            Some(field) => {
                let mut errors = Errors::default();
                errors.add(field, message_of(&e));
                show(&state, &user, None, form, errors).await
            }
            None => service_error_page(&e),
        },
    }
}

/// The account a form describes (the username is checked on creation), or
/// what is wrong with it.
fn check(form: &NewUserForm) -> Result<User, Errors> {
    let mut errors = Errors::default();
    let name = form.display_name.trim();
    if name.is_empty() {
        errors.add("display_name", "请填写姓名");
    } else if name.chars().count() > 50 {
        errors.add("display_name", "姓名不能超过 50 个字");
    }
    let role = Role::parse(&form.role).filter(|r| *r != Role::Applicant);
    if role.is_none() {
        errors.add("role", "请选择角色（申请人请自行注册）");
    }
    let unit = UnitCode::parse(form.unit.trim()).ok();
    if unit.is_none() {
        errors.add("unit", "请选择单位");
    }
    if form.password.is_empty() {
        errors.add("password", "请设置初始密码（至少 8 位）");
    }
    match (role, unit) {
        (Some(role), Some(unit)) if errors.is_empty() => Ok(User {
            username: form.username.trim().to_owned(),
            display_name: name.to_owned(),
            unit,
            role,
        }),
        _ => Err(errors),
    }
}

/// The form field a refused account change concerns, if it is the user's to fix.
pub fn field_of(e: &ServiceError) -> Option<&'static str> {
    match e {
        ServiceError::Refused {
            code: domain::ErrorCode::InvalidUsername,
            ..
        } => Some("username"),
        ServiceError::Refused {
            code: domain::ErrorCode::WeakPassword,
            ..
        } => Some("password"),
        ServiceError::Store(StoreError::Conflict(_)) => Some("username"),
        ServiceError::Store(StoreError::NotFound(_)) => Some("unit"),
        ServiceError::Store(StoreError::Invalid(_)) => Some(""),
        _ => None,
    }
}

fn message_of(e: &ServiceError) -> String {
    match e {
        ServiceError::Store(StoreError::Conflict(_)) => "该用户名已被使用，请换一个".to_owned(),
        ServiceError::Store(StoreError::NotFound(_)) => "所选单位不存在".to_owned(),
        other => other.to_string(),
    }
}

async fn show(
    state: &AppState,
    user: &PageUser,
    flash: Option<Flash>,
    form: NewUserForm,
    errors: Errors,
) -> Response {
    let s = &state.services;
    let (rows, units) = match (rows(s).await, s.store.units().await) {
        (Ok(r), Ok(u)) => (r, u),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UsersPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        rows,
        units: tree(&units, &[]),
        roles: staff_roles(),
        form,
        errors,
    };
    (status, render(&page)).into_response()
}

async fn rows(s: &Services) -> store::Result<Vec<UserRow>> {
    let users = s.store.users().await?;
    let units = s.store.units().await?;
    let mut rows = Vec::with_capacity(users.len());
    for u in users {
        let (status, can_sign_in) = status(&s.store.account(&u.username).await?);
        rows.push(UserRow {
            unit_name: units
                .iter()
                .find(|x| x.code == u.unit)
                .map_or_else(|| u.unit.to_string(), |x| x.name.clone()),
            username: u.username,
            display_name: u.display_name,
            role: u.role.label_zh(),
            status,
            can_sign_in,
        });
    }
    Ok(rows)
}
