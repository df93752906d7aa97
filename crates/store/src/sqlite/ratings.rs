//! 好差评 on SQLite: ratings, rectification orders and rating tokens.

use super::*;

use chrono::{DateTime, NaiveDate, Utc};
use domain::evaluation::{Rating, RatingChannel, Rectification};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};

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

fn rating_row(r: &Row<'_>) -> rusqlite::Result<(RatingRecord, String, String, String)> {
    let case_id: Option<i64> = r.get(1)?;
    let visit_id: Option<i64> = r.get(2)?;
    let subject = match (case_id, visit_id) {
        (Some(c), _) => RatedThing::Case(c),
        (None, v) => RatedThing::Visit(v.unwrap_or_default()),
    };
    let record = RatingRecord {
        id: r.get(0)?,
        rating: NewRating {
            subject,
            rating: Rating::VerySatisfied,
            channel: RatingChannel::Pc,
            reasons: Vec::new(),
            comment: r.get(6)?,
            rater: r.get(7)?,
            unit: r.get(8)?,
            window_unit: r.get(9)?,
            staff: r.get(10)?,
            matter_code: r.get(11)?,
            rated_on: r.get(12)?,
            rated_at: r.get(13)?,
        },
        rectification_id: r.get(14)?,
    };
    Ok((record, r.get(3)?, r.get(4)?, r.get(5)?))
}

/// Fills in the columns stored as labels and JSON.
fn finish(
    (mut rec, rating, channel, reasons): (RatingRecord, String, String, String),
) -> Result<RatingRecord> {
    rec.rating.rating = Rating::parse(&rating)
        .ok_or_else(|| StoreError::Backend(format!("unknown rating {rating}")))?;
    rec.rating.channel = RatingChannel::parse(&channel)
        .ok_or_else(|| StoreError::Backend(format!("unknown rating channel {channel}")))?;
    rec.rating.reasons = serde_json::from_str(&reasons).map_err(json_err)?;
    Ok(rec)
}

fn ids(subject: RatedThing) -> (Option<i64>, Option<i64>) {
    match subject {
        RatedThing::Case(id) => (Some(id), None),
        RatedThing::Visit(id) => (None, Some(id)),
    }
}

/// Stores a rating, its audit record and the order a 差评 opens.
pub(super) fn create(
    tx: &Transaction<'_>,
    new: &NewRating,
    order: Option<&Rectification>,
    actor: &Actor,
) -> Result<RatingRecord> {
    let (case_id, visit_id) = ids(new.subject);
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM ratings WHERE case_id = ?1 OR visit_id = ?2)",
        params![case_id, visit_id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(StoreError::Conflict("already_rated".into()));
    }
    let reasons = serde_json::to_string(&new.reasons).map_err(json_err)?;
    let id: i64 = tx.query_row(
        "INSERT INTO ratings (case_id, visit_id, rating, channel, reasons, comment, rater, unit, window_unit, staff, matter_code, rated_on, rated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id",
        params![case_id, visit_id, new.rating.as_str(), new.channel.as_str(), reasons, new.comment, new.rater,
            new.unit, new.window_unit, new.staff, new.matter_code, new.rated_on, new.rated_at],
        |r| r.get(0),
    )?;
    let after = serde_json::to_string(new).map_err(json_err)?;
    let audit = entry(actor, "rating", &id.to_string(), "rate", None, Some(after));
    append_audit(tx, &audit, new.rated_at)?;
    let mut rectification_id = None;
    if let Some(o) = order {
        let body = serde_json::to_string(o).map_err(json_err)?;
        let oid: i64 = tx.query_row(
            "INSERT INTO rectifications (rating_id, unit, state, deadline, version, body, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?6) RETURNING id",
            params![id, o.unit, order_state(o), o.deadline, body, new.rated_at],
            |r| r.get(0),
        )?;
        let audit = entry(
            actor,
            "rectification",
            &oid.to_string(),
            "open",
            None,
            Some(body),
        );
        append_audit(tx, &audit, new.rated_at)?;
        rectification_id = Some(oid);
    }
    Ok(RatingRecord {
        id,
        rating: new.clone(),
        rectification_id,
    })
}

