//! `/admin/calendar`: the working-day calendar's years — the State Council
//! arrangements shipped with onewindow and those an admin loaded — and a
//! form to load a year (pasted or uploaded, in the format of
//! `crates/domain/data/calendar.toml`) when its notice comes out. Loading
//! reloads the calendar in force, so deadlines in that year stop being
//! provisional (暂定) at once.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::calendar::{Calendar, YearArrangement, parse_arrangements};

use super::{ADMIN, Flash, service_error_page, store_error_page, sub_nav};
use crate::http::AppState;
use crate::http::pages::{Chrome, NavLink, render};
use crate::http::session::PageUser;

/// One year of the calendar in force.
#[derive(Debug, Clone)]
pub struct YearRow {
    /// The year.
    pub year: i32,
    /// The notice it comes from.
    pub notice: String,
    /// 随系统发布, 管理员载入, or 管理员载入（替换随系统发布的安排）.
    pub source: &'static str,
    /// Each holiday as 名称 MM-DD–MM-DD.
    pub holidays: Vec<String>,
    /// The make-up working days, MM-DD each.
    pub makeup: String,
}

#[derive(Template)]
#[template(path = "admin_calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    sub: Vec<NavLink>,
    flash: Option<Flash>,
    rows: Vec<YearRow>,
    missing: Vec<i32>,
    text: String,
    error: String,
}

/// The years from this one to the next that have no arrangement loaded:
/// deadlines in them are counted on weekends only and marked 暂定.
pub fn missing_years(calendar: &Calendar, today: chrono::NaiveDate) -> Vec<i32> {
    let loaded = calendar.years();
    (today.year()..=today.year() + 1)
        .filter(|y| !loaded.contains(y))
        .collect()
}

/// GET /admin/calendar.
pub async fn page(State(state): State<AppState>, user: PageUser) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    show(&state, &user, None, String::new(), String::new()).await
}

/// POST /admin/calendar (multipart: `toml` pasted, or `file` uploaded):
/// checks every year in the text, stores each, reloads the calendar.
pub async fn load(State(state): State<AppState>, user: PageUser, form: Multipart) -> Response {
    if let Err(refused) = user.require(ADMIN) {
        return refused;
    }
    let text = match read_text(form).await {
        Ok(t) => t,
        Err(message) => return show(&state, &user, None, String::new(), message).await,
    };
    let years = match parse_arrangements(&text) {
        Ok(y) if y.is_empty() => {
            let message = "文件中没有任何年份：每年一个 [[years]] 表".to_owned();
            return show(&state, &user, None, text, message).await;
        }
        Ok(y) => y,
        Err(e) => return show(&state, &user, None, text, e.to_string()).await,
    };
    let s = &state.services;
    let now = s.clock.now();
    for y in &years {
        if let Err(e) = s.store.put_calendar_year(y, &user.actor(), now).await {
            return store_error_page(&e);
        }
        tracing::info!(admin = %user.username, year = y.year, "calendar year loaded");
    }
    if let Err(e) = s.reload_calendar().await {
        return service_error_page(&e);
    }
    let names: Vec<String> = years.iter().map(|y| y.year.to_string()).collect();
    let flash = Flash::ok(format!(
        "已载入 {} 年的节假日安排；涉及这些年份的期限已按正式安排计算，不再标注“暂定”。",
        names.join("、")
    ));
    show(&state, &user, flash, String::new(), String::new()).await
}

/// The uploaded file's text when a file was chosen, else the pasted text.
async fn read_text(mut form: Multipart) -> Result<String, String> {
    let (mut pasted, mut uploaded) = (String::new(), Vec::new());
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(format!("提交的内容无法读取：{}", e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("提交的内容无法读取：{}", e.body_text()))?;
        match name.as_str() {
            "toml" => pasted = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => uploaded = bytes.to_vec(),
            _ => {}
        }
    }
    let text = if uploaded.is_empty() {
        pasted
    } else {
        String::from_utf8(uploaded).map_err(|_| "上传的文件不是 UTF-8 编码的文本".to_owned())?
    };
    if text.trim().is_empty() {
        return Err("请粘贴节假日安排，或选择要上传的文件".to_owned());
    }
    Ok(text)
}

async fn show(
    state: &AppState,
    user: &PageUser,
    flash: Option<Flash>,
    text: String,
    error: String,
) -> Response {
    let s = &state.services;
    let loaded = match s.store.calendar_years().await {
        Ok(l) => l,
        Err(e) => return store_error_page(&e),
    };
    let calendar = s.calendar();
    let official = Calendar::official().years();
    let rows = calendar
        .years()
        .into_iter()
        .rev()
        .filter_map(|y| calendar.arrangement(y))
        .map(|a| {
            let by_admin = loaded.iter().any(|l| l.year == a.year);
            let source = match (by_admin, official.contains(&a.year)) {
                (true, true) => "管理员载入（替换随系统发布的安排）",
                (true, false) => "管理员载入",
                (false, _) => "随系统发布",
            };
            row(a, source)
        })
        .collect();
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = CalendarPage {
        chrome: Chrome::for_user(user),
        sub: sub_nav(user),
        flash,
        rows,
        missing: missing_years(&calendar, s.today()),
        text,
        error,
    };
    (status, render(&page)).into_response()
}

fn row(a: &YearArrangement, source: &'static str) -> YearRow {
    YearRow {
        year: a.year,
        notice: a.notice.clone(),
        source,
        holidays: a
            .holidays
            .iter()
            .map(|h| {
                if h.from == h.to {
                    format!("{} {}", h.name, h.from.format("%m-%d"))
                } else {
                    format!(
                        "{} {}–{}",
                        h.name,
                        h.from.format("%m-%d"),
                        h.to.format("%m-%d")
                    )
                }
            })
            .collect(),
        makeup: a
            .makeup_workdays
            .iter()
            .map(|d| d.format("%m-%d").to_string())
            .collect::<Vec<_>>()
            .join("、"),
    }
}
