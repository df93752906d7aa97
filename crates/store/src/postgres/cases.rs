//! Cases, their timeline, inboxes and the audit chain on PostgreSQL.

use super::*;

use crate::audit::{AuditEntry, AuditRecord, GENESIS, chain_hash};
use crate::cases::EventRow;
use crate::{
    Actor, BrokenCommitment, CaseEvent, CaseFilter, CaseRecord, CaseUpdate, ClockIndex, NewCase,
    Result, Scope, SlaCounts, StoreError, Visit,
};
use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
use deadpool_postgres::{GenericClient, Transaction};
use domain::case::{Case, Effect, SlaStatus};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

/// Serialises appends to the audit chain across connections.
const AUDIT_LOCK: i64 = 0x6f77_6175_6469;

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("case JSON: {e}"))
}

/// Appends an audit record to the chain inside `tx`.
pub(super) async fn append_audit(
    tx: &Transaction<'_>,
    entry: &AuditEntry,
    at: DateTime<Utc>,
) -> Result<()> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
        .await?;
    let head = tx
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    let (prev_seq, prev_hash): (i64, String) = match head {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS.to_owned()),
    };
    let seq = prev_seq + 1;
    let at = at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let hash = chain_hash(&prev_hash, seq, &at, entry);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        &[&seq, &at, &entry.actor, &entry.actor_unit, &entry.entity, &entry.entity_id, &entry.action, &entry.before, &entry.after, &prev_hash, &hash],
    )
    .await?;
    tx.execute(
        "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        &[&seq, &hash],
    )
    .await?;
    Ok(())
}

const COLUMNS: &str =
    "c.id, c.receipt_no, c.version, c.intake_unit, c.applicant_user, c.deadline, c.warn_from,
    c.statutory_deadline, c.concluded_late, c.supplement_by, c.body, c.created_at, c.updated_at";

fn record(r: &Row) -> Result<CaseRecord> {
    let body: serde_json::Value = r.try_get(10)?;
    Ok(CaseRecord {
        id: r.try_get(0)?,
        receipt_no: r.try_get(1)?,
        version: r.try_get(2)?,
        intake_unit: r.try_get(3)?,
        applicant_user: r.try_get(4)?,
        clock: ClockIndex {
            deadline: r.try_get(5)?,
            warn_from: r.try_get(6)?,
            statutory_deadline: r.try_get(7)?,
            concluded_late: r.try_get(8)?,
            supplement_by: r.try_get(9)?,
        },
        case: serde_json::from_value(body).map_err(json_err)?,
        created_at: r.try_get(11)?,
        updated_at: r.try_get(12)?,
    })
}

type Params<'a> = Vec<Box<dyn ToSql + Sync + Send + 'a>>;

async fn query_cases(
    c: &impl GenericClient,
    sql: &str,
    args: &Params<'_>,
) -> Result<Vec<CaseRecord>> {
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect();
    c.query(sql, &refs).await?.iter().map(record).collect()
}

