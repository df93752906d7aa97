//! A value every request of one process shares and that is replaced whole
//! when it changes (the catalog snapshot, the directory of names). A
//! poisoned lock is still read: the value behind it is only ever swapped
//! whole, never left half-written.

use std::sync::{Arc, RwLock};

/// The kept value, if any.
#[derive(Debug)]
pub struct Kept<T>(RwLock<Option<Arc<T>>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self(RwLock::new(None))
    }
}

impl<T> Kept<T> {
    /// The value kept now.
    pub fn get(&self) -> Option<Arc<T>> {
        match self.0.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Keeps `value` (or nothing) from now on.
    pub fn set(&self, value: Option<Arc<T>>) {
        match self.0.write() {
            Ok(mut c) => *c = value,
            Err(p) => *p.into_inner() = value,
        }
    }
}
