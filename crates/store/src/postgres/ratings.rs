//! 好差评 on PostgreSQL: ratings, rectification orders and rating tokens.

use super::*;

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use domain::evaluation::{Rating, RatingChannel, Rectification};
use tokio_postgres::Row;

use super::audit::{append_audit, entry};
use crate::ratings::{
    ConcludedCount, NewRating, RatedThing, RatingRecord, RectificationFilter, RectificationRecord,
    RectificationUpdate, order_state,
};
use crate::{Actor, Result, StoreError, Visit};

const RATING_COLUMNS: &str =
    "r.id, r.case_id, r.visit_id, r.rating, r.channel, r.reasons, r.comment, r.rater,
    r.unit, r.window_unit, r.staff, r.matter_code, r.rated_on, r.rated_at, o.id";
const RATING_FROM: &str = "ratings r LEFT JOIN rectifications o ON o.rating_id = r.id";

fn rating_row(r: &Row) -> Result<RatingRecord> {
    let case_id: Option<i64> = r.try_get(1)?;
    let visit_id: Option<i64> = r.try_get(2)?;
    let subject = match (case_id, visit_id) {
        (Some(c), _) => RatedThing::Case(c),
        (None, v) => RatedThing::Visit(v.unwrap_or_default()),
    };
    let rating: String = r.try_get(3)?;
    let channel: String = r.try_get(4)?;
    let reasons: serde_json::Value = r.try_get(5)?;
    Ok(RatingRecord {
        id: r.try_get(0)?,
        rating: NewRating {
            subject,
            rating: Rating::parse(&rating)
                .ok_or_else(|| StoreError::Backend(format!("unknown rating {rating}")))?,
            channel: RatingChannel::parse(&channel)
                .ok_or_else(|| StoreError::Backend(format!("unknown rating channel {channel}")))?,
            reasons: serde_json::from_value(reasons).map_err(json_err)?,
            comment: r.try_get(6)?,
            rater: r.try_get(7)?,
            unit: r.try_get(8)?,
            window_unit: r.try_get(9)?,
            staff: r.try_get(10)?,
            matter_code: r.try_get(11)?,
            rated_on: r.try_get(12)?,
            rated_at: r.try_get(13)?,
        },
        rectification_id: r.try_get(14)?,
    })
}

fn ids(subject: RatedThing) -> (Option<i64>, Option<i64>) {
    match subject {
        RatedThing::Case(id) => (Some(id), None),
        RatedThing::Visit(id) => (None, Some(id)),
    }
}

/// Stores a rating, its audit record and the order a 差评 opens.
pub(super) async fn create(
    tx: &Transaction<'_>,
    new: &NewRating,
    order: Option<&Rectification>,
    actor: &Actor,
) -> Result<RatingRecord> {
    let (case_id, visit_id) = ids(new.subject);
    let taken = tx
        .query_opt(
            "SELECT 1 FROM ratings WHERE case_id = $1 OR visit_id = $2",
            &[&case_id, &visit_id],
        )
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict("already_rated".into()));
    }
    let reasons = serde_json::to_value(&new.reasons).map_err(json_err)?;
    let id: i64 = tx
        .query_one(
            "INSERT INTO ratings (case_id, visit_id, rating, channel, reasons, comment, rater, unit, window_unit, staff, matter_code, rated_on, rated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[&case_id, &visit_id, &new.rating.as_str(), &new.channel.as_str(), &reasons, &new.comment, &new.rater,
                &new.unit, &new.window_unit, &new.staff, &new.matter_code, &new.rated_on, &new.rated_at],
        )
        .await?
        .try_get(0)?;
    let after = serde_json::to_string(new).map_err(json_err)?;
    let audit = entry(actor, "rating", &id.to_string(), "rate", None, Some(after));
    append_audit(tx, &audit, new.rated_at).await?;
    let mut rectification_id = None;
    if let Some(o) = order {
        let body = serde_json::to_value(o).map_err(json_err)?;
        let oid: i64 = tx
            .query_one(
                "INSERT INTO rectifications (rating_id, unit, state, deadline, version, body, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING id",
                &[&id, &o.unit, &order_state(o), &o.deadline, &body, &new.rated_at],
            )
            .await?
            .try_get(0)?;
        let audit = entry(
            actor,
            "rectification",
            &oid.to_string(),
            "open",
            None,
            Some(body.to_string()),
        );
        append_audit(tx, &audit, new.rated_at).await?;
        rectification_id = Some(oid);
    }
    Ok(RatingRecord {
        id,
        rating: new.clone(),
        rectification_id,
    })
}

