//! The public catalog (`/catalog`): every published matter, filtered by
//! responsible department, category (事项类型) and level, and searched in
//! Chinese through the cached index. The filter form is a plain GET form;
//! with htmx it swaps only the results list and pushes the URL, so a
//! filtered list can be bookmarked and the back button works.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use domain::catalog::{Category, Level, Matter, OnlineDepth};
use domain::unit::Role;
use serde::Deserialize;

use super::{Chrome, error_page, render};
use crate::http::AppState;
use crate::http::session::PageUser;
use crate::service::CatalogSnapshot;

/// The filters, as the form sends them (an empty value does not filter).
#[derive(Debug, Default, Deserialize)]
pub struct CatalogQuery {
    /// Words to search for.
    #[serde(default)]
    pub q: String,
    /// The responsible unit's code.
    #[serde(default)]
    pub unit: String,
    /// The category's stable name.
    #[serde(default)]
    pub category: String,
    /// The level's stable name.
    #[serde(default)]
    pub level: String,
}

/// One choice of a filter.
pub struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// One matter in the results.
pub struct Row {
    code: String,
    name: String,
    unit_name: String,
    category: &'static str,
    levels: String,
    promised: String,
    online: &'static str,
    online_class: &'static str,
    visits: String,
    can_apply: bool,
}

/// The results list: what the htmx form swaps.
pub struct Results {
    rows: Vec<Row>,
    q: String,
    filtered: bool,
}

#[derive(Template)]
#[template(path = "catalog.html")]
struct CatalogPage {
    chrome: Chrome,
    q: String,
    filters: Filters,
    results: Results,
}

/// The filter form's choices.
pub struct Filters {
    units: Vec<Choice>,
    categories: Vec<Choice>,
    levels: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "catalog_results.html")]
struct ResultsFragment {
    results: Results,
}

/// How many visits, in the words the reform uses.
pub fn visits_label(max_visits: u32) -> String {
    match max_visits {
        0 => "零跑腿".into(),
        1 => "最多跑一次".into(),
        n => format!("最多跑{n}次"),
    }
}

/// The levels, joined for a list.
pub fn levels_label(levels: &[Level]) -> String {
    levels
        .iter()
        .map(|l| l.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Unit names by code.
pub async fn unit_names(state: &AppState) -> HashMap<String, String> {
    match state.services.units().await {
        Ok(units) => units
            .iter()
            .map(|u| (u.code.to_string(), u.name.clone()))
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the units");
            HashMap::new()
        }
    }
}

fn row(m: &Matter, names: &HashMap<String, String>) -> Row {
    Row {
        code: m.code.to_string(),
        name: m.name.clone(),
        unit_name: names
            .get(&m.unit)
            .cloned()
            .unwrap_or_else(|| m.unit.clone()),
        category: m.category.label_zh(),
        levels: levels_label(&m.levels),
        promised: m.promised_limit.to_string(),
        online: m.online_depth.label_zh(),
        online_class: match m.online_depth {
            OnlineDepth::FullyOnline => "sla-normal",
            OnlineDepth::PartlyOnline => "sla-warning",
            OnlineDepth::WindowOnly => "",
        },
        visits: visits_label(m.max_visits),
        can_apply: m.online_depth != OnlineDepth::WindowOnly,
    }
}

/// A signed-in member of staff: offered no 在线申请 link.
pub fn is_staff(user: Option<&PageUser>) -> bool {
    user.is_some_and(|u| u.role != Role::Applicant)
}

fn matches(m: &Matter, f: &CatalogQuery) -> bool {
    (f.unit.is_empty() || m.unit == f.unit)
        && (f.category.is_empty() || m.category.as_str() == f.category)
        && (f.level.is_empty() || m.levels.iter().any(|l| l.as_str() == f.level))
}

fn choices(all: Vec<(String, String)>, picked: &str) -> Vec<Choice> {
    all.into_iter()
        .map(|(value, label)| Choice {
            selected: value == picked,
            value,
            label,
        })
        .collect()
}

/// The departments that have matters (by name), the categories in use and
/// every level, with the ones asked for selected.
fn filters(
    snapshot: &CatalogSnapshot,
    names: &HashMap<String, String>,
    f: &CatalogQuery,
) -> Filters {
    let units: BTreeMap<&str, String> = snapshot
        .versions
        .iter()
        .map(|v| {
            let code = v.matter.unit.as_str();
            (
                code,
                names.get(code).cloned().unwrap_or_else(|| code.to_owned()),
            )
        })
        .collect();
    let mut units: Vec<(String, String)> =
        units.into_iter().map(|(c, n)| (c.to_owned(), n)).collect();
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let categories = Category::ALL
        .iter()
        .filter(|c| snapshot.versions.iter().any(|v| v.matter.category == **c))
        .map(|c| (c.as_str().to_owned(), c.label_zh().to_owned()))
        .collect();
    let levels = Level::ALL
        .iter()
        .map(|l| (l.as_str().to_owned(), l.label_zh().to_owned()))
        .collect();
    Filters {
        units: choices(units, &f.unit),
        categories: choices(categories, &f.category),
        levels: choices(levels, &f.level),
    }
}

/// Whether a request came from htmx for the results only (a history
/// restore wants the whole page).
fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
        && headers.get("hx-history-restore-request").is_none()
}

/// GET /catalog: the catalog, filtered and searched.
pub async fn page(
    State(state): State<AppState>,
    user: Option<PageUser>,
    headers: HeaderMap,
    Query(f): Query<CatalogQuery>,
) -> Response {
    let snapshot = match state.services.catalog_snapshot().await {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the catalog");
            return error_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "出错了",
                "事项目录暂时无法显示，请稍后重试。",
            );
        }
    };
    let names = unit_names(&state).await;
    let q = f.q.trim().to_owned();
    let found: Vec<&Matter> = if q.is_empty() {
        snapshot.versions.iter().map(|v| &v.matter).collect()
    } else {
        snapshot
            .search(&q, snapshot.versions.len())
            .iter()
            .filter_map(|hit| snapshot.matter(&hit.code))
            .collect()
    };
    let results = Results {
        rows: found
            .into_iter()
            .filter(|m| matches(m, &f))
            .map(|m| row(m, &names))
            .map(|mut r| {
                // Staff do not apply online (the apply page refuses them).
                r.can_apply &= !is_staff(user.as_ref());
                r
            })
            .collect(),
        filtered: !(q.is_empty()
            && f.unit.is_empty()
            && f.category.is_empty()
            && f.level.is_empty()),
        q: q.clone(),
    };
    let mut response = if wants_fragment(&headers) {
        render(&ResultsFragment { results })
    } else {
        render(&CatalogPage {
            chrome: Chrome::for_visitor(user.as_ref()),
            q,
            filters: filters(&snapshot, &names, &f),
            results,
        })
    };
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("HX-Request"));
    response.into_response()
}
