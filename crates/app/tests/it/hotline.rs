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

// The staff page tests' helpers: sign-in through the real login, the apps
// on every backend.
use crate::staff_pages::support;

mod api;
mod demo;
mod flow;
mod open311;
mod pages;