pub(super) async fn load_case(c: &impl GenericClient, id: i64, lock: bool) -> Result<CaseRecord> {
    let suffix = if lock { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.id = $1{suffix}");
    query_cases(c, &sql, &vec![Box::new(id)])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

/// One case, when it lies within `scope` (`NotFound` otherwise).
pub(super) async fn load_scoped(
    c: &impl GenericClient,
    id: i64,
    scope: &Scope,
) -> Result<CaseRecord> {
    let mut args: Params<'_> = vec![Box::new(id)];
    let cond = match scope.value() {
        Some(v) => {
            args.push(Box::new(v.to_owned()));
            scope
                .condition("$2")
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.id = $1{cond}");
    query_cases(c, &sql, &args)
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

pub(super) async fn load_by_receipt(c: &impl GenericClient, receipt: &str) -> Result<CaseRecord> {
    let sql = format!("SELECT {COLUMNS} FROM cases c WHERE c.receipt_no = $1");
    query_cases(c, &sql, &vec![Box::new(receipt.to_owned())])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("受理编号 {receipt}")))
}

async fn set_holders(
    tx: &Transaction<'_>,
    id: i64,
    case: &Case,
    deadline: Option<NaiveDate>,
) -> Result<()> {
    tx.execute("DELETE FROM case_holders WHERE case_id = $1", &[&id])
        .await?;
    for unit in case.holders() {
        tx.execute(
            "INSERT INTO case_holders (case_id, unit, deadline) VALUES ($1, $2, $3)",
            &[&id, &unit, &deadline],
        )
        .await?;
    }
    // The units with a part in the case, for Scope::Department.
    for unit in std::iter::once(&case.unit).chain(case.steps.iter().map(|s| &s.unit)) {
        tx.execute(
            "INSERT INTO case_units (case_id, unit) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&id, unit],
        )
        .await?;
    }
    Ok(())
}

async fn add_event(tx: &Transaction<'_>, id: i64, e: &EventRow<'_>) -> Result<()> {
    let effects = serde_json::to_value(e.effects).map_err(json_err)?;
    tx.execute(
        "INSERT INTO case_events (case_id, seq, at, actor, actor_unit, action, payload, from_state, to_state, effects)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = $1), $2, $3, $4, $5, $6, $7, $8, $9)",
        &[&id, &e.at, &e.actor.username, &e.actor.unit, &e.action, &e.payload.to_string(), &e.from, &e.to, &effects.to_string()],
    )
    .await?;
    Ok(())
}

/// An audit entry for `actor` about one entity.
pub(super) fn entry(
    actor: &Actor,
    entity: &'static str,
    id: &str,
    action: &str,
    before: Option<String>,
    after: Option<String>,
) -> AuditEntry {
    AuditEntry {
        actor: actor.username.clone(),
        actor_unit: actor.unit.clone(),
        entity,
        entity_id: id.to_owned(),
        action: action.to_owned(),
        before,
        after,
    }
}

/// Creates a case (or replays an idempotent create) inside `tx`.
pub(super) async fn create(tx: &Transaction<'_>, new: &NewCase) -> Result<(CaseRecord, bool)> {
    if let Some(key) = &new.idempotency_key {
        // Two concurrent creates with one key: the second waits here, then replays.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
            &[&format!("{}\u{1f}{key}", new.actor.username)],
        )
        .await?;
        let existing = tx
            .query_opt(
                "SELECT case_id FROM idempotency_keys WHERE username = $1 AND key = $2",
                &[&new.actor.username, key],
            )
            .await?;
        if let Some(row) = existing {
            return Ok((load_case(tx, row.try_get(0)?, false).await?, false));
        }
    }
    let case = &new.case;
    let id: i64 = tx
        .query_one("SELECT nextval(pg_get_serial_sequence('cases', 'id'))", &[])
        .await?
        .try_get(0)?;
    let receipt = crate::receipt_number(case.submitted_on, id);
    let body = serde_json::to_value(case).map_err(json_err)?;
    let k = &new.clock;
    let version =
        i32::try_from(case.matter_version).map_err(|e| StoreError::Backend(e.to_string()))?;
    let stored_body: String = tx.query_one(
        "INSERT INTO cases (id, receipt_no, matter_code, matter_version, unit, intake_unit, applicant_id, applicant_user,
             state, channel, submitted_on, accepted_on, concluded_on, deadline, warn_from, statutory_deadline,
             concluded_late, supplement_by, version, body, created_at, updated_at)
         OVERRIDING SYSTEM VALUE
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1, $19, $20, $20)
         RETURNING body::text",
        &[
            &id, &receipt, &case.matter.as_str(), &version, &case.unit, &new.intake_unit,
            &case.applicant.identifier(), &new.applicant_user, &case.state.as_str(), &case.channel.as_str(),
            &case.submitted_on, &case.accepted_on, &case.concluded_on, &k.deadline, &k.warn_from,
            &k.statutory_deadline, &k.concluded_late, &k.supplement_by, &body, &new.at,
        ],
    )
    .await?
    .try_get(0)?;
    let payload = serde_json::json!({ "matter": case.matter, "version": case.matter_version, "channel": case.channel });
    let row = EventRow {
        action: "open",
        payload: &payload,
        from: None,
        to: case.state.as_str(),
        effects: &[],
        actor: &new.actor,
        at: new.at,
    };
    add_event(tx, id, &row).await?;
    set_holders(tx, id, case, k.deadline).await?;
    if let Some(key) = &new.idempotency_key {
        tx.execute(
            "INSERT INTO idempotency_keys (username, key, case_id, created_at) VALUES ($1, $2, $3, $4)",
            &[&new.actor.username, key, &id, &new.at],
        )
        .await?;
    }
    if let Some(outcome) = &new.visit_outcome {
        let visit = Visit {
            at: new.at,
            unit: new.intake_unit.clone(),
            clerk: new.actor.username.clone(),
            applicant_id: case.applicant.identifier().to_owned(),
            matter_code: case.matter.to_string(),
            case_id: Some(id),
            outcome: outcome.clone(),
        };
        record_visit(tx, &visit).await?;
    }
    append_audit(
        tx,
        &entry(
            &new.actor,
            "case",
            &receipt,
            "open",
            None,
            Some(stored_body),
        ),
        new.at,
    )
    .await?;
    Ok((load_case(tx, id, false).await?, true))
}

