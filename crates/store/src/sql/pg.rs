//! The shared SQL on PostgreSQL: a pooled client or a transaction as a
//! [`Db`]; JSON bound and read as JSONB.

use super::{Cells, Db, Json, Param, cells_read_by};
use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::GenericClient;
use tokio_postgres::types::{FromSql, IsNull, ToSql as PgToSql, Type, to_sql_checked};

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
    fn json_text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get::<_, Option<PgJsonText>>(i)?.map(|j| j.0))
    }
    cells_read_by!(try_get:
        text -> String,
        boolean -> bool,
        date -> NaiveDate,
        time -> DateTime<Utc>,
        bytes -> Vec<u8>,
    );
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
