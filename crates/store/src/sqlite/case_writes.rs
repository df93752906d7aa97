//! Writing a case on SQLite: its creation and each change, with the
//! timeline entry, the inbox holders, broken-commitment records and the
//! audit record of the same transaction.

use super::audit::{append_audit, entry};
use super::cases::{load_case, read_clock};
use super::engine::exec;
use super::*;
use crate::cases::EventRow;
use crate::sql::{Lite, cases as shared, now};
use crate::{CaseRecord, CaseUpdate, ClockIndex, NewCase, Result, StoreError, Visit};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::Case;
use rusqlite::{OptionalExtension, ToSql, Transaction, params, params_from_iter};

/// Creates a case (or replays an idempotent create) inside `tx`.
pub(super) fn create(tx: &Transaction<'_>, new: &NewCase) -> Result<(CaseRecord, bool)> {
    if let Some(key) = &new.idempotency_key {
        let existing: Option<i64> = tx
            .query_row(
                "SELECT case_id FROM idempotency_keys WHERE username = ?1 AND key = ?2",
                params![new.actor.username, key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok((load_case(tx, id)?, false));
        }
    }
    let case = &new.case;
    let id: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(id), 0) + 1 FROM cases")?
        .query_row([], |r| r.get(0))?;
    let receipt = crate::receipt_number(case.submitted_on, id);
    let body = serde_json::to_string(case).map_err(json_err)?;
    let k = &new.clock;
    exec(
        tx,
        "INSERT INTO cases (id, receipt_no, matter_code, matter_version, unit, intake_unit, applicant_id, applicant_user,
             state, channel, submitted_on, accepted_on, concluded_on, deadline, warn_from, statutory_deadline,
             concluded_late, supplement_by, version, body, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 1, ?19, ?20, ?20)",
        params![
            id, receipt, case.matter.as_str(), case.matter_version, case.unit, new.intake_unit,
            case.applicant.identifier(), new.applicant_user, case.state.as_str(), case.channel.as_str(),
            case.submitted_on, case.accepted_on, case.concluded_on, k.deadline, k.warn_from,
            k.statutory_deadline, k.concluded_late, k.supplement_by, body, new.at
        ],
    )?;
    let payload = serde_json::json!({ "matter": case.matter, "version": case.matter_version, "channel": case.channel });
    let row = EventRow {
        action: "open",
        payload: &payload,
        from: None,
        to: case.state.as_str(),
        effects: &[],
        actor: &new.actor,
        at: new.at,
    };
    add_event(tx, id, &row)?;
    set_holders(tx, id, case, k.deadline, true)?;
    if let Some(key) = &new.idempotency_key {
        exec(
            tx,
            "INSERT INTO idempotency_keys (username, key, case_id, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![new.actor.username, key, id, new.at],
        )?;
    }
    if let Some(outcome) = &new.visit_outcome {
        let visit = Visit {
            at: new.at,
            unit: new.intake_unit.clone(),
            clerk: new.actor.username.clone(),
            applicant_id: case.applicant.identifier().to_owned(),
            matter_code: case.matter.to_string(),
            case_id: Some(id),
            outcome: outcome.clone(),
        };
        now(shared::record_visit(&Lite(tx), &visit))?;
    }
    append_audit(
        tx,
        &entry(&new.actor, "case", &receipt, "open", None, Some(body)),
        new.at,
    )?;
    // The row as just written, without reading it back.
    let record = CaseRecord {
        id,
        receipt_no: receipt,
        version: 1,
        intake_unit: new.intake_unit.clone(),
        applicant_user: new.applicant_user.clone(),
        clock: *k,
        case: case.clone(),
        created_at: new.at,
        updated_at: new.at,
    };
    Ok((record, true))
}

/// The stored row of a case as an update needs it: its version, the
/// columns the returned record carries, the columns a step may change, and
/// its body as stored (the audit record's `before`), read without parsing
/// the body.
pub(super) struct Stored {
    version: i64,
    receipt_no: String,
    intake_unit: String,
    applicant_user: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
    moving: Moving,
}