/// What an update starts from: the row as stored, locked.
struct Stored {
    version: i64,
    receipt_no: String,
    intake_unit: String,
    applicant_user: Option<String>,
    created_at: DateTime<Utc>,
    state: String,
    /// The body as the database keeps it: what the audit record's `before` holds.
    body: String,
}

async fn read_stored(tx: &Transaction<'_>, id: i64) -> Result<Stored> {
    let row = tx
        .query_opt(
            "SELECT version, receipt_no, intake_unit, applicant_user, created_at, state, body::text
             FROM cases WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))?;
    Ok(Stored {
        version: row.try_get(0)?,
        receipt_no: row.try_get(1)?,
        intake_unit: row.try_get(2)?,
        applicant_user: row.try_get(3)?,
        created_at: row.try_get(4)?,
        state: row.try_get(5)?,
        body: row.try_get(6)?,
    })
}

/// Applies a computed change inside `tx`, refusing it if the case moved on.
/// The audit record holds the body as stored before and after (the text
/// PostgreSQL keeps, not a re-serialisation), and the record returned is
/// the row as written, not read back.
pub(super) async fn update(tx: &Transaction<'_>, u: &CaseUpdate) -> Result<CaseRecord> {
    let stored = read_stored(tx, u.id).await?;
    if stored.version != u.expected_version {
        return Err(StoreError::Conflict(format!(
            "办件已被他人修改（当前版本 {}，提交的版本 {}），请刷新后重试",
            stored.version, u.expected_version
        )));
    }
    let case = &u.case;
    let body = serde_json::to_value(case).map_err(json_err)?;
    let k = &u.clock;
    let after: String = tx
        .query_one(
            "UPDATE cases SET state = $1, accepted_on = $2, concluded_on = $3, deadline = $4, warn_from = $5,
                 statutory_deadline = $6, concluded_late = $7, supplement_by = $8, body = $9, updated_at = $10,
                 version = version + 1
             WHERE id = $11
             RETURNING body::text",
            &[
                &case.state.as_str(), &case.accepted_on, &case.concluded_on, &k.deadline, &k.warn_from,
                &k.statutory_deadline, &k.concluded_late, &k.supplement_by, &body, &u.at, &u.id,
            ],
        )
        .await?
        .try_get(0)?;
    let row = EventRow {
        action: &u.action,
        payload: &u.payload,
        from: Some(&stored.state),
        to: case.state.as_str(),
        effects: &u.effects,
        actor: &u.actor,
        at: u.at,
    };
    add_event(tx, u.id, &row).await?;
    set_holders(tx, u.id, case, k.deadline).await?;
    for e in &u.effects {
        if let Effect::BrokenCommitment { materials, due } = e {
            let materials = serde_json::to_string(materials).map_err(json_err)?;
            tx.execute(
                "INSERT INTO broken_commitments (case_id, applicant_id, materials, due, recorded_at) VALUES ($1, $2, $3, $4, $5)",
                &[&u.id, &case.applicant.identifier(), &materials, due, &u.at],
            )
            .await?;
        }
    }
    let audit = entry(
        &u.actor,
        "case",
        &stored.receipt_no,
        &u.action,
        Some(stored.body),
        Some(after),
    );
    append_audit(tx, &audit, u.at).await?;
    Ok(CaseRecord {
        id: u.id,
        receipt_no: stored.receipt_no,
        version: stored.version + 1,
        intake_unit: stored.intake_unit,
        applicant_user: stored.applicant_user,
        clock: *k,
        case: case.clone(),
        created_at: stored.created_at,
        // TIMESTAMPTZ keeps microseconds: the instant as a later read gives it.
        updated_at: u.at.trunc_subsecs(6),
    })
}

