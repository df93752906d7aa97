//! All of onewindow's SQL, behind one [`Store`] trait with a SQLite and a
//! PostgreSQL implementation. Each backend has its own embedded migrations
//! (`migrations/sqlite`, `migrations/postgres`); opening a store migrates it
//! and, on a fresh database, loads the default units, users and catalog.

mod catalog_rules;
mod postgres;
mod sqlite;
pub mod testing;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::calendar::YearArrangement;
use domain::catalog::{Catalog, CatalogError, Certificate, Matter, MatterCode};
use domain::unit::{Unit, User};
use serde::Serialize;
use std::sync::Arc;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("未找到：{0}")]
    NotFound(String),
    /// The change clashes with what is stored (a concurrent change, a duplicate).
    #[error("冲突：{0}")]
    Conflict(String),
    /// The change breaks a catalog rule; nothing was written.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    /// The change breaks another rule; nothing was written.
    #[error("{0}")]
    Invalid(String),
    /// The database itself failed (connection, I/O, a bug). Logged, never shown.
    #[error("database error: {0}")]
    Backend(String),
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One published version of a matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatterVersion {
    /// The version number, from 1.
    pub version: u32,
    /// When it was published.
    pub published_at: DateTime<Utc>,
    /// The matter as published.
    pub matter: Matter,
}

/// What an import or a seeding changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Certificates added or changed.
    pub certificates: usize,
    /// Matters published for the first time.
    pub new_matters: usize,
    /// Matters that got a new version.
    pub new_versions: usize,
    /// Matters identical to their newest version (nothing written).
    pub unchanged: usize,
}

/// Everything onewindow keeps. One implementation per database.
#[async_trait]
pub trait Store: Send + Sync {
    /// Which backend this is: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;

    /// All units, ordered by code.
    async fn units(&self) -> Result<Vec<Unit>>;
    /// Adds or renames a unit; its parent must exist and be of a fitting kind.
    async fn put_unit(&self, unit: &Unit) -> Result<()>;
    /// All users, ordered by username.
    async fn users(&self) -> Result<Vec<User>>;
    /// Adds or changes a user; the unit must exist.
    async fn put_user(&self, user: &User, now: DateTime<Utc>) -> Result<()>;

    /// Calendar years an admin has loaded (they override the shipped ones).
    async fn calendar_years(&self) -> Result<Vec<YearArrangement>>;
    /// Stores a year's arrangement, replacing a loaded one of the same year.
    async fn put_calendar_year(&self, year: &YearArrangement, now: DateTime<Utc>) -> Result<()>;

    /// The certificate list, ordered by code.
    async fn certificates(&self) -> Result<Vec<Certificate>>;
    /// The newest version of every matter, ordered by code.
    async fn matters(&self) -> Result<Vec<MatterVersion>>;
    /// One matter: its newest version, or the given one.
    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion>;
    /// Every version of a matter, oldest first.
    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>>;
    /// Publishes a matter: a new version when it differs from the newest,
    /// nothing when it is the same. Refused, with every problem listed, when
    /// it breaks a rule or asks for a certificate not on the list.
    async fn put_matter(&self, matter: &Matter, now: DateTime<Utc>) -> Result<MatterVersion>;
    /// Adds or changes certificate-list entries and publishes matters, all in
    /// one transaction: either everything is valid and written, or nothing is.
    async fn import_catalog(&self, catalog: &Catalog, now: DateTime<Utc>) -> Result<ImportReport>;

    /// Loads the default units, users and catalog, once per database.
    /// Returns `false` when they were already loaded.
    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool>;

    /// The whole current catalog: the certificate list and newest matters.
    async fn catalog(&self) -> Result<Catalog> {
        Ok(Catalog {
            certificates: self.certificates().await?,
            matters: self
                .matters()
                .await?
                .into_iter()
                .map(|v| v.matter)
                .collect(),
        })
    }
}

/// Opens the store a URL names, migrates it and loads the defaults on first
/// use. `postgres://…` or `postgresql://…` is PostgreSQL; anything else is a
/// SQLite file path (a `sqlite://` prefix is accepted).
pub async fn open(url: &str, now: DateTime<Utc>) -> Result<Arc<dyn Store>> {
    let store: Arc<dyn Store> =
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(PostgresStore::connect(url).await?)
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Arc::new(SqliteStore::open(std::path::Path::new(path)).await?)
        };
    if store.seed_defaults(now).await? {
        tracing::info!(
            backend = store.backend(),
            "loaded the default units, users and catalog"
        );
    }
    Ok(store)
}

/// Redacts the password of a database URL for logs and `onewindow config`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let cred = &url[s + 3..at];
            match cred.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &cred[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
