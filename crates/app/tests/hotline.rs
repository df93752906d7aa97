//! 接诉即办 in-process on every configured backend (SQLite always,
//! PostgreSQL when `ONEWINDOW_TEST_DATABASE_URL` is set), with a fixed
//! clock: the ticket loop through the service layer and each refusal, the
//! Open311 GeoReport v2 API against the spec's own examples, and the
//! hotline pages signed in through the real login.
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

#[path = "staff_pages/support.rs"]
#[expect(
    dead_code,
    reason = "shared with the staff page tests; not every helper is used here"
)]
mod support;

#[path = "hotline/api.rs"]
mod api;
#[path = "hotline/demo.rs"]
mod demo;
#[path = "hotline/flow.rs"]
mod flow;
#[path = "hotline/open311.rs"]
mod open311;
#[path = "hotline/pages.rs"]
mod pages;
