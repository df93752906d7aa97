//! What time it is: the system clock in production, a settable one in tests
//! and demo data, so that deadlines can be checked on any date.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Mutex;

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until set: for tests and generated demo data.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    /// A clock showing `at`.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: DateTime<Utc>) {
        match self.0.lock() {
            Ok(mut t) => *t = at,
            Err(p) => *p.into_inner() = at,
        }
    }

    /// Moves the clock to 09:00 in Shanghai on `day`.
    pub fn set_day(&self, day: NaiveDate) {
        let at = day.and_hms_opt(1, 0, 0).map(|t| t.and_utc());
        if let Some(at) = at {
            self.set(at);
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        match self.0.lock() {
            Ok(t) => *t,
            Err(p) => *p.into_inner(),
        }
    }
}

/// The date in Asia/Shanghai (UTC+8 all year; China keeps no daylight saving).
pub fn shanghai_today(now: DateTime<Utc>) -> NaiveDate {
    domain::time::local_date(now)
}
