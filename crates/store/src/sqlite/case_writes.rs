//! Writing a case on SQLite: its creation and each change, with the
//! timeline entry, the inbox holders, broken-commitment records and the
//! audit record of the same transaction.

use super::audit::{append_audit, entry};
use super::cases::load_case;
use super::engine::exec;
use super::*;
use crate::cases::EventRow;
use crate::sql::{Json, Lite, cases as shared, now};
use crate::{CaseRecord, CaseUpdate, NewCase, Result, StoreError};
use chrono::NaiveDate;
use domain::case::Case;
use rusqlite::{OptionalExtension, Transaction, params};

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
             concluded_late, supplement_by, version, body, created_at, updated_at, applicant_name)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, 1, ?19, ?20, ?20, ?21)",
        params![
            id, receipt, case.matter.as_str(), case.matter_version, case.unit, new.intake_unit,
            case.applicant.identifier(), new.applicant_user, case.state.as_str(), case.channel.as_str(),
            case.submitted_on, case.accepted_on, case.concluded_on, k.deadline, k.warn_from,
            k.statutory_deadline, k.concluded_late, k.supplement_by, body, new.at,
            case.applicant.name()
        ],
    )?;
    let payload = shared::opening_payload(case);
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
    now(shared::record_opening(&Lite(tx), new, id, &receipt, body))?;
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

/// Applies a computed change inside `tx`, refusing it if the case moved on.
pub(super) fn update(tx: &Transaction<'_>, u: &CaseUpdate) -> Result<CaseRecord> {
    let db = Lite(tx);
    let stored = now(shared::read_stored(&db, u.id))?;
    if stored.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "办件已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            stored.version, u.expected_version
        )));
    }
    let case = &u.case;
    let body = Json::of(case)?;
    let k = &u.clock;
    now(shared::write_changed(&db, u, &stored.moving, &body))?;
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
    now(shared::record_broken_commitments(&db, u))?;
    append_audit(
        tx,
        &entry(
            &u.actor,
            "case",
            &stored.receipt_no,
            &u.action,
            Some(stored.body),
            Some(body.0),
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
