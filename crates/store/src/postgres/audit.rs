//! The postgres backend's AuditStore.

use super::*;

#[async_trait]
impl crate::AuditStore for super::PostgresStore {
    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        cases::audit_records(&self.pool.get().await?, after_seq, limit).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        cases::audit_head(&self.pool.get().await?).await
    }
}
