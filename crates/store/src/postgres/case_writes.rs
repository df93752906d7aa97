//! Writing a case on PostgreSQL: its creation and each change, with the
//! timeline entry, the inbox holders, broken-commitment records and the
//! audit record of the same transaction.

use super::audit::*;
use super::cases::load_case;
use super::*;
use crate::cases::EventRow;
use crate::sql::{Json, Pg, cases as shared};
use crate::{CaseRecord, CaseUpdate, NewCase, Result, StoreError};
use chrono::{NaiveDate, SubsecRound};
use deadpool_postgres::{GenericClient, Transaction};
use domain::case::Case;

pub(super) async fn set_holders(
    tx: &Transaction<'_>,
    id: i64,
    case: &Case,
    deadline: Option<NaiveDate>,
) -> Result<()> {
    tx.execute("DELETE FROM case_holders WHERE case_id = $1", &[&id])
        .await?;
    for unit in case.holders() {
        tx.execute(
            "INSERT INTO case_holders (case_id, unit, deadline) VALUES ($1, $2, $3)",
            &[&id, &unit, &deadline],
        )
        .await?;
    }
    // The units with a part in the case, for Scope::Department.
    for unit in std::iter::once(&case.unit).chain(case.steps.iter().map(|s| &s.unit)) {
        tx.execute(
            "INSERT INTO case_units (case_id, unit) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, unit],
        )
        .await?;
    }
    Ok(())
}

pub(super) async fn add_event(tx: &Transaction<'_>, id: i64, e: &EventRow<'_>) -> Result<()> {
    let effects = serde_json::to_value(e.effects).map_err(json_err)?;
    tx.execute(
        "INSERT INTO case_events (case_id, seq, at, actor, actor_unit, action, payload, from_state, to_state, effects)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1), $2, $3, $4, $5, $6, $7, $8, $9)",
        &[&id, &e.at, &e.actor.username, &e.actor.unit, &e.action, &e.payload.to_string(), &e.from, &e.to, &effects.to_string()],
    )
    .await?;
    Ok(())
}

/// Creates a case (or replays an idempotent create) inside `tx`.
pub(super) async fn create(tx: &Transaction<'_>, new: &NewCase) -> Result<(CaseRecord, bool)> {
    if let Some(key) = &new.idempotency_key {
        // Two concurrent creates with one key: the second waits here, then replays.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&format!("{}\u{1f}{key}", new.actor.username)],
        )
        .await?;
        let existing = tx
            .query_opt(
                "SELECT case_id FROM idempotency_keys WHERE username = $1 AND key = $2",
                &[&new.actor.username, key],
            )
            .await?;
        if let Some(row) = existing {
            return Ok((load_case(tx, row.try_get(0)?, false).await?, false));
        }
    }
    let case = &new.case;
    let id: i64 = tx
        .query_one("SELECT nextval(pg_get_serial_sequence('cases', 'id'))", &[])
        .await?
        .try_get(0)?;
    let receipt = crate::receipt_number(case.submitted_on, id);
    let body = serde_json::to_value(case).map_err(json_err)?;
    let k = &new.clock;
    let version =
        i32::try_from(case.matter_version).map_err(|e| StoreError::Backend(e.to_string()))?;
    let stored_body: String = tx.query_one(
        "INSERT INTO cases (id, receipt_no, matter_code, matter_version, unit, intake_unit, applicant_id, applicant_user,
             state, channel, submitted_on, accepted_on, concluded_on, deadline, warn_from, statutory_deadline,
             concluded_late, supplement_by, version, body, created_at, updated_at, applicant_name)
         OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20, $20, $21)
         RETURNING body::text",
        &[
            &id, &receipt, &case.matter.as_str(), &version, &case.unit, &new.intake_unit,
            &case.applicant.identifier(), &new.applicant_user, &case.state.as_str(), &case.channel.as_str(),
            &case.submitted_on, &case.accepted_on, &case.concluded_on, &k.deadline, &k.warn_from,
            &k.statutory_deadline, &k.concluded_late, &k.supplement_by, &body, &new.at,
            &case.applicant.name(),
        ],
    )
    .await?
    .try_get(0)?;
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
    add_event(tx, id, &row).await?;
    set_holders(tx, id, case, k.deadline).await?;
    shared::record_opening(&Pg(tx), new, id, &receipt, stored_body).await?;
    Ok((load_case(tx, id, false).await?, true))
}

/// Applies a computed change inside `tx`, refusing it if the case moved on,
/// writing only the columns it changed. The audit record's `before` is the
/// body as stored (the text PostgreSQL keeps, not a re-serialisation), and
/// the record returned is the row as written, not read back.
pub(super) async fn update(tx: &Transaction<'_>, u: &CaseUpdate) -> Result<CaseRecord> {
    let db = Pg(tx);
    let stored = shared::read_stored(&db, u.id).await?;
    let case = &u.case;
    let body = Json::of(case)?;
    let k = &u.clock;
    shared::write_changed(&db, u, &stored.moving, &body).await?;
    let row = EventRow {
        action: &u.action,
        payload: &u.payload,
        from: Some(&stored.moving.state),
        to: case.state.as_str(),
        effects: &u.effects,
        actor: &u.actor,
        at: u.at,
    };
    add_event(tx, u.id, &row).await?;
    set_holders(tx, u.id, case, k.deadline).await?;
    shared::record_broken_commitments(&db, u).await?;
    let audit = entry(
        &u.actor,
        "case",
        &stored.receipt_no,
        &u.action,
        Some(stored.body),
        Some(body.0),
    );
    append_audit(tx, &audit, u.at).await?;
    Ok(CaseRecord {
        id: u.id,
        receipt_no: stored.receipt_no,
        version: stored.version + 1,
        intake_unit: stored.intake_unit,
        applicant_user: stored.applicant_user,
        clock: *k,
        case: case.clone(),
        created_at: stored.created_at,
        // TIMESTAMPTZ keeps microseconds: the instant as a later read gives it.
        updated_at: u.at.trunc_subsecs(6),
    })
}
