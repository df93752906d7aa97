//! 好差评 on SQLite; the SQL is `sql::ratings`'s.

use super::*;

use crate::sql::{Lite, now, ratings};
use chrono::NaiveDate;
use domain::evaluation::Rectification;

#[async_trait]
impl crate::RatingStore for super::SqliteStore {
    async fn create_rating(
        &self,
        rating: &crate::NewRating,
        order: Option<&Rectification>,
        actor: &Actor,
    ) -> Result<crate::RatingRecord> {
        let (rating, order, actor) = (rating.clone(), order.cloned(), actor.clone());
        self.write(move |tx| now(ratings::create(&Lite(tx), &rating, order.as_ref(), &actor)))
            .await
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        self.quick(move |c| now(ratings::rating(&Lite(c), id)))
            .await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        self.call(move |c| now(ratings::rating_of(&Lite(c), subject)))
            .await
    }

    async fn ratings(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<crate::RatingRecord>> {
        self.call(move |c| now(ratings::ratings(&Lite(c), from, to)))
            .await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        let unit = unit.map(str::to_owned);
        self.call(move |c| now(ratings::rectification(&Lite(c), id, unit.as_deref(), false)))
            .await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        let filter = filter.clone();
        self.call(move |c| now(ratings::rectifications(&Lite(c), &filter)))
            .await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let update = update.clone();
        self.write(move |tx| now(ratings::update(&Lite(tx), &update)))
            .await
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let fresh = fresh.to_owned();
        self.write(move |tx| now(ratings::token(&Lite(tx), case_id, &fresh, at)))
            .await
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        let token = token.to_owned();
        self.quick(move |c| now(ratings::case_by_token(&Lite(c), &token)))
            .await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        self.quick(move |c| now(ratings::visit(&Lite(c), id))).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        let unit = unit.to_owned();
        self.call(move |c| now(ratings::unrated_visits(&Lite(c), &unit, limit)))
            .await
    }

    async fn concluded_counts(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        self.call(move |c| now(ratings::concluded_counts(&Lite(c), from, to)))
            .await
    }
}
