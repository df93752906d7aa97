//! Loading many cases at once on SQLite: multi-row INSERTs inside one job of
//! the writer thread (so one transaction), with one audit record per batch.
//!
//! Each case costs one row in `cases` and `case_events`, and a few in
//! `case_holders` and `case_units`; rows are sent `ROWS` at a time through
//! cached statements, which is what makes this path fast (one statement
//! step per few hundred rows instead of one per row). The tally of open
//! cases' clocks (`case_sla_tally`, read by the SLA counts) follows from the
//! triggers on `cases`, as on every other path.

use super::SqliteStore;
use crate::sql::{Lite, cases as shared, now};
use crate::{Actor, NewCase, Result, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Transaction};

/// Rows per INSERT statement: 23 columns × 400 stays well under SQLite's
/// 32,766 bound parameters.
const ROWS: usize = 400;

const CASE_COLUMNS: &str = "id, receipt_no, matter_code, matter_version, unit, intake_unit, applicant_id, \
     applicant_user, state, channel, submitted_on, accepted_on, concluded_on, deadline, warn_from, \
     statutory_deadline, concluded_late, supplement_by, version, body, created_at, updated_at, \
     applicant_name";

/// Stores `cases` in the writer's next transaction; see `Store::bulk_load_cases`.
pub(super) async fn load(
    store: &SqliteStore,
    cases: Vec<NewCase>,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let actor = actor.clone();
    store
        .write(move |tx| insert_all(tx, &cases, &actor, at))
        .await
}

/// One case's row values, owned, so the statements can borrow them.
struct CaseRow {
    id: i64,
    receipt: String,
    matter: String,
    body: String,
    version: u32,
    unit: String,
    applicant_id: String,
    applicant_name: String,
    state: &'static str,
    channel: &'static str,
    holders: Vec<String>,
    units: Vec<String>,
}

fn case_row(id: i64, new: &NewCase) -> Result<CaseRow> {
    let case = &new.case;
    let mut units: Vec<String> = std::iter::once(&case.unit)
        .chain(case.steps.iter().map(|s| &s.unit))
        .cloned()
        .collect();
    units.sort_unstable();
    units.dedup();
    Ok(CaseRow {
        id,
        receipt: crate::receipt_number(case.submitted_on, id),
        matter: case.matter.as_str().to_owned(),
        body: serde_json::to_string(case)
            .map_err(|e| StoreError::Backend(format!("case JSON: {e}")))?,
        version: case.matter_version,
        unit: case.unit.clone(),
        applicant_id: case.applicant.identifier().to_owned(),
        applicant_name: case.applicant.name().to_owned(),
        state: case.state.as_str(),
        channel: case.channel.as_str(),
        holders: case.holders(),
        units,
    })
}

fn insert_all(
    tx: &Transaction<'_>,
    cases: &[NewCase],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let last: Option<i64> = tx
        .query_row("SELECT MAX(id) FROM cases", [], |r| r.get(0))
        .optional()?
        .flatten();
    let first = last.unwrap_or(0) + 1;
    let mut ids = Vec::with_capacity(cases.len());
    for (n, chunk) in cases.chunks(ROWS).enumerate() {
        let base =
            first + i64::try_from(n * ROWS).map_err(|e| StoreError::Backend(e.to_string()))?;
        let rows = chunk
            .iter()
            .zip(base..)
            .map(|(new, id)| case_row(id, new))
            .collect::<Result<Vec<_>>>()?;
        insert_cases(tx, chunk, &rows)?;
        insert_events(tx, chunk, &rows)?;
        insert_pairs(tx, "case_holders", chunk, &rows, |r| &r.holders)?;
        insert_pairs(tx, "case_units", chunk, &rows, |r| &r.units)?;
        ids.extend(rows.iter().map(|r| r.id));
    }
    now(shared::audit_bulk_load(&Lite(tx), &ids, actor, at))?;
    Ok(ids)
}

/// `INSERT INTO table (columns) VALUES (?, …), … ` for `rows` rows.
fn multi_insert(table: &str, columns: &str, width: usize, rows: usize) -> String {
    let one = format!("({})", vec!["?"; width].join(", "));
    format!(
        "INSERT INTO {table} ({columns}) VALUES {}",
        vec![one; rows].join(", ")
    )
}

fn insert_cases(tx: &Transaction<'_>, chunk: &[NewCase], rows: &[CaseRow]) -> Result<()> {
    let sql = multi_insert("cases", CASE_COLUMNS, 23, rows.len());
    let one: i64 = 1;
    let mut args: Vec<&dyn ToSql> = Vec::with_capacity(rows.len() * 23);
    for (new, r) in chunk.iter().zip(rows) {
        let (c, k) = (&new.case, &new.clock);
        args.extend_from_slice(&[
            &r.id,
            &r.receipt,
            &r.matter,
            &r.version,
            &r.unit,
            &new.intake_unit,
            &r.applicant_id,
            &new.applicant_user,
            &r.state,
            &r.channel,
            &c.submitted_on,
            &c.accepted_on,
            &c.concluded_on,
            &k.deadline,
            &k.warn_from,
            &k.statutory_deadline,
            &k.concluded_late,
            &k.supplement_by,
            &one,
            &r.body,
            &new.at,
            &new.at,
            &r.applicant_name,
        ]);
    }
    tx.prepare_cached(&sql)?.execute(args.as_slice())?;
    Ok(())
}

fn insert_events(tx: &Transaction<'_>, chunk: &[NewCase], rows: &[CaseRow]) -> Result<()> {
    let sql = multi_insert(
        "case_events",
        "case_id, seq, at, actor, actor_unit, action, payload, from_state, to_state, effects",
        10,
        rows.len(),
    );
    let (seq, action, effects, none): (i64, &str, &str, Option<&str>) = (1, "import", "[]", None);
    let payloads: Vec<String> = chunk
        .iter()
        .map(|new| {
            serde_json::json!({
                "matter": new.case.matter,
                "version": new.case.matter_version,
                "channel": new.case.channel,
            })
            .to_string()
        })
        .collect();
    let mut args: Vec<&dyn ToSql> = Vec::with_capacity(rows.len() * 10);
    for ((new, r), payload) in chunk.iter().zip(rows).zip(&payloads) {
        args.extend_from_slice(&[
            &r.id,
            &seq,
            &new.at,
            &new.actor.username,
            &new.actor.unit,
            &action,
            payload,
            &none,
            &r.state,
            &effects,
        ]);
    }
    tx.prepare_cached(&sql)?.execute(args.as_slice())?;
    Ok(())
}

/// Inserts (case_id, unit[, deadline]) rows into `case_holders` or `case_units`.
fn insert_pairs(
    tx: &Transaction<'_>,
    table: &str,
    chunk: &[NewCase],
    rows: &[CaseRow],
    units: impl Fn(&CaseRow) -> &Vec<String>,
) -> Result<()> {
    let holders = table == "case_holders";
    let width = if holders { 3 } else { 2 };
    let columns = if holders {
        "case_id, unit, deadline"
    } else {
        "case_id, unit"
    };
    let mut args: Vec<&dyn ToSql> = Vec::new();
    for (new, r) in chunk.iter().zip(rows) {
        for unit in units(r) {
            args.push(&r.id);
            args.push(unit);
            if holders {
                args.push(&new.clock.deadline);
            }
        }
    }
    // At most ROWS × (steps + 1) rows: split so the bound parameters stay in range.
    for part in args.chunks(width * ROWS) {
        let sql = multi_insert(table, columns, width, part.len() / width);
        tx.prepare_cached(&sql)?.execute(part)?;
    }
    Ok(())
}
