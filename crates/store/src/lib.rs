//! All of onewindow's SQL, behind one [`Store`] trait with a SQLite and a
//! PostgreSQL implementation. Each backend has its own embedded migrations
//! (`migrations/sqlite`, `migrations/postgres`); opening a store migrates it
//! and, on a fresh database, loads the default units, users and catalog.

pub mod audit;
mod auth;
mod cases;
mod catalog_rules;
mod postgres;
mod ratings;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod tickets;

pub use auth::{Account, LoginAttempt, LoginFailures, NewAccount, NewSession, Session};
pub use cases::{
    Actor, BrokenCommitment, CaseEvent, CaseFilter, CaseRecord, CaseUpdate, ClockIndex, NewCase,
    Scope, SlaCounts, Visit,
};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::YearArrangement;
use domain::case::SlaStatus;
use domain::catalog::{Catalog, CatalogError, Certificate, Matter, MatterCode};
use domain::unit::{Unit, UnitKind, User};
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

/// Cases (办件): their rows, timelines, inboxes, clocks and window visits.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores a new case with its first timeline entry and audit record. With
    /// an idempotency key already used by the same user, stores nothing and
    /// returns the case that key made (`false` = replayed).
    async fn create_case(&self, new: &NewCase) -> Result<(CaseRecord, bool)>;

    /// Stores a change to a case, its timeline entry, its audit record and
    /// the broken-commitment records its effects call for, in one
    /// transaction. `Conflict` when the case changed since `expected_version`.
    async fn update_case(&self, update: &CaseUpdate) -> Result<CaseRecord>;

    /// One case by id.
    async fn case(&self, id: i64) -> Result<CaseRecord>;

    /// One case by id, to compute a change from: may be a copy the process
    /// kept from its own last write of the case, which can be older than the
    /// database (another process changed it); the version check of
    /// `update_case` then refuses the change as a conflict and drops the copy.
    /// Pages and lists read `case`.
    async fn case_for_change(&self, id: i64) -> Result<CaseRecord> {
        self.case(id).await
    }

    /// One case by its receipt number.
    async fn case_by_receipt(&self, receipt_no: &str) -> Result<CaseRecord>;

    /// A case's timeline, oldest first.
    async fn case_events(&self, id: i64) -> Result<Vec<CaseEvent>>;

    /// Cases matching a filter, by deadline (soonest first, undated last), then id.
    async fn list_cases(&self, filter: &CaseFilter) -> Result<Vec<CaseRecord>>;

    /// A unit's inbox: cases it holds a step of (or must issue), by deadline.
    async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<CaseRecord>>;

    /// Running cases by SLA status as of `today`, for one unit or all.
    async fn sla_counts(&self, today: NaiveDate, unit: Option<&str>) -> Result<SlaCounts>;

    /// Accepted-with-deficiency cases still owing materials whose date has passed.
    async fn overdue_supplements(&self, today: NaiveDate) -> Result<Vec<i64>>;

    /// Broken 容缺 commitments, newest first.
    async fn broken_commitments(&self) -> Result<Vec<BrokenCommitment>>;

    /// Records a window visit (每事必接).
    async fn record_visit(&self, visit: &Visit) -> Result<i64>;

    /// Window visits of a hall unit, newest first.
    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<Visit>>;

    /// One case, when it lies within `scope`; `NotFound` otherwise, exactly
    /// as for a case that does not exist.
    async fn case_scoped(&self, id: i64, scope: &Scope) -> Result<CaseRecord>;

    /// Stores many cases at once (an import of past cases, or generated
    /// data), all in one transaction: each case with one `import` timeline
    /// entry, its holders and units, and ONE audit record for the whole
    /// batch by `actor`. Idempotency keys and visits are not recorded.
    /// Returns the new ids, in the order given.
    async fn bulk_load_cases(
        &self,
        cases: Vec<NewCase>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>>;
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

/// Accounts, API tokens, sessions and sign-in attempts.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores an API token's hash for a user.
    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The enabled user an API token's hash belongs to, with the kind of
    /// their unit (which their access depends on): one read per request.
    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)>;

    /// One account with its password hash; `NotFound` when there is none.
    async fn account(&self, username: &str) -> Result<Account>;

    /// Creates an account (an applicant registering, staff an admin adds),
    /// with an audit record that never holds the hash. `Conflict` when the
    /// username is taken, `NotFound` when the unit does not exist.
    async fn create_account(
        &self,
        account: &NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Sets (or, with `None`, removes) a user's password hash and ends the
    /// user's sessions. `NotFound` when there is no such user.
    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Disables (or enables again) an account; disabling ends its sessions.
    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// Stores a new session, and drops every session already expired.
    async fn create_session(&self, session: &NewSession) -> Result<()>;

    /// The live session with this id hash as of `now`: `NotFound` when it
    /// does not exist, has passed its idle or absolute end, or its user is disabled.
    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<Session>;

    /// Moves a session's idle end to `idle_until` (never past its absolute end).
    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()>;

    /// Ends a session (logout); ending one that is gone is not an error.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;

    /// Records a sign-in attempt.
    async fn record_login_attempt(&self, attempt: &LoginAttempt) -> Result<()>;

    /// Failed sign-in attempts since `since`, for a username and for an address.
    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<LoginFailures>;
}