pub(super) async fn events(c: &impl GenericClient, id: i64) -> Result<Vec<CaseEvent>> {
    let rows = c
        .query(
            "SELECT seq, at, actor, actor_unit, action, payload, from_state, to_state, effects
             FROM case_events WHERE case_id = $1 ORDER BY seq",
            &[&id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CaseEvent {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                actor_unit: r.try_get(3)?,
                action: r.try_get(4)?,
                payload: serde_json::from_str(r.try_get(5)?).map_err(json_err)?,
                from_state: r.try_get(6)?,
                to_state: r.try_get(7)?,
                effects: serde_json::from_str(r.try_get(8)?).map_err(json_err)?,
            })
        })
        .collect()
}

pub(super) async fn list(c: &impl GenericClient, f: &CaseFilter) -> Result<Vec<CaseRecord>> {
    let mut conds = Vec::new();
    let mut args: Params<'_> = Vec::new();
    fn bind<'a>(args: &mut Params<'a>, v: impl ToSql + Sync + Send + 'a) -> String {
        args.push(Box::new(v));
        format!("${}", args.len())
    }
    if let Some(v) = f.scope.value() {
        let p = bind(&mut args, v.to_owned());
        conds.extend(f.scope.condition(&p));
    }
    if let Some(s) = f.state {
        let p = bind(&mut args, s.as_str().to_owned());
        conds.push(format!("c.state = {p}"));
    }
    for (col, v) in [
        ("c.unit", &f.unit),
        ("c.intake_unit", &f.intake_unit),
        ("c.applicant_id", &f.applicant_id),
    ] {
        if let Some(v) = v {
            let p = bind(&mut args, v.clone());
            conds.push(format!("{col} = {p}"));
        }
    }
    if let Some(sla) = f.sla {
        let today = f
            .today
            .ok_or_else(|| StoreError::Invalid("按时限状态筛选需要日期".into()))?;
        let p = bind(&mut args, today);
        conds.push(crate::sla_condition(sla, &p));
    }
    if let Some(d) = f.deadline_from {
        let p = bind(&mut args, d);
        conds.push(format!("c.deadline >= {p}"));
    }
    if let Some(d) = f.deadline_to {
        let p = bind(&mut args, d);
        conds.push(format!("c.deadline <= {p}"));
    }
    let (limit, offset) = f.page();
    let lp = bind(&mut args, limit);
    let op = bind(&mut args, offset);
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    // Cases without a deadline come last, which is where PostgreSQL puts
    // NULLs in ascending order: (deadline, id) is the order of the open
    // cases' index `cases_open_by_deadline`, so a page of the 预警 or 超期
    // list reads that page, not every match.
    let sql = format!(
        "SELECT {COLUMNS} FROM cases c {filter} ORDER BY c.deadline, c.id LIMIT {lp} OFFSET {op}"
    );
    query_cases(c, &sql, &args).await
}

