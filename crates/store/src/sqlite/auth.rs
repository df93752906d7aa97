//! Accounts, sessions and login attempts on SQLite.

use super::*;

use super::audit::{append_audit, entry};
use super::bad_enum;
use crate::{
    Account, Actor, LoginAttempt, LoginFailures, NewAccount, NewSession, Result, Session,
    StoreError,
};
use chrono::{DateTime, Utc};
use domain::unit::{Role, UnitCode, UnitKind, User};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

fn unit_code(s: &str) -> Result<UnitCode> {
    UnitCode::parse(s).map_err(|e| StoreError::Backend(e.to_string()))
}

fn role(s: &str) -> Result<Role> {
    Role::parse(s).ok_or_else(|| bad_enum("role", s))
}

pub(super) fn account(c: &Connection, username: &str) -> Result<Account> {
    type Row = (
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    );
    let row: Option<Row> = c
        .query_row(
            "SELECT username, display_name, unit, role, password_hash, applicant_id, phone, disabled
             FROM users WHERE username = ?1",
            [username],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            },
        )
        .optional()?;
    let (username, display_name, unit, r, password_hash, applicant_id, phone, disabled) =
        row.ok_or_else(|| StoreError::NotFound(format!("用户 {username}")))?;
    Ok(Account {
        user: User {
            username,
            display_name,
            unit: unit_code(&unit)?,
            role: role(&r)?,
        },
        password_hash,
        applicant_id,
        phone,
        disabled,
    })
}

pub(super) fn create_account(
    tx: &Transaction<'_>,
    a: &NewAccount,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let u = &a.user;
    let unit: Option<String> = tx
        .query_row(
            "SELECT code FROM units WHERE code = ?1",
            [u.unit.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if unit.is_none() {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    let taken: Option<String> = tx
        .query_row(
            "SELECT username FROM users WHERE username = ?1",
            [&u.username],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(StoreError::Conflict(format!(
            "用户名“{}”已被使用",
            u.username
        )));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, unit, role, created_at, password_hash, applicant_id, phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            u.username,
            u.display_name,
            u.unit.as_str(),
            u.role.as_str(),
            now,
            a.password_hash,
            a.applicant_id,
            a.phone
        ],
    )?;
    append_audit(
        tx,
        &entry(
            actor,
            "user",
            &u.username,
            "create",
            None,
            Some(a.audited()),
        ),
        now,
    )
}

/// Runs `UPDATE users … WHERE username = ?` and ends the user's sessions.
fn change_user(
    tx: &Transaction<'_>,
    username: &str,
    sql: &str,
    value: &dyn rusqlite::ToSql,
    action: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = tx.execute(sql, params![value, username])?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("用户 {username}")));
    }
    tx.execute("DELETE FROM sessions WHERE username = ?1", [username])?;
    append_audit(tx, &entry(actor, "user", username, action, None, None), now)
}

pub(super) fn set_password(
    tx: &Transaction<'_>,
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
    change_user(
        tx,
        username,
        "UPDATE users SET password_hash = ?1 WHERE username = ?2",
        &hash,
        action,
        actor,
        now,
    )
}

pub(super) fn set_disabled(
    tx: &Transaction<'_>,
    username: &str,
    disabled: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let action = if disabled { "disable" } else { "enable" };
    change_user(
        tx,
        username,
        "UPDATE users SET disabled = ?1 WHERE username = ?2",
        &disabled,
        action,
        actor,
        now,
    )
}

pub(super) fn create_session(tx: &Transaction<'_>, s: &NewSession) -> Result<()> {
    tx.execute(
        "DELETE FROM sessions WHERE expires_at <= ?1 OR idle_until <= ?1",
        [s.created_at],
    )?;
    tx.execute(
        "INSERT INTO sessions (id_hash, username, csrf, created_at, idle_until, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            s.id_hash,
            s.username,
            s.csrf,
            s.created_at,
            s.idle_until,
            s.expires_at
        ],
    )?;
    Ok(())
}

