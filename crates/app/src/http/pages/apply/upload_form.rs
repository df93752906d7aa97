//! Reading an upload form: text fields and files, each file kept up to the
//! per-file limit while its full size is counted, so that an oversize file
//! is refused by name beside its material rather than by a bare 413.

use std::collections::HashMap;

use axum::extract::Multipart;

use crate::service::uploads::{MAX_FILE_BYTES, Received};

/// A submitted multipart form: its text fields and its files by field name.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// Text fields.
    pub fields: HashMap<String, String>,
    /// Files chosen (an empty file input sends none).
    pub files: HashMap<String, Received>,
}

impl UploadForm {
    /// A text field, trimmed ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", |v| v.trim())
    }
}

/// Reads a multipart form, keeping at most [`MAX_FILE_BYTES`] of each file
/// while counting its full size. Fails (in Chinese) when the request is
/// malformed or larger than the route allows.
pub async fn read_upload_form(mut multipart: Multipart) -> Result<UploadForm, String> {
    let too_big = || {
        "提交的内容不完整或超过上限（一次提交的文件合计不能超过 64 MB），请减少文件后重试。"
            .to_owned()
    };
    let mut form = UploadForm::default();
    while let Some(mut field) = multipart.next_field().await.map_err(|_| too_big())? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            let text = field.text().await.map_err(|_| too_big())?;
            form.fields.insert(name, text);
            continue;
        };
        let mut file = Received {
            material: String::new(),
            file_name,
            size: 0,
            bytes: Vec::new(),
        };
        while let Some(chunk) = field.chunk().await.map_err(|_| too_big())? {
            file.size += chunk.len() as u64;
            if file.size <= MAX_FILE_BYTES {
                file.bytes.extend_from_slice(&chunk);
            }
        }
        if !(file.file_name.is_empty() && file.size == 0) {
            form.files.insert(name, file);
        }
    }
    Ok(form)
}
