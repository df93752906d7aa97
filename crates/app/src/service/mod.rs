//! The service layer: what the API, the pages and the CLI call to work on
//! cases. Each operation loads what it needs, lets the domain decide
//! (`Case::apply` is pure), computes the clocks in the one place they are
//! computed, and has the store persist the result in one transaction.

mod access;
mod accounts;
mod catalog;
mod clock;
mod directory;
mod error;
pub mod hotline;
mod kept;
mod ratings;
pub mod uploads;

pub use access::{Access, scope_for};
pub use accounts::{
    FieldErrors, LoginRefused, NewLogin, Registration, SessionRules, hash_password,
    hash_session_id, random_hex, verify_password,
};
pub use catalog::CatalogSnapshot;
pub use clock::{Clock, FixedClock, SystemClock, shanghai_today};
pub use directory::Names;
pub use error::ServiceError;
pub use ratings::{OrderView, RateInput, ScoreRow, Scoreboard};

use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::case::{Action, Applicant, Case, CaseClock, Channel, Context, SlaStatus, WarningRule};
use domain::catalog::{Matter, MatterCode};
use domain::party::{CreditCode, IdNumber};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use store::{Actor, CaseEvent, CaseFilter, CaseRecord, CaseUpdate, ClockIndex, NewCase, Store};

/// Who a case action is decided for: a person, whom the domain's table of
/// roles and units checks, or the platform itself (the daily sweep, the
/// command line, demo data), which only the case's state and rules bind.
#[derive(Debug, Clone, Copy)]
pub enum By<'a> {
    /// A signed-in user.
    Person(domain::case::Acting<'a>),
    /// The platform.
    Platform,
}

/// Shorthand for service results.
pub type Result<T, E = ServiceError> = std::result::Result<T, E>;

/// Published matter versions by (code, version).
type VersionCache = std::collections::HashMap<(String, u32), Arc<store::MatterVersion>>;

/// Everything an operation needs: the store, the calendar in force, the
/// county's warning rule and the clock (fixed in tests).
#[derive(Clone)]
pub struct Services {
    /// The database.
    pub store: Arc<dyn Store>,
    calendar: Arc<RwLock<Arc<Calendar>>>,
    /// When a case turns 预警.
    pub rule: WarningRule,
    /// What time it is.
    pub clock: Arc<dyn Clock>,
    /// The hall unit that reviews online applications (预审).
    pub online_intake_unit: String,
    /// Where uploaded files are kept (under `uploads/`); the configured data directory.
    pub data_dir: PathBuf,
    /// 好差评 rules: rating window, rectification limit, score prior.
    pub evaluation: crate::config::EvaluationConfig,
    catalog_cache: Arc<catalog::CatalogCache>,
    /// Units and the names pages show, kept until they change.
    directory: Arc<kept::Kept<directory::Directory>>,
    /// Published matter versions already read: they never change (the
    /// store refuses to alter one), so each is read once per process.
    versions: Arc<std::sync::RwLock<VersionCache>>,
    /// Hotline ticket limits per type and urgency (config `hotline`).
    pub ticket_limits: domain::hotline::TicketLimits,
}

/// An applicant as a form or API client gives it, before its number is checked.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplicantInput {
    /// A citizen with a 居民身份证号.
    Person {
        /// Name.
        name: String,
        /// 居民身份证号 (18 characters, GB 11643).
        id_number: String,
        /// Phone.
        #[serde(default)]
        phone: String,
    },
    /// An enterprise with a 统一社会信用代码.
    Enterprise {
        /// Name.
        name: String,
        /// 统一社会信用代码 (18 characters, GB 32100-2015).
        credit_code: String,
        /// Phone.
        #[serde(default)]
        phone: String,
    },
}

impl ApplicantInput {
    /// Checks the identifier and the name.
    pub fn parse(self) -> Result<Applicant> {
        let name_ok = |n: &str| {
            if n.trim().is_empty() {
                Err(ServiceError::refused(
                    domain::ErrorCode::ApplicantNameRequired,
                    "申请人姓名或名称不能为空",
                ))
            } else {
                Ok(())
            }
        };
        match self {
            ApplicantInput::Person {
                name,
                id_number,
                phone,
            } => {
                name_ok(&name)?;
                Ok(Applicant::Person {
                    name,
                    id_number: IdNumber::parse(&id_number)?,
                    phone,
                })
            }
            ApplicantInput::Enterprise {
                name,
                credit_code,
                phone,
            } => {
                name_ok(&name)?;
                Ok(Applicant::Enterprise {
                    name,
                    credit_code: CreditCode::parse(&credit_code)?,
                    phone,
                })
            }
        }
    }
}

