//! Cases, their timeline, inboxes and window visits on PostgreSQL.

use super::case_writes::*;
use super::*;
use crate::sql::cases::CASE_COLUMNS;
use crate::sql::{Pg, cases as shared};

use crate::{Actor, CaseFilter, CaseRecord, Result, Scope, SlaCounts, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use domain::case::SlaStatus;
use tokio_postgres::types::ToSql;

type Params<'a> = Vec<Box<dyn ToSql + Sync + Send + 'a>>;

async fn query_cases(
    c: &impl GenericClient,
    sql: &str,
    args: &Params<'_>,
) -> Result<Vec<CaseRecord>> {
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect();
    c.query(sql, &refs)
        .await?
        .iter()
        .map(|r| shared::case_record(r))
        .collect()
}

pub(super) async fn load_case(c: &impl GenericClient, id: i64, lock: bool) -> Result<CaseRecord> {
    let suffix = if lock { " FOR UPDATE" } else { "" };
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1{suffix}");
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
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = $1{cond}");
    query_cases(c, &sql, &args)
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

pub(super) async fn load_by_receipt(c: &impl GenericClient, receipt: &str) -> Result<CaseRecord> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.receipt_no = $1");
    query_cases(c, &sql, &vec![Box::new(receipt.to_owned())])
        .await?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("受理编号 {receipt}")))
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
        ("c.applicant_name", &f.applicant_name),
        ("c.matter_code", &f.matter_code),
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
        "SELECT {CASE_COLUMNS} FROM cases c {filter} ORDER BY c.deadline, c.id LIMIT {lp} OFFSET {op}"
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
        "SELECT {CASE_COLUMNS} FROM case_holders h JOIN cases c ON c.id = h.case_id WHERE h.unit = $1
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
        shared::events(&Pg(&self.pool.get().await?), id).await
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
        shared::overdue_supplements(&Pg(&self.pool.get().await?), today).await
    }

    async fn broken_commitments(&self) -> Result<Vec<crate::BrokenCommitment>> {
        shared::broken_commitments(&Pg(&self.pool.get().await?)).await
    }

    async fn record_visit(&self, visit: &crate::Visit) -> Result<i64> {
        shared::record_visit(&Pg(&self.pool.get().await?), visit).await
    }

    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<crate::Visit>> {
        shared::visits(&Pg(&self.pool.get().await?), unit, limit).await
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
