//! Accounts, sessions and login attempts on PostgreSQL.

use super::*;

use super::audit::{append_audit, entry};
use super::{backend, bad_enum};
use crate::{
    Account, Actor, LoginAttempt, LoginFailures, NewAccount, NewSession, Result, Session,
    StoreError,
};
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use domain::unit::{Role, UnitCode, UnitKind, User};
use tokio_postgres::types::ToSql;

fn user(username: String, display_name: String, unit: &str, role: &str) -> Result<User> {
    Ok(User {
        username,
        display_name,
        unit: UnitCode::parse(unit).map_err(backend)?,
        role: Role::parse(role).ok_or_else(|| bad_enum("role", role))?,
    })
}

pub(super) async fn account(c: &impl GenericClient, username: &str) -> Result<Account> {
    let r = c
        .query_opt(
            "SELECT username, display_name, unit, role, password_hash, applicant_id, phone, disabled
             FROM users WHERE username = $1",
            &[&username],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("用户 {username}")))?;
    Ok(Account {
        user: user(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?)?,
        password_hash: r.try_get(4)?,
        applicant_id: r.try_get(5)?,
        phone: r.try_get(6)?,
        disabled: r.try_get(7)?,
    })
}

pub(super) async fn create_account(
    tx: &Transaction<'_>,
    a: &NewAccount,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let u = &a.user;
    if tx
        .query_opt("SELECT 1 FROM units WHERE code = $1", &[&u.unit.as_str()])
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    let n = tx
        .execute(
            "INSERT INTO users (username, display_name, unit, role, created_at, password_hash, applicant_id, phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
            &[
                &u.username,
                &u.display_name,
                &u.unit.as_str(),
                &u.role.as_str(),
                &now,
                &a.password_hash,
                &a.applicant_id,
                &a.phone,
            ],
        )
        .await?;
    if n == 0 {
        return Err(StoreError::Conflict(format!(
            "用户名“{}”已被使用",
            u.username
        )));
    }
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
    .await
}

/// Runs `UPDATE users … WHERE username = $2` and ends the user's sessions.
async fn change_user(
    tx: &Transaction<'_>,
    username: &str,
    sql: &str,
    value: &(dyn ToSql + Sync),
    action: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = tx.execute(sql, &[value, &username]).await?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("用户 {username}")));
    }
    tx.execute("DELETE FROM sessions WHERE username = $1", &[&username])
        .await?;
    append_audit(tx, &entry(actor, "user", username, action, None, None), now).await
}

pub(super) async fn set_password(
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
        "UPDATE users SET password_hash = $1 WHERE username = $2",
        &hash,
        action,
        actor,
        now,
    )
    .await
}

pub(super) async fn set_disabled(
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
        "UPDATE users SET disabled = $1 WHERE username = $2",
        &disabled,
        action,
        actor,
        now,
    )
    .await
}

pub(super) async fn create_session(c: &impl GenericClient, s: &NewSession) -> Result<()> {
    c.execute(
        "DELETE FROM sessions WHERE expires_at <= $1 OR idle_until <= $1",
        &[&s.created_at],
    )
    .await?;
    c.execute(
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

pub(super) async fn session(
    c: &impl GenericClient,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let r = c
        .query_opt(
            "SELECT s.id_hash, s.csrf, s.created_at, s.idle_until, s.expires_at,
                    u.username, u.display_name, u.unit, u.role, n.name, n.kind
             FROM sessions s JOIN users u ON u.username = s.username JOIN units n ON n.code = u.unit
             WHERE s.id_hash = $1 AND s.idle_until > $2 AND s.expires_at > $2 AND NOT u.disabled",
            &[&id_hash, &now],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound("会话".into()))?;
    let kind: &str = r.try_get(10)?;
    Ok(Session {
        id_hash: r.try_get(0)?,
        csrf: r.try_get(1)?,
        created_at: r.try_get(2)?,
        idle_until: r.try_get(3)?,
        expires_at: r.try_get(4)?,
        user: user(r.try_get(5)?, r.try_get(6)?, r.try_get(7)?, r.try_get(8)?)?,
        unit_name: r.try_get(9)?,
        unit_kind: UnitKind::parse(kind).ok_or_else(|| bad_enum("unit kind", kind))?,
    })
}

pub(super) async fn touch_session(
    c: &impl GenericClient,
    id_hash: &str,
    idle_until: DateTime<Utc>,
) -> Result<()> {
    c.execute(
        "UPDATE sessions SET idle_until = LEAST($2, expires_at) WHERE id_hash = $1",
        &[&id_hash, &idle_until],
    )
    .await?;
    Ok(())
}

pub(super) async fn delete_session(c: &impl GenericClient, id_hash: &str) -> Result<()> {
    c.execute("DELETE FROM sessions WHERE id_hash = $1", &[&id_hash])
        .await?;
    Ok(())
}

pub(super) async fn record_attempt(c: &impl GenericClient, a: &LoginAttempt) -> Result<()> {
    c.execute(
        "INSERT INTO login_attempts (username, ip, at, success) VALUES ($1, $2, $3, $4)",
        &[&a.username, &a.ip, &a.at, &a.success],
    )
    .await?;
    Ok(())
}

pub(super) async fn failures(
    c: &impl GenericClient,
    username: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<LoginFailures> {
    let r = c
        .query_one(
            "SELECT
                (SELECT COUNT(*) FROM login_attempts WHERE username = $1 AND NOT success AND at >= $3),
                (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND NOT success AND at >= $3)",
            &[&username, &ip, &since],
        )
        .await?;
    Ok(LoginFailures {
        by_username: r.try_get(0)?,
        by_ip: r.try_get(1)?,
    })
}

#[async_trait]
impl crate::AccountStore for super::PostgresStore {
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES ($1, $2, $3)",
                &[&token_hash, &username, &now],
            )
            .await?;
        Ok(())
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        let client = self.pool.get().await?;
        let st = client
            .prepare_cached(
                "SELECT u.username, u.display_name, u.unit, u.role, n.kind FROM api_tokens t
                 JOIN users u ON u.username = t.username JOIN units n ON n.code = u.unit
                 WHERE t.token_hash = $1 AND NOT u.disabled",
            )
            .await?;
        let row = client
            .query_opt(&st, &[&token_hash])
            .await?
            .ok_or_else(|| StoreError::NotFound("API 令牌".into()))?;
        let role: &str = row.get(3);
        let kind: &str = row.get(4);
        let user = User {
            username: row.get(0),
            display_name: row.get(1),
            unit: UnitCode::parse(row.get(2)).map_err(backend)?,
            role: Role::parse(role).ok_or_else(|| bad_enum("role", role))?,
        };
        let kind = UnitKind::parse(kind).ok_or_else(|| bad_enum("unit kind", kind))?;
        Ok((user, kind))
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        auth::account(&self.pool.get().await?, username).await
    }

    async fn create_account(
        &self,
        account: &crate::NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::create_account(&tx, account, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::set_password(&tx, username, password_hash, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::set_disabled(&tx, username, disabled, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, session: &crate::NewSession) -> Result<()> {
        auth::create_session(&self.pool.get().await?, session).await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<crate::Session> {
        auth::session(&self.pool.get().await?, id_hash, now).await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        auth::touch_session(&self.pool.get().await?, id_hash, idle_until).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        auth::delete_session(&self.pool.get().await?, id_hash).await
    }

    async fn record_login_attempt(&self, attempt: &crate::LoginAttempt) -> Result<()> {
        auth::record_attempt(&self.pool.get().await?, attempt).await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        auth::failures(&self.pool.get().await?, username, ip, since).await
    }
}