/// A new application.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreateCase {
    /// The matter's code.
    pub matter: String,
    /// How it came in.
    #[schema(value_type = String, example = "online")]
    pub channel: Channel,
    /// Who applies.
    pub applicant: ApplicantInput,
    /// The hall unit where it is presented (window channels); online ones go to the 预审 unit.
    #[serde(default)]
    pub intake_unit: Option<String>,
    /// For a window intake: the outcome decided at the window, applied at once
    /// (accept, accept_with_deficiency or notify_once).
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub intake: Option<Action>,
}

/// A case with its clocks as of today, and optionally its timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    /// The stored case.
    #[schema(value_type = Object)]
    pub record: CaseRecord,
    /// The promised-limit clock, once accepted.
    #[schema(value_type = Option<Object>)]
    pub promised: Option<CaseClock>,
    /// The statutory-limit clock, once accepted.
    #[schema(value_type = Option<Object>)]
    pub statutory: Option<CaseClock>,
    /// 正常 / 预警 / 超期 against the promised limit, while running.
    #[schema(value_type = Option<String>)]
    pub sla: Option<SlaStatus>,
    /// The timeline, oldest first (only when asked for).
    #[schema(value_type = Option<Vec<Object>>)]
    pub timeline: Option<Vec<CaseEvent>>,
}

