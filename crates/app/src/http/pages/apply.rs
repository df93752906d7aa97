//! Applying online (`/apply/{code}`): one file input per material the
//! applicant provides (the platform fetches the rest), the applicant's
//! details from their account, the upload limits said up front. Every file
//! is checked before anything is stored: one refused file refuses the whole
//! submission, with the reason next to that material. An accepted
//! submission opens an online case for the 预审 window and keeps the files
//! under the data directory.

mod upload_form;

pub use upload_form::{UploadForm, read_upload_form};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::case::Channel;
use domain::catalog::{Material, MaterialSource, Matter, MatterCode, OnlineDepth};
use domain::unit::Role;
use store::{MatterVersion, StoreError};

use super::matter::matter_not_found;
use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::session::PageUser;
use crate::service::uploads::{self, CheckedFile, RULES_ZH};
use crate::service::{ApplicantInput, CreateCase, ServiceError};

/// One file input of the form.
pub struct MaterialInput {
    field: String,
    name: String,
    rule: &'static str,
    rule_note: &'static str,
    must: bool,
    note: String,
    error: String,
}

/// Who applies, as the form shows it.
pub struct ApplicantBlock {
    /// Taken from the account: shown, not asked.
    from_account: bool,
    name: String,
    kind: String,
    id_text: String,
    error: String,
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    code: String,
    matter_name: String,
    version: u32,
    promised: String,
    csrf: String,
    idem: String,
    applicant: ApplicantBlock,
    materials: Vec<MaterialInput>,
    fetched: Vec<String>,
    message: String,
    rules: &'static str,
}

/// Whether a material must come with the application: required, and not one
/// that 容缺受理 lets come later or a 告知承诺 may replace.
fn must_upload(m: &Material, matter: &Matter) -> bool {
    let may_wait = matter.deficiency_allowed && !m.core;
    let may_commit = matter.commitment_allowed && m.certificate.is_some();
    m.required && !may_wait && !may_commit
}

/// What the form says of a material: a short badge and, where it may be
/// left out for now, why.
fn rule(m: &Material, matter: &Matter) -> (&'static str, &'static str) {
    if !m.required {
        ("非必需", "")
    } else if must_upload(m, matter) {
        ("必需", "")
    } else if matter.deficiency_allowed && !m.core {
        ("可容缺", "暂缺时可先提交申请，受理后按承诺期限补交")
    } else {
        ("可告知承诺", "可不上传，由签署的告知承诺书代替")
    }
}

/// The form's file inputs: one per applicant-provided material, named by
/// its index in the matter's list.
fn inputs(matter: &Matter) -> Vec<(usize, &Material)> {
    matter
        .materials
        .iter()
        .enumerate()
        .filter(|(_, m)| m.source == MaterialSource::Applicant)
        .collect()
}

/// The applicant as the account records it (name, and ID number or credit code).
async fn account_applicant(state: &AppState, user: &PageUser) -> Option<ApplicantInput> {
    let account = match state.services.store.account(&user.username).await {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(error = %e, user = %user.username, "cannot read the account");
            return None;
        }
    };
    let id = account.applicant_id.filter(|id| !id.trim().is_empty())?;
    let phone = account.phone.unwrap_or_default();
    let name = user.display_name.clone();
    Some(if domain::party::IdNumber::parse(&id).is_ok() {
        ApplicantInput::Person {
            name,
            id_number: id,
            phone,
        }
    } else {
        ApplicantInput::Enterprise {
            name,
            credit_code: id,
            phone,
        }
    })
}

fn applicant_block(
    from_account: Option<&ApplicantInput>,
    form: Option<&UploadForm>,
) -> ApplicantBlock {
    match from_account {
        Some(ApplicantInput::Person {
            name, id_number, ..
        }) => ApplicantBlock {
            from_account: true,
            name: name.clone(),
            kind: "居民身份证号".into(),
            id_text: domain::case::mask_identifier(id_number),
            error: String::new(),
        },
        Some(ApplicantInput::Enterprise {
            name, credit_code, ..
        }) => ApplicantBlock {
            from_account: true,
            name: name.clone(),
            kind: "统一社会信用代码".into(),
            id_text: domain::case::mask_identifier(credit_code),
            error: String::new(),
        },
        None => ApplicantBlock {
            from_account: false,
            name: form.map_or("", |f| f.field("applicant_name")).to_owned(),
            kind: form
                .map_or("person", |f| f.field("applicant_kind"))
                .to_owned(),
            id_text: form.map_or("", |f| f.field("applicant_id")).to_owned(),
            error: String::new(),
        },
    }
}

/// The applicant a form without account details names.
fn form_applicant(form: &UploadForm) -> ApplicantInput {
    let name = form.field("applicant_name").to_owned();
    let id = form.field("applicant_id").to_owned();
    if form.field("applicant_kind") == "enterprise" {
        ApplicantInput::Enterprise {
            name,
            credit_code: id,
            phone: String::new(),
        }
    } else {
        ApplicantInput::Person {
            name,
            id_number: id,
            phone: String::new(),
        }
    }
}

fn page(user: &PageUser, v: &MatterVersion, applicant: ApplicantBlock) -> ApplyPage {
    let m = &v.matter;
    ApplyPage {
        chrome: Chrome::for_user(user),
        code: m.code.to_string(),
        matter_name: m.name.clone(),
        version: v.version,
        promised: m.promised_limit.to_string(),
        csrf: user.csrf.clone(),
        idem: crate::http::auth::new_token().unwrap_or_default(),
        applicant,
        materials: inputs(m)
            .into_iter()
            .map(|(i, x)| MaterialInput {
                field: format!("file_{i}"),
                name: x.name.clone(),
                rule: rule(x, m).0,
                rule_note: rule(x, m).1,
                must: must_upload(x, m),
                note: x.note.clone(),
                error: String::new(),
            })
            .collect(),
        fetched: m
            .materials
            .iter()
            .filter(|x| x.source != MaterialSource::Applicant)
            .map(|x| format!("{}（{}）", x.name, super::matter::source_label(x.source)))
            .collect(),
        message: String::new(),
        rules: RULES_ZH,
    }
}

