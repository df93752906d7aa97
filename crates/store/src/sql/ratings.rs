//! 好差评's SQL: ratings, rectification orders, rating tokens and the visits
//! and concluded cases they rate.

use super::audit::append;
use super::{Cells, Db, Json, first};
use crate::audit::entry;
use crate::ratings::{
    ConcludedCount, NewRating, RatedThing, RatingRecord, RectificationFilter, RectificationRecord,
    RectificationUpdate, order_state,
};
use crate::{Actor, Result, StoreError, Visit};
use chrono::{DateTime, NaiveDate, Utc};
use domain::evaluation::{Rating, RatingChannel, Rectification};

const RATING_COLUMNS: &str =
    "r.id, r.case_id, r.visit_id, r.rating, r.channel, r.reasons, r.comment, r.rater,
    r.unit, r.window_unit, r.staff, r.matter_code, r.rated_on, r.rated_at, o.id";
const RATING_FROM: &str = "ratings r LEFT JOIN rectifications o ON o.rating_id = r.id";

fn rating_row(r: &dyn Cells) -> Result<RatingRecord> {
    let subject = match (r.get::<Option<i64>>(1)?, r.get::<Option<i64>>(2)?) {
        (Some(c), _) => RatedThing::Case(c),
        (None, v) => RatedThing::Visit(v.unwrap_or_default()),
    };
    let rating: String = r.get(3)?;
    let channel: String = r.get(4)?;
    Ok(RatingRecord {
        id: r.get(0)?,
        rating: NewRating {
            subject,
            rating: Rating::parse(&rating)
                .ok_or_else(|| StoreError::Backend(format!("unknown rating {rating}")))?,
            channel: RatingChannel::parse(&channel)
                .ok_or_else(|| StoreError::Backend(format!("unknown rating channel {channel}")))?,
            reasons: r.json(5)?,
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
    })
}

fn ids(subject: RatedThing) -> (Option<i64>, Option<i64>) {
    match subject {
        RatedThing::Case(id) => (Some(id), None),
        RatedThing::Visit(id) => (None, Some(id)),
    }
}

/// Stores a rating, its audit record and the order a 差评 opens.
pub(crate) async fn create(
    db: &impl Db,
    new: &NewRating,
    order: Option<&Rectification>,
    actor: &Actor,
) -> Result<RatingRecord> {
    let (case_id, visit_id) = ids(new.subject);
    let taken = db
        .opt(
            "SELECT 1 FROM ratings WHERE case_id = $1 OR visit_id = $2",
            &[&case_id, &visit_id],
            |_| Ok(()),
        )
        .await?;
    if taken.is_some() {
        return Err(StoreError::Conflict("already_rated".into()));
    }
    let id: i64 = db
        .insert(
            "INSERT INTO ratings (case_id, visit_id, rating, channel, reasons, comment, rater, unit, window_unit, staff, matter_code, rated_on, rated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            &[&case_id, &visit_id, &new.rating.as_str(), &new.channel.as_str(), &Json::of(&new.reasons)?,
                &new.comment, &new.rater, &new.unit, &new.window_unit, &new.staff, &new.matter_code,
                &new.rated_on, &new.rated_at],
        )
        .await?;
    let after = Json::of(new)?.0;
    let audit = entry(actor, "rating", &id.to_string(), "rate", None, Some(after));
    append(db, &audit, new.rated_at).await?;
    let mut rectification_id = None;
    if let Some(o) = order {
        let body = Json::of(o)?;
        let oid: i64 = db
            .insert(
                "INSERT INTO rectifications (rating_id, unit, state, deadline, version, body, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 1, $5, $6, $6) RETURNING id",
                &[&id, &o.unit, &order_state(o), &o.deadline, &body, &new.rated_at],
            )
            .await?;
        let audit = entry(
            actor,
            "rectification",
            &oid.to_string(),
            "open",
            None,
            Some(body.0),
        );
        append(db, &audit, new.rated_at).await?;
        rectification_id = Some(oid);
    }
    Ok(RatingRecord {
        id,
        rating: new.clone(),
        rectification_id,
    })
}

/// One rating by id.
pub(crate) async fn rating(db: &impl Db, id: i64) -> Result<RatingRecord> {
    db.one(
        &format!("SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.id = $1"),
        &[&id],
        rating_row,
        || StoreError::NotFound(format!("评价 {id}")),
    )
    .await
}

/// The rating of a case or a visit.
pub(crate) async fn rating_of(db: &impl Db, subject: RatedThing) -> Result<Option<RatingRecord>> {
    let (case_id, visit_id) = ids(subject);
    db.opt(
        &format!(
            "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.case_id = $1 OR r.visit_id = $2"
        ),
        &[&case_id, &visit_id],
        rating_row,
    )
    .await
}

