//! The shared SQL on SQLite: a connection of the writer thread or a reader
//! as a [`Db`], whose futures never wait.

use super::{Cells, Db, Json, Param};
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

/// `sql` with its `$n` placeholders written `?n`, as SQLite numbers them.
fn lite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

impl Lite<'_> {
    fn statement(&self, sql: &str) -> Result<rusqlite::CachedStatement<'_>> {
        Ok(self.0.prepare_cached(&lite_sql(sql))?)
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
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>> {
        Ok(self.get(i)?)
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>> {
        Ok(self.get(i)?)
    }
    fn time(&self, i: usize) -> Result<Option<DateTime<Utc>>> {
        Ok(self.get(i)?)
    }
    fn json_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.get(i)?)
    }
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
        collect(&mut self.0.prepare(&lite_sql(sql))?, params, map)
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
    use super::lite_sql;

    #[test]
    fn placeholders_become_sqlite_numbered_ones() {
        assert_eq!(
            lite_sql("SELECT a FROM t WHERE b = $2 AND c = $10 OR d = $1"),
            "SELECT a FROM t WHERE b = ?2 AND c = ?10 OR d = ?1"
        );
        assert_eq!(lite_sql("SELECT '$x'"), "SELECT '$x'");
    }
}
