//! The `domain` crate's integration tests as one binary (one link, one
//! process; spec/ARCHITECTURE.md, habit 8): a module per story.

mod calendar;
mod case;
mod evaluation;
mod hotline;
mod search;
