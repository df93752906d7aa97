//! The postgres backend's OrgStore; the SQL is `sql::org`'s.

use super::*;

use crate::sql::{Pg, org};

#[async_trait]
impl crate::OrgStore for super::PostgresStore {
    async fn units(&self) -> Result<Vec<Unit>> {
        org::units(&Pg(&self.pool.get().await?)).await
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        org::put_unit(&Pg(&tx), unit, actor, now).await?;
        Ok(tx.commit().await?)
    }

    async fn users(&self) -> Result<Vec<User>> {
        org::users(&Pg(&self.pool.get().await?)).await
    }

    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        org::put_user(&Pg(&tx), user, actor, now).await?;
        Ok(tx.commit().await?)
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        org::calendar_years(&Pg(&self.pool.get().await?)).await
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        org::put_calendar_year(&Pg(&tx), year, actor, now).await?;
        Ok(tx.commit().await?)
    }

    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let seeded = org::seed_defaults(&Pg(&tx), now).await?;
        tx.commit().await?;
        Ok(seeded)
    }
}
