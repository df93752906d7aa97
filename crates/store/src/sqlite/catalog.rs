//! The sqlite backend's CatalogStore.

use super::*;

#[async_trait]
impl crate::CatalogStore for super::SqliteStore {
    async fn certificates(&self) -> Result<Vec<Certificate>> {
        self.call(|c| load_certificates(c)).await
    }

    async fn matters(&self) -> Result<Vec<MatterVersion>> {
        self.call(|c| {
            let mut st = c.prepare(
                "SELECT v.version, v.published_at, v.body FROM matters m
                 JOIN matter_versions v ON v.code = m.code AND v.version = m.version ORDER BY m.code",
            )?;
            let rows = st.query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (v, at, body) = row?;
                out.push(row_version(v, at, &body)?);
            }
            Ok(out)
        })
        .await
    }

    async fn matter_heads(&self) -> Result<Vec<(String, u32)>> {
        self.quick(|c| {
            let mut st = c.prepare_cached("SELECT code, version FROM matters ORDER BY code")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion> {
        let code = code.clone();
        self.quick(move |c| {
            let found = match version {
                None => latest(c, code.as_str())?,
                Some(v) => c
                    .query_row(
                        "SELECT version, published_at, body FROM matter_versions WHERE code = ?1 AND version = ?2",
                        params![code.as_str(), v],
                        |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get::<_, String>(2)?)),
                    )
                    .optional()?
                    .map(|(v, at, body)| row_version(v, at, &body))
                    .transpose()?,
            };
            found.ok_or_else(|| StoreError::NotFound(format!("事项 {code}")))
        })
        .await
    }

    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>> {
        let code = code.clone();
        self.call(move |c| {
            let mut st = c.prepare(
                "SELECT version, published_at, body FROM matter_versions WHERE code = ?1 ORDER BY version",
            )?;
            let rows = st.query_map([code.as_str()], |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (v, at, body) = row?;
                out.push(row_version(v, at, &body)?);
            }
            if out.is_empty() {
                return Err(StoreError::NotFound(format!("事项 {code}")));
            }
            Ok(out)
        })
        .await
    }

    async fn put_matter(
        &self,
        matter: &Matter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MatterVersion> {
        let (matter, actor) = (matter.clone(), actor.clone());
        self.write(move |tx| {
            check_matter(&matter, &unit_codes(tx)?, &load_certificates(tx)?)?;
            Ok(publish(tx, &matter, &actor, now)?.1)
        })
        .await
    }

    async fn import_catalog(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportReport> {
        let (catalog, actor) = (catalog.clone(), actor.clone());
        self.write(move |tx| import(tx, &catalog, &actor, now))
            .await
    }
}
