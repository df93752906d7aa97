//! The HTML pages in-process: requests through `router(state).oneshot(…)` on
//! every configured backend (SQLite always, PostgreSQL when
//! `ONEWINDOW_TEST_DATABASE_URL` is set), with a fixed clock, asserting on
//! the Chinese a person reads.
#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

#[path = "pages/support.rs"]
#[expect(
    dead_code,
    reason = "the upload helpers serve the applicant pages' tests"
)]
mod support;

#[path = "pages/public.rs"]
mod public;
