//! What `onewindow demo` loads into a new database: cases in every state and
//! time-limit status ([`cases`]), ratings and rectification orders
//! ([`ratings`]), and hotline tickets ([`hotline`]), all from one seed so a
//! new user sees the same county every time.

mod cases;
mod hotline;
mod ratings;

pub use cases::{DemoReport, generate};