/// One rating by id.
pub(super) fn rating(c: &Connection, id: i64) -> Result<RatingRecord> {
    c.query_row(
        &format!("SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.id = ?1"),
        [id],
        rating_row,
    )
    .optional()?
    .map(finish)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("评价 {id}")))
}

/// The rating of a case or a visit.
pub(super) fn rating_of(c: &Connection, subject: RatedThing) -> Result<Option<RatingRecord>> {
    let (case_id, visit_id) = ids(subject);
    c.query_row(
        &format!(
            "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.case_id = ?1 OR r.visit_id = ?2"
        ),
        params![case_id, visit_id],
        rating_row,
    )
    .optional()?
    .map(finish)
    .transpose()
}

/// Ratings given in a period, oldest first.
pub(super) fn ratings(c: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<RatingRecord>> {
    let mut st = c.prepare(&format!(
        "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.rated_on BETWEEN ?1 AND ?2 ORDER BY r.id"
    ))?;
    let rows = st.query_map(params![from, to], rating_row)?;
    rows.map(|r| finish(r?)).collect()
}

const ORDER_COLUMNS: &str = "id, rating_id, version, body, created_at, updated_at";

fn order_row(r: &Row<'_>) -> rusqlite::Result<(RectificationRecord, String)> {
    Ok((
        RectificationRecord {
            id: r.get(0)?,
            rating_id: r.get(1)?,
            version: r.get(2)?,
            order: placeholder_order(),
            created_at: r.get(4)?,
            updated_at: r.get(5)?,
        },
        r.get(3)?,
    ))
}

fn placeholder_order() -> Rectification {
    Rectification {
        state: domain::evaluation::RectificationState::Verifying,
        unit: String::new(),
        opened_on: NaiveDate::MIN,
        deadline: NaiveDate::MIN,
        finding: String::new(),
        measures: String::new(),
        reason: String::new(),
        supervisor_note: String::new(),
        callback: None,
        outcome: None,
        closed_on: None,
    }
}

fn finish_order((mut rec, body): (RectificationRecord, String)) -> Result<RectificationRecord> {
    rec.order = serde_json::from_str(&body).map_err(json_err)?;
    Ok(rec)
}

/// One order; with `unit`, only that unit's (`NotFound` otherwise).
pub(super) fn rectification(
    c: &Connection,
    id: i64,
    unit: Option<&str>,
) -> Result<RectificationRecord> {
    c.query_row(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM rectifications WHERE id = ?1 AND (?2 IS NULL OR unit = ?2)"
        ),
        params![id, unit],
        order_row,
    )
    .optional()?
    .map(finish_order)
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("整改单 {id}")))
}

/// Orders matching a filter, soonest deadline first.
pub(super) fn rectifications(
    c: &Connection,
    f: &RectificationFilter,
) -> Result<Vec<RectificationRecord>> {
    let limit = if f.limit == 0 { 500 } else { f.limit };
    let mut st = c.prepare(&format!(
        "SELECT {ORDER_COLUMNS} FROM rectifications
         WHERE (?1 IS NULL OR unit = ?1) AND (?2 = 0 OR state <> 'closed')
         ORDER BY deadline, id LIMIT ?3"
    ))?;
    let rows = st.query_map(params![f.unit, f.open_only, limit], order_row)?;
    rows.map(|r| finish_order(r?)).collect()
}

/// Stores a change to an order and its audit record.
pub(super) fn update(tx: &Transaction<'_>, u: &RectificationUpdate) -> Result<RectificationRecord> {
    let before = rectification(tx, u.id, None)?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "整改单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    let body = serde_json::to_string(&u.order).map_err(json_err)?;
    tx.execute(
        "UPDATE rectifications SET state = ?1, deadline = ?2, body = ?3, version = version + 1, updated_at = ?4
         WHERE id = ?5 AND version = ?6",
        params![order_state(&u.order), u.order.deadline, body, u.at, u.id, u.expected_version],
    )?;
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
    append_audit(tx, &audit, u.at)?;
    rectification(tx, u.id, None)
}

/// The case's rating token, storing `fresh` when it has none.
pub(super) fn token(
    tx: &Transaction<'_>,
    case_id: i64,
    fresh: &str,
    at: DateTime<Utc>,
) -> Result<String> {
    tx.execute(
        "INSERT INTO rating_tokens (case_id, token, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (case_id) DO NOTHING",
        params![case_id, fresh, at],
    )?;
    Ok(tx.query_row(
        "SELECT token FROM rating_tokens WHERE case_id = ?1",
        [case_id],
        |r| r.get(0),
    )?)
}

