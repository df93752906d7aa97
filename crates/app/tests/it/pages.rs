//! The HTML pages in-process: requests through `router(state).oneshot(…)` on
//! every configured backend (SQLite always, PostgreSQL when
//! `ONEWINDOW_TEST_DATABASE_URL` is set), with a fixed clock, asserting on
//! the Chinese a person reads.
#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

mod support;

mod public;

mod applicant;

mod rating;
