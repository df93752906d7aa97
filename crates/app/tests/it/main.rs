//! The `app` crate's integration tests as one binary (one link, one
//! process; spec/ARCHITECTURE.md, habit 8): a module per story.

mod access;
mod admin_pages;
mod api;
mod cli;
mod excel;
mod hotline;
mod pages;
mod staff_pages;
mod web;
