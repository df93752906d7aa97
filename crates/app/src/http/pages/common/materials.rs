//! A case's materials checklist, as 预审, the case page and 我的办件 show it:
//! each material the matter asks for, where it stands (received, owed under
//! 容缺 and by when, replaced by a 告知承诺, fetched from shared data, still
//! to be supplied), and every file uploaded for it, to open and check: its
//! type, size, SHA-256, who uploaded it and when. A supplement's files sit
//! against the material they supply.

use domain::case::Case;
use domain::catalog::{Material, MaterialSource, Matter};
use domain::time::local_minute;
use store::Attachment;

use super::rows::Names;
use crate::http::AppState;
use crate::service::uploads::{FileKind, human_size};
use crate::service::{CaseView, ServiceError};

/// One material of the checklist.
#[derive(Debug, Clone)]
pub struct MaterialItem {
    /// The material's name.
    pub name: String,
    /// A core material (核心要件).
    pub core: bool,
    /// Where it stands, in Chinese.
    pub status: &'static str,
    /// The badge's class: `ok`, `warn`, `bad` or `muted`.
    pub class: &'static str,
    /// A date or a condition that goes with the status.
    pub note: String,
    /// The files uploaded for it, oldest first.
    pub files: Vec<FileItem>,
}

/// One uploaded file.
#[derive(Debug, Clone)]
pub struct FileItem {
    /// Where it opens.
    pub href: String,
    /// Its name as uploaded.
    pub name: String,
    /// PDF, JPEG, PNG or OFD.
    pub kind: &'static str,
    /// Shown in the browser (PDF, images) rather than downloaded (OFD).
    pub inline: bool,
    /// Its size, e.g. 1.2 MB.
    pub size: String,
    /// Its SHA-256, in hex.
    pub sha256: String,
    /// Who uploaded it.
    pub by: String,
    /// When (Shanghai time).
    pub at: String,
}

/// The checklist of `case`, whose files open under `base` (`/cases/{id}` for
/// staff, `/mine/{id}` for the applicant). Files for a material the matter
/// no longer lists come last, under their own name.
pub fn checklist(
    matter: &Matter,
    case: &Case,
    files: &[Attachment],
    names: &Names,
    base: &str,
) -> Vec<MaterialItem> {
    let files_of = |name: &str| -> Vec<FileItem> {
        files
            .iter()
            .filter(|a| a.file.material == name)
            .map(|a| file_item(a, names, base))
            .collect()
    };
    let mut items: Vec<MaterialItem> = matter
        .materials
        .iter()
        .map(|m| {
            let files = files_of(&m.name);
            let (status, class, note) = standing(case, m, !files.is_empty());
            MaterialItem {
                name: m.name.clone(),
                core: m.core,
                status,
                class,
                note,
                files,
            }
        })
        .collect();
    let mut others: Vec<&str> = files
        .iter()
        .map(|a| a.file.material.as_str())
        .filter(|n| !matter.materials.iter().any(|m| m.name == *n))
        .collect();
    others.dedup();
    for name in others {
        items.push(MaterialItem {
            name: name.to_owned(),
            core: false,
            status: "已上传",
            class: "ok",
            note: "事项材料目录中无此项".into(),
            files: files_of(name),
        });
    }
    items
}

/// The checklist of a case as read now, its files opening under `base`.
pub async fn of_case(
    state: &AppState,
    view: &CaseView,
    base: &str,
) -> Result<Vec<MaterialItem>, ServiceError> {
    let case = &view.record.case;
    let matter = state
        .services
        .store
        .matter(&case.matter, Some(case.matter_version))
        .await?;
    of_case_matter(state, view, &matter.matter, base).await
}

/// [`of_case`] for a page that has already read the case's matter.
pub async fn of_case_matter(
    state: &AppState,
    view: &CaseView,
    matter: &Matter,
    base: &str,
) -> Result<Vec<MaterialItem>, ServiceError> {
    let s = &state.services;
    let files = s.store.attachments(view.record.id).await?;
    let names = s.names().await?;
    Ok(checklist(matter, &view.record.case, &files, &names, base))
}

/// Where one material stands: its status, badge class and note.
fn standing(case: &Case, m: &Material, uploaded: bool) -> (&'static str, &'static str, String) {
    let name = m.name.as_str();
    if let Some(d) = case
        .deficiency
        .as_ref()
        .filter(|d| d.materials.iter().any(|m| m == name))
    {
        return match d.supplied_on {
            Some(on) => ("已补交", "ok", format!("容缺受理，{on} 补齐")),
            None if d.broken => (
                "逾期未补",
                "bad",
                format!("须于 {} 前补齐，已记入信用记录", d.supplement_by),
            ),
            None => (
                "容缺待补",
                "warn",
                format!("须于 {} 前补齐", d.supplement_by),
            ),
        };
    }
    if let Some(c) = case.commitments.iter().find(|c| c.material == name) {
        return (
            "告知承诺",
            "ok",
            format!("以书面承诺代替，{} 前核查", c.verify_by),
        );
    }
    if case.notice.iter().any(|m| m == name) {
        return ("须补齐", "warn", "一次性告知所列".into());
    }
    let at_window = !case.channel.needs_review();
    match m.source {
        MaterialSource::SharedData => ("共享获取", "muted", "由数据共享平台获取".into()),
        MaterialSource::ELicense => ("电子证照", "muted", "由电子证照库调取".into()),
        MaterialSource::Applicant if uploaded && case.accepted_on.is_some() => {
            ("已收取", "ok", String::new())
        }
        MaterialSource::Applicant if uploaded => ("已上传", "ok", "待核对".into()),
        MaterialSource::Applicant if at_window && case.accepted_on.is_some() => {
            ("已收取", "ok", "窗口收取纸质材料".into())
        }
        MaterialSource::Applicant if !m.required => ("非必需", "muted", String::new()),
        MaterialSource::Applicant => ("未上传", "warn", String::new()),
    }
}

fn file_item(a: &Attachment, names: &Names, base: &str) -> FileItem {
    let kind = FileKind::of_content_type(&a.file.content_type);
    FileItem {
        href: format!("{base}/files/{}", a.id),
        name: a.file.file_name.clone(),
        kind: kind.map_or("文件", FileKind::label),
        inline: kind.is_some_and(FileKind::opens_in_browser),
        size: human_size(u64::try_from(a.file.size).unwrap_or_default()),
        sha256: a.file.sha256.clone(),
        by: names.user(&a.uploaded_by),
        at: local_minute(a.uploaded_at),
    }
}
