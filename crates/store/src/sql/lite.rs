//! The shared SQL on SQLite: a connection of the writer thread or a reader
//! as a [`Db`], whose futures never wait.

use super::{Cells, Db, Json, Param, cells_read_by};
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

impl rusqlite::ToSql for Json {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        rusqlite::ToSql::to_sql(&self.0)
    }
}

/// Runs a future that never waits (the shared SQL on a SQLite connection)
/// to its end, on this thread.
pub(crate) fn now<T>(fut: impl Future<Output = T>) -> T {
    match pin!(fut).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => unreachable!("a SQLite statement never waits"),
    }
}
/// A SQLite connection (or transaction) as a [`Db`].
pub(crate) struct Lite<'a>(pub &'a rusqlite::Connection);

/// The placeholders of `sql` (`$1`, `$2`, …) in the order they first appear.
fn placeholders(sql: &str) -> Vec<usize> {
    let mut seen = Vec::new();
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        rest = &rest[at + 1..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse::<usize>()
            && !seen.contains(&n)
        {
            seen.push(n);
        }
    }
    seen
}

/// `sql` as SQLite takes it: as written. SQLite reads `$1` as a named
/// parameter and numbers named parameters in the order they first appear,
/// so binding by position is right when `$1`, `$2`, … first appear in that
/// order, as every statement of `sql/` is written (checked here in debug
/// builds, so every test run checks every statement it sends).
fn lite_sql(sql: &str) -> &str {
    debug_assert!(
        placeholders(sql)
            .iter()
            .copied()
            .eq(1..=placeholders(sql).len()),
        "placeholders must first appear as $1, $2, … in order: {sql}"
    );
    sql
}

impl Lite<'_> {
    fn statement(&self, sql: &str) -> Result<rusqlite::CachedStatement<'_>> {
        Ok(self.0.prepare_cached(lite_sql(sql))?)
    }
}

fn lite_params<'p>(params: &'p [&dyn Param]) -> Vec<&'p dyn rusqlite::ToSql> {
    params.iter().map(|p| p.lite()).collect()
}

fn collect<T>(
    st: &mut rusqlite::Statement<'_>,
    params: &[&dyn Param],
    mut map: impl FnMut(&dyn Cells) -> Result<T>,
) -> Result<Vec<T>> {
    let mut rows = st.query(lite_params(params).as_slice())?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(map(r)?);
    }
    Ok(out)
}

impl Cells for rusqlite::Row<'_> {
    cells_read_by!(get:
        int -> i64,
        text -> String,
        boolean -> bool,
        date -> NaiveDate,
        time -> DateTime<Utc>,
        json_text -> String,
        bytes -> Vec<u8>,
    );
}

impl Db for Lite<'_> {
    async fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        collect(&mut *self.statement(sql)?, params, map)
    }

    async fn rows_once<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        collect(&mut self.0.prepare(lite_sql(sql))?, params, map)
    }

    async fn opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnOnce(&dyn Cells) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut st = self.statement(sql)?;
        let mut rows = st.query(lite_params(params).as_slice())?;
        rows.next()?.map(|r| map(r)).transpose()
    }

    async fn exec(&self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        let n = self
            .statement(sql)?
            .execute(lite_params(params).as_slice())?;
        Ok(n as u64)
    }

    fn for_update(&self) -> &'static str {
        ""
    }

    async fn lock_audit(&self) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_listed_in_the_order_they_first_appear() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = $1 AND c = $2 OR d = $1 LIMIT $3"),
            vec![1, 2, 3]
        );
        assert_eq!(placeholders("WHERE b = $2 AND c = $1"), vec![2, 1]);
        assert_eq!(placeholders("SELECT '$x'"), Vec::<usize>::new());
    }
}
