//! Cases, their timeline, inboxes and window visits on SQLite.

use super::case_writes::*;
use super::*;

use crate::sql::cases::CASE_COLUMNS;
use crate::sql::{Lite, cases as shared, now};
use crate::{Actor, CaseFilter, CaseRecord, Result, Scope, SlaCounts, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::case::SlaStatus;
use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

fn query_cases(c: &Connection, sql: &str, args: Vec<Value>) -> Result<Vec<CaseRecord>> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(shared::case_record(r)?);
    }
    Ok(out)
}

pub(super) fn load_case(c: &Connection, id: i64) -> Result<CaseRecord> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = ?1");
    query_cases(c, &sql, vec![Value::Integer(id)])?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

/// One case, when it lies within `scope` (`NotFound` otherwise).
pub(super) fn load_scoped(c: &Connection, id: i64, scope: &Scope) -> Result<CaseRecord> {
    let mut args = vec![Value::Integer(id)];
    let cond = match scope.value() {
        Some(v) => {
            args.push(Value::Text(v.to_owned()));
            scope
                .condition("?2")
                .map(|c| format!(" AND {c}"))
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = ?1{cond}");
    query_cases(c, &sql, args)?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("办件 {id}")))
}

pub(super) fn load_by_receipt(c: &Connection, receipt: &str) -> Result<CaseRecord> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.receipt_no = ?1");
    query_cases(c, &sql, vec![Value::Text(receipt.to_owned())])?
        .pop()
        .ok_or_else(|| StoreError::NotFound(format!("受理编号 {receipt}")))
}

pub(super) fn list(c: &Connection, f: &CaseFilter) -> Result<Vec<CaseRecord>> {
    let mut conds = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let bind = |args: &mut Vec<Value>, v: Value| {
        args.push(v);
        format!("?{}", args.len())
    };
    if let Some(v) = f.scope.value() {
        let p = bind(&mut args, Value::Text(v.to_owned()));
        conds.extend(f.scope.condition(&p));
    }
    if let Some(s) = f.state {
        let p = bind(&mut args, Value::Text(s.as_str().into()));
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
            let p = bind(&mut args, Value::Text(v.clone()));
            conds.push(format!("{col} = {p}"));
        }
    }
    if let Some(sla) = f.sla {
        let today = f
            .today
            .ok_or_else(|| StoreError::Invalid("按时限状态筛选需要日期".into()))?;
        let p = bind(&mut args, Value::Text(today.to_string()));
        conds.push(crate::sla_condition(sla, &p));
    }
    if let Some(d) = f.deadline_from {
        let p = bind(&mut args, Value::Text(d.to_string()));
        conds.push(format!("c.deadline >= {p}"));
    }
    if let Some(d) = f.deadline_to {
        let p = bind(&mut args, Value::Text(d.to_string()));
        conds.push(format!("c.deadline <= {p}"));
    }
    let (limit, offset) = f.page();
    let lp = bind(&mut args, Value::Integer(limit));
    let op = bind(&mut args, Value::Integer(offset));
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    // Cases without a deadline come last. When the filter leaves none of
    // them the order is (deadline, id), which the open cases' index
    // `cases_open_deadline` (deadline, then rowid = id) gives as it is read:
    // a page of the 预警 or 超期 list reads that page, not every match.
    let dated = f.sla.is_some() || f.deadline_from.is_some() || f.deadline_to.is_some();
    let order = if dated {
        "c.deadline, c.id"
    } else {
        "c.deadline IS NULL, c.deadline, c.id"
    };
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM cases c {filter} ORDER BY {order} LIMIT {lp} OFFSET {op}"
    );
    query_cases(c, &sql, args)
}

pub(super) fn inbox(
    c: &Connection,
    unit: &str,
    limit: u32,
    offset: u32,
) -> Result<Vec<CaseRecord>> {
    // The page is chosen from the holders rows alone, in the order of the
    // index `case_holders_page` (unit, deadline IS NULL, deadline, case_id),
    // which covers it: a page reads its own rows, however many the unit
    // holds. Only those rows are then joined to the cases.
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM (SELECT case_id, deadline FROM case_holders WHERE unit = ?1
             ORDER BY deadline IS NULL, deadline, case_id LIMIT ?2 OFFSET ?3) h
         JOIN cases c ON c.id = h.case_id
         ORDER BY h.deadline IS NULL, h.deadline, c.id"
    );
    query_cases(
        c,
        &sql,
        vec![
            Value::Text(unit.into()),
            Value::Integer(limit.into()),
            Value::Integer(offset.into()),
        ],
    )
}