impl Services {
    /// Services over a store with the calendar it holds.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        rule: WarningRule,
    ) -> Result<Self> {
        let calendar = load_calendar(&*store).await?;
        Ok(Self {
            store,
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            rule,
            clock,
            online_intake_unit: domain::defaults::HALL_UNIT.into(),
            data_dir: PathBuf::from("data"),
            evaluation: crate::config::EvaluationConfig::default(),
            catalog_cache: Arc::default(),
            directory: Arc::default(),
            versions: Arc::default(),
            ticket_limits: domain::hotline::TicketLimits::default(),
        })
    }

    /// The calendar in force (shared: every case view reads it).
    pub fn calendar(&self) -> Arc<Calendar> {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the calendar after a year was loaded.
    pub async fn reload_calendar(&self) -> Result<()> {
        let fresh = Arc::new(load_calendar(&*self.store).await?);
        match self.calendar.write() {
            Ok(mut c) => *c = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Today in Asia/Shanghai.
    pub fn today(&self) -> NaiveDate {
        shanghai_today(self.clock.now())
    }

    /// The clock columns stored beside a case (the domain computes them).
    pub fn clock_index(&self, case: &Case, today: NaiveDate) -> ClockIndex {
        case.clock_index(today, &self.calendar(), self.rule)
    }

    /// A stored case with its clocks as of today.
    pub fn view(&self, record: CaseRecord, timeline: Option<Vec<CaseEvent>>) -> CaseView {
        let cal = self.calendar();
        let today = self.today();
        let promised = record.case.promised_clock(today, &cal, self.rule);
        let statutory = record.case.statutory_clock(today, &cal, self.rule);
        let sla = promised
            .filter(|_| record.case.state.is_running() || record.case.concluded_on.is_some())
            .map(|c| c.status);
        CaseView {
            record,
            promised,
            statutory,
            sla,
            timeline,
        }
    }

    /// Opens a case; a window intake's outcome is applied in the same call.
    /// With an idempotency key already used by this user, returns that case.
    pub async fn create_case(
        &self,
        actor: &Actor,
        input: CreateCase,
        key: Option<String>,
    ) -> Result<(CaseView, bool)> {
        self.create_case_for(actor, input, key, None, By::Platform)
            .await
    }

    /// Opens a case as [`Services::create_case`] does, recording the
    /// applicant's own account (`applicant_user`) for an online application.
    #[tracing::instrument(skip(self, input), fields(actor = %actor.username))]
    pub async fn create_case_for(
        &self,
        actor: &Actor,
        input: CreateCase,
        key: Option<String>,
        applicant_user: Option<String>,
        by: By<'_>,
    ) -> Result<(CaseView, bool)> {
        let code = MatterCode::parse(&input.matter).map_err(|_| {
            ServiceError::refused(domain::ErrorCode::InvalidMatterCode, "事项编码无效")
        })?;
        let version = self.store.matter(&code, None).await?;
        let applicant = input.applicant.parse()?;
        admitted(&version.matter, &applicant)?;
        let today = self.today();
        let mut case = Case::open(
            input.channel,
            applicant,
            &version.matter,
            version.version,
            today,
        );
        let mut effects = Vec::new();
        if let Some(intake) = &input.intake {
            if !matches!(
                intake,
                Action::Accept { .. }
                    | Action::AcceptWithDeficiency { .. }
                    | Action::NotifyOnce { .. }
            ) {
                return Err(ServiceError::refused(
                    domain::ErrorCode::InvalidIntake,
                    "窗口受理只能是受理、容缺受理或一次性告知",
                ));
            }
            let cal = self.calendar();
            let ctx = Context {
                today,
                matter: &version.matter,
                calendar: &cal,
            };
            let (next, e) = decide(&case, intake, by, ctx)?;
            case = next;
            effects = e;
        }
        let window_visit = matches!(input.channel, Channel::Window | Channel::Agency);
        let intake_unit = match (&input.intake_unit, input.channel.needs_review()) {
            (Some(u), false) => u.clone(),
            (_, true) => self.online_intake_unit.clone(),
            (None, false) => actor.unit.clone(),
        };
        let new = NewCase {
            clock: self.clock_index(&case, today),
            case,
            intake_unit,
            applicant_user,
            idempotency_key: key,
            visit_outcome: window_visit.then(|| {
                input
                    .intake
                    .as_ref()
                    .map_or("registered", Action::name)
                    .to_owned()
            }),
            actor: actor.clone(),
            at: self.clock.now(),
        };
        let (record, created) = self.store.create_case(&new).await?;
        tracing::info!(case = record.id, receipt = %record.receipt_no, created, effects = effects.len(), "case opened");
        Ok((self.view(record, None), created))
    }

    /// A published version of a matter, from the process's cache after the
    /// first read (published versions are immutable).
    pub async fn matter_version(
        &self,
        code: &domain::catalog::MatterCode,
        version: u32,
    ) -> Result<Arc<store::MatterVersion>> {
        let key = (code.as_str().to_owned(), version);
        let cached = match self.versions.read() {
            Ok(m) => m.get(&key).cloned(),
            Err(p) => p.into_inner().get(&key).cloned(),
        };
        if let Some(v) = cached {
            return Ok(v);
        }
        let v = Arc::new(self.store.matter(code, Some(version)).await?);
        match self.versions.write() {
            Ok(mut m) => m.insert(key, v.clone()),
            Err(p) => p.into_inner().insert(key, v.clone()),
        };
        Ok(v)
    }

    /// Applies an action to a case as the platform (or on behalf of an
    /// author the caller has already checked). With `expected_version`, a
    /// case changed since that version is a conflict; without it, the
    /// version read now is used.
    #[tracing::instrument(skip(self, action), fields(actor = %actor.username, action = action.name()))]
    pub async fn act(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: Option<i64>,
        action: Action,
    ) -> Result<CaseView> {
        // The store may answer from its copy of the case as this process last
        // wrote it, which another process may since have changed: a refusal
        // computed from that copy (a conflict, or the domain refusing a move
        // the newer case allows) is not trusted until the case as stored,
        // read afresh, refuses it too.
        let copy = self.store.case_for_change(id).await?;
        let first = self
            .apply(actor, By::Platform, copy, expected_version, &action)
            .await;
        match first {
            Ok(view) => Ok(view),
            Err(_) => {
                let fresh = self.store.case(id).await?;
                self.apply(actor, By::Platform, fresh, expected_version, &action)
                    .await
            }
        }
    }

    /// Decides `action` on `current` (once) and writes it, refused if the
    /// case has moved on from `current.version` or from `expected_version`.
    async fn apply(
        &self,
        actor: &Actor,
        by: By<'_>,
        current: CaseRecord,
        expected_version: Option<i64>,
        action: &Action,
    ) -> Result<CaseView> {
        if let Some(v) = expected_version.filter(|v| *v != current.version) {
            return Err(ServiceError::Store(store::StoreError::Conflict(format!(
                "办件已被他人修改（当前版本 {}，提交的版本 {v}），请刷新后重试",
                current.version
            ))));
        }
        let matter = self
            .matter_version(&current.case.matter, current.case.matter_version)
            .await?;
        let today = self.today();
        let cal = self.calendar();
        let ctx = Context {
            today,
            matter: &matter.matter,
            calendar: &cal,
        };
        let (case, effects) = decide(&current.case, action, by, ctx)?;
        let update = CaseUpdate {
            id: current.id,
            expected_version: current.version,
            action: action.name().to_owned(),
            payload: serde_json::to_value(action).unwrap_or(serde_json::Value::Null),
            clock: self.clock_index(&case, today),
            case,
            effects,
            actor: actor.clone(),
            at: self.clock.now(),
        };
        let record = self.store.update_case(&update).await?;
        Ok(self.view(record, None))
    }

    /// One case with its timeline.
    pub async fn case(&self, id: i64) -> Result<CaseView> {
        let record = self.store.case(id).await?;
        let timeline = self.store.case_events(id).await?;
        Ok(self.view(record, Some(timeline)))
    }

    /// Cases matching a filter; SLA statuses are judged as of today.
    pub async fn list(&self, mut filter: CaseFilter) -> Result<Vec<CaseView>> {
        filter.today.get_or_insert(self.today());
        let records = self.store.list_cases(&filter).await?;
        Ok(records.into_iter().map(|r| self.view(r, None)).collect())
    }

    /// A unit's inbox, soonest deadline first.
    pub async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<CaseView>> {
        let records = self.store.inbox(unit, limit, offset).await?;
        Ok(records.into_iter().map(|r| self.view(r, None)).collect())
    }

    /// The daily sweep: flags every 容缺 supplement not made by its date,
    /// writing a broken-commitment record for each. Returns how many.
    pub async fn sweep_overdue_supplements(&self) -> Result<usize> {
        let ids = self.store.overdue_supplements(self.today()).await?;
        let mut flagged = 0;
        for id in ids {
            match self
                .act(&Actor::system(), id, None, Action::FlagOverdueSupplement)
                .await
            {
                Ok(_) => flagged += 1,
                Err(ServiceError::Store(store::StoreError::Conflict(_))) => {
                    tracing::info!(
                        case = id,
                        "case changed during the sweep; the next sweep will see it"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        Ok(flagged)
    }
}

/// The domain's decision on `action`: for a person, with their role and
/// unit checked; for the platform, by the case's state and rules alone.
fn decide(
    case: &Case,
    action: &Action,
    by: By<'_>,
    ctx: Context<'_>,
) -> Result<(Case, Vec<domain::case::Effect>)> {
    let outcome = match by {
        By::Person(who) => case.act(action, who, ctx),
        By::Platform => case.apply(action, ctx),
    };
    Ok(outcome?)
}

/// The calendar in force: the shipped years overridden by those loaded into the store.
pub async fn load_calendar(store: &dyn Store) -> Result<Calendar> {
    let official = Calendar::official();
    let mut years: Vec<_> = official
        .years()
        .into_iter()
        .filter_map(|y| official.arrangement(y).cloned())
        .collect();
    years.extend(store.calendar_years().await?);
    Calendar::new(years)
        .map_err(|e| ServiceError::refused(domain::ErrorCode::InvalidCalendar, e.to_string()))
}

/// The SLA status of a view, for filters given as text.
pub fn parse_sla(s: &str) -> Option<SlaStatus> {
    SlaStatus::parse(s)
}

/// Refuses an applicant the matter is not for (its 服务对象).
fn admitted(matter: &Matter, applicant: &Applicant) -> Result<()> {
    let enterprise = matches!(applicant, Applicant::Enterprise { .. });
    if matter.admits(enterprise) {
        return Ok(());
    }
    let who = if enterprise {
        "企业（法人）"
    } else {
        "个人"
    };
    Err(ServiceError::refused(
        domain::ErrorCode::ApplicantTypeNotAdmitted,
        format!(
            "“{}”的服务对象是{}，{who}不能申请",
            matter.name,
            matter.applicants.label_zh()
        ),
    ))
}