pub(super) async fn inbox(
    c: &impl GenericClient,
    unit: &str,
    limit: u32,
    offset: u32,
) -> Result<Vec<CaseRecord>> {
    // By deadline, cases without one last (PostgreSQL's ascending order puts
    // NULLs last), then case id: the order of the index `case_holders_page`,
    // so a page reads its own rows however many the unit holds.
    let sql = format!(
        "SELECT {COLUMNS} FROM case_holders h JOIN cases c ON c.id = h.case_id WHERE h.unit = $1
         ORDER BY h.deadline, h.case_id LIMIT $2 OFFSET $3"
    );
    query_cases(
        c,
        &sql,
        &vec![
            Box::new(unit.to_owned()),
            Box::new(i64::from(limit)),
            Box::new(i64::from(offset)),
        ],
    )
    .await
}

pub(super) async fn sla_counts(
    c: &impl GenericClient,
    today: NaiveDate,
    unit: Option<&str>,
) -> Result<SlaCounts> {
    // The tally of open cases' clocks (migration V9), kept by triggers on
    // `cases`, has a row per unit and clock: summing it grows with the
    // units and the days their open cases fall due, not with the cases.
    // '-infinity' stands for no clock. Two shapes, so that one unit reads its
    // rows by the primary key.
    let only_unit = if unit.is_some() {
        "WHERE c.unit = $2"
    } else {
        "WHERE $2::TEXT IS NULL"
    };
    let sql = format!(
        "SELECT
            COALESCE(SUM(CASE WHEN {n} THEN c.cases ELSE 0 END), 0)::BIGINT,
            COALESCE(SUM(CASE WHEN {w} THEN c.cases ELSE 0 END), 0)::BIGINT,
            COALESCE(SUM(CASE WHEN {o} THEN c.cases ELSE 0 END), 0)::BIGINT,
            COALESCE(SUM(CASE WHEN c.suspended THEN c.cases ELSE 0 END), 0)::BIGINT
         FROM (SELECT unit, NULLIF(deadline, '-infinity') AS deadline,
                      NULLIF(warn_from, '-infinity') AS warn_from, suspended, cases
               FROM case_sla_tally) c {only_unit}",
        n = crate::sla_clock_condition(SlaStatus::Normal, "$1"),
        w = crate::sla_clock_condition(SlaStatus::Warning, "$1"),
        o = crate::sla_clock_condition(SlaStatus::Overdue, "$1"),
    );
    let r = c.query_one(&sql, &[&today, &unit]).await?;
    Ok(SlaCounts {
        normal: r.try_get(0)?,
        warning: r.try_get(1)?,
        overdue: r.try_get(2)?,
        paused: r.try_get(3)?,
    })
}

pub(super) async fn overdue_supplements(
    c: &impl GenericClient,
    today: NaiveDate,
) -> Result<Vec<i64>> {
    let rows = c
        .query("SELECT id FROM cases WHERE supplement_by IS NOT NULL AND supplement_by < $1 ORDER BY id", &[&today])
        .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub(super) async fn broken_commitments(c: &impl GenericClient) -> Result<Vec<BrokenCommitment>> {
    let rows = c
        .query("SELECT id, case_id, applicant_id, materials, due, recorded_at FROM broken_commitments ORDER BY id DESC", &[])
        .await?;
    rows.iter()
        .map(|r| {
            Ok(BrokenCommitment {
                id: r.try_get(0)?,
                case_id: r.try_get(1)?,
                applicant_id: r.try_get(2)?,
                materials: serde_json::from_str(r.try_get(3)?).map_err(json_err)?,
                due: r.try_get(4)?,
                recorded_at: r.try_get(5)?,
            })
        })
        .collect()
}

pub(super) async fn record_visit(c: &impl GenericClient, v: &Visit) -> Result<i64> {
    let r = c
        .query_one(
            "INSERT INTO visits (at, unit, clerk, applicant_id, matter_code, case_id, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                &v.at,
                &v.unit,
                &v.clerk,
                &v.applicant_id,
                &v.matter_code,
                &v.case_id,
                &v.outcome,
            ],
        )
        .await?;
    Ok(r.try_get(0)?)
}

