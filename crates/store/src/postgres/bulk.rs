//! Loading many cases at once on PostgreSQL: binary COPY into `cases`,
//! `case_events`, `case_holders` and `case_units` in one transaction, with
//! one audit record per batch. COPY is PostgreSQL's bulk path: no statement
//! per row, no SQL parsing, rows streamed in its binary format. COPY fires
//! the row triggers on `cases`, so the tally of open cases' clocks
//! (`case_sla_tally`, read by the SLA counts) follows as on every other path.

use super::PostgresStore;
use crate::json_err;
use crate::sql::{Pg, cases as shared};
use crate::{Actor, NewCase, Result, StoreError};
use chrono::{DateTime, Utc};
use deadpool_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

/// Stores `cases` in one transaction; see `Store::bulk_load_cases`.
pub(super) async fn load(
    store: &PostgresStore,
    cases: Vec<NewCase>,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<i64>> {
    if cases.is_empty() {
        return Ok(Vec::new());
    }
    let mut client = store.pool.get().await?;
    let tx = client.transaction().await?;
    let count = i64::try_from(cases.len()).map_err(|e| StoreError::Backend(e.to_string()))?;
    let ids: Vec<i64> = tx
        .query(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1::bigint, $1::bigint)",
            &[&count],
        )
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    copy_cases(&tx, &cases, &ids).await?;
    copy_events(&tx, &cases, &ids).await?;
    copy_units(&tx, &cases, &ids).await?;
    shared::audit_bulk_load(&Pg(&tx), &ids, actor, at).await?;
    tx.commit().await?;
    Ok(ids)
}

async fn copy_cases(tx: &Transaction<'_>, cases: &[NewCase], ids: &[i64]) -> Result<()> {
    let sink = tx
        .copy_in(
            "COPY cases (id, receipt_no, matter_code, matter_version, unit, intake_unit, applicant_id,
                 applicant_user, state, channel, submitted_on, accepted_on, concluded_on, deadline,
                 warn_from, statutory_deadline, concluded_late, supplement_by, version, body,
                 created_at, updated_at, applicant_name) FROM STDIN BINARY",
        )
        .await?;
    let (t, d) = (Type::TEXT, Type::DATE);
    let types = [
        Type::INT8,
        t.clone(),
        t.clone(),
        Type::INT4,
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        d.clone(),
        Type::BOOL,
        d,
        Type::INT8,
        Type::JSONB,
        Type::TIMESTAMPTZ,
        Type::TIMESTAMPTZ,
        Type::TEXT,
    ];
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &types));
    let one: i64 = 1;
    for (new, id) in cases.iter().zip(ids) {
        let (c, k) = (&new.case, &new.clock);
        let receipt = crate::receipt_number(c.submitted_on, *id);
        let version =
            i32::try_from(c.matter_version).map_err(|e| StoreError::Backend(e.to_string()))?;
        let body = serde_json::to_value(c).map_err(json_err)?;
        let row: [&(dyn ToSql + Sync); 23] = [
            id,
            &receipt,
            &c.matter.as_str(),
            &version,
            &c.unit,
            &new.intake_unit,
            &c.applicant.identifier(),
            &new.applicant_user,
            &c.state.as_str(),
            &c.channel.as_str(),
            &c.submitted_on,
            &c.accepted_on,
            &c.concluded_on,
            &k.deadline,
            &k.warn_from,
            &k.statutory_deadline,
            &k.concluded_late,
            &k.supplement_by,
            &one,
            &body,
            &new.at,
            &new.at,
            &c.applicant.name(),
        ];
        writer.as_mut().write(&row).await?;
    }
    writer.finish().await?;
    Ok(())
}

async fn copy_events(tx: &Transaction<'_>, cases: &[NewCase], ids: &[i64]) -> Result<()> {
    let sink = tx
        .copy_in(
            "COPY case_events (case_id, seq, at, actor, actor_unit, action, payload, from_state,
                 to_state, effects) FROM STDIN BINARY",
        )
        .await?;
    let t = Type::TEXT;
    let types = [
        Type::INT8,
        Type::INT8,
        Type::TIMESTAMPTZ,
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        t.clone(),
        t,
    ];
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &types));
    let (seq, action, effects, none): (i64, &str, &str, Option<&str>) = (1, "import", "[]", None);
    for (new, id) in cases.iter().zip(ids) {
        let c = &new.case;
        let payload = serde_json::json!({
            "matter": c.matter,
            "version": c.matter_version,
            "channel": c.channel,
        })
        .to_string();
        let row: [&(dyn ToSql + Sync); 10] = [
            id,
            &seq,
            &new.at,
            &new.actor.username,
            &new.actor.unit,
            &action,
            &payload,
            &none,
            &c.state.as_str(),
            &effects,
        ];
        writer.as_mut().write(&row).await?;
    }
    writer.finish().await?;
    Ok(())
}

/// The units holding each case (`case_holders`) and every unit with a part
/// in it (`case_units`).
async fn copy_units(tx: &Transaction<'_>, cases: &[NewCase], ids: &[i64]) -> Result<()> {
    let sink = tx
        .copy_in("COPY case_holders (case_id, unit, deadline) FROM STDIN BINARY")
        .await?;
    let types = [Type::INT8, Type::TEXT, Type::DATE];
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &types));
    for (new, id) in cases.iter().zip(ids) {
        for unit in new.case.holders() {
            writer
                .as_mut()
                .write(&[id, &unit, &new.clock.deadline])
                .await?;
        }
    }
    writer.finish().await?;

    let sink = tx
        .copy_in("COPY case_units (case_id, unit) FROM STDIN BINARY")
        .await?;
    let types = [Type::INT8, Type::TEXT];
    let mut writer = std::pin::pin!(BinaryCopyInWriter::new(sink, &types));
    for (new, id) in cases.iter().zip(ids) {
        let c = &new.case;
        let mut units: Vec<&String> = std::iter::once(&c.unit)
            .chain(c.steps.iter().map(|s| &s.unit))
            .collect();
        units.sort_unstable();
        units.dedup();
        for unit in units {
            writer.as_mut().write(&[id, unit]).await?;
        }
    }
    writer.finish().await?;
    Ok(())
}