/// The matter a code names, when it may be applied for online; otherwise the page to show.
async fn online_matter(
    state: &AppState,
    user: &PageUser,
    code: &str,
) -> Result<MatterVersion, Response> {
    user.require(&[Role::Applicant])?;
    let Ok(code) = MatterCode::parse(code) else {
        return Err(matter_not_found());
    };
    match state.services.store.matter(&code, None).await {
        Ok(v) if v.matter.online_depth == OnlineDepth::WindowOnly => Err(error_page(
            StatusCode::NOT_FOUND,
            "本事项须到窗口办理",
            "该事项暂不支持网上申请，请携带材料到政务服务中心窗口办理。",
        )),
        Ok(v) => Ok(v),
        Err(StoreError::NotFound(_)) => Err(matter_not_found()),
        Err(e) => {
            tracing::error!(error = %e, "cannot read a matter");
            Err(error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "事项暂时无法读取，请稍后重试。",
            ))
        }
    }
}

/// GET /apply: where the applicant's "网上申请" link leads: the catalog,
/// whose matters each offer their online application.
pub async fn index() -> Redirect {
    Redirect::to("/catalog")
}

/// GET /apply/{code}: the application form.
pub async fn form(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
) -> Response {
    let v = match online_matter(&state, &user, &code).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let from_account = account_applicant(&state, &user).await;
    render(&page(
        &user,
        &v,
        applicant_block(from_account.as_ref(), None),
    ))
}

/// Checks every file against the limits and the must-upload rule; returns
/// the files that passed and marks each refusal beside its material.
fn check_files(page: &mut ApplyPage, matter: &Matter, form: &mut UploadForm) -> Vec<CheckedFile> {
    let mut kept = Vec::new();
    for (input, (_, material)) in page.materials.iter_mut().zip(inputs(matter)) {
        match form.files.remove(&input.field) {
            Some(mut file) => {
                file.material = material.name.clone();
                match uploads::check(file) {
                    Ok(f) => kept.push(f),
                    Err(why) => input.error = why,
                }
            }
            None if input.must => input.error = "请上传此材料".into(),
            None => {}
        }
    }
    kept
}

/// POST /apply/{code}: checks everything, then opens the case and keeps the files.
pub async fn submit(
    State(state): State<AppState>,
    user: PageUser,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Response {
    let v = match online_matter(&state, &user, &code).await {
        Ok(v) => v,
        Err(page) => return page,
    };
    let mut form = match read_upload_form(multipart).await {
        Ok(f) => f,
        Err(why) => return error_page(StatusCode::PAYLOAD_TOO_LARGE, "提交失败", &why),
    };
    let from_account = account_applicant(&state, &user).await;
    let mut page = page(
        &user,
        &v,
        applicant_block(from_account.as_ref(), Some(&form)),
    );
    if form.field("matter_version") != v.version.to_string() {
        page.message = "该事项的办事指南刚刚更新，请核对材料后重新选择文件提交。".into();
        return (StatusCode::CONFLICT, render(&page)).into_response();
    }
    let applicant = from_account.unwrap_or_else(|| form_applicant(&form));
    if let Err(e) = applicant.clone().parse() {
        page.applicant.error = e.to_string();
    }
    let files = check_files(&mut page, &v.matter, &mut form);
    if !page.applicant.error.is_empty() || page.materials.iter().any(|m| !m.error.is_empty()) {
        page.message =
            "申请未通过检查，本次提交未保存任何内容。请按提示改正后，重新选择全部文件提交。".into();
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    }
    open_case(&state, &user, &v, applicant, files, form.field("idem")).await
}

/// Opens the online case and keeps its files; redirects to the applicant's case page.
async fn open_case(
    state: &AppState,
    user: &PageUser,
    v: &MatterVersion,
    applicant: ApplicantInput,
    files: Vec<CheckedFile>,
    idem: &str,
) -> Response {
    let input = CreateCase {
        matter: v.matter.code.to_string(),
        channel: Channel::Online,
        applicant,
        intake_unit: None,
        intake: None,
    };
    let key = (!idem.is_empty()).then(|| format!("apply:{idem}"));
    let (view, created) = match state
        .services
        .open_case_as(&user.access(), input, key)
        .await
    {
        Ok(r) => r,
        Err(e) => return service_failure(&e),
    };
    let id = view.record.id;
    if created && let Err(e) = state.services.attach_files(id, files, &user.actor()).await {
        tracing::error!(case = id, error = %e, "case opened but its files were not kept");
        return error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "材料保存失败",
            &format!(
                "申请已提交（受理编号 {}），但上传的材料未能保存。请在“我的办件”中查看，或联系窗口补交材料。",
                view.record.receipt_no
            ),
        );
    }
    Redirect::to(&format!("/mine/{id}?submitted=1")).into_response()
}

/// A service refusal or failure as a page.
pub fn service_failure(e: &ServiceError) -> Response {
    match e {
        ServiceError::Store(StoreError::NotFound(_)) => matter_not_found(),
        ServiceError::Store(StoreError::Backend(_)) => {
            tracing::error!(error = %e, "application failed");
            error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "申请暂时无法提交，请稍后重试。",
            )
        }
        other => error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "无法提交",
            &other.to_string(),
        ),
    }
}
