//! 好差评 on PostgreSQL; the SQL is `sql::ratings`'s.

use super::*;

use crate::sql::{Pg, ratings};
use chrono::NaiveDate;
use domain::evaluation::Rectification;

#[async_trait]
impl crate::RatingStore for super::PostgresStore {
    async fn create_rating(
        &self,
        rating: &crate::NewRating,
        order: Option<&Rectification>,
        actor: &Actor,
    ) -> Result<crate::RatingRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::create(&Pg(&tx), rating, order, actor).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        ratings::rating(&Pg(&self.pool.get().await?), id).await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        ratings::rating_of(&Pg(&self.pool.get().await?), subject).await
    }

    async fn ratings(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<crate::RatingRecord>> {
        ratings::ratings(&Pg(&self.pool.get().await?), from, to).await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        ratings::rectification(&Pg(&self.pool.get().await?), id, unit, false).await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        ratings::rectifications(&Pg(&self.pool.get().await?), filter).await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::update(&Pg(&tx), update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::token(&Pg(&tx), case_id, fresh, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        ratings::case_by_token(&Pg(&self.pool.get().await?), token).await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        ratings::visit(&Pg(&self.pool.get().await?), id).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        ratings::unrated_visits(&Pg(&self.pool.get().await?), unit, limit).await
    }

    async fn concluded_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        ratings::concluded_counts(&Pg(&self.pool.get().await?), from, to).await
    }
}