/// One rating by id.
pub(super) async fn rating(c: &impl GenericClient, id: i64) -> Result<RatingRecord> {
    c.query_opt(
        &format!("SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.id = $1"),
        &[&id],
    )
    .await?
    .as_ref()
    .map(rating_row)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("评价 {id}")))
}

/// The rating of a case or a visit.
pub(super) async fn rating_of(
    c: &impl GenericClient,
    subject: RatedThing,
) -> Result<Option<RatingRecord>> {
    let (case_id, visit_id) = ids(subject);
    c.query_opt(
        &format!(
            "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.case_id = $1 OR r.visit_id = $2"
        ),
        &[&case_id, &visit_id],
    )
    .await?
    .as_ref()
    .map(rating_row)
    .transpose()
}

/// Ratings given in a period, oldest first.
pub(super) async fn ratings(
    c: &impl GenericClient,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RatingRecord>> {
    c.query(
        &format!(
            "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.rated_on BETWEEN $1 AND $2 ORDER BY r.id"
        ),
        &[&from, &to],
    )
    .await?
    .iter()
    .map(rating_row)
    .collect()
}

const ORDER_COLUMNS: &str = "id, rating_id, version, body, created_at, updated_at";

fn order_row(r: &Row) -> Result<RectificationRecord> {
    let body: serde_json::Value = r.try_get(3)?;
    Ok(RectificationRecord {
        id: r.try_get(0)?,
        rating_id: r.try_get(1)?,
        version: r.try_get(2)?,
        order: serde_json::from_value(body).map_err(json_err)?,
        created_at: r.try_get(4)?,
        updated_at: r.try_get(5)?,
    })
}

/// One order; with `unit`, only that unit's (`NotFound` otherwise).
pub(super) async fn rectification(
    c: &impl GenericClient,
    id: i64,
    unit: Option<&str>,
    lock: bool,
) -> Result<RectificationRecord> {
    let lock = if lock { " FOR UPDATE" } else { "" };
    c.query_opt(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM rectifications WHERE id = $1 AND ($2::TEXT IS NULL OR unit = $2){lock}"
        ),
        &[&id, &unit],
    )
    .await?
    .as_ref()
    .map(order_row)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("整改单 {id}")))
}

/// Orders matching a filter, soonest deadline first.
pub(super) async fn rectifications(
    c: &impl GenericClient,
    f: &RectificationFilter,
) -> Result<Vec<RectificationRecord>> {
    let limit = i64::from(if f.limit == 0 { 500 } else { f.limit });
    c.query(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM rectifications
             WHERE ($1::TEXT IS NULL OR unit = $1) AND (NOT $2 OR state <> 'closed')
             ORDER BY deadline, id LIMIT $3"
        ),
        &[&f.unit, &f.open_only, &limit],
    )
    .await?
    .iter()
    .map(order_row)
    .collect()
}

/// Stores a change to an order and its audit record.
pub(super) async fn update(
    tx: &Transaction<'_>,
    u: &RectificationUpdate,
) -> Result<RectificationRecord> {
    let before = rectification(tx, u.id, None, true).await?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "整改单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    let body = serde_json::to_value(&u.order).map_err(json_err)?;
    tx.execute(
        "UPDATE rectifications SET state = $1, deadline = $2, body = $3, version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6",
        &[&order_state(&u.order), &u.order.deadline, &body, &u.at, &u.id, &u.expected_version],
    )
    .await?;
    let payload = serde_json::json!({ "action": u.action, "after": u.order }).to_string();
    let old = serde_json::to_string(&before.order).map_err(json_err)?;
    let name = serde_json::to_value(&u.action)
        .ok()
        .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "act".into());
    let audit = entry(
        &u.actor,
        "rectification",
        &u.id.to_string(),
        &name,
        Some(old),
        Some(payload),
    );
    append_audit(tx, &audit, u.at).await?;
    rectification(tx, u.id, None, false).await
}

