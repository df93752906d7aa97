//! Files applicants upload for their materials: what is accepted (PDF, JPEG,
//! PNG or OFD, recognised by their content, at most 10 MiB each), why a file
//! is refused (in Chinese, for the page to show beside the material), and
//! where accepted files are kept: `<data dir>/uploads/<case id>/<sha256>`,
//! named by content so the name an applicant chose never reaches the disk.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use store::{Actor, Attachment, NewAttachment};

use super::{Access, Result, ServiceError, Services};

/// The most one file may hold.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The most one upload request may carry (several materials' files).
pub const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// What the limits say, as a form shows them beside its file inputs.
pub const RULES_ZH: &str = "每个文件不超过 10 MB，仅限 PDF、JPG/JPEG、PNG、OFD 格式";

/// The kinds of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// JPEG (a photo or scan).
    Jpeg,
    /// PNG (a scan or screenshot).
    Png,
    /// OFD, China's fixed-layout format (GB/T 33190) for electronic documents.
    Ofd,
}

impl FileKind {
    /// The MIME type stored with the file.
    pub fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Ofd => "application/ofd",
        }
    }

    /// The name people know the format by.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Jpeg => "JPEG",
            FileKind::Png => "PNG",
            FileKind::Ofd => "OFD",
        }
    }

    /// The kind a stored MIME type names.
    pub fn of_content_type(content_type: &str) -> Option<FileKind> {
        [FileKind::Pdf, FileKind::Jpeg, FileKind::Png, FileKind::Ofd]
            .into_iter()
            .find(|k| k.content_type() == content_type)
    }

    /// Whether a browser shows it itself (PDF and images); an OFD needs a
    /// reader of its own, so it is downloaded.
    pub fn opens_in_browser(self) -> bool {
        self != FileKind::Ofd
    }

    /// The kind a file name's extension claims.
    fn from_extension(file_name: &str) -> Option<FileKind> {
        let (_, ext) = file_name.rsplit_once('.')?;
        match ext.to_ascii_lowercase().as_str() {
            "pdf" => Some(FileKind::Pdf),
            "jpg" | "jpeg" => Some(FileKind::Jpeg),
            "png" => Some(FileKind::Png),
            "ofd" => Some(FileKind::Ofd),
            _ => None,
        }
    }

    /// The kind the content is, by its leading bytes (an OFD is a ZIP
    /// package whose entry point is `OFD.xml`).
    pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
        if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"PK\x03\x04") && bytes.windows(7).any(|w| w == b"OFD.xml") {
            Some(FileKind::Ofd)
        } else {
            None
        }
    }
}

/// A file as received for one material, before any check. Past the limit
/// `bytes` is cut short, while `size` keeps counting.
#[derive(Debug, Clone)]
pub struct Received {
    /// The material it is for.
    pub material: String,
    /// The name the browser gave.
    pub file_name: String,
    /// How many bytes arrived.
    pub size: u64,
    /// The content (at most [`MAX_FILE_BYTES`] of it).
    pub bytes: Vec<u8>,
}

/// A file that passed every check.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    /// The material it is for.
    pub material: String,
    /// The name the browser gave, cleaned for display.
    pub file_name: String,
    /// What its content is.
    pub kind: FileKind,
    /// The content.
    pub bytes: Vec<u8>,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// Checks one file against the limits; a refusal says why, in Chinese.
pub fn check(file: Received) -> std::result::Result<CheckedFile, String> {
    let file_name = clean_file_name(&file.file_name);
    if file.size == 0 {
        return Err("文件是空的，请重新选择".into());
    }
    if file.size > MAX_FILE_BYTES {
        return Err(format!(
            "文件过大（{}），每个文件不能超过 10 MB",
            human_size(file.size)
        ));
    }
    let Some(claimed) = FileKind::from_extension(&file_name) else {
        return Err(format!(
            "不支持“{file_name}”的文件类型：只接受 PDF、JPG/JPEG、PNG、OFD 格式"
        ));
    };
    match FileKind::sniff(&file.bytes) {
        None => Err(format!(
            "文件内容不是有效的 {} 文件（可能已损坏或改过扩展名）：只接受 PDF、JPG/JPEG、PNG、OFD 格式",
            claimed.label()
        )),
        Some(found) if found != claimed => Err(format!(
            "文件扩展名是 {}，内容却是 {}，请改正扩展名或重新导出后上传",
            claimed.label(),
            found.label()
        )),
        Some(kind) => Ok(CheckedFile {
            sha256: sha256_hex(&file.bytes),
            material: file.material,
            file_name,
            kind,
            bytes: file.bytes,
        }),
    }
}

/// A browser's file name made safe to show: no directories (some browsers
/// send `C:\fakepath\…`), no control characters, at most 120 characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(120).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "未命名文件".into()
    } else {
        cleaned.to_owned()
    }
}

/// A size as people read it: 850 KB, 12.3 MB.
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        let tenths = bytes * 10 / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The directory, relative to the data directory, of a case's files.
pub fn case_dir(case_id: i64) -> PathBuf {
    Path::new("uploads").join(case_id.to_string())
}

