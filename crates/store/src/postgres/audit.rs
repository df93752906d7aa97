//! The postgres backend's AuditStore; the SQL is `sql::audit`'s.

use super::*;
use crate::audit::AuditEntry;
pub(super) use crate::audit::entry;
use crate::sql::{self, Pg};
use deadpool_postgres::Transaction;

#[async_trait]
impl crate::AuditStore for super::PostgresStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        sql::audit::records(&Pg(&self.pool.get().await?), after_seq, limit).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        sql::audit::head(&Pg(&self.pool.get().await?)).await
    }
}

/// Appends an audit record to the chain inside `tx`.
pub(super) async fn append_audit(
    tx: &Transaction<'_>,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> Result<()> {
    sql::audit::append(&Pg(tx), entry, at).await
}
