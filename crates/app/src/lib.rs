//! onewindow's application: configuration, the command line, and (later) the
//! HTTP API and pages. `main.rs` only parses the command line and calls in here.

pub mod cli;
pub mod config;
pub mod demo;
pub mod excel;
pub mod http;
pub mod service;
