//! The `store` crate's integration tests as one binary (one link, one
//! process; spec/ARCHITECTURE.md, habit 8): a module per story.

mod auth;
mod cases;
mod foundation;
mod migrations;
mod ratings;
mod tickets;