/// Writes each file to `<data dir>/uploads/<case id>/<sha256>` (through a
/// temporary name, so a half-written file never carries the final name).
fn write_files(data_dir: &Path, case_id: i64, files: &[CheckedFile]) -> std::io::Result<()> {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let dir = data_dir.join(case_dir(case_id));
    std::fs::create_dir_all(&dir)?;
    for f in files {
        let target = dir.join(&f.sha256);
        if target.exists() {
            continue;
        }
        let part = dir.join(format!(
            ".{}.{}.{}.part",
            f.sha256,
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let mut out = std::fs::File::create(&part)?;
        out.write_all(&f.bytes)?;
        out.sync_all()?;
        std::fs::rename(&part, &target)?;
    }
    Ok(())
}

impl Services {
    /// Keeps checked files for a case: writes them under the data directory,
    /// then records them (one transaction, one audit record).
    #[tracing::instrument(skip(self, files), fields(actor = %actor.username, files = files.len()))]
    pub async fn attach_files(
        &self,
        case_id: i64,
        files: Vec<CheckedFile>,
        actor: &Actor,
    ) -> Result<Vec<Attachment>> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let records: Vec<NewAttachment> = files
            .iter()
            .map(|f| NewAttachment {
                material: f.material.clone(),
                file_name: f.file_name.clone(),
                content_type: f.kind.content_type().to_owned(),
                size: i64::try_from(f.bytes.len()).unwrap_or(i64::MAX),
                sha256: f.sha256.clone(),
                stored_path: case_dir(case_id)
                    .join(&f.sha256)
                    .to_string_lossy()
                    .replace('\\', "/"),
            })
            .collect();
        let data_dir = self.data_dir.clone();
        tokio::task::spawn_blocking(move || write_files(&data_dir, case_id, &files))
            .await
            .map_err(|e| store::StoreError::Backend(format!("upload writer failed: {e}")))?
            .map_err(|e| {
                tracing::error!(case = case_id, error = %e, "cannot write uploaded files");
                ServiceError::Store(store::StoreError::Backend(format!(
                    "cannot write uploaded files: {e}"
                )))
            })?;
        let stored = self
            .store
            .add_attachments(case_id, &records, actor, self.clock.now())
            .await?;
        tracing::info!(case = case_id, files = stored.len(), "files attached");
        Ok(stored)
    }

    /// One file of a case and its content, for someone with the case in
    /// scope: a file of a case out of scope is `NotFound`, as for one that
    /// does not exist. The content is checked against its SHA-256.
    pub async fn case_file(
        &self,
        access: &Access,
        case_id: i64,
        file_id: i64,
    ) -> Result<(Attachment, Vec<u8>)> {
        self.case_for(access, case_id).await?;
        let file = self
            .store
            .attachments(case_id)
            .await?
            .into_iter()
            .find(|a| a.id == file_id)
            .ok_or_else(|| store::StoreError::NotFound(format!("文件 {file_id}")))?;
        let path = self.data_dir.join(&file.file.stored_path);
        let read = path.clone();
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(read))
            .await
            .map_err(|e| store::StoreError::Backend(format!("file reader failed: {e}")))?
            .map_err(|e| {
                store::StoreError::Backend(format!("cannot read {}: {e}", path.display()))
            })?;
        if sha256_hex(&bytes) != file.file.sha256 {
            return Err(store::StoreError::Backend(format!(
                "{} does not match its recorded SHA-256",
                path.display()
            ))
            .into());
        }
        Ok((file, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(name: &str, bytes: &[u8]) -> Received {
        Received {
            material: "营业执照".into(),
            file_name: name.into(),
            size: bytes.len() as u64,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn accepted_kinds_are_known_by_content() {
        assert!(check(received("a.pdf", b"%PDF-1.7\n")).is_ok());
        assert!(check(received("a.JPG", &[0xFF, 0xD8, 0xFF, 0xE0])).is_ok());
        assert!(check(received("a.png", b"\x89PNG\r\n\x1a\nxxxx")).is_ok());
        assert!(check(received("a.ofd", b"PK\x03\x04....OFD.xml....")).is_ok());
    }

    #[test]
    fn refusals_say_why() {
        let e = check(received("a.exe", b"MZ")).err().unwrap_or_default();
        assert!(e.contains("只接受"), "{e}");
        let e = check(received("a.pdf", b"MZ...."))
            .err()
            .unwrap_or_default();
        assert!(e.contains("不是有效的 PDF"), "{e}");
        let e = check(received("a.pdf", b"\x89PNG\r\n\x1a\n"))
            .err()
            .unwrap_or_default();
        assert!(e.contains("内容却是 PNG"), "{e}");
        let e = check(received("a.pdf", b"")).err().unwrap_or_default();
        assert!(e.contains("空"), "{e}");
        let mut big = received("a.pdf", b"%PDF-");
        big.size = MAX_FILE_BYTES + 1;
        let e = check(big).err().unwrap_or_default();
        assert!(e.contains("10 MB"), "{e}");
        // A ZIP that is not an OFD package.
        let e = check(received("a.ofd", b"PK\x03\x04word/document.xml"))
            .err()
            .unwrap_or_default();
        assert!(e.contains("OFD"), "{e}");
    }

    #[test]
    fn file_names_lose_their_directories() {
        assert_eq!(clean_file_name("C:\\fakepath\\证件.pdf"), "证件.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\u{0}"), "未命名文件");
        assert_eq!(human_size(10 * 1024 * 1024 + 1), "10.0 MB");
        assert_eq!(human_size(1000), "1 KB");
    }
}
