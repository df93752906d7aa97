//! What the store keeps about 好差评: ratings (of a concluded case or a
//! window visit), the rectification orders 差评 open, and the rating
//! tokens printed on 办结通知书.

use crate::*;
use async_trait::async_trait;

use chrono::{DateTime, NaiveDate, Utc};
use domain::evaluation::{Rating, RatingChannel, Rectification, RectificationAction};
use serde::Serialize;

use crate::Actor;

/// What a rating is about: a concluded case (一事一评) or a window visit (一次一评).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RatedThing {
    /// A case, by id.
    Case(i64),
    /// A window visit, by id.
    Visit(i64),
}

/// A rating about to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRating {
    /// What is rated.
    pub subject: RatedThing,
    /// The level (stored by its label).
    pub rating: Rating,
    /// Where it was given.
    pub channel: RatingChannel,
    /// Reasons picked or written.
    pub reasons: Vec<String>,
    /// Free text.
    pub comment: String,
    /// Who rated: the applicant's username, or `token` for the printed link.
    pub rater: String,
    /// The responsible department (for a visit: the hall unit).
    pub unit: String,
    /// The hall unit whose window served the applicant.
    pub window_unit: String,
    /// The staff member rated (the clerk who accepted or served).
    pub staff: String,
    /// The matter.
    pub matter_code: String,
    /// The day, in Asia/Shanghai.
    pub rated_on: NaiveDate,
    /// The instant.
    pub rated_at: DateTime<Utc>,
}

/// A stored rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingRecord {
    /// Record id.
    pub id: i64,
    /// The rating.
    #[serde(flatten)]
    pub rating: NewRating,
    /// The rectification order it opened, for a 差评.
    pub rectification_id: Option<i64>,
}

/// A stored rectification order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RectificationRecord {
    /// Record id.
    pub id: i64,
    /// The 差评 that opened it.
    pub rating_id: i64,
    /// Bumped by every change; a change naming an older version is a conflict.
    pub version: i64,
    /// The order.
    pub order: Rectification,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A change to an order, computed by [`Rectification::apply`].
#[derive(Debug, Clone)]
pub struct RectificationUpdate {
    /// Which order.
    pub id: i64,
    /// The version the change was computed from.
    pub expected_version: i64,
    /// The action as taken (kept in the audit record).
    pub action: RectificationAction,
    /// The order after the action.
    pub order: Rectification,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// Which orders to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RectificationFilter {
    /// Only this responsible unit's orders.
    pub unit: Option<String>,
    /// Only orders not yet closed.
    pub open_only: bool,
    /// At most this many (0 = 500).
    pub limit: u32,
}

/// Concluded cases over a period, counted per department, hall and matter,
/// with how many of them were rated (主动评价率's two terms).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConcludedCount {
    /// The responsible department.
    pub unit: String,
    /// The hall unit where it was presented.
    pub window_unit: String,
    /// The matter.
    pub matter_code: String,
    /// How many concluded in the period.
    pub count: i64,
    /// How many of those were rated (whenever the rating came).
    pub rated: i64,
}

/// The row names of a rectification's state, for SQL.
pub(crate) fn order_state(order: &Rectification) -> &'static str {
    order.state.as_str()
}

/// 好差评: ratings, rectification orders, rating tokens and concluded counts.
#[async_trait]
pub trait RatingStore: Send + Sync {
    /// Stores a rating with its audit record and, for a 差评, the
    /// rectification order it opens (with its own audit record), in one
    /// transaction. `Conflict` when the case or visit is already rated.
    async fn create_rating(
        &self,
        rating: &NewRating,
        order: Option<&domain::evaluation::Rectification>,
        actor: &Actor,
    ) -> Result<RatingRecord>;

    /// One rating by id.
    async fn rating(&self, id: i64) -> Result<RatingRecord>;

    /// The rating of a case or a visit, if it has one.
    async fn rating_of(&self, subject: RatedThing) -> Result<Option<RatingRecord>>;

    /// Ratings given from `from` to `to` (both included), oldest first.
    async fn ratings(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RatingRecord>>;

    /// One rectification order; with `unit`, `NotFound` unless it is that
    /// unit's (exactly as for an order that does not exist).
    async fn rectification(&self, id: i64, unit: Option<&str>) -> Result<RectificationRecord>;

    /// Rectification orders matching a filter, soonest deadline first.
    async fn rectifications(
        &self,
        filter: &RectificationFilter,
    ) -> Result<Vec<RectificationRecord>>;

    /// Stores a change to an order with its audit record. `Conflict` when
    /// the order changed since `expected_version`.
    async fn update_rectification(
        &self,
        update: &RectificationUpdate,
    ) -> Result<RectificationRecord>;

    /// The rating token of a case, storing `fresh` when it has none yet.
    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String>;

    /// The case a rating token belongs to; `NotFound` for an unknown token.
    async fn case_by_rating_token(&self, token: &str) -> Result<i64>;

    /// One window visit by id.
    async fn visit(&self, id: i64) -> Result<Visit>;

    /// A hall's window visits not yet rated, newest first, with their ids.
    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, Visit)>>;

    /// Cases concluded from `from` to `to`, counted per department, hall and matter.
    async fn concluded_counts(&self, from: NaiveDate, to: NaiveDate)
    -> Result<Vec<ConcludedCount>>;
}
