//! What the store keeps about cases, besides the case itself: who acted,
//! the timeline, the indexed clock columns, filters and the audit log.

use crate::*;
use async_trait::async_trait;

use chrono::{DateTime, NaiveDate, Utc};
use domain::case::{Case, CaseState, Effect, SlaStatus};
use serde::Serialize;

/// Who did something, and for which unit. Every change is attributed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    /// The user's login name (`system` for sweeps and seeding).
    pub username: String,
    /// The unit the user acted for.
    pub unit: String,
}

impl Actor {
    /// The platform itself: seeding, daily sweeps.
    pub fn system() -> Self {
        Self {
            username: "system".into(),
            unit: domain::defaults::COUNTY_UNIT.into(),
        }
    }
}

pub use domain::case::ClockIndex;

/// A stored case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    /// Database id.
    pub id: i64,
    /// 受理编号 shown to the applicant, e.g. QX2026092500000012.
    pub receipt_no: String,
    /// Bumped by every change; a change naming an older version is a conflict.
    pub version: i64,
    /// The hall unit where it was presented (a town sees its own).
    pub intake_unit: String,
    /// The applicant's user account, when they applied online.
    pub applicant_user: Option<String>,
    /// The clock columns as of the last change.
    pub clock: ClockIndex,
    /// The case.
    pub case: Case,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A new case to store.
#[derive(Debug, Clone)]
pub struct NewCase {
    /// The case as opened.
    pub case: Case,
    /// Its clock columns.
    pub clock: ClockIndex,
    /// The hall unit where it was presented.
    pub intake_unit: String,
    /// The applicant's account, for online applications.
    pub applicant_user: Option<String>,
    /// A client's `Idempotency-Key`: the same key from the same user makes one case.
    pub idempotency_key: Option<String>,
    /// For a case opened at a window (每事必接): the intake's outcome, recorded
    /// as a visit of the intake unit by the actor in the same transaction.
    pub visit_outcome: Option<String>,
    /// Who created it.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// A change to a stored case, made by [`domain::case::Case::apply`].
#[derive(Debug, Clone)]
pub struct CaseUpdate {
    /// Which case.
    pub id: i64,
    /// The version the change was computed from.
    pub expected_version: i64,
    /// The action's stable name.
    pub action: String,
    /// The action as given (stored in the timeline).
    pub payload: serde_json::Value,
    /// The case after the action.
    pub case: Case,
    /// Its clock columns after the action.
    pub clock: ClockIndex,
    /// What the action calls for; broken commitments are recorded by the store.
    pub effects: Vec<Effect>,
    /// Who.
    pub actor: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseEvent {
    /// 1, 2, … within the case.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// For which unit.
    pub actor_unit: String,
    /// The action's stable name (`open` for the creation).
    pub action: String,
    /// The action as given.
    pub payload: serde_json::Value,
    /// The state before (none for the creation).
    pub from_state: Option<String>,
    /// The state after.
    pub to_state: String,
    /// The effects.
    pub effects: Vec<Effect>,
}

/// Which cases a user may see at all, applied inside every scoped query
/// (lists, one case), so a page or API handler cannot forget it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every case (supervisors, admins, the county hall's windows).
    #[default]
    All,
    /// Cases this unit has a part in: it is the responsible unit or the unit
    /// of one of the case's steps (open, done or still to come).
    Department(String),
    /// Cases presented at this unit or at a unit under it (a town's or
    /// street's villages and communities).
    Town(String),
    /// Cases this user account applied for.
    Applicant(String),
}

impl Scope {
    /// The SQL condition (the same on both backends) restricting `cases c`
    /// to this scope, given the placeholder its value is bound to; `None`
    /// for [`Scope::All`].
    pub(crate) fn condition(&self, p: &str) -> Option<String> {
        match self {
            Scope::All => None,
            Scope::Department(_) => Some(format!(
                "(c.unit = {p} OR EXISTS (SELECT 1 FROM case_units cu WHERE cu.case_id = c.id AND cu.unit = {p}))"
            )),
            Scope::Town(_) => Some(format!(
                "c.intake_unit IN (WITH RECURSIVE sub(code) AS (SELECT CAST({p} AS TEXT) \
                 UNION SELECT u.code FROM units u JOIN sub ON u.parent = sub.code) SELECT code FROM sub)"
            )),
            Scope::Applicant(_) => Some(format!("c.applicant_user = {p}")),
        }
    }

    /// The value the condition's placeholder is bound to.
    pub(crate) fn value(&self) -> Option<&str> {
        match self {
            Scope::All => None,
            Scope::Department(v) | Scope::Town(v) | Scope::Applicant(v) => Some(v),
        }
    }
}

/// Which cases to list. Unset fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only cases within this scope (default: all).
    pub scope: Scope,
    /// In this state.
    pub state: Option<CaseState>,
    /// Whose responsible unit is this.
    pub unit: Option<String>,
    /// Presented at this hall unit.
    pub intake_unit: Option<String>,
    /// Of this applicant (ID number or credit code).
    pub applicant_id: Option<String>,
    /// Of an applicant of exactly this name (姓名 or 企业名称).
    pub applicant_name: Option<String>,
    /// For this matter.
    pub matter_code: Option<String>,
    /// With this SLA status as of `today`.
    pub sla: Option<SlaStatus>,
    /// Deadline on or after.
    pub deadline_from: Option<NaiveDate>,
    /// Deadline on or before.
    pub deadline_to: Option<NaiveDate>,
    /// The day SLA statuses are judged on.
    pub today: Option<NaiveDate>,
    /// At most this many (default 50, at most 500).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

impl CaseFilter {
    /// The page size asked for, within bounds.
    pub fn page(&self) -> (i64, i64) {
        (
            i64::from(self.limit.unwrap_or(50).clamp(1, 500)),
            i64::from(self.offset.unwrap_or(0)),
        )
    }
}

/// Counts of running cases by SLA status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SlaCounts {
    /// 正常
    pub normal: i64,
    /// 预警
    pub warning: i64,
    /// 超期
    pub overdue: i64,
    /// Suspended (clock stopped).
    pub paused: i64,
}

/// A 容缺 commitment not kept (a credit record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenCommitment {
    /// Record id.
    pub id: i64,
    /// The case.
    pub case_id: i64,
    /// The applicant's identifier.
    pub applicant_id: String,
    /// What was never supplied.
    pub materials: Vec<String>,
    /// When it was due.
    pub due: NaiveDate,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// One window visit (每事必接).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    /// When.
    pub at: DateTime<Utc>,
    /// The hall unit.
    pub unit: String,
    /// The clerk.
    pub clerk: String,
    /// The applicant's identifier.
    pub applicant_id: String,
    /// The matter asked about.
    pub matter_code: String,
    /// The case it led to, if any.
    pub case_id: Option<i64>,
    /// What came of it, e.g. accept, accept_with_deficiency, notify_once, consultation.
    pub outcome: String,
}

/// One timeline row about to be written (both backends).
pub(crate) struct EventRow<'a> {
    pub action: &'a str,
    pub payload: &'a serde_json::Value,
    pub from: Option<&'a str>,
    pub to: &'a str,
    pub effects: &'a [Effect],
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
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