/// The case a rating token belongs to.
pub(super) fn case_by_token(c: &Connection, token: &str) -> Result<i64> {
    c.query_row(
        "SELECT case_id FROM rating_tokens WHERE token = ?1",
        [token],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound("评价链接".into()))
}

/// One window visit.
pub(super) fn visit(c: &Connection, id: i64) -> Result<Visit> {
    c.query_row(
        "SELECT at, unit, clerk, applicant_id, matter_code, case_id, outcome FROM visits WHERE id = ?1",
        [id],
        |r| {
            Ok(Visit {
                at: r.get(0)?,
                unit: r.get(1)?,
                clerk: r.get(2)?,
                applicant_id: r.get(3)?,
                matter_code: r.get(4)?,
                case_id: r.get(5)?,
                outcome: r.get(6)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("来访记录 {id}")))
}

/// A hall's visits not yet rated, newest first.
pub(super) fn unrated_visits(c: &Connection, unit: &str, limit: u32) -> Result<Vec<(i64, Visit)>> {
    let mut st = c.prepare(
        "SELECT v.id, v.at, v.unit, v.clerk, v.applicant_id, v.matter_code, v.case_id, v.outcome
         FROM visits v LEFT JOIN ratings r ON r.visit_id = v.id
         WHERE v.unit = ?1 AND r.id IS NULL ORDER BY v.id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![unit, limit], |r| {
        Ok((
            r.get(0)?,
            Visit {
                at: r.get(1)?,
                unit: r.get(2)?,
                clerk: r.get(3)?,
                applicant_id: r.get(4)?,
                matter_code: r.get(5)?,
                case_id: r.get(6)?,
                outcome: r.get(7)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Cases concluded in a period, counted per department, hall and matter.
pub(super) fn concluded_counts(
    c: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ConcludedCount>> {
    let mut st = c.prepare(
        "SELECT c.unit, c.intake_unit, c.matter_code, COUNT(*), COUNT(r.id)
         FROM cases c LEFT JOIN ratings r ON r.case_id = c.id
         WHERE c.concluded_on BETWEEN ?1 AND ?2
         GROUP BY c.unit, c.intake_unit, c.matter_code
         ORDER BY c.unit, c.intake_unit, c.matter_code",
    )?;
    let rows = st.query_map(params![from, to], |r| {
        Ok(ConcludedCount {
            unit: r.get(0)?,
            window_unit: r.get(1)?,
            matter_code: r.get(2)?,
            count: r.get(3)?,
            rated: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[async_trait]
impl crate::RatingStore for super::SqliteStore {
    async fn create_rating(
        &self,
        rating: &crate::NewRating,
        order: Option<&domain::evaluation::Rectification>,
        actor: &Actor,
    ) -> Result<crate::RatingRecord> {
        let (rating, order, actor) = (rating.clone(), order.cloned(), actor.clone());
        self.write(move |tx| ratings::create(tx, &rating, order.as_ref(), &actor))
            .await
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        self.quick(move |c| ratings::rating(c, id)).await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        self.call(move |c| ratings::rating_of(c, subject)).await
    }

    async fn ratings(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::RatingRecord>> {
        self.call(move |c| ratings::ratings(c, from, to)).await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        let unit = unit.map(str::to_owned);
        self.call(move |c| ratings::rectification(c, id, unit.as_deref()))
            .await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        let filter = filter.clone();
        self.call(move |c| ratings::rectifications(c, &filter))
            .await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let update = update.clone();
        self.write(move |tx| ratings::update(tx, &update)).await
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let fresh = fresh.to_owned();
        self.write(move |tx| ratings::token(tx, case_id, &fresh, at))
            .await
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        let token = token.to_owned();
        self.quick(move |c| ratings::case_by_token(c, &token)).await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        self.quick(move |c| ratings::visit(c, id)).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        let unit = unit.to_owned();
        self.call(move |c| ratings::unrated_visits(c, &unit, limit))
            .await
    }

    async fn concluded_counts(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        self.call(move |c| ratings::concluded_counts(c, from, to))
            .await
    }
}
