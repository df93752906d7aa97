//! The sqlite backend's AuditStore.

use super::*;

#[async_trait]
impl crate::AuditStore for super::SqliteStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        self.call(move |c| cases::audit_records(c, after_seq, limit))
            .await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.call(|c| cases::audit_head(c)).await
    }
}
