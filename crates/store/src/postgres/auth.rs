//! Accounts, sessions and login attempts on PostgreSQL; the SQL is
//! `sql::auth`'s.

use super::*;

use crate::sql::{Pg, auth};
use crate::{LoginAttempt, NewAccount, NewSession};

#[async_trait]
impl crate::AccountStore for super::PostgresStore {
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        auth::put_api_token(&Pg(&self.pool.get().await?), username, token_hash, now).await
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        auth::user_by_token(&Pg(&self.pool.get().await?), token_hash).await
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        auth::account(&Pg(&self.pool.get().await?), username).await
    }

    async fn account_for_applicant(&self, applicant_id: &str) -> Result<Option<String>> {
        auth::account_for_applicant(&Pg(&self.pool.get().await?), applicant_id).await
    }

    async fn create_account(
        &self,
        account: &NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::create_account(&Pg(&tx), account, actor, now).await?;
        Ok(tx.commit().await?)
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
        auth::set_password(&Pg(&tx), username, password_hash, actor, now).await?;
        Ok(tx.commit().await?)
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
        auth::set_disabled(&Pg(&tx), username, disabled, actor, now).await?;
        Ok(tx.commit().await?)
    }

    async fn create_session(&self, session: &NewSession) -> Result<()> {
        auth::create_session(&Pg(&self.pool.get().await?), session).await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<crate::Session> {
        auth::session(&Pg(&self.pool.get().await?), id_hash, now).await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        auth::touch_session(&Pg(&self.pool.get().await?), id_hash, idle_until).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        auth::delete_session(&Pg(&self.pool.get().await?), id_hash).await
    }

    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()> {
        auth::record_attempt(&Pg(&self.pool.get().await?), attempt).await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        auth::failures(&Pg(&self.pool.get().await?), username, ip, since).await
    }
}
