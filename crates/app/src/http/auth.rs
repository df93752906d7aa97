//! Who is calling: a per-user API token sent as `Authorization: Bearer …`.
//!
//! A token is 32 random bytes from the operating system, shown once in hex
//! when made (`onewindow token create USERNAME`); the store keeps only its
//! SHA-256, so a copy of the database does not let anyone act as a user.
//!
//! [`require_user`] guards every `/api/v1` route: it resolves the token to
//! its user and puts a [`CurrentUser`] in the request, which handlers
//! extract to attribute what they do, and turn into an
//! [`Access`](crate::service::Access) (role, unit and scope of cases) with
//! [`CurrentUser::access`]: the API sees exactly what the pages see.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use domain::unit::{UnitKind, User};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use store::{Actor, StoreError};

use super::AppState;
use super::error::AppError;

/// The signed-in user of a request, with the kind of their unit.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub User, pub UnitKind);

impl CurrentUser {
    /// What the user may see and do.
    pub fn access(&self) -> crate::service::Access {
        crate::service::Access::new(&self.0, self.1)
    }

    /// The user as the author of a change: their login and their unit.
    pub fn actor(&self) -> Actor {
        Actor {
            username: self.0.username.clone(),
            unit: self.0.unit.as_str().to_owned(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        // Set by `require_user`; absent only on a route registered outside it.
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(AppError::unauthorized)
    }
}

/// Middleware: a request without a known token goes no further (401).
pub async fn require_user(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let token = bearer_token(request.headers()).ok_or_else(AppError::unauthorized)?;
    let (user, kind) = match state.services.store.user_by_token(&hash_token(token)).await {
        Ok(found) => found,
        Err(StoreError::NotFound(_)) => {
            tracing::info!(method = %request.method(), path = %request.uri().path(), "unknown API token");
            return Err(AppError::unauthorized());
        }
        Err(e) => return Err(e.into()),
    };
    tracing::debug!(user = %user.username, unit = %user.unit, "authenticated");
    request.extensions_mut().insert(CurrentUser(user, kind));
    Ok(next.run(request).await)
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The SHA-256 of a token, in lower-case hex: what the store keeps.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new token: 32 bytes from the operating system's random source, in hex.
pub fn new_token() -> Result<String, rand::rand_core::OsError> {
    let mut bytes = [0u8; 32];
    OsRng.try_fill_bytes(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
