//! What the store keeps to let people sign in: accounts with their password
//! hashes, database sessions and login attempts. Hashing passwords and
//! making session ids happen in the app; the store keeps only hashes.

use crate::*;
use async_trait::async_trait;

use chrono::{DateTime, Utc};
use domain::unit::{UnitKind, User};
use serde::Serialize;

/// A user with what signing in needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The user.
    pub user: User,
    /// An Argon2id PHC string; `None` = cannot sign in.
    pub password_hash: Option<String>,
    /// For applicants: the 居民身份证号 or 统一社会信用代码 they registered with.
    pub applicant_id: Option<String>,
    /// For applicants: their phone.
    pub phone: Option<String>,
    /// A disabled account cannot sign in.
    pub disabled: bool,
}

/// An account to create: an applicant registering, or staff an admin adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    /// The user (its unit must exist; the username must be free).
    pub user: User,
    /// An Argon2id PHC string, or `None` for an account that cannot sign in yet.
    pub password_hash: Option<String>,
    /// For applicants: the checked 居民身份证号 or 统一社会信用代码.
    pub applicant_id: Option<String>,
    /// For applicants: their phone.
    pub phone: Option<String>,
}

/// The part of an account written to the audit log (never the password hash).
#[derive(Debug, Serialize)]
pub(crate) struct AuditedAccount<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub unit: &'a str,
    pub role: &'a str,
    pub applicant_id: Option<&'a str>,
    pub phone: Option<&'a str>,
}

impl NewAccount {
    pub(crate) fn audited(&self) -> String {
        let a = AuditedAccount {
            username: &self.user.username,
            display_name: &self.user.display_name,
            unit: self.user.unit.as_str(),
            role: self.user.role.as_str(),
            applicant_id: self.applicant_id.as_deref(),
            phone: self.phone.as_deref(),
        };
        serde_json::to_string(&a).unwrap_or_default()
    }
}

/// A session to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 (hex) of the random id the browser holds in its cookie.
    pub id_hash: String,
    /// Who signed in.
    pub username: String,
    /// The session's CSRF token, which every state-changing form sends back.
    pub csrf: String,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// It ends at this instant unless activity moves it on (idle timeout).
    pub idle_until: DateTime<Utc>,
    /// It ends at this instant whatever happens (absolute lifetime).
    pub expires_at: DateTime<Utc>,
}

/// A live session and who it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// SHA-256 (hex) of its id.
    pub id_hash: String,
    /// Its CSRF token.
    pub csrf: String,
    /// When it began.
    pub created_at: DateTime<Utc>,
    /// When it ends if nothing happens.
    pub idle_until: DateTime<Utc>,
    /// When it ends at the latest.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
    /// The name of the user's unit.
    pub unit_name: String,
    /// The kind of the user's unit.
    pub unit_kind: UnitKind,
}

/// One sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// The username typed (whether or not such a user exists).
    pub username: String,
    /// The client's address, or `unknown`.
    pub ip: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Whether it signed in.
    pub success: bool,
}

/// Failed sign-in attempts since some instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoginFailures {
    /// Failures for the username.
    pub by_username: i64,
    /// Failures from the address.
    pub by_ip: i64,
}

/// Accounts, API tokens, sessions and sign-in attempts.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores an API token's hash for a user.
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The enabled user an API token's hash belongs to, with the kind of
    /// their unit (which their access depends on): one read per request.
    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)>;

    /// One account with its password hash; `NotFound` when there is none.
    async fn account(&self, username: &str) -> Result<Account>;

    /// The username of the account registered with this 身份证号 or
    /// 统一社会信用代码, if any: one person or enterprise, one account.
    async fn account_for_applicant(&self, applicant_id: &str) -> Result<Option<String>>;

    /// Creates an account (an applicant registering, staff an admin adds),
    /// with an audit record that never holds the hash. `Conflict` when the
    /// username is taken, `NotFound` when the unit does not exist.
    async fn create_account(
        &self,
        account: &NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Sets (or, with `None`, removes) a user's password hash and ends the
    /// user's sessions. `NotFound` when there is no such user.
    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Disables (or enables again) an account; disabling ends its sessions.
    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Stores a new session, and drops every session already expired.
    async fn create_session(&self, session: &NewSession) -> Result<()>;

    /// The live session with this id hash as of `now`: `NotFound` when it
    /// does not exist, has passed its idle or absolute end, or its user is disabled.
    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Session>;

    /// Moves a session's idle end to `idle_until` (never past its absolute end).
    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()>;

    /// Ends a session (logout); ending one that is gone is not an error.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;

    /// Records a sign-in attempt.
    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()>;

    /// Failed sign-in attempts since `since`, for a username and for an address.
    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<LoginFailures>;
}
