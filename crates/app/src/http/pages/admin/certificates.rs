//! `/admin/certificates`: the 证明事项清单 — the only certificates a matter
//! may ask for — with how many matters ask for each, and a form to add an
//! entry or change one (`?edit=CODE`). The store has no call for one entry,
//! so an entry is saved as an import of a catalog holding only it, which
//! checks it and writes it with its audit record in one transaction.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::catalog::{Catalog, CatalogError, Certificate};
use serde::Deserialize;
use store::StoreError;

use super::fields::Errors;
use super::{CATALOG, Flash, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;

/// One entry of the list with the matters asking for it.
#[derive(Debug, Clone)]
pub struct CertificateRow {
    /// The entry.
    pub certificate: Certificate,
    /// How many current matters ask for it.
    pub used_by: usize,
}

/// The entry form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CertificateForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    basis: String,
}

/// `?edit=CODE`: the entry to fill the form with.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    #[serde(default)]
    edit: String,
}

#[derive(Template)]
#[template(path = "admin_certificates.html")]
struct CertificatesPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    rows: Vec<CertificateRow>,
    form: CertificateForm,
    editing: bool,
    errors: Errors,
}

/// GET /admin/certificates.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    Query(q): Query<EditQuery>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let form = match state.services.store.certificates().await {
        Ok(list) => list
            .into_iter()
            .find(|c| c.code == q.edit)
            .map(|c| CertificateForm {
                code: c.code,
                name: c.name,
                issuer: c.issuer,
                basis: c.basis,
            })
            .unwrap_or_default(),
        Err(e) => return store_error_page(&e),
    };
    show(&state, &user, None, form, Errors::default()).await
}

/// POST /admin/certificates: adds an entry, or changes the one with that code.
pub async fn save(
    State(state): State<AppState>,
    user: PageUser,
    Form(form): Form<CertificateForm>,
) -> Response {
    if let Err(refused) = user.require(CATALOG) {
        return refused;
    }
    let entry = match check(&form) {
        Ok(c) => c,
        Err(errors) => return show(&state, &user, None, form, errors).await,
    };
    let only = Catalog {
        certificates: vec![entry.clone()],
        matters: Vec::new(),
    };
    let s = &state.services;
    match s
        .store
        .import_catalog(&only, &user.actor(), s.clock.now())
        .await
    {
        Ok(report) => {
            tracing::info!(user = %user.username, certificate = %entry.code, "certificate list entry saved");
            let flash = if report.certificates == 0 {
                Flash::ok(format!("证明“{}”（{}）未作修改", entry.name, entry.code))
            } else {
                Flash::ok(format!("已保存证明“{}”（{}）", entry.name, entry.code))
            };
            show(
                &state,
                &user,
                flash,
                CertificateForm::default(),
                Errors::default(),
            )
            .await
        }
        Err(StoreError::Catalog(CatalogError::Invalid(problems))) => {
            let mut errors = Errors::default();
            for p in problems {
                let field = match p.field.as_str() {
                    "名称" => "name",
                    "编码" => "code",
                    _ => "",
                };
                errors.add(field, p.message);
            }
            show(&state, &user, None, form, errors).await
        }
        Err(e) => store_error_page(&e),
    }
}

/// The entry a form describes, or what is wrong with it.
fn check(form: &CertificateForm) -> Result<Certificate, Errors> {
    let mut errors = Errors::default();
    let code = form.code.trim();
    let code_ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if !code_ok {
        errors.add(
            "code",
            "证明编码只能使用字母、数字和 - _ .，长度 1–64，如 ZM-021",
        );
    }
    if form.name.trim().is_empty() {
        errors.add("name", "请填写证明名称");
    }
    if form.issuer.trim().is_empty() {
        errors.add("issuer", "请填写开具单位");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Certificate {
        code: code.to_owned(),
        name: form.name.trim().to_owned(),
        issuer: form.issuer.trim().to_owned(),
        basis: form.basis.trim().to_owned(),
    })
}

async fn show(
    state: &AppState,
    user: &PageUser,
    flash: Option<Flash>,
    form: CertificateForm,
    errors: Errors,
) -> Response {
    let s = &state.services;
    let (list, matters) = match (s.store.certificates().await, s.store.matters().await) {
        (Ok(c), Ok(m)) => (c, m),
        (Err(e), _) | (_, Err(e)) => return store_error_page(&e),
    };
    let editing = list.iter().any(|c| c.code == form.code.trim());
    let rows = list
        .into_iter()
        .map(|c| CertificateRow {
            used_by: matters
                .iter()
                .filter(|v| {
                    (v.matter.materials.iter()).any(|m| m.certificate.as_deref() == Some(&c.code))
                })
                .count(),
            certificate: c,
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CertificatesPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        rows,
        form,
        editing,
        errors,
    };
    (status, render(&page)).into_response()
}
