//! The PostgreSQL backend, for when one machine's SQLite file is not enough.

use crate::json_err;
use crate::{Actor, ImportReport, MatterVersion, Result, Store, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use domain::calendar::YearArrangement;
use domain::catalog::{Catalog, Certificate, Matter, MatterCode};
use domain::unit::{Unit, UnitKind, User};

mod attachments;
mod audit;
mod auth;
mod bulk;
mod case_writes;
mod cases;
mod catalog;
mod org;
mod ratings;
mod tickets;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// Serialises migrations and seeding between processes opening one database.
const MIGRATION_LOCK: i64 = 0x6f6e_6577_696e;

/// A PostgreSQL database, through a connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        let conflict = e.code().is_some_and(|c| {
            *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
                || *c == tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                || *c == tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION
        });
        if conflict {
            StoreError::Conflict(e.to_string())
        } else {
            StoreError::Backend(e.to_string())
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(format!("connection pool: {e}"))
    }
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and migrates it.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config = url.parse().map_err(backend)?;
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(backend)?;
        let mut client = pool.get().await?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        let migrated = embedded::migrations::runner()
            .run_async(&mut **client)
            .await;
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await?;
        migrated.map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
}