/// The case's rating token, storing `fresh` when it has none.
pub(super) async fn token(
    tx: &Transaction<'_>,
    case_id: i64,
    fresh: &str,
    at: DateTime<Utc>,
) -> Result<String> {
    tx.execute(
        "INSERT INTO rating_tokens (case_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING",
        &[&case_id, &fresh, &at],
    )
    .await?;
    Ok(tx
        .query_one(
            "SELECT token FROM rating_tokens WHERE case_id = $1",
            &[&case_id],
        )
        .await?
        .try_get(0)?)
}

/// The case a rating token belongs to.
pub(super) async fn case_by_token(c: &impl GenericClient, token: &str) -> Result<i64> {
    c.query_opt(
        "SELECT case_id FROM rating_tokens WHERE token = $1",
        &[&token],
    )
    .await?
    .map(|r| r.try_get(0))
    .transpose()?
    .ok_or_else(|| StoreError::NotFound("评价链接".into()))
}

/// One window visit.
pub(super) async fn visit(c: &impl GenericClient, id: i64) -> Result<Visit> {
    let r = c
        .query_opt(
            "SELECT at, unit, clerk, applicant_id, matter_code, case_id, outcome FROM visits WHERE id = $1",
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("来访记录 {id}")))?;
    Ok(Visit {
        at: r.try_get(0)?,
        unit: r.try_get(1)?,
        clerk: r.try_get(2)?,
        applicant_id: r.try_get(3)?,
        matter_code: r.try_get(4)?,
        case_id: r.try_get(5)?,
        outcome: r.try_get(6)?,
    })
}

/// A hall's visits not yet rated, newest first.
pub(super) async fn unrated_visits(
    c: &impl GenericClient,
    unit: &str,
    limit: u32,
) -> Result<Vec<(i64, Visit)>> {
    c.query(
        "SELECT v.id, v.at, v.unit, v.clerk, v.applicant_id, v.matter_code, v.case_id, v.outcome
         FROM visits v LEFT JOIN ratings r ON r.visit_id = v.id
         WHERE v.unit = $1 AND r.id IS NULL ORDER BY v.id DESC LIMIT $2",
        &[&unit, &i64::from(limit)],
    )
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get(0)?,
            Visit {
                at: r.try_get(1)?,
                unit: r.try_get(2)?,
                clerk: r.try_get(3)?,
                applicant_id: r.try_get(4)?,
                matter_code: r.try_get(5)?,
                case_id: r.try_get(6)?,
                outcome: r.try_get(7)?,
            },
        ))
    })
    .collect()
}

/// Cases concluded in a period, counted per department, hall and matter.
pub(super) async fn concluded_counts(
    c: &impl GenericClient,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ConcludedCount>> {
    c.query(
        "SELECT c.unit, c.intake_unit, c.matter_code, COUNT(*), COUNT(r.id)
         FROM cases c LEFT JOIN ratings r ON r.case_id = c.id
         WHERE c.concluded_on BETWEEN $1 AND $2
         GROUP BY c.unit, c.intake_unit, c.matter_code
         ORDER BY c.unit, c.intake_unit, c.matter_code",
        &[&from, &to],
    )
    .await?
    .iter()
    .map(|r| {
        Ok(ConcludedCount {
            unit: r.try_get(0)?,
            window_unit: r.try_get(1)?,
            matter_code: r.try_get(2)?,
            count: r.try_get(3)?,
            rated: r.try_get(4)?,
        })
    })
    .collect()
}

#[async_trait]
impl crate::RatingStore for super::PostgresStore {
    async fn create_rating(
        &self,
        rating: &crate::NewRating,
        order: Option<&domain::evaluation::Rectification>,
        actor: &Actor,
    ) -> Result<crate::RatingRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::create(&tx, rating, order, actor).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        ratings::rating(&self.pool.get().await?, id).await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        ratings::rating_of(&self.pool.get().await?, subject).await
    }

    async fn ratings(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::RatingRecord>> {
        ratings::ratings(&self.pool.get().await?, from, to).await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        ratings::rectification(&self.pool.get().await?, id, unit, false).await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        ratings::rectifications(&self.pool.get().await?, filter).await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::token(&tx, case_id, fresh, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        ratings::case_by_token(&self.pool.get().await?, token).await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        ratings::visit(&self.pool.get().await?, id).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        ratings::unrated_visits(&self.pool.get().await?, unit, limit).await
    }

    async fn concluded_counts(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        ratings::concluded_counts(&self.pool.get().await?, from, to).await
    }
}
