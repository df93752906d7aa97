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
//! placeholders, first appearing in that order (SQLite numbers them so;
//! debug builds check it),
//! `CAST(… AS TEXT)` where PostgreSQL needs a parameter's type, JSON bound
//! through [`Json`] and read with [`Cells`]'s `json`. What one backend alone
//! has (row locks, the audit chain's advisory lock) is a method of [`Db`].

pub(crate) mod attachments;
pub(crate) mod audit;
pub(crate) mod auth;
pub(crate) mod cases;
pub(crate) mod catalog;
mod lite;
pub(crate) mod org;
mod pg;
pub(crate) mod ratings;
pub(crate) mod tickets;

pub(crate) use lite::{Lite, now};
pub(crate) use pg::Pg;

use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use tokio_postgres::types::ToSql as PgToSql;

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

/// `Cells` getters that each read their column as its Rust type with the
/// backend row's own `$get` (the rest each backend writes itself).
macro_rules! cells_read_by {
    ($get:ident: $($name:ident -> $t:ty),+ $(,)?) => {$(
        fn $name(&self, i: usize) -> Result<Option<$t>> {
            Ok(self.$get(i)?)
        }
    )+};
}
pub(crate) use cells_read_by;

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
