//! The postgres backend's AuditStore.

use super::*;
pub(super) use crate::audit::entry;
use crate::audit::{AuditEntry, AuditRecord, GENESIS, chain_hash};
use chrono::SecondsFormat;
use deadpool_postgres::{GenericClient, Transaction};

#[async_trait]
impl crate::AuditStore for super::PostgresStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        audit_records(&self.pool.get().await?, after_seq, limit).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        audit_head(&self.pool.get().await?).await
    }
}

/// Serialises appends to the audit chain across connections.
pub(super) const AUDIT_LOCK: i64 = 0x6f77_6175_6469;

/// Appends an audit record to the chain inside `tx`.
pub(super) async fn append_audit(
    tx: &Transaction<'_>,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
        .await?;
    let head = tx
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    let (prev_seq, prev_hash): (i64, String) = match head {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS.to_owned()),
    };
    let seq = prev_seq + 1;
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = chain_hash(&prev_hash, seq, &at, entry);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[&seq, &at, &entry.actor, &entry.actor_unit, &entry.entity, &entry.entity_id, &entry.action, &entry.before, &entry.after, &prev_hash, &hash],
    )
    .await?;
    tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        &[&seq, &hash],
    )
    .await?;
    Ok(())
}

pub(super) async fn audit_records(
    c: &impl GenericClient,
    after: i64,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    let rows = c
        .query(
            "SELECT seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &i64::from(limit)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRecord {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                actor_unit: r.try_get(3)?,
                entity: r.try_get(4)?,
                entity_id: r.try_get(5)?,
                action: r.try_get(6)?,
                before: r.try_get(7)?,
                after: r.try_get(8)?,
                prev_hash: r.try_get(9)?,
                hash: r.try_get(10)?,
            })
        })
        .collect()
}

pub(super) async fn audit_head(c: &impl GenericClient) -> Result<Option<(i64, String)>> {
    let r = c
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}
