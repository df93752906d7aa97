//! The sqlite backend's AuditStore.

use super::engine::exec;
use super::*;
pub(super) use crate::audit::entry;
use crate::audit::{AuditEntry, AuditRecord, GENESIS, chain_hash};
use chrono::SecondsFormat;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

#[async_trait]
impl crate::AuditStore for super::SqliteStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        self.call(move |c| audit_records(c, after_seq, limit)).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.call(|c| audit_head(c)).await
    }
}

/// Appends an audit record to the chain inside `tx`.
pub(super) fn append_audit(
    tx: &Transaction<'_>,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> Result<()> {
    let head: Option<(i64, String)> = tx
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (prev_seq, prev_hash) = head.unwrap_or((0, GENESIS.to_owned()));
    let seq = prev_seq + 1;
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = chain_hash(&prev_hash, seq, &at, entry);
    exec(
        tx,
        "INSERT INTO audit_log (seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![seq, at, entry.actor, entry.actor_unit, entry.entity, entry.entity_id, entry.action, entry.before, entry.after, prev_hash, hash],
    )?;
    exec(
        tx,
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![seq, hash],
    )?;
    Ok(())
}

pub(super) fn audit_records(c: &Connection, after: i64, limit: u32) -> Result<Vec<AuditRecord>> {
    let mut st = c.prepare(
        "SELECT seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash
         FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = st.query_map(params![after, limit], |r| {
        Ok(AuditRecord {
            seq: r.get(0)?,
            at: r.get(1)?,
            actor: r.get(2)?,
            actor_unit: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            action: r.get(6)?,
            before: r.get(7)?,
            after: r.get(8)?,
            prev_hash: r.get(9)?,
            hash: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn audit_head(c: &Connection) -> Result<Option<(i64, String)>> {
    Ok(
        c.query_row("SELECT seq, hash FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?,
    )
}
