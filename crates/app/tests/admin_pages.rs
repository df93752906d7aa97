//! The admin pages in-process, on every configured backend (SQLite always,
//! PostgreSQL when `ONEWINDOW_TEST_DATABASE_URL` is set): units, users and
//! roles, calendar years, catalog editing with versions, the certificate
//! list, Excel export and import, who may open which page, and escaping.
//! Users sign in through the real login page; forms carry the session's
//! CSRF token as a browser would.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

#[path = "admin_pages/support.rs"]
mod support;

#[path = "admin_pages/html_form.rs"]
mod html_form;

#[path = "admin_pages/organisation.rs"]
mod organisation;

#[path = "admin_pages/calendar.rs"]
mod calendar;

#[path = "admin_pages/catalog.rs"]
mod catalog;

#[path = "admin_pages/excel.rs"]
mod excel;

#[path = "admin_pages/matrix.rs"]
mod matrix;

#[path = "admin_pages/access.rs"]
mod access;
