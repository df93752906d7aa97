//! SQL written once for both backends.
//!
//! An area's queries and the logic around them (the checks before a write,
//! its audit entry, the conflict it reports) are written here once, as
//! `async` functions over [`Db`]. Each backend passes its own handle: on
//! PostgreSQL [`Pg`] wraps a pooled client or a transaction and awaits the
//! server; on SQLite [`Lite`] wraps a connection of the writer thread or a
//! reader, whose futures are always ready, so [`now`] runs them in place.
//!
//! The statements are written in the dialect both speak: `$1`, `$2`, …
//! placeholders (turned into SQLite's `?1`, `?2`, … when prepared),
//! `CAST(… AS TEXT)` where PostgreSQL needs a parameter's type, JSON bound
//! through [`Json`] and read with [`Cells`]'s `json`. What one backend alone
//! has (row locks, the audit chain's advisory lock) is a method of [`Db`].

pub(crate) mod attachments;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod catalog;
pub(crate) mod org;
pub(crate) mod ratings;
pub(crate) mod tickets;

use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use tokio_postgres::types::{FromSql, IsNull, ToSql as PgToSql, Type, to_sql_checked};

/// A value bound to a statement on either backend.
pub(crate) trait Param: Sync {
    /// The value as SQLite binds it.
    fn lite(&self) -> &dyn rusqlite::ToSql;
    /// The value as PostgreSQL binds it.
    fn pg(&self) -> &(dyn PgToSql + Sync);
}

impl<T: rusqlite::ToSql + PgToSql + Sync> Param for T {
    fn lite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn pg(&self) -> &(dyn PgToSql + Sync) {
        self
    }
}

/// JSON text, bound as TEXT on SQLite and as JSONB on PostgreSQL.
#[derive(Debug)]
pub(crate) struct Json(pub String);

impl Json {
    /// The JSON of a value.
    pub(crate) fn of(v: &impl serde::Serialize) -> Result<Self> {
        serde_json::to_string(v).map(Json).map_err(crate::json_err)
    }
}

impl rusqlite::ToSql for Json {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        rusqlite::ToSql::to_sql(&self.0)
    }
}

impl PgToSql for Json {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        if *ty == Type::JSONB {
            // JSONB's binary form: a version byte, then the text.
            out.extend_from_slice(&[1]);
        }
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB)
    }

    to_sql_checked!();
}

/// JSON or JSONB as PostgreSQL sends it: the text, as stored.
struct PgJsonText(String);

impl<'a> FromSql<'a> for PgJsonText {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let text = if *ty == Type::JSONB {
            raw.strip_prefix(&[1]).ok_or("unknown JSONB version")?
        } else {
            raw
        };
        Ok(PgJsonText(std::str::from_utf8(text)?.to_owned()))
    }

    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::JSON | Type::JSONB)
    }
}

/// The cells of one result row, by column index; `None` for NULL.
pub(crate) trait Cells {
    /// An integer column of any width.
    fn int(&self, i: usize) -> Result<Option<i64>>;
    /// A text column.
    fn text(&self, i: usize) -> Result<Option<String>>;
    /// A boolean column (an integer 0 or 1 on SQLite).
    fn boolean(&self, i: usize) -> Result<Option<bool>>;
    /// A date column.
    fn date(&self, i: usize) -> Result<Option<NaiveDate>>;
    /// A timestamp column.
    fn time(&self, i: usize) -> Result<Option<DateTime<Utc>>>;
    /// A JSON column's text, as stored.
    fn json_text(&self, i: usize) -> Result<Option<String>>;
    /// A binary column.
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>>;
}

impl dyn Cells + '_ {
    /// Column `i` as a `T`.
    pub(crate) fn get<T: FromCell>(&self, i: usize) -> Result<T> {
        T::from_cell(self, i)
    }

    /// Column `i`, a JSON column, parsed into a `T`.
    pub(crate) fn json<T: serde::de::DeserializeOwned>(&self, i: usize) -> Result<T> {
        serde_json::from_str(&self.json_raw(i)?).map_err(crate::json_err)
    }

    /// Column `i`, a JSON column, as the text stored.
    pub(crate) fn json_raw(&self, i: usize) -> Result<String> {
        self.json_text(i)?.ok_or_else(|| null(i))
    }
}

/// A Rust value read from one cell.
pub(crate) trait FromCell: Sized {
    /// Reads column `i` of `row`.
    fn from_cell(row: &dyn Cells, i: usize) -> Result<Self>;
}

/// A stored label (a role, a unit kind, …) this build does not know.
pub(crate) fn bad_enum(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} `{v}` is not known"))
}

fn null(i: usize) -> StoreError {
    StoreError::Backend(format!("column {i} is NULL"))
}

macro_rules! from_cell {
    ($t:ty, $read:ident) => {
        impl FromCell for Option<$t> {
            fn from_cell(row: &dyn Cells, i: usize) -> Result<Self> {
                row.$read(i)
            }
        }
        impl FromCell for $t {
            fn from_cell(row: &dyn Cells, i: usize) -> Result<Self> {
                row.$read(i)?.ok_or_else(|| null(i))
            }
        }
    };
}

