//! Signing in and out, and applicants registering: `/login`, `/logout`,
//! `/register`. The forms carry the visitor's CSRF token; [`session::layer`]
//! checks it before these handlers run.
//!
//! [`session::layer`]: crate::http::session::layer

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::api::Route;
use crate::http::session::{
    ClientIp, PageUser, Visitor, local_path, role_home, visitor_csrf, with_cookie,
};
use crate::service::{FieldErrors, LoginRefused, NewLogin, Registration, ServiceError};

/// The sign-in and registration routes.
pub fn routes() -> Vec<Route> {
    vec![
        (Method::GET, "/login", get(login_form)),
        (Method::POST, "/login", post(login)),
        (Method::POST, "/logout", post(logout)),
        (Method::GET, "/register", get(register_form)),
        (Method::POST, "/register", post(register)),
        (Method::GET, "/password", get(password_form)),
        (Method::POST, "/password", post(change_password)),
    ]
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    form_csrf: String,
    next: String,
    username: String,
    error: String,
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    form_csrf: String,
    form: Registration,
    errors: FieldErrors,
}

impl RegisterPage {
    fn field_error(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

/// What is wrong with one field of a form, joined.
fn field_error(errors: &FieldErrors, field: &str) -> String {
    errors
        .iter()
        .filter(|(f, _)| *f == field)
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join("；")
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
    done: bool,
}

impl PasswordPage {
    fn field_error(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

/// The password form a signed-in user sends.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    again: String,
}

/// GET /password: the form to change one's own password.
pub async fn password_form(user: PageUser) -> Response {
    render(&PasswordPage {
        chrome: Chrome::for_user(&user),
        errors: Vec::new(),
        done: false,
    })
}

/// POST /password: changes the signed-in user's own password; every session
/// of theirs ends, so the page says to sign in again.
pub async fn change_password(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<PasswordForm>,
) -> Response {
    let refused = |errors: FieldErrors| {
        let page = PasswordPage {
            chrome: Chrome::for_user(&user),
            errors,
            done: false,
        };
        (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
    };
    if form.new != form.again {
        return refused(vec![("again", "两次输入的新密码不一致".into())]);
    }
    match state
        .services
        .change_own_password(&user.actor(), &form.current, &form.new)
        .await
    {
        Ok(Ok(())) => render(&PasswordPage {
            chrome: Chrome::public(),
            errors: Vec::new(),
            done: true,
        }),
        Ok(Err(errors)) => refused(errors),
        Err(e) => failed(&e),
    }
}

/// Where to go after signing in.
#[derive(Debug, Default, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// The sign-in form.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn failed(e: &ServiceError) -> Response {
    tracing::error!(error = %e, "sign-in page failed");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "出错了",
        "暂时无法登录，请稍后重试。",
    )
}

/// Renders the sign-in page with a status, setting the visitor's CSRF cookie if new.
fn login_page(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    page: LoginPage,
) -> Response {
    match visitor_csrf(visitor, &state.sessions) {
        Ok((token, cookie)) => {
            let page = LoginPage {
                form_csrf: token,
                ..page
            };
            let response = (status, render(&page)).into_response();
            match cookie {
                Some(c) => with_cookie(response, c),
                None => response,
            }
        }
        Err(e) => failed(&e),
    }
}

/// GET /login: the sign-in form (a signed-in user goes to their start page).
pub async fn login_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<Next>,
) -> Response {
    if let Some(user) = &visitor.user {
        return Redirect::to(user.home()).into_response();
    }
    let page = LoginPage {
        chrome: Chrome::public(),
        form_csrf: String::new(),
        next: q
            .next
            .as_deref()
            .and_then(local_path)
            .unwrap_or("")
            .to_owned(),
        username: String::new(),
        error: String::new(),
    };
    login_page(&state, &visitor, StatusCode::OK, page)
}

/// POST /login: signs in and goes to `next` (a local path) or the role's start page.
pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    ClientIp(ip): ClientIp,
    Form(form): Form<LoginForm>,
) -> Response {
    let username = form.username.trim().to_owned();
    let outcome = state
        .services
        .login(&username, &form.password, &ip, &state.sessions.rules)
        .await;
    let refused = match outcome {
        Ok(Ok(login)) => return signed_in(&state, &login, &form.next),
        Ok(Err(refused)) => refused,
        Err(e) => return failed(&e),
    };
    let status = match refused {
        LoginRefused::BadCredentials => StatusCode::UNAUTHORIZED,
        LoginRefused::RateLimited => StatusCode::TOO_MANY_REQUESTS,
    };
    let page = LoginPage {
        chrome: Chrome::public(),
        form_csrf: String::new(),
        next: local_path(&form.next).unwrap_or("").to_owned(),
        username,
        error: refused.message().to_owned(),
    };
    login_page(&state, &visitor, status, page)
}

/// 303 to where a new session starts, with its cookie.
fn signed_in(state: &AppState, login: &NewLogin, next: &str) -> Response {
    let to = local_path(next)
        .filter(|p| !p.starts_with("/login") && !p.starts_with("/register"))
        .unwrap_or_else(|| role_home(login.user.role));
    with_cookie(
        Redirect::to(to).into_response(),
        state.sessions.session_cookie(&login.session_id),
    )
}

/// POST /logout: ends the session and removes its cookie.
pub async fn logout(State(state): State<AppState>, visitor: Visitor) -> Response {
    if let Some(id) = &visitor.session_id {
        if let Err(e) = state.services.logout(id).await {
            return failed(&e);
        }
        if let Some(u) = &visitor.user {
            tracing::info!(user = %u.username, "signed out");
        }
    }
    with_cookie(
        Redirect::to("/").into_response(),
        state.sessions.clear_session_cookie(),
    )
}

fn register_page(
    state: &AppState,
    visitor: &Visitor,
    status: StatusCode,
    page: RegisterPage,
) -> Response {
    match visitor_csrf(visitor, &state.sessions) {
        Ok((token, cookie)) => {
            let page = RegisterPage {
                form_csrf: token,
                form: Registration {
                    password: String::new(),
                    ..page.form
                },
                ..page
            };
            let response = (status, render(&page)).into_response();
            match cookie {
                Some(c) => with_cookie(response, c),
                None => response,
            }
        }
        Err(e) => failed(&e),
    }
}

/// GET /register: the applicant registration form.
pub async fn register_form(
    State(state): State<AppState>,
    visitor: Visitor,
    user: Option<PageUser>,
) -> Response {
    if let Some(user) = user {
        return Redirect::to(user.home()).into_response();
    }
    let page = RegisterPage {
        chrome: Chrome::public(),
        form_csrf: String::new(),
        form: Registration::default(),
        errors: Vec::new(),
    };
    register_page(&state, &visitor, StatusCode::OK, page)
}

/// POST /register: creates the applicant's account and signs them in; a
/// problem is shown beside its field, with what was typed kept (but the password).
pub async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<Registration>,
) -> Response {
    match state
        .services
        .register_applicant(&form, &state.sessions.rules)
        .await
    {
        Ok(Ok(login)) => signed_in(&state, &login, "/mine"),
        Ok(Err(errors)) => {
            let page = RegisterPage {
                chrome: Chrome::public(),
                form_csrf: String::new(),
                form,
                errors,
            };
            register_page(&state, &visitor, StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => failed(&e),
    }
}
