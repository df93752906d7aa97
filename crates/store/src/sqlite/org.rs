//! The sqlite backend's OrgStore; the SQL is `sql::org`'s.

use super::*;

use crate::sql::{Lite, now, org};

#[async_trait]
impl crate::OrgStore for super::SqliteStore {
    async fn units(&self) -> Result<Vec<Unit>> {
        self.call(|c| now(org::units(&Lite(c)))).await
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, at: DateTime<Utc>) -> Result<()> {
        let (unit, actor) = (unit.clone(), actor.clone());
        self.write(move |tx| now(org::put_unit(&Lite(tx), &unit, &actor, at)))
            .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.call(|c| now(org::users(&Lite(c)))).await
    }

    async fn put_user(&self, user: &User, actor: &Actor, at: DateTime<Utc>) -> Result<()> {
        let (user, actor) = (user.clone(), actor.clone());
        self.write(move |tx| now(org::put_user(&Lite(tx), &user, &actor, at)))
            .await
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        self.call(|c| now(org::calendar_years(&Lite(c)))).await
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (year, actor) = (year.clone(), actor.clone());
        self.write(move |tx| now(org::put_calendar_year(&Lite(tx), &year, &actor, at)))
            .await
    }

    async fn seed_defaults(&self, at: DateTime<Utc>) -> Result<bool> {
        self.write(move |tx| now(org::seed_defaults(&Lite(tx), at)))
            .await
    }
}