from_cell!(i64, int);
from_cell!(String, text);
from_cell!(bool, boolean);
from_cell!(NaiveDate, date);
from_cell!(DateTime<Utc>, time);
from_cell!(Vec<u8>, bytes);

macro_rules! narrow_int {
    ($t:ty) => {
        impl FromCell for $t {
            fn from_cell(row: &dyn Cells, i: usize) -> Result<Self> {
                let v: i64 = row.get(i)?;
                <$t>::try_from(v)
                    .map_err(|_| StoreError::Backend(format!("column {i}: {v} out of range")))
            }
        }
    };
}

narrow_int!(i32);
narrow_int!(u32);
narrow_int!(u64);

/// A database connection or transaction either backend hands to the shared
/// SQL. Every statement is prepared once per connection and cached.
pub(crate) trait Db {
    /// Every row `sql` returns, each read by `map`.
    async fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>>;

    /// Like [`Db::rows`], for a statement built for this one call (a filter's
    /// own combination of conditions): prepared without being cached, so
    /// such statements cannot fill a connection's cache.
    async fn rows_once<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>>;

    /// The first row `sql` returns, if any, read by `map`.
    async fn opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnOnce(&dyn Cells) -> Result<T>,
    ) -> Result<Option<T>>;

    /// Runs a statement; the number of rows it changed.
    async fn exec(&self, sql: &str, params: &[&dyn Param]) -> Result<u64>;

    /// What a `SELECT` appends to lock the rows it reads for the rest of the
    /// transaction: `FOR UPDATE` on PostgreSQL, nothing on SQLite (whose one
    /// writer holds the whole database).
    fn for_update(&self) -> &'static str;

    /// Waits until this transaction alone may append to the audit chain.
    async fn lock_audit(&self) -> Result<()>;

    /// Runs an `INSERT … RETURNING id`; the id.
    async fn insert(&self, sql: &str, params: &[&dyn Param]) -> Result<i64> {
        let missing = || StoreError::Backend("INSERT … RETURNING gave no row".into());
        self.one(sql, params, first, missing).await
    }

    /// The one row `sql` returns, read by `map`; `missing` when there is none.
    async fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnOnce(&dyn Cells) -> Result<T>,
        missing: impl FnOnce() -> StoreError,
    ) -> Result<T> {
        self.opt(sql, params, map).await?.ok_or_else(missing)
    }
}

/// Column 0 as a `T`: the mapper of a one-column query.
pub(crate) fn first<T: FromCell>(row: &dyn Cells) -> Result<T> {
    row.get(0)
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

/// A PostgreSQL client (pooled) or transaction as a [`Db`].
pub(crate) struct Pg<'a, C>(pub &'a C);

/// Serialises appends to the audit chain across PostgreSQL connections.
const AUDIT_LOCK: i64 = 0x6f77_6175_6469;

fn pg_params<'p>(params: &'p [&dyn Param]) -> Vec<&'p (dyn PgToSql + Sync)> {
    params.iter().map(|p| p.pg()).collect()
}

impl Cells for tokio_postgres::Row {
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(match *self.columns()[i].type_() {
            Type::INT2 => self.try_get::<_, Option<i16>>(i)?.map(i64::from),
            Type::INT4 => self.try_get::<_, Option<i32>>(i)?.map(i64::from),
            _ => self.try_get(i)?,
        })
    }
    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get(i)?)
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>> {
        Ok(self.try_get(i)?)
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>> {
        Ok(self.try_get(i)?)
    }
    fn time(&self, i: usize) -> Result<Option<DateTime<Utc>>> {
        Ok(self.try_get(i)?)
    }
    fn json_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get::<_, Option<PgJsonText>>(i)?.map(|j| j.0))
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.try_get(i)?)
    }
}

impl<C: GenericClient + Sync> Db for Pg<'_, C> {
    async fn rows<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        let st = self.0.prepare_cached(sql).await?;
        let rows = self.0.query(&st, &pg_params(params)).await?;
        rows.iter().map(|r| map(r)).collect()
    }

    async fn rows_once<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut map: impl FnMut(&dyn Cells) -> Result<T>,
    ) -> Result<Vec<T>> {
        let rows = self.0.query(sql, &pg_params(params)).await?;
        rows.iter().map(|r| map(r)).collect()
    }

    async fn opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        map: impl FnOnce(&dyn Cells) -> Result<T>,
    ) -> Result<Option<T>> {
        let st = self.0.prepare_cached(sql).await?;
        let row = self.0.query_opt(&st, &pg_params(params)).await?;
        row.as_ref().map(|r| map(r)).transpose()
    }

    async fn exec(&self, sql: &str, params: &[&dyn Param]) -> Result<u64> {
        let st = self.0.prepare_cached(sql).await?;
        Ok(self.0.execute(&st, &pg_params(params)).await?)
    }

    fn for_update(&self) -> &'static str {
        " FOR UPDATE"
    }

    async fn lock_audit(&self) -> Result<()> {
        self.exec("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
            .await?;
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
