//! All of onewindow's SQL, behind per-area traits ([`CaseStore`],
//! [`CatalogStore`], [`AccountStore`], …) whose union is [`Store`]. An
//! area's SQL is written once, in `sql/<area>.rs`, for both backends; each
//! backend's `<area>.rs` implements the trait by handing its connection to
//! it. Each backend has its own embedded migrations
//! (`migrations/sqlite`, `migrations/postgres`); opening a store migrates it
//! and, on a fresh database, loads the default units, users and catalog.

pub mod audit;
mod auth;
mod cases;
mod catalog_rules;
mod postgres;
mod ratings;
mod sql;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod tickets;

pub use audit::AuditStore;
pub use auth::AccountStore;
pub use auth::{Account, LoginAttempt, LoginFailures, NewAccount, NewSession, Session};
pub use cases::CaseStore;
pub use cases::{
    Actor, BrokenCommitment, CaseEvent, CaseFilter, CaseRecord, CaseUpdate, ClockIndex, NewCase,
    Scope, SlaCounts, Visit,
};
pub use ratings::RatingStore;
pub use tickets::TicketStore;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::YearArrangement;
use domain::case::SlaStatus;
use domain::catalog::{Catalog, CatalogError, Certificate, Matter, MatterCode};
use domain::unit::{Unit, User};
use serde::Serialize;
use std::sync::Arc;

pub use ratings::{
    ConcludedCount, NewRating, RatedThing, RatingRecord, RectificationFilter, RectificationRecord,
    RectificationUpdate,
};
pub use tickets::{NewTicket, TicketEventRecord, TicketFilter, TicketRecord, TicketUpdate};

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

/// A stored JSON body (a case, a matter, a rating, …) that does not parse
/// or serialise: a bug or a damaged row, never the user's doing.
pub(crate) fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("stored JSON: {e}"))
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

/// Everything onewindow keeps: the union of the per-area traits, one
/// implementation per database. A `dyn Store` answers every area's methods.
pub trait Store:
    OrgStore
    + CatalogStore
    + CaseStore
    + AttachmentStore
    + AccountStore
    + AuditStore
    + RatingStore
    + TicketStore
{
    /// Which backend this is: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
}

/// The organisation and its calendar: units, users, loaded calendar years, the shipped defaults.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// All units, ordered by code.
    async fn units(&self) -> Result<Vec<Unit>>;

    /// Adds or renames a unit; its parent must exist and be of a fitting
    /// kind. Audited (before and after) as `actor`.
    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()>;

    /// All users, ordered by username.
    async fn users(&self) -> Result<Vec<User>>;

    /// Adds or changes a user (name, unit, role); the unit must exist.
    /// Audited (before and after) as `actor`.
    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()>;

    /// Calendar years an admin has loaded (they override the shipped ones).
    async fn calendar_years(&self) -> Result<Vec<YearArrangement>>;

    /// Stores a year's arrangement, replacing a loaded one of the same year.
    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Loads the default units, users and catalog, once per database.
    /// Returns `false` when they were already loaded.
    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool>;
}

/// The service catalog: the certificate list and every published matter version.
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// The certificate list, ordered by code.
    async fn certificates(&self) -> Result<Vec<Certificate>>;

    /// The newest version of every matter, ordered by code.
    async fn matters(&self) -> Result<Vec<MatterVersion>>;

    /// The code and newest version number of every published matter, ordered
    /// by code, without reading the matters: since published versions never
    /// change, this list tells whether the catalog changed.
    async fn matter_heads(&self) -> Result<Vec<(String, u32)>>;

    /// One matter: its newest version, or the given one.
    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion>;

    /// Every version of a matter, oldest first.
    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>>;

    /// Publishes a matter: a new version when it differs from the newest,
    /// nothing when it is the same. Refused, with every problem listed, when
    /// it breaks a rule or asks for a certificate not on the list.
    async fn put_matter(
        &self,
        matter: &Matter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MatterVersion>;

    /// Adds or changes certificate-list entries and publishes matters, all in
    /// one transaction: either everything is valid and written, or nothing is.
    async fn import_catalog(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportReport>;

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

/// The files uploaded for cases.
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Records files already written under the data directory for a case,
    /// all in one transaction with one audit record. Returns them as stored.
    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<Attachment>>;

    /// A case's attachments, oldest first.
    async fn attachments(&self, case_id: i64) -> Result<Vec<Attachment>>;
}

/// A file uploaded for a case, about to be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAttachment {
    /// The material it is for, by name.
    pub material: String,
    /// The file's name on the applicant's device (shown, never used as a path).
    pub file_name: String,
    /// Its MIME type, as found from its content.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
    /// Where it is kept, relative to the data directory: `uploads/<case id>/<sha256>`.
    pub stored_path: String,
}

/// A file uploaded for a case, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attachment {
    /// Record id.
    pub id: i64,
    /// The case.
    pub case_id: i64,
    /// The file.
    #[serde(flatten)]
    pub file: NewAttachment,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
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

/// The 受理编号 printed on notices: QX, the submission date and the case id,
/// e.g. QX2026092500000012. Unique because the id is.
pub fn receipt_number(submitted_on: NaiveDate, id: i64) -> String {
    format!("QX{}{id:08}", submitted_on.format("%Y%m%d"))
}

/// The SQL condition (the same on both backends) for an SLA status as of
/// the day bound at placeholder `today`: a case not concluded whose clock
/// is running (see [`sla_clock_condition`]).
pub(crate) fn sla_condition(sla: SlaStatus, today: &str) -> String {
    format!(
        "c.concluded_on IS NULL AND {}",
        sla_clock_condition(sla, today)
    )
}

/// The SQL condition for an SLA status of a clock alone, from the columns
/// `c.deadline` (NULL when no clock runs) and `c.warn_from`: the lists test
/// it on cases, the counts on the tally of open cases' clocks.
///
/// A comparison with `c.deadline` is false when it is NULL, so 预警 and 超期
/// do not repeat `c.deadline IS NOT NULL`: PostgreSQL would count that
/// term's selectivity twice, expect a handful of rows, and sort every match
/// instead of reading the first page from the open cases' index.
pub(crate) fn sla_clock_condition(sla: SlaStatus, today: &str) -> String {
    match sla {
        SlaStatus::Overdue => format!("c.deadline < {today}"),
        SlaStatus::Warning => format!("c.deadline >= {today} AND c.warn_from <= {today}"),
        SlaStatus::Normal => format!("c.deadline IS NOT NULL AND c.warn_from > {today}"),
    }
}
