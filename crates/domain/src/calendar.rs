//! The working-day calendar (工作日历). Being written.