/// The hash-chained audit log.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// The audit log from `after_seq` on, at most `limit` records.
    async fn audit_records(&self, after_seq: i64, limit: u32) -> Result<Vec<audit::AuditRecord>>;

    /// The stored head of the audit chain (newest seq and hash).
    async fn audit_head(&self) -> Result<Option<(i64, String)>>;

    /// Walks the whole audit chain and names the first record not as written.
    async fn verify_audit(&self) -> Result<audit::AuditReport> {
        let mut verifier = audit::Verifier::new(self.audit_head().await?);
        let mut after = 0;
        loop {
            let page = self.audit_records(after, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            page.iter().for_each(|r| verifier.feed(r));
        }
        Ok(verifier.finish())
    }
}

/// 好差评: ratings, rectification orders, rating tokens and concluded counts.
#[async_trait]
pub trait RatingStore: Send + Sync {
    /// Stores a rating with its audit record and, for a 差评, the
    /// rectification order it opens (with its own audit record), in one
    /// transaction. `Conflict` when the case or visit is already rated.
    async fn create_rating(
        &self,
        rating: &NewRating,
        order: Option<&domain::evaluation::Rectification>,
        actor: &Actor,
    ) -> Result<RatingRecord>;

    /// One rating by id.
    async fn rating(&self, id: i64) -> Result<RatingRecord>;

    /// The rating of a case or a visit, if it has one.
    async fn rating_of(&self, subject: RatedThing) -> Result<Option<RatingRecord>>;

    /// Ratings given from `from` to `to` (both included), oldest first.
    async fn ratings(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<RatingRecord>>;

    /// One rectification order; with `unit`, `NotFound` unless it is that
    /// unit's (exactly as for an order that does not exist).
    async fn rectification(&self, id: i64, unit: Option<&str>) -> Result<RectificationRecord>;

    /// Rectification orders matching a filter, soonest deadline first.
    async fn rectifications(
        &self,
        filter: &RectificationFilter,
    ) -> Result<Vec<RectificationRecord>>;

    /// Stores a change to an order with its audit record. `Conflict` when
    /// the order changed since `expected_version`.
    async fn update_rectification(
        &self,
        update: &RectificationUpdate,
    ) -> Result<RectificationRecord>;

    /// The rating token of a case, storing `fresh` when it has none yet.
    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String>;

    /// The case a rating token belongs to; `NotFound` for an unknown token.
    async fn case_by_rating_token(&self, token: &str) -> Result<i64>;

    /// One window visit by id.
    async fn visit(&self, id: i64) -> Result<Visit>;

    /// A hall's window visits not yet rated, newest first, with their ids.
    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, Visit)>>;

    /// Cases concluded from `from` to `to`, counted per department, hall and matter.
    async fn concluded_counts(&self, from: NaiveDate, to: NaiveDate)
    -> Result<Vec<ConcludedCount>>;
}

/// 12345 hotline tickets and Open311 keys.
#[async_trait]
pub trait TicketStore: Send + Sync {
    /// Stores a new ticket (受理) with its first timeline entry and audit record.
    async fn create_ticket(&self, new: &NewTicket) -> Result<TicketRecord>;

    /// Stores a change to a ticket with its timeline entry and audit record,
    /// in one transaction. `Conflict` when it changed since `expected_version`.
    async fn update_ticket(&self, update: &TicketUpdate) -> Result<TicketRecord>;

    /// One ticket by id.
    async fn ticket(&self, id: i64) -> Result<TicketRecord>;

    /// A ticket's timeline, oldest first.
    async fn ticket_events(&self, id: i64) -> Result<Vec<TicketEventRecord>>;

    /// Tickets matching a filter, newest first.
    async fn list_tickets(&self, filter: &TicketFilter) -> Result<Vec<TicketRecord>>;

    /// Stores the hash of a new Open311 API key under a name, with an audit
    /// record. `Conflict` when the name is taken.
    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()>;

    /// The name of the enabled Open311 key with this hash; `NotFound` otherwise.
    async fn open311_key(&self, key_hash: &str) -> Result<String>;
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
