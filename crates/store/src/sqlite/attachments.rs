//! Attachments on SQLite: the records of files uploaded for a case.

use super::*;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, params};

use super::audit::{append_audit, entry};
use crate::{Actor, Attachment, NewAttachment, Result, StoreError};

const COLUMNS: &str = "id, case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attachment> {
    Ok(Attachment {
        id: r.get(0)?,
        case_id: r.get(1)?,
        file: NewAttachment {
            material: r.get(2)?,
            file_name: r.get(3)?,
            content_type: r.get(4)?,
            size: r.get(5)?,
            sha256: r.get(6)?,
            stored_path: r.get(7)?,
        },
        uploaded_by: r.get(8)?,
        uploaded_at: r.get(9)?,
    })
}

/// Inserts the records and one audit record naming them.
pub(super) fn add(
    tx: &Transaction<'_>,
    case_id: i64,
    files: &[NewAttachment],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<Attachment>> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM cases WHERE id = ?1)",
        [case_id],
        |r| r.get(0),
    )?;
    if !exists {
        return Err(StoreError::NotFound(format!("办件 {case_id}")));
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let id = tx.query_row(
            "INSERT INTO attachments (case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            params![case_id, f.material, f.file_name, f.content_type, f.size, f.sha256, f.stored_path, actor.username, at],
            |r| r.get(0),
        )?;
        out.push(Attachment {
            id,
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
    )?;
    Ok(out)
}

/// A case's attachments, oldest first.
pub(super) fn list(c: &Connection, case_id: i64) -> Result<Vec<Attachment>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM attachments WHERE case_id = ?1 ORDER BY id"
    ))?;
    let rows = st.query_map([case_id], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[async_trait]
impl crate::AttachmentStore for super::SqliteStore {
    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[crate::NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Attachment>> {
        let (files, actor) = (files.to_vec(), actor.clone());
        self.write(move |tx| attachments::add(tx, case_id, &files, &actor, at))
            .await
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<crate::Attachment>> {
        self.quick(move |c| attachments::list(c, case_id)).await
    }
}