/// Ratings given in a period, oldest first.
pub(crate) async fn ratings(
    db: &impl Db,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<RatingRecord>> {
    db.rows(
        &format!(
            "SELECT {RATING_COLUMNS} FROM {RATING_FROM} WHERE r.rated_on BETWEEN $1 AND $2 ORDER BY r.id"
        ),
        &[&from, &to],
        rating_row,
    )
    .await
}

const ORDER_COLUMNS: &str = "id, rating_id, version, body, created_at, updated_at";

fn order_row(r: &dyn Cells) -> Result<RectificationRecord> {
    Ok(RectificationRecord {
        id: r.get(0)?,
        rating_id: r.get(1)?,
        version: r.get(2)?,
        order: r.json(3)?,
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

/// One order; with `unit`, only that unit's (`NotFound` otherwise); with
/// `lock`, locked for the rest of the transaction.
pub(crate) async fn rectification(
    db: &impl Db,
    id: i64,
    unit: Option<&str>,
    lock: bool,
) -> Result<RectificationRecord> {
    let lock = if lock { db.for_update() } else { "" };
    db.one(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM rectifications
             WHERE id = $1 AND (CAST($2 AS TEXT) IS NULL OR unit = $2){lock}"
        ),
        &[&id, &unit],
        order_row,
        || StoreError::NotFound(format!("整改单 {id}")),
    )
    .await
}

/// Orders matching a filter, soonest deadline first.
pub(crate) async fn rectifications(
    db: &impl Db,
    f: &RectificationFilter,
) -> Result<Vec<RectificationRecord>> {
    let limit = i64::from(if f.limit == 0 { 500 } else { f.limit });
    db.rows(
        &format!(
            "SELECT {ORDER_COLUMNS} FROM rectifications
             WHERE (CAST($1 AS TEXT) IS NULL OR unit = $1) AND (NOT $2 OR state <> 'closed')
             ORDER BY deadline, id LIMIT $3"
        ),
        &[&f.unit, &f.open_only, &limit],
        order_row,
    )
    .await
}

/// Stores a change to an order and its audit record.
pub(crate) async fn update(db: &impl Db, u: &RectificationUpdate) -> Result<RectificationRecord> {
    let before = rectification(db, u.id, None, true).await?;
    if before.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "整改单已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            before.version, u.expected_version
        )));
    }
    db.exec(
        "UPDATE rectifications SET state = $1, deadline = $2, body = $3, version = version + 1, updated_at = $4
         WHERE id = $5 AND version = $6",
        &[&order_state(&u.order), &u.order.deadline, &Json::of(&u.order)?, &u.at, &u.id, &u.expected_version],
    )
    .await?;
    let payload = serde_json::json!({ "action": u.action, "after": u.order }).to_string();
    let name = serde_json::to_value(&u.action)
        .ok()
        .and_then(|v| v.get("action").and_then(|a| a.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "act".into());
    let old = Json::of(&before.order)?.0;
    let audit = entry(
        &u.actor,
        "rectification",
        &u.id.to_string(),
        &name,
        Some(old),
        Some(payload),
    );
    append(db, &audit, u.at).await?;
    rectification(db, u.id, None, false).await
}

/// The case's rating token, storing `fresh` when it has none.
pub(crate) async fn token(
    db: &impl Db,
    case_id: i64,
    fresh: &str,
    at: DateTime<Utc>,
) -> Result<String> {
    db.exec(
        "INSERT INTO rating_tokens (case_id, token, created_at) VALUES ($1, $2, $3) ON CONFLICT (case_id) DO NOTHING",
        &[&case_id, &fresh, &at],
    )
    .await?;
    db.one(
        "SELECT token FROM rating_tokens WHERE case_id = $1",
        &[&case_id],
        first,
        || StoreError::NotFound("评价链接".into()),
    )
    .await
}

/// The case a rating token belongs to.
pub(crate) async fn case_by_token(db: &impl Db, token: &str) -> Result<i64> {
    db.one(
        "SELECT case_id FROM rating_tokens WHERE token = $1",
        &[&token],
        first,
        || StoreError::NotFound("评价链接".into()),
    )
    .await
}

const VISIT_COLUMNS: &str =
    "v.at, v.unit, v.clerk, v.applicant_id, v.matter_code, v.case_id, v.outcome";

/// A visit from its columns, from `at` on.
pub(crate) fn visit_row(r: &dyn Cells, at: usize) -> Result<Visit> {
    Ok(Visit {
        at: r.get(at)?,
        unit: r.get(at + 1)?,
        clerk: r.get(at + 2)?,
        applicant_id: r.get(at + 3)?,
        matter_code: r.get(at + 4)?,
        case_id: r.get(at + 5)?,
        outcome: r.get(at + 6)?,
    })
}

/// One window visit.
pub(crate) async fn visit(db: &impl Db, id: i64) -> Result<Visit> {
    db.one(
        &format!("SELECT {VISIT_COLUMNS} FROM visits v WHERE v.id = $1"),
        &[&id],
        |r| visit_row(r, 0),
        || StoreError::NotFound(format!("来访记录 {id}")),
    )
    .await
}

/// A hall's visits not yet rated, newest first.
pub(crate) async fn unrated_visits(
    db: &impl Db,
    unit: &str,
    limit: u32,
) -> Result<Vec<(i64, Visit)>> {
    db.rows(
        &format!(
            "SELECT v.id, {VISIT_COLUMNS}
             FROM visits v LEFT JOIN ratings r ON r.visit_id = v.id
             WHERE v.unit = $1 AND r.id IS NULL ORDER BY v.id DESC LIMIT $2"
        ),
        &[&unit, &i64::from(limit)],
        |r| Ok((r.get(0)?, visit_row(r, 1)?)),
    )
    .await
}

/// Cases concluded in a period, counted per department, hall and matter.
pub(crate) async fn concluded_counts(
    db: &impl Db,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ConcludedCount>> {
    db.rows(
        "SELECT c.unit, c.intake_unit, c.matter_code, COUNT(*), COUNT(r.id)
         FROM cases c LEFT JOIN ratings r ON r.case_id = c.id
         WHERE c.concluded_on BETWEEN $1 AND $2
         GROUP BY c.unit, c.intake_unit, c.matter_code
         ORDER BY c.unit, c.intake_unit, c.matter_code",
        &[&from, &to],
        |r| {
            Ok(ConcludedCount {
                unit: r.get(0)?,
                window_unit: r.get(1)?,
                matter_code: r.get(2)?,
                count: r.get(3)?,
                rated: r.get(4)?,
            })
        },
    )
    .await
}
