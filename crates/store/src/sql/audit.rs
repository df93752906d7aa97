//! The audit chain's SQL: appending a record, reading the chain and its head.

use super::{Db, first};
use crate::Result;
use crate::audit::{AuditEntry, AuditRecord, GENESIS, chain_hash};
use chrono::{DateTime, SecondsFormat, Utc};

const HEAD: &str = "SELECT seq, hash FROM audit_head WHERE id = 1";

/// Appends an audit record to the chain inside the caller's transaction.
pub(crate) async fn append(db: &impl Db, entry: &AuditEntry, at: DateTime<Utc>) -> Result<()> {
    db.lock_audit().await?;
    let (prev_seq, prev_hash) = head(db).await?.unwrap_or((0, GENESIS.to_owned()));
    let seq = prev_seq + 1;
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = chain_hash(&prev_hash, seq, &at, entry);
    db.exec(
        "INSERT INTO audit_log (seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[&seq, &at, &entry.actor, &entry.actor_unit, &entry.entity, &entry.entity_id,
            &entry.action, &entry.before, &entry.after, &prev_hash, &hash],
    )
    .await?;
    db.exec(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        &[&seq, &hash],
    )
    .await?;
    Ok(())
}

/// Up to `limit` records after `after`, in chain order.
pub(crate) async fn records(db: &impl Db, after: i64, limit: u32) -> Result<Vec<AuditRecord>> {
    db.rows(
        "SELECT seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&after, &i64::from(limit)],
        |r| {
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
        },
    )
    .await
}

/// The chain's last sequence number and hash; `None` while it is empty.
pub(crate) async fn head(db: &impl Db) -> Result<Option<(i64, String)>> {
    db.opt(HEAD, &[], |r| Ok((first(r)?, r.get(1)?))).await
}
