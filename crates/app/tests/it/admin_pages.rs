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

mod support;

mod html_form;

mod organisation;

mod calendar;

mod catalog;

mod excel;

mod matrix;

mod access;
