//! The SQL of cases that both backends share: a case's timeline, its broken
//! commitments, window visits and the audit record of a bulk load. Reading
//! and writing the case rows themselves stays with each backend (SQLite's
//! recent-case cache and changed-columns update, PostgreSQL's COPY), where
//! the throughput targets are met.

use super::audit::append;
use super::{Db, first};
use crate::audit::entry;
use crate::{Actor, BrokenCommitment, CaseEvent, CaseUpdate, Result, Visit};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::Effect;

/// A case's timeline, oldest first.
pub(crate) async fn events(db: &impl Db, id: i64) -> Result<Vec<CaseEvent>> {
    db.rows(
        "SELECT seq, at, actor, actor_unit, action, payload, from_state, to_state, effects
         FROM case_events WHERE case_id = $1 ORDER BY seq",
        &[&id],
        |r| {
            Ok(CaseEvent {
                seq: r.get(0)?,
                at: r.get(1)?,
                actor: r.get(2)?,
                actor_unit: r.get(3)?,
                action: r.get(4)?,
                payload: serde_json::from_str(&r.get::<String>(5)?).map_err(crate::json_err)?,
                from_state: r.get(6)?,
                to_state: r.get(7)?,
                effects: serde_json::from_str(&r.get::<String>(8)?).map_err(crate::json_err)?,
            })
        },
    )
    .await
}

/// Cases whose 容缺 materials were owed before `today`.
pub(crate) async fn overdue_supplements(db: &impl Db, today: NaiveDate) -> Result<Vec<i64>> {
    db.rows(
        "SELECT id FROM cases WHERE supplement_by IS NOT NULL AND supplement_by < $1 ORDER BY id",
        &[&today],
        first,
    )
    .await
}

/// A broken-commitment record for each such effect of the update.
pub(crate) async fn record_broken_commitments(db: &impl Db, u: &CaseUpdate) -> Result<()> {
    for e in &u.effects {
        if let Effect::BrokenCommitment { materials, due } = e {
            let materials = serde_json::to_string(materials).map_err(crate::json_err)?;
            db.exec(
                "INSERT INTO broken_commitments (case_id, applicant_id, materials, due, recorded_at) VALUES ($1, $2, $3, $4, $5)",
                &[&u.id, &u.case.applicant.identifier(), &materials, due, &u.at],
            )
            .await?;
        }
    }
    Ok(())
}

/// Every broken commitment, newest first.
pub(crate) async fn broken_commitments(db: &impl Db) -> Result<Vec<BrokenCommitment>> {
    db.rows(
        "SELECT id, case_id, applicant_id, materials, due, recorded_at FROM broken_commitments ORDER BY id DESC",
        &[],
        |r| {
            Ok(BrokenCommitment {
                id: r.get(0)?,
                case_id: r.get(1)?,
                applicant_id: r.get(2)?,
                materials: serde_json::from_str(&r.get::<String>(3)?).map_err(crate::json_err)?,
                due: r.get(4)?,
                recorded_at: r.get(5)?,
            })
        },
    )
    .await
}

/// Records a visit to a window; its id.
pub(crate) async fn record_visit(db: &impl Db, v: &Visit) -> Result<i64> {
    db.insert(
        "INSERT INTO visits (at, unit, clerk, applicant_id, matter_code, case_id, outcome)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        &[
            &v.at,
            &v.unit,
            &v.clerk,
            &v.applicant_id,
            &v.matter_code,
            &v.case_id,
            &v.outcome,
        ],
    )
    .await
}

/// A hall's latest visits, newest first.
pub(crate) async fn visits(db: &impl Db, unit: &str, limit: u32) -> Result<Vec<Visit>> {
    db.rows(
        "SELECT at, unit, clerk, applicant_id, matter_code, case_id, outcome FROM visits
         WHERE unit = $1 ORDER BY id DESC LIMIT $2",
        &[&unit, &i64::from(limit)],
        |r| super::ratings::visit_row(r, 0),
    )
    .await
}

/// The one audit record of a bulk load, naming the ids it gave.
pub(crate) async fn audit_bulk_load(
    db: &impl Db,
    ids: &[i64],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<()> {
    let (Some(lo), Some(hi)) = (ids.first(), ids.last()) else {
        return Ok(());
    };
    let after = serde_json::json!({ "count": ids.len(), "first_id": lo, "last_id": hi });
    let audit = entry(
        actor,
        "case",
        &format!("{lo}-{hi}"),
        "bulk_load",
        None,
        Some(after.to_string()),
    );
    append(db, &audit, at).await
}