/// The columns of a case row a step may change besides its body and
/// version. An update sets only those that differ from the stored row:
/// SQLite rewrites the entry of every index on a column named in SET, and
/// fires the SLA tally's trigger, whether the value changed or not, and
/// most steps change the state alone.
pub(super) struct Moving {
    state: String,
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
    fn changed_from<'a>(&'a self, stored: &Moving) -> Vec<(&'static str, &'a dyn ToSql)> {
        fn differs<'a, T: PartialEq + ToSql>(
            set: &mut Vec<(&'static str, &'a dyn ToSql)>,
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

/// Applies a computed change inside `tx`, refusing it if the case moved on.
pub(super) fn update(tx: &Transaction<'_>, u: &CaseUpdate) -> Result<CaseRecord> {
    let stored = read_stored(tx, u.id)?;
    if stored.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "办件已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            stored.version, u.expected_version
        )));
    }
    let case = &u.case;
    let body = serde_json::to_string(case).map_err(json_err)?;
    let k = &u.clock;
    write_changed(tx, u, &stored.moving, &body)?;
    let row = EventRow {
        action: &u.action,
        payload: &u.payload,
        from: Some(&stored.moving.state),
        to: case.state.as_str(),
        effects: &u.effects,
        actor: &u.actor,
        at: u.at,
    };
    add_event(tx, u.id, &row)?;
    set_holders(tx, u.id, case, k.deadline, false)?;
    now(shared::record_broken_commitments(&Lite(tx), u))?;
    append_audit(
        tx,
        &entry(
            &u.actor,
            "case",
            &stored.receipt_no,
            &u.action,
            Some(stored.body),
            Some(body),
        ),
        u.at,
    )?;
    // The row as just written, without reading it back.
    Ok(CaseRecord {
        id: u.id,
        receipt_no: stored.receipt_no,
        version: stored.version + 1,
        intake_unit: stored.intake_unit,
        applicant_user: stored.applicant_user,
        clock: *k,
        case: case.clone(),
        created_at: stored.created_at,
        updated_at: u.at,
    })
}

/// The stored row an update starts from.
pub(super) fn read_stored(tx: &Transaction<'_>, id: i64) -> Result<Stored> {
    tx.prepare_cached(
        "SELECT version, receipt_no, intake_unit, applicant_user, body, created_at, state,
             accepted_on, concluded_on, deadline, warn_from, statutory_deadline,
             concluded_late, supplement_by
         FROM cases WHERE id = ?1",
    )?
    .query_row([id], |r| {
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
    })
    .optional()?
    .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

/// Sets the columns the step changed, the body and the version: SQLite
/// rewrites the index entries of every column a SET names, changed or not.
pub(super) fn write_changed(
    tx: &Transaction<'_>,
    u: &CaseUpdate,
    before: &Moving,
    body: &str,
) -> Result<()> {
    let moving = Moving::of(&u.case, u.clock);
    let changed = moving.changed_from(before);
    let mut sql = String::from("UPDATE cases SET ");
    let mut args: Vec<&dyn ToSql> = Vec::with_capacity(changed.len() + 4);
    for (column, value) in changed {
        args.push(value);
        sql.push_str(&format!("{column} = ?{}, ", args.len()));
    }
    sql.push_str(&format!(
        "body = ?{}, updated_at = ?{}, version = version + 1 WHERE id = ?{} AND version = ?{}",
        args.len() + 1,
        args.len() + 2,
        args.len() + 3,
        args.len() + 4
    ));
    args.extend([&body as &dyn ToSql, &u.at, &u.id, &u.expected_version]);
    if exec(tx, &sql, params_from_iter(args))? != 1 {
        return Err(StoreError::Conflict(
            "办件已被他人修改，请刷新后重试".into(),
        ));
    }
    Ok(())
}

pub(super) fn set_holders(
    tx: &Transaction<'_>,
    id: i64,
    case: &Case,
    deadline: Option<NaiveDate>,
    created: bool,
) -> Result<()> {
    let holders = case.holders();
    // Most steps leave the holders as they were (same units, same deadline):
    // then nothing is written. A new case has none to compare with.
    let unchanged = !created && {
        let mut st = tx.prepare_cached(
            "SELECT unit, deadline FROM case_holders WHERE case_id = ?1 ORDER BY unit",
        )?;
        let stored = st
            .query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<NaiveDate>>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        stored.len() == holders.len()
            && stored
                .iter()
                .zip(&holders)
                .all(|((unit, d), h)| unit == h && *d == deadline)
    };
    if !unchanged {
        if !created {
            exec(tx, "DELETE FROM case_holders WHERE case_id = ?1", [id])?;
        }
        for unit in &holders {
            exec(
                tx,
                "INSERT INTO case_holders (case_id, unit, deadline) VALUES (?1, ?2, ?3)",
                params![id, unit, deadline],
            )?;
        }
    }
    // The units with a part in the case, for Scope::Department.
    for unit in std::iter::once(&case.unit).chain(case.steps.iter().map(|s| &s.unit)) {
        exec(
            tx,
            "INSERT OR IGNORE INTO case_units (case_id, unit) VALUES (?1, ?2)",
            params![id, unit],
        )?;
    }
    Ok(())
}

pub(super) fn add_event(tx: &Transaction<'_>, id: i64, e: &EventRow<'_>) -> Result<()> {
    exec(
        tx,
        "INSERT INTO case_events (case_id, seq, at, actor, actor_unit, action, payload, from_state, to_state, effects)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            e.at,
            e.actor.username,
            e.actor.unit,
            e.action,
            e.payload.to_string(),
            e.from,
            e.to,
            serde_json::to_string(e.effects).map_err(json_err)?
        ],
    )?;
    Ok(())
}
