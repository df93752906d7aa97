//! The HTTP API in-process: requests through `router(state).oneshot(…)` on
//! every configured backend (SQLite always, PostgreSQL when
//! `ONEWINDOW_TEST_DATABASE_URL` is set), with a fixed clock.
#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

mod support;

mod docs;
mod errors;
mod lists;
mod ratings;
mod second_process;
mod story;
mod token;