pub(super) fn session(c: &Connection, id_hash: &str, now: DateTime<Utc>) -> Result<Session> {
    type Row = (
        String,
        String,
        DateTime<Utc>,
        DateTime<Utc>,
        DateTime<Utc>,
        String,
        String,
        String,
        String,
        String,
        String,
    );
    let row: Option<Row> = c
        .query_row(
            "SELECT s.id_hash, s.csrf, s.created_at, s.idle_until, s.expires_at,
                    u.username, u.display_name, u.unit, u.role, n.name, n.kind
             FROM sessions s JOIN users u ON u.username = s.username JOIN units n ON n.code = u.unit
             WHERE s.id_hash = ?1 AND s.idle_until > ?2 AND s.expires_at > ?2 AND u.disabled = 0",
            params![id_hash, now],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                    r.get(10)?,
                ))
            },
        )
        .optional()?;
    let (
        id_hash,
        csrf,
        created_at,
        idle_until,
        expires_at,
        username,
        display_name,
        unit,
        r,
        name,
        kind,
    ) = row.ok_or_else(|| StoreError::NotFound("会话".into()))?;
    Ok(Session {
        id_hash,
        csrf,
        created_at,
        idle_until,
        expires_at,
        user: User {
            username,
            display_name,
            unit: unit_code(&unit)?,
            role: role(&r)?,
        },
        unit_name: name,
        unit_kind: UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))?,
    })
}

pub(super) fn touch_session(
    tx: &Transaction<'_>,
    id_hash: &str,
    idle_until: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "UPDATE sessions SET idle_until = MIN(?2, expires_at) WHERE id_hash = ?1",
        params![id_hash, idle_until],
    )?;
    Ok(())
}

pub(super) fn delete_session(tx: &Transaction<'_>, id_hash: &str) -> Result<()> {
    tx.execute("DELETE FROM sessions WHERE id_hash = ?1", [id_hash])?;
    Ok(())
}

pub(super) fn record_attempt(tx: &Transaction<'_>, a: &LoginAttempt) -> Result<()> {
    tx.execute(
        "INSERT INTO login_attempts (username, ip, at, success) VALUES (?1, ?2, ?3, ?4)",
        params![a.username, a.ip, a.at, a.success],
    )?;
    Ok(())
}

pub(super) fn failures(
    c: &Connection,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<LoginFailures> {
    Ok(c.query_row(
        "SELECT
            (SELECT COUNT(*) FROM login_attempts WHERE username = ?1 AND success = 0 AND at >= ?3),
            (SELECT COUNT(*) FROM login_attempts WHERE ip = ?2 AND success = 0 AND at >= ?3)",
        params![username, ip, since],
        |r| {
            Ok(LoginFailures {
                by_username: r.get(0)?,
                by_ip: r.get(1)?,
            })
        },
    )?)
}

#[async_trait]
impl crate::AccountStore for super::SqliteStore {
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h) = (username.to_owned(), token_hash.to_owned());
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?1, ?2, ?3)",
                params![h, u, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        let h = token_hash.to_owned();
        let row: Option<(String, String, String, String, String)> = self
            .quick(move |c| {
                Ok(c.prepare_cached(
                    "SELECT u.username, u.display_name, u.unit, u.role, n.kind FROM api_tokens t
                         JOIN users u ON u.username = t.username JOIN units n ON n.code = u.unit
                         WHERE t.token_hash = ?1 AND u.disabled = 0",
                )?
                .query_row([h], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?)
            })
            .await?;
        let (username, display_name, unit, role, kind) =
            row.ok_or_else(|| StoreError::NotFound("API 令牌".into()))?;
        let user = User {
            username,
            display_name,
            unit: UnitCode::parse(&unit).map_err(|e| StoreError::Backend(e.to_string()))?,
            role: Role::parse(&role).ok_or_else(|| bad_enum("role", &role))?,
        };
        let kind = UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))?;
        Ok((user, kind))
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        let u = username.to_owned();
        self.quick(move |c| auth::account(c, &u)).await
    }

    async fn create_account(
        &self,
        account: &crate::NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (a, actor) = (account.clone(), actor.clone());
        self.write(move |tx| auth::create_account(tx, &a, &actor, now))
            .await
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h, actor) = (
            username.to_owned(),
            password_hash.map(str::to_owned),
            actor.clone(),
        );
        self.write(move |tx| auth::set_password(tx, &u, h.as_deref(), &actor, now))
            .await
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, actor) = (username.to_owned(), actor.clone());
        self.write(move |tx| auth::set_disabled(tx, &u, disabled, &actor, now))
            .await
    }

    async fn create_session(&self, session: &crate::NewSession) -> Result<()> {
        let s = session.clone();
        self.write(move |tx| auth::create_session(tx, &s)).await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<crate::Session> {
        let h = id_hash.to_owned();
        self.quick(move |c| auth::session(c, &h, now)).await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| auth::touch_session(tx, &h, idle_until))
            .await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| auth::delete_session(tx, &h)).await
    }

    async fn record_login_attempt(&self, attempt: &crate::LoginAttempt) -> Result<()> {
        let a = attempt.clone();
        self.write(move |tx| auth::record_attempt(tx, &a)).await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        let (u, ip) = (username.to_owned(), ip.to_owned());
        self.call(move |c| auth::failures(c, &u, &ip, since)).await
    }
}
