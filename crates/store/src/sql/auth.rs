//! Accounts, sessions, API tokens and login attempts: the SQL.

use super::audit::append;
use super::org::{unit_exists, unit_kind, user_row};
use super::{Db, Param};
use crate::audit::entry;
use crate::{
    Account, Actor, LoginAttempt, LoginFailures, NewAccount, NewSession, Result, Session,
    StoreError,
};
use chrono::{DateTime, Utc};
use domain::unit::{UnitKind, User};

/// One account by username.
pub(crate) async fn account(db: &impl Db, username: &str) -> Result<Account> {
    db.one(
        "SELECT username, display_name, unit, role, password_hash, applicant_id, phone, disabled
         FROM users WHERE username = $1",
        &[&username],
        |r| {
            Ok(Account {
                user: user_row(r, 0)?,
                password_hash: r.get(4)?,
                applicant_id: r.get(5)?,
                phone: r.get(6)?,
                disabled: r.get(7)?,
            })
        },
        || StoreError::NotFound(format!("用户 {username}")),
    )
    .await
}

/// The username of the account registered with this identifier, if any.
pub(crate) async fn account_for_applicant(
    db: &impl Db,
    applicant_id: &str,
) -> Result<Option<String>> {
    db.opt(
        "SELECT username FROM users WHERE applicant_id = $1 ORDER BY created_at LIMIT 1",
        &[&applicant_id],
        super::first,
    )
    .await
}

/// Stores a new account and its audit record; its unit must exist, its
/// username be free, and its applicant identifier (if any) have no account
/// yet.
pub(crate) async fn create_account(
    db: &impl Db,
    a: &NewAccount,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let u = &a.user;
    unit_exists(db, &u.unit).await?;
    if let Some(id) = &a.applicant_id
        && account_for_applicant(db, id).await?.is_some()
    {
        return Err(StoreError::Conflict("该证件号码已注册账号".into()));
    }
    let n = db
        .exec(
            "INSERT INTO users (username, display_name, unit, role, created_at, password_hash, applicant_id, phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
            &[&u.username, &u.display_name, &u.unit.as_str(), &u.role.as_str(), &now,
                &a.password_hash, &a.applicant_id, &a.phone],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict(format!(
            "用户名“{}”已被使用",
            u.username
        )));
    }
    let audit = entry(
        actor,
        "user",
        &u.username,
        "create",
        None,
        Some(a.audited()),
    );
    append(db, &audit, now).await
}

/// Runs `UPDATE users … WHERE username = $2` with `value` as `$1`, ends the
/// user's sessions and records `action`.
async fn change_user(
    db: &impl Db,
    username: &str,
    sql: &str,
    value: &dyn Param,
    action: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    if db.exec(sql, &[value, &username]).await? == 0 {
        return Err(StoreError::NotFound(format!("用户 {username}")));
    }
    db.exec("DELETE FROM sessions WHERE username = $1", &[&username])
        .await?;
    append(db, &entry(actor, "user", username, action, None, None), now).await
}

/// Sets (or, with `None`, removes) a user's password hash.
pub(crate) async fn set_password(
    db: &impl Db,
    username: &str,
    hash: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let action = if hash.is_some() {
        "set_password"
    } else {
        "remove_password"
    };
    let sql = "UPDATE users SET password_hash = $1 WHERE username = $2";
    change_user(db, username, sql, &hash, action, actor, now).await
}

/// Disables or enables a user.
pub(crate) async fn set_disabled(
    db: &impl Db,
    username: &str,
    disabled: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let action = if disabled { "disable" } else { "enable" };
    let sql = "UPDATE users SET disabled = $1 WHERE username = $2";
    change_user(db, username, sql, &disabled, action, actor, now).await
}