pub(super) async fn visits(c: &impl GenericClient, unit: &str, limit: u32) -> Result<Vec<Visit>> {
    let rows = c
        .query(
            "SELECT at, unit, clerk, applicant_id, matter_code, case_id, outcome FROM visits
             WHERE unit = $1 ORDER BY id DESC LIMIT $2",
            &[&unit, &i64::from(limit)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Visit {
                at: r.try_get(0)?,
                unit: r.try_get(1)?,
                clerk: r.try_get(2)?,
                applicant_id: r.try_get(3)?,
                matter_code: r.try_get(4)?,
                case_id: r.try_get(5)?,
                outcome: r.try_get(6)?,
            })
        })
        .collect()
}

pub(super) async fn audit_records(
    c: &impl GenericClient,
    after: i64,
    limit: u32,
) -> Result<Vec<AuditRecord>> {
    let rows = c
        .query(
            "SELECT seq, at, actor, actor_unit, entity, entity_id, action, before, after, prev_hash, hash
             FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &i64::from(limit)],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditRecord {
                seq: r.try_get(0)?,
                at: r.try_get(1)?,
                actor: r.try_get(2)?,
                actor_unit: r.try_get(3)?,
                entity: r.try_get(4)?,
                entity_id: r.try_get(5)?,
                action: r.try_get(6)?,
                before: r.try_get(7)?,
                after: r.try_get(8)?,
                prev_hash: r.try_get(9)?,
                hash: r.try_get(10)?,
            })
        })
        .collect()
}

pub(super) async fn audit_head(c: &impl GenericClient) -> Result<Option<(i64, String)>> {
    let r = c
        .query_opt("SELECT seq, hash FROM audit_head WHERE id = 1", &[])
        .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

#[async_trait]
impl crate::CaseStore for super::PostgresStore {
    async fn create_case(&self, new: &crate::NewCase) -> Result<(crate::CaseRecord, bool)> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = cases::create(&tx, new).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn update_case(&self, update: &crate::CaseUpdate) -> Result<crate::CaseRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = cases::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn case(&self, id: i64) -> Result<crate::CaseRecord> {
        cases::load_case(&self.pool.get().await?, id, false).await
    }

    async fn case_by_receipt(&self, receipt_no: &str) -> Result<crate::CaseRecord> {
        cases::load_by_receipt(&self.pool.get().await?, receipt_no).await
    }

    async fn case_events(&self, id: i64) -> Result<Vec<crate::CaseEvent>> {
        cases::events(&self.pool.get().await?, id).await
    }

    async fn list_cases(&self, filter: &crate::CaseFilter) -> Result<Vec<crate::CaseRecord>> {
        cases::list(&self.pool.get().await?, filter).await
    }

    async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<crate::CaseRecord>> {
        cases::inbox(&self.pool.get().await?, unit, limit, offset).await
    }

    async fn sla_counts(
        &self,
        today: chrono::NaiveDate,
        unit: Option<&str>,
    ) -> Result<crate::SlaCounts> {
        cases::sla_counts(&self.pool.get().await?, today, unit).await
    }

    async fn overdue_supplements(&self, today: chrono::NaiveDate) -> Result<Vec<i64>> {
        cases::overdue_supplements(&self.pool.get().await?, today).await
    }

    async fn broken_commitments(&self) -> Result<Vec<crate::BrokenCommitment>> {
        cases::broken_commitments(&self.pool.get().await?).await
    }

    async fn record_visit(&self, visit: &crate::Visit) -> Result<i64> {
        cases::record_visit(&self.pool.get().await?, visit).await
    }

    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<crate::Visit>> {
        cases::visits(&self.pool.get().await?, unit, limit).await
    }

    async fn case_scoped(&self, id: i64, scope: &crate::Scope) -> Result<crate::CaseRecord> {
        cases::load_scoped(&self.pool.get().await?, id, scope).await
    }

    async fn bulk_load_cases(
        &self,
        cases: Vec<crate::NewCase>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        bulk::load(self, cases, actor, at).await
    }
}
