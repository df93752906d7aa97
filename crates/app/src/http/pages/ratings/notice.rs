//! 办结通知书 (`/cases/{id}/notice/conclusion`): the printable notice of a
//! concluded case, with the QR code of its rating link. Printing it makes
//! the case's rating token (once; every reprint shows the same link).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::response::Response;
use domain::case::{CaseResult, mask_identifier};
use qrcode::QrCode;
use qrcode::render::svg;

use super::failure;
use crate::http::AppState;
use crate::http::extract::PagePath;
use crate::http::pages::case_page::load_case;
use crate::http::pages::notices::NoticeHead;
use crate::http::pages::{Chrome, render};
use crate::http::session::PageUser;
use crate::service::ServiceError;

#[derive(Template)]
#[template(path = "rating_conclusion_notice.html")]
struct ConclusionNotice {
    chrome: Chrome,
    h: NoticeHead,
    concluded_on: String,
    result: String,
    rating_url: String,
    rating_days: u32,
    /// The QR code as inline SVG, drawn by the `qrcode` crate from the
    /// rating URL alone (no typed text reaches it), so printed unescaped.
    qr_svg: String,
}

/// The QR code of `url` as an inline `<svg>` element.
fn qr_svg(url: &str) -> String {
    match QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let xml = code
                .render::<svg::Color<'_>>()
                .min_dimensions(180, 180)
                .build();
            xml.find("<svg")
                .map_or(xml.clone(), |i| xml[i..].to_owned())
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot draw the rating QR code");
            String::new()
        }
    }
}

/// The site's address for the printed link: the configured `public_url`,
/// else the address the browser reached it at.
fn site(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.public_url {
        return url.to_string();
    }
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("127.0.0.1:8080");
    let scheme = if state.sessions.cookie_secure {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

/// GET /cases/{id}/notice/conclusion: the 办结通知书 with its rating QR code.
pub async fn page(
    State(state): State<AppState>,
    user: PageUser,
    headers: HeaderMap,
    PagePath(id): PagePath<i64>,
) -> Response {
    let s = &state.services;
    let loaded = async {
        let view = load_case(&state, &user, id).await?;
        let token = s.rating_token_for(&user.access(), id).await?;
        let names = s.names().await?;
        Ok::<_, ServiceError>((view, token, names))
    };
    let (view, token, names) = match loaded.await {
        Ok(x) => x,
        Err(e) => return failure(&e, "办件不存在或不在您的办理范围内"),
    };
    let case = &view.record.case;
    let rating_url = format!("{}/rate/{token}", site(&state, &headers));
    let result = match (&case.decision, &case.result) {
        (_, Some(CaseResult::Paper { number })) => format!("准予，纸质文书 {number}"),
        (_, Some(CaseResult::Electronic { number, licence })) => {
            format!("准予，电子证照（{licence}）{number}")
        }
        (Some(d), None) if d.approved => "准予".to_owned(),
        (Some(d), None) => format!("不予许可：{}", d.reason),
        _ => String::new(),
    };
    render(&ConclusionNotice {
        chrome: Chrome::for_user(&user),
        h: NoticeHead {
            id,
            receipt: view.record.receipt_no.clone(),
            applicant: case.applicant.name().to_owned(),
            applicant_id: mask_identifier(case.applicant.identifier()),
            matter: names.matter(case.matter.as_str()),
            submitted_on: case.submitted_on.to_string(),
            intake_unit: names.unit(&view.record.intake_unit),
            unit: names.unit(&case.unit),
            printed_on: s.today().to_string(),
        },
        concluded_on: case.concluded_on.map(|d| d.to_string()).unwrap_or_default(),
        result,
        qr_svg: qr_svg(&rating_url),
        rating_url,
        rating_days: s.evaluation.rating_window_days,
    })
}
