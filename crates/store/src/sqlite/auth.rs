//! Accounts, sessions and login attempts on SQLite; the SQL is `sql::auth`'s.

use super::*;

use crate::sql::{Lite, auth, now};
use crate::{LoginAttempt, NewAccount, NewSession};

#[async_trait]
impl crate::AccountStore for super::SqliteStore {
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h) = (username.to_owned(), token_hash.to_owned());
        self.write(move |tx| now(auth::put_api_token(&Lite(tx), &u, &h, at)))
            .await
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        let h = token_hash.to_owned();
        self.quick(move |c| now(auth::user_by_token(&Lite(c), &h)))
            .await
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        let u = username.to_owned();
        self.quick(move |c| now(auth::account(&Lite(c), &u))).await
    }

    async fn account_for_applicant(&self, applicant_id: &str) -> Result<Option<String>> {
        let id = applicant_id.to_owned();
        self.quick(move |c| now(auth::account_for_applicant(&Lite(c), &id)))
            .await
    }

    async fn create_account(
        &self,
        account: &NewAccount,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (a, actor) = (account.clone(), actor.clone());
        self.write(move |tx| now(auth::create_account(&Lite(tx), &a, &actor, at)))
            .await
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h, actor) = (
            username.to_owned(),
            password_hash.map(str::to_owned),
            actor.clone(),
        );
        self.write(move |tx| now(auth::set_password(&Lite(tx), &u, h.as_deref(), &actor, at)))
            .await
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (u, actor) = (username.to_owned(), actor.clone());
        self.write(move |tx| now(auth::set_disabled(&Lite(tx), &u, disabled, &actor, at)))
            .await
    }

    async fn create_session(&self, session: &NewSession) -> Result<()> {
        let s = session.clone();
        self.write(move |tx| now(auth::create_session(&Lite(tx), &s)))
            .await
    }

    async fn session(&self, id_hash: &str, at: DateTime<Utc>) -> Result<crate::Session> {
        let h = id_hash.to_owned();
        self.quick(move |c| now(auth::session(&Lite(c), &h, at)))
            .await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| now(auth::touch_session(&Lite(tx), &h, idle_until)))
            .await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| now(auth::delete_session(&Lite(tx), &h)))
            .await
    }

    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()> {
        let a = attempt.clone();
        self.write(move |tx| now(auth::record_attempt(&Lite(tx), &a)))
            .await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        let (u, ip) = (username.to_owned(), ip.to_owned());
        self.call(move |c| now(auth::failures(&Lite(c), &u, &ip, since)))
            .await
    }
}
