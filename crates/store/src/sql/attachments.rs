//! Attachments: the records of files uploaded for a case.

use super::audit::append;
use super::{Cells, Db, Json};
use crate::audit::entry;
use crate::{Actor, Attachment, NewAttachment, Result, StoreError};
use chrono::{DateTime, Utc};

const COLUMNS: &str = "id, case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at";

fn row(r: &dyn Cells) -> Result<Attachment> {
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
pub(crate) async fn add(
    db: &impl Db,
    case_id: i64,
    files: &[NewAttachment],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<Attachment>> {
    let case = db
        .opt("SELECT 1 FROM cases WHERE id = $1", &[&case_id], |_| Ok(()))
        .await?;
    if case.is_none() {
        return Err(StoreError::NotFound(format!("办件 {case_id}")));
    }
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        let id = db
            .insert(
                "INSERT INTO attachments (case_id, material, file_name, content_type, size, sha256, stored_path, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[&case_id, &f.material, &f.file_name, &f.content_type, &f.size, &f.sha256, &f.stored_path, &actor.username, &at],
            )
            .await?;
        out.push(Attachment {
            id,
            case_id,
            file: f.clone(),
            uploaded_by: actor.username.clone(),
            uploaded_at: at,
        });
    }
    let audit = entry(
        actor,
        "case",
        &case_id.to_string(),
        "attach",
        None,
        Some(Json::of(&files)?.0),
    );
    append(db, &audit, at).await?;
    Ok(out)
}

/// A case's attachments, oldest first.
pub(crate) async fn list(db: &impl Db, case_id: i64) -> Result<Vec<Attachment>> {
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY id");
    db.rows(&sql, &[&case_id], row).await
}
