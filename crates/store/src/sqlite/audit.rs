//! The sqlite backend's AuditStore; the SQL is `sql::audit`'s.

use super::*;
use crate::audit::AuditEntry;
pub(super) use crate::audit::entry;
use crate::sql::{self, Lite, now};
use rusqlite::Transaction;

#[async_trait]
impl crate::AuditStore for super::SqliteStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        self.call(move |c| now(sql::audit::records(&Lite(c), after_seq, limit)))
            .await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.call(|c| now(sql::audit::head(&Lite(c)))).await
    }
}

/// Appends an audit record to the chain inside `tx`.
pub(super) fn append_audit(
    tx: &Transaction<'_>,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> Result<()> {
    now(sql::audit::append(&Lite(tx), entry, at))
}
