//! The HTTP API in-process: requests through `router(state).oneshot(…)` on
//! every configured backend (SQLite always, PostgreSQL when
//! `ONEWINDOW_TEST_DATABASE_URL` is set), with a fixed clock.
#![expect(
    clippy::expect_used,
    reason = "test helpers fail loudly on bad fixtures"
)]

#[path = "api/support.rs"]
mod support;

#[path = "api/docs.rs"]
mod docs;
#[path = "api/errors.rs"]
mod errors;
#[path = "api/lists.rs"]
mod lists;
#[path = "api/ratings.rs"]
mod ratings;
#[path = "api/second_process.rs"]
mod second_process;
#[path = "api/story.rs"]
mod story;
#[path = "api/token.rs"]
mod token;
