//! The SQLite backend: one file in WAL mode, the default.

use crate::json_err;
use crate::{Actor, ImportReport, MatterVersion, Result, Store, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::calendar::YearArrangement;
use domain::catalog::{Catalog, Certificate, Matter, MatterCode};
use domain::unit::{Unit, UnitKind, User};
use rusqlite::{Connection, Transaction};
use std::path::Path;
use std::sync::Arc;

mod attachments;
mod audit;
mod auth;
mod bulk;
mod case_writes;
mod cases;
mod catalog;
mod engine;
mod org;
mod ratings;
mod recent;
mod tickets;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// A SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    engine: Arc<engine::Engine>,
    recent: Arc<recent::Recent>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(e.to_string())
            }
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, migrates it and starts
    /// its writer thread.
    pub async fn open(path: &Path) -> Result<Self> {
        let path = path.to_owned();
        let engine = tokio::task::spawn_blocking(move || -> Result<Arc<engine::Engine>> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Backend(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let mut writer = engine::connect(&path)?;
            embedded::migrations::runner()
                .run(&mut writer)
                .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
            engine::Engine::start(&path, writer)
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))??;
        Ok(Self {
            engine,
            recent: Arc::new(recent::Recent::new()),
        })
    }

    /// Runs `f` on a reader connection on a blocking thread.
    async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.engine.read(f).await
    }

    /// Runs a short read (one row by its key, or one small page) on a free
    /// reader connection on the caller's own thread (see `Engine::read_quick`).
    async fn quick<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.engine.read_quick(f).await
    }

    /// Runs `f` inside the writer's next transaction (shared with other
    /// writes queued at the same moment, each in its own savepoint); returns
    /// once that transaction is committed. If `f` fails, nothing it did is kept.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        self.engine.write(f).await
    }
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
