//! The cases this process wrote most recently, as committed, so that the
//! next change to one of them need not go to a reader thread and parse its
//! body again (a case is usually changed several times in a row: accepted,
//! reviewed, decided, issued).
//!
//! Only `Store::case_for_change` reads it, never a page or a list: a copy
//! can be older than the database when another process (`onewindow sweep`)
//! changed the case, and a change computed from an older copy is refused as
//! a conflict by the version check in the write, which also drops the copy.

use crate::CaseRecord;
use hashlink::LruCache;
use std::sync::Mutex;

/// How many cases are kept (a few KiB each).
const CAPACITY: usize = 4096;

/// Recently committed cases by id, least recently used dropped first.
pub(super) struct Recent(Mutex<LruCache<i64, CaseRecord>>);

impl Recent {
    pub(super) fn new() -> Self {
        Self(Mutex::new(LruCache::new(CAPACITY)))
    }

    fn with<T>(&self, f: impl FnOnce(&mut LruCache<i64, CaseRecord>) -> T) -> T {
        match self.0.lock() {
            Ok(mut m) => f(&mut m),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// The copy of case `id`, if one is kept.
    pub(super) fn get(&self, id: i64) -> Option<CaseRecord> {
        self.with(|m| m.get(&id).cloned())
    }

    /// Keeps `record` unless a later version of it is kept already (two
    /// writes of one case can finish in either order).
    pub(super) fn put(&self, record: &CaseRecord) {
        self.with(|m| {
            if m.peek(&record.id)
                .is_none_or(|kept| kept.version < record.version)
            {
                m.insert(record.id, record.clone());
            }
        });
    }

    /// Drops the copy of case `id`.
    pub(super) fn forget(&self, id: i64) {
        self.with(|m| {
            m.remove(&id);
        });
    }
}
