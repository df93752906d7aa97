//! The home page: a search box and the ways in.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Chrome, render};
use crate::http::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    chrome: Chrome,
    matter_count: usize,
    online_share: String,
    popular: Vec<(String, String)>,
}

/// GET /: the public home page.
pub async fn page(State(state): State<AppState>) -> Response {
    let matters = match state.services.store.matters().await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the catalog");
            Vec::new()
        }
    };
    let online = matters
        .iter()
        .filter(|v| v.matter.online_depth != domain::catalog::OnlineDepth::WindowOnly)
        .count();
    let online_share = if matters.is_empty() {
        "—".to_owned()
    } else {
        format!("{}%", online * 100 / matters.len())
    };
    let popular = [
        "QX-SCJG-001",
        "QX-RSJ-004",
        "QX-YBJ-001",
        "QX-GJJ-001",
        "QX-GAJ-001",
        "QX-MZJ-001",
        "QX-ZGB-102",
        "QX-GD-004",
    ]
    .iter()
    .filter_map(|code| matters.iter().find(|v| v.matter.code.as_str() == *code))
    .map(|v| (v.matter.code.to_string(), v.matter.name.clone()))
    .collect();
    render(&Home {
        chrome: Chrome::public(),
        matter_count: matters.len(),
        online_share,
        popular,
    })
}
