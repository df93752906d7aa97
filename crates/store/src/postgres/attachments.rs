//! Attachments on PostgreSQL; the SQL is `sql::attachments`'s.

use super::*;

use crate::sql::{Pg, attachments};
use crate::{Attachment, NewAttachment};

#[async_trait]
impl crate::AttachmentStore for super::PostgresStore {
    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<Attachment>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = attachments::add(&Pg(&tx), case_id, files, actor, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<Attachment>> {
        attachments::list(&Pg(&self.pool.get().await?), case_id).await
    }
}