/// Stores a session, dropping the ones that have expired.
pub(crate) async fn create_session(db: &impl Db, s: &NewSession) -> Result<()> {
    db.exec(
        "DELETE FROM sessions WHERE expires_at <= $1 OR idle_until <= $1",
        &[&s.created_at],
    )
    .await?;
    db.exec(
        "INSERT INTO sessions (id_hash, username, csrf, created_at, idle_until, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &s.id_hash,
            &s.username,
            &s.csrf,
            &s.created_at,
            &s.idle_until,
            &s.expires_at,
        ],
    )
    .await?;
    Ok(())
}

/// A live session of an enabled user.
pub(crate) async fn session(db: &impl Db, id_hash: &str, now: DateTime<Utc>) -> Result<Session> {
    db.one(
        "SELECT s.id_hash, s.csrf, s.created_at, s.idle_until, s.expires_at,
                u.username, u.display_name, u.unit, u.role, n.name, n.kind
         FROM sessions s JOIN users u ON u.username = s.username JOIN units n ON n.code = u.unit
         WHERE s.id_hash = $1 AND s.idle_until > $2 AND s.expires_at > $2 AND NOT u.disabled",
        &[&id_hash, &now],
        |r| {
            Ok(Session {
                id_hash: r.get(0)?,
                csrf: r.get(1)?,
                created_at: r.get(2)?,
                idle_until: r.get(3)?,
                expires_at: r.get(4)?,
                user: user_row(r, 5)?,
                unit_name: r.get(9)?,
                unit_kind: unit_kind(r, 10)?,
            })
        },
        || StoreError::NotFound("会话".into()),
    )
    .await
}

/// Keeps a session alive until `idle_until`, never past its expiry.
pub(crate) async fn touch_session(
    db: &impl Db,
    id_hash: &str,
    idle_until: DateTime<Utc>,
) -> Result<()> {
    db.exec(
        "UPDATE sessions SET idle_until = CASE WHEN $1 < expires_at THEN $1 ELSE expires_at END
         WHERE id_hash = $2",
        &[&idle_until, &id_hash],
    )
    .await?;
    Ok(())
}

/// Ends a session.
pub(crate) async fn delete_session(db: &impl Db, id_hash: &str) -> Result<()> {
    db.exec("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
        .await?;
    Ok(())
}

/// Records a sign-in attempt.
pub(crate) async fn record_attempt(db: &impl Db, a: &LoginAttempt) -> Result<()> {
    db.exec(
        "INSERT INTO login_attempts (username, ip, at, success) VALUES ($1, $2, $3, $4)",
        &[&a.username, &a.ip, &a.at, &a.success],
    )
    .await?;
    Ok(())
}

/// Failed sign-ins since `since`, by username and by address.
pub(crate) async fn failures(
    db: &impl Db,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<LoginFailures> {
    db.one(
        "SELECT
            (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND NOT success AND at >= $2),
            (SELECT COUNT(*) FROM login_attempts WHERE ip = $3 AND NOT success AND at >= $2)",
        &[&username, &since, &ip],
        |r| {
            Ok(LoginFailures {
                by_username: r.get(0)?,
                by_ip: r.get(1)?,
            })
        },
        || StoreError::Backend("COUNT returned no row".into()),
    )
    .await
}

/// Stores an API token's hash for a user.
pub(crate) async fn put_api_token(
    db: &impl Db,
    username: &str,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db.exec(
        "INSERT INTO api_tokens (token_hash, username, created_at) VALUES ($1, $2, $3)",
        &[&token_hash, &username, &now],
    )
    .await?;
    Ok(())
}

/// The enabled user an API token belongs to, and the kind of their unit.
pub(crate) async fn user_by_token(db: &impl Db, token_hash: &str) -> Result<(User, UnitKind)> {
    db.one(
        "SELECT u.username, u.display_name, u.unit, u.role, n.kind FROM api_tokens t
         JOIN users u ON u.username = t.username JOIN units n ON n.code = u.unit
         WHERE t.token_hash = $1 AND NOT u.disabled",
        &[&token_hash],
        |r| Ok((user_row(r, 0)?, unit_kind(r, 4)?)),
        || StoreError::NotFound("API 令牌".into()),
    )
    .await
}
