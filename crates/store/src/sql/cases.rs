//! The SQL of cases that both backends share: a case's timeline, its broken
//! commitments, window visits and the audit record of a bulk load. Reading
//! and writing the case rows themselves stays with each backend (SQLite's
//! recent-case cache and changed-columns update, PostgreSQL's COPY), where
//! the throughput targets are met.

use super::audit::append;
use super::{Cells, Db, Json, Param, first};
use crate::audit::entry;
use crate::{
    Actor, BrokenCommitment, CaseEvent, CaseRecord, CaseUpdate, ClockIndex, NewCase, Result, Visit,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::{Case, Effect};

/// The columns of a case record, the table named `c`: what
/// [`case_record`] reads.
pub(crate) const CASE_COLUMNS: &str =
    "c.id, c.receipt_no, c.version, c.intake_unit, c.applicant_user, c.deadline, c.warn_from,
    c.statutory_deadline, c.concluded_late, c.supplement_by, c.body, c.created_at, c.updated_at";

/// A case record from the [`CASE_COLUMNS`] of a row.
pub(crate) fn case_record(r: &dyn Cells) -> Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.get(0)?,
        receipt_no: r.get(1)?,
        version: r.get(2)?,
        intake_unit: r.get(3)?,
        applicant_user: r.get(4)?,
        clock: read_clock(r, 5)?,
        case: r.json(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

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

/// The timeline payload of a case's opening.
pub(crate) fn opening_payload(case: &Case) -> serde_json::Value {
    serde_json::json!({ "matter": case.matter, "version": case.matter_version, "channel": case.channel })
}

/// What a new case leaves besides its row, timeline entry and holders: the
/// create's idempotency key, the window visit it came from, and its audit
/// record (`body`: the case as stored).
pub(crate) async fn record_opening(
    db: &impl Db,
    new: &NewCase,
    id: i64,
    receipt: &str,
    body: String,
) -> Result<()> {
    if let Some(key) = &new.idempotency_key {
        db.exec(
            "INSERT INTO idempotency_keys (username, key, case_id, created_at) VALUES ($1, $2, $3, $4)",
            &[&new.actor.username, key, &id, &new.at],
        )
        .await?;
    }
    if let Some(outcome) = &new.visit_outcome {
        let visit = Visit {
            at: new.at,
            unit: new.intake_unit.clone(),
            clerk: new.actor.username.clone(),
            applicant_id: new.case.applicant.identifier().to_owned(),
            matter_code: new.case.matter.to_string(),
            case_id: Some(id),
            outcome: outcome.clone(),
        };
        record_visit(db, &visit).await?;
    }
    let audit = entry(&new.actor, "case", receipt, "open", None, Some(body));
    append(db, &audit, new.at).await
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

/// The stored row of a case as an update needs it: its version, the
/// columns the returned record carries, the columns a step may change, and
/// its body as stored (the audit record's `before`), read without parsing
/// the body.
pub(crate) struct Stored {
    pub(crate) version: i64,
    pub(crate) receipt_no: String,
    pub(crate) intake_unit: String,
    pub(crate) applicant_user: Option<String>,
    pub(crate) body: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) moving: Moving,
}

/// The row an update starts from, locked for the rest of the transaction.
pub(crate) async fn read_stored(db: &impl Db, id: i64) -> Result<Stored> {
    let lock = db.for_update();
    let sql = format!(
        "SELECT version, receipt_no, intake_unit, applicant_user, CAST(body AS TEXT), created_at,
             state, accepted_on, concluded_on, deadline, warn_from, statutory_deadline,
             concluded_late, supplement_by
         FROM cases WHERE id = $1{lock}"
    );
    let missing = || crate::StoreError::NotFound(format!("办件 {id}"));
    let stored = |r: &dyn Cells| {
        Ok(Stored {
            version: r.get(0)?,
            receipt_no: r.get(1)?,
            intake_unit: r.get(2)?,
            applicant_user: r.get(3)?,
            body: r.get(4)?,
            created_at: r.get(5)?,
            moving: Moving {
                state: r.get(6)?,
                accepted_on: r.get(7)?,
                concluded_on: r.get(8)?,
                clock: read_clock(r, 9)?,
            },
        })
    };
    db.one(&sql, &[&id], stored, missing).await
}

/// A case's clock columns, from `at` on.
pub(crate) fn read_clock(r: &dyn Cells, at: usize) -> Result<ClockIndex> {
    Ok(ClockIndex {
        deadline: r.get(at)?,
        warn_from: r.get(at + 1)?,
        statutory_deadline: r.get(at + 2)?,
        concluded_late: r.get(at + 3)?,
        supplement_by: r.get(at + 4)?,
    })
}

/// The columns of a case row a step may change besides its body and
/// version. An update sets only those that differ from the stored row:
/// SQLite rewrites the entry of every index on a column named in SET, both
/// backends fire the SLA tally's trigger, whether the value changed or not,
/// and most steps change the state alone.
pub(crate) struct Moving {
    pub(crate) state: String,
    accepted_on: Option<NaiveDate>,
    concluded_on: Option<NaiveDate>,
    clock: ClockIndex,
}

impl Moving {
    fn of(case: &Case, clock: ClockIndex) -> Moving {
        Moving {
            state: case.state.as_str().to_owned(),
            accepted_on: case.accepted_on,
            concluded_on: case.concluded_on,
            clock,
        }
    }

    /// The columns whose value in `self` differs from `stored`, with their new values.
    fn changed_from<'a>(&'a self, stored: &Moving) -> Vec<(&'static str, &'a dyn Param)> {
        fn differs<'a, T: PartialEq + Param>(
            set: &mut Vec<(&'static str, &'a dyn Param)>,
            column: &'static str,
            new: &'a T,
            old: &T,
        ) {
            if new != old {
                set.push((column, new));
            }
        }
        let (new, old) = (&self.clock, &stored.clock);
        let mut set = Vec::new();
        differs(&mut set, "state", &self.state, &stored.state);
        differs(
            &mut set,
            "accepted_on",
            &self.accepted_on,
            &stored.accepted_on,
        );
        differs(
            &mut set,
            "concluded_on",
            &self.concluded_on,
            &stored.concluded_on,
        );
        differs(&mut set, "deadline", &new.deadline, &old.deadline);
        differs(&mut set, "warn_from", &new.warn_from, &old.warn_from);
        differs(
            &mut set,
            "statutory_deadline",
            &new.statutory_deadline,
            &old.statutory_deadline,
        );
        differs(
            &mut set,
            "concluded_late",
            &new.concluded_late,
            &old.concluded_late,
        );
        differs(
            &mut set,
            "supplement_by",
            &new.supplement_by,
            &old.supplement_by,
        );
        set
    }
}

/// Writes an update's body and the columns it changed; `Conflict` when the
/// case's version is no longer the one the update was computed from.
pub(crate) async fn write_changed(
    db: &impl Db,
    u: &CaseUpdate,
    before: &Moving,
    body: &Json,
) -> Result<()> {
    let moving = Moving::of(&u.case, u.clock);
    let changed = moving.changed_from(before);
    let mut sql = String::from("UPDATE cases SET ");
    let mut args: Vec<&dyn Param> = Vec::with_capacity(changed.len() + 4);
    for (column, value) in changed {
        args.push(value);
        sql.push_str(&format!("{column} = ${}, ", args.len()));
    }
    let n = args.len();
    sql.push_str(&format!(
        "body = ${}, updated_at = ${}, version = version + 1 WHERE id = ${} AND version = ${}",
        n + 1,
        n + 2,
        n + 3,
        n + 4
    ));
    args.extend([body as &dyn Param, &u.at, &u.id, &u.expected_version]);
    if db.exec(&sql, &args).await? != 1 {
        return Err(crate::StoreError::Conflict(
            "办件已被他人修改，请刷新后重试".into(),
        ));
    }
    Ok(())
}
