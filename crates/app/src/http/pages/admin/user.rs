//! `/admin/users/{username}`: one account — change its name, role and unit,
//! reset its password, disable or enable it. An admin cannot take away their
//! own admin role or disable themselves, so the county is never locked out.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::unit::{Role, UnitCode, User};
use serde::Deserialize;
use store::StoreError;

use super::fields::Errors;
use super::units::{UnitRow, tree};
use super::users::{field_of, staff_roles, status};
use super::{ADMIN, Flash, service_error_page, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;

/// The change form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    role: String,
}

/// The reset-password form.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

/// The disable/enable form: `1` disables, `0` enables.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DisabledForm {
    #[serde(default)]
    disabled: String,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    username: String,
    unit_name: String,
    status: &'static str,
    disabled: bool,
    is_self: bool,
    form: ChangeForm,
    units: Vec<UnitRow>,
    roles: Vec<Role>,
    errors: Errors,
}

/// GET /admin/users/{username}.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    show(&state, &user, &username, None, None, Errors::default()).await
}

/// POST /admin/users/{username}: changes the name, role and unit.
pub async fn change(
    State(state): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
    Form(form): Form<ChangeForm>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let mut errors = Errors::default();
    let name = form.display_name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        errors.add("display_name", "请填写姓名（不超过 50 个字）");
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.add("role", "请选择角色");
    }
    if username == user.username && role.is_some_and(|r| r != Role::Admin) {
        errors.add("role", "不能取消自己的管理员角色，请由另一位管理员调整");
    }
    let unit = UnitCode::parse(form.unit.trim()).ok();
    if unit.is_none() {
        errors.add("unit", "请选择单位");
    }
    let (Some(role), Some(unit), true) = (role, unit, errors.is_empty()) else {
        return show(&state, &user, &username, None, Some(form), errors).await;
    };
    let changed = User {
        username: username.clone(),
        display_name: name.to_owned(),
        unit,
        role,
    };
    let s = &state.services;
    if let Err(e) = s.store.account(&username).await {
        return store_error_page(&e);
    }
    match s.put_user(&changed, &user.actor()).await {
        Ok(()) => {
            tracing::info!(admin = %user.username, user = %username, role = role.as_str(), unit = %changed.unit, "account changed");
            let flash = Flash::ok(format!(
                "已保存：{}，{}",
                changed.display_name,
                role.label_zh()
            ));
            show(&state, &user, &username, flash, None, Errors::default()).await
        }
        Err(StoreError::NotFound(_)) => {
            errors.add("unit", "所选单位不存在");
            show(&state, &user, &username, None, Some(form), errors).await
        }
        Err(e) => store_error_page(&e),
    }
}

/// POST /admin/users/{username}/password: sets a new password; the
/// account's sessions end.
pub async fn password(
    State(state): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let s = &state.services;
    match s
        .set_password(&user.actor(), &username, &form.password)
        .await
    {
        Ok(()) => {
            tracing::info!(admin = %user.username, user = %username, "password reset");
            let flash = Flash::ok("密码已重置，该用户已登录的会话均已退出");
            show(&state, &user, &username, flash, None, Errors::default()).await
        }
        Err(e) if field_of(&e) == Some("password") => {
            let mut errors = Errors::default();
            errors.add("password", e.to_string());
            show(&state, &user, &username, None, None, errors).await
        }
        Err(e) => service_error_page(&e),
    }
}

/// POST /admin/users/{username}/disabled: disables (`1`) or enables (`0`).
pub async fn disabled(
    State(state): State<AppState>,
    user: PageUser,
    Path(username): Path<String>,
    Form(form): Form<DisabledForm>,
) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let disable = form.disabled == "1";
    if disable && username == user.username {
        let flash = Flash::error("不能停用自己的账号");
        return show(&state, &user, &username, flash, None, Errors::default()).await;
    }
    let s = &state.services;
    match s.set_user_disabled(&user.actor(), &username, disable).await {
        Ok(()) => {
            tracing::info!(admin = %user.username, user = %username, disable, "account disabled or enabled");
            let flash = Flash::ok(if disable {
                "账号已停用，该用户已登录的会话均已退出"
            } else {
                "账号已启用"
            });
            show(&state, &user, &username, flash, None, Errors::default()).await
        }
        Err(e) => service_error_page(&e),
    }
}

async fn show(
    state: &AppState,
    user: &PageUser,
    username: &str,
    flash: Option<Flash>,
    typed: Option<ChangeForm>,
    errors: Errors,
) -> Response {
    let s = &state.services;
    let (account, units) = match (s.store.account(username).await, s.store.units().await) {
        (Ok(a), Ok(u)) => (a, u),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let u = &account.user;
    let mut roles = staff_roles();
    if u.role == Role::Applicant {
        roles.insert(0, Role::Applicant);
    }
    let status_code = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = UserPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        username: u.username.clone(),
        unit_name: units
            .iter()
            .find(|x| x.code == u.unit)
            .map_or_else(|| u.unit.to_string(), |x| x.name.clone()),
        status: status(&account).0,
        disabled: account.disabled,
        is_self: u.username == user.username,
        form: typed.unwrap_or_else(|| ChangeForm {
            display_name: u.display_name.clone(),
            unit: u.unit.to_string(),
            role: u.role.as_str().to_owned(),
        }),
        units: tree(&units, &[]),
        roles,
        errors,
    };
    (status_code, render(&page)).into_response()
}
