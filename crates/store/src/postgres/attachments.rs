//! Attachments on PostgreSQL: the records of files uploaded for a case.

use super::*;

use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::audit::{append_audit, entry};
use crate::{Actor, Attachment, NewAttachment, Result, StoreError};

const COLUMNS: &str = "id, case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at";

fn row(r: &Row) -> Result<Attachment> {
    Ok(Attachment {
        id: r.try_get(0)?,
        case_id: r.try_get(1)?,
        file: NewAttachment {
            material: r.try_get(2)?,
            file_name: r.try_get(3)?,
            content_type: r.try_get(4)?,
            size: r.try_get(5)?,
            sha256: r.try_get(6)?,
            stored_path: r.try_get(7)?,
        },
        uploaded_by: r.try_get(8)?,
        uploaded_at: r.try_get(9)?,
    })
}

/// Inserts the records and one audit record naming them.
pub(super) async fn add(
    tx: &Transaction<'_>,
    case_id: i64,
    files: &[NewAttachment],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<Attachment>> {
    if tx
        .query_opt("SELECT 1 FROM cases WHERE id = $1", &[&case_id])
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("办件 {case_id}")));
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let r = tx
            .query_one(
                "INSERT INTO attachments (case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[&case_id, &f.material, &f.file_name, &f.content_type, &f.size, &f.sha256, &f.stored_path, &actor.username, &at],
            )
            .await?;
        out.push(Attachment {
            id: r.try_get(0)?,
            case_id,
            file: f.clone(),
            uploaded_by: actor.username.clone(),
            uploaded_at: at,
        });
    }
    let after = serde_json::to_string(files)
        .map_err(|e| StoreError::Backend(format!("attachment JSON: {e}")))?;
    append_audit(
        tx,
        &entry(
            actor,
            "case",
            &case_id.to_string(),
            "attach",
            None,
            Some(after),
        ),
        at,
    )
    .await?;
    Ok(out)
}

/// A case's attachments, oldest first.
pub(super) async fn list(c: &impl GenericClient, case_id: i64) -> Result<Vec<Attachment>> {
    c.query(
        &format!("SELECT {COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY id"),
        &[&case_id],
    )
    .await?
    .iter()
    .map(row)
    .collect()
}

#[async_trait]
impl crate::AttachmentStore for super::PostgresStore {
    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[crate::NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Attachment>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = attachments::add(&tx, case_id, files, actor, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<crate::Attachment>> {
        attachments::list(&self.pool.get().await?, case_id).await
    }
}