pub(super) fn sla_counts(
    c: &Connection,
    today: NaiveDate,
    unit: Option<&str>,
) -> Result<SlaCounts> {
    // The tally of open cases' clocks (migration V9), kept by triggers on
    // `cases`, has a row per unit and clock: summing it grows with the
    // units and the days their open cases fall due, not with the cases.
    // '' stands for no clock. Two shapes, so that one unit reads its
    // rows by the primary key.
    let only_unit = if unit.is_some() {
        "WHERE c.unit = ?2"
    } else {
        "WHERE ?2 IS NULL"
    };
    let sql = format!(
        "SELECT
            COALESCE(SUM(CASE WHEN {n} THEN c.cases ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN {w} THEN c.cases ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN {o} THEN c.cases ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN c.suspended THEN c.cases ELSE 0 END), 0)
         FROM (SELECT unit, NULLIF(deadline, '') AS deadline, NULLIF(warn_from, '') AS warn_from,
                      suspended, cases FROM case_sla_tally) c {only_unit}",
        n = crate::sla_clock_condition(SlaStatus::Normal, "?1"),
        w = crate::sla_clock_condition(SlaStatus::Warning, "?1"),
        o = crate::sla_clock_condition(SlaStatus::Overdue, "?1"),
    );
    let counts = c
        .prepare_cached(&sql)?
        .query_row(params![today, unit], |r| {
            Ok(SlaCounts {
                normal: r.get(0)?,
                warning: r.get(1)?,
                overdue: r.get(2)?,
                paused: r.get(3)?,
            })
        })?;
    Ok(counts)
}

#[async_trait]
impl crate::CaseStore for super::SqliteStore {
    async fn create_case(&self, new: &crate::NewCase) -> Result<(crate::CaseRecord, bool)> {
        let new = new.clone();
        let (record, created) = self.write(move |tx| cases::create(tx, &new)).await?;
        self.recent.put(&record);
        Ok((record, created))
    }

    async fn update_case(&self, update: &crate::CaseUpdate) -> Result<crate::CaseRecord> {
        let id = update.id;
        let update = update.clone();
        match self.write(move |tx| cases::update(tx, &update)).await {
            Ok(record) => {
                self.recent.put(&record);
                Ok(record)
            }
            Err(e) => {
                self.recent.forget(id);
                Err(e)
            }
        }
    }

    async fn case(&self, id: i64) -> Result<crate::CaseRecord> {
        self.quick(move |c| cases::load_case(c, id)).await
    }

    async fn case_for_change(&self, id: i64) -> Result<crate::CaseRecord> {
        match self.recent.get(id) {
            Some(record) => Ok(record),
            None => self.case(id).await,
        }
    }

    async fn case_by_receipt(&self, receipt_no: &str) -> Result<crate::CaseRecord> {
        let r = receipt_no.to_owned();
        self.quick(move |c| cases::load_by_receipt(c, &r)).await
    }

    async fn case_events(&self, id: i64) -> Result<Vec<crate::CaseEvent>> {
        self.quick(move |c| now(shared::events(&Lite(c), id))).await
    }

    async fn list_cases(&self, filter: &crate::CaseFilter) -> Result<Vec<crate::CaseRecord>> {
        let f = filter.clone();
        self.call(move |c| cases::list(c, &f)).await
    }

    async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<crate::CaseRecord>> {
        let unit = unit.to_owned();
        self.quick(move |c| cases::inbox(c, &unit, limit, offset))
            .await
    }

    async fn sla_counts(
        &self,
        today: chrono::NaiveDate,
        unit: Option<&str>,
    ) -> Result<crate::SlaCounts> {
        let unit = unit.map(str::to_owned);
        self.quick(move |c| cases::sla_counts(c, today, unit.as_deref()))
            .await
    }

    async fn overdue_supplements(&self, today: chrono::NaiveDate) -> Result<Vec<i64>> {
        self.call(move |c| now(shared::overdue_supplements(&Lite(c), today)))
            .await
    }

    async fn broken_commitments(&self) -> Result<Vec<crate::BrokenCommitment>> {
        self.call(|c| now(shared::broken_commitments(&Lite(c))))
            .await
    }

    async fn record_visit(&self, visit: &crate::Visit) -> Result<i64> {
        let v = visit.clone();
        self.write(move |tx| now(shared::record_visit(&Lite(tx), &v)))
            .await
    }

    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<crate::Visit>> {
        let unit = unit.to_owned();
        self.call(move |c| now(shared::visits(&Lite(c), &unit, limit)))
            .await
    }

    async fn case_scoped(&self, id: i64, scope: &crate::Scope) -> Result<crate::CaseRecord> {
        let scope = scope.clone();
        self.quick(move |c| cases::load_scoped(c, id, &scope)).await
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
