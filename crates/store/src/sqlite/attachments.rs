//! Attachments on SQLite; the SQL is `sql::attachments`'s.

use super::*;

use crate::sql::{Lite, attachments, now};
use crate::{Attachment, NewAttachment};

#[async_trait]
impl crate::AttachmentStore for super::SqliteStore {
    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<Attachment>> {
        let (files, actor) = (files.to_vec(), actor.clone());
        self.write(move |tx| now(attachments::add(&Lite(tx), case_id, &files, &actor, at)))
            .await
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<Attachment>> {
        self.quick(move |c| now(attachments::list(&Lite(c), case_id)))
            .await
    }
}
