//! The postgres backend's CatalogStore.

use super::*;

#[async_trait]
impl crate::CatalogStore for super::PostgresStore {
    async fn certificates(&self) -> Result<Vec<Certificate>> {
        load_certificates(&self.pool.get().await?).await
    }

    async fn matters(&self) -> Result<Vec<MatterVersion>> {
        self.version_rows(
            "SELECT v.version, v.published_at, v.body FROM matters m
             JOIN matter_versions v ON v.code = m.code AND v.version = m.version ORDER BY m.code",
            &[],
        )
        .await
    }

    async fn matter_heads(&self) -> Result<Vec<(String, u32)>> {
        let client = self.pool.get().await?;
        let st = client
            .prepare_cached("SELECT code, version FROM matters ORDER BY code")
            .await?;
        client
            .query(&st, &[])
            .await?
            .iter()
            .map(|r| {
                let version: i32 = r.try_get(1)?;
                Ok((r.try_get(0)?, u32::try_from(version).map_err(backend)?))
            })
            .collect()
    }

    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion> {
        let found = match version {
            None => latest(&self.pool.get().await?, code.as_str()).await?,
            Some(v) => {
                let v = i32::try_from(v).map_err(backend)?;
                self.version_rows(
                    "SELECT version, published_at, body FROM matter_versions WHERE code = $1 AND version = $2",
                    &[&code.as_str(), &v],
                )
                .await?
                .pop()
            }
        };
        found.ok_or_else(|| StoreError::NotFound(format!("事项 {code}")))
    }

    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>> {
        let out = self
            .version_rows(
                "SELECT version, published_at, body FROM matter_versions WHERE code = $1 ORDER BY version",
                &[&code.as_str()],
            )
            .await?;
        if out.is_empty() {
            return Err(StoreError::NotFound(format!("事项 {code}")));
        }
        Ok(out)
    }

    async fn put_matter(
        &self,
        matter: &Matter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MatterVersion> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        check_matter(
            matter,
            &unit_codes(&tx).await?,
            &load_certificates(&tx).await?,
        )?;
        let (_, v) = publish(&tx, matter, actor, now).await?;
        tx.commit().await?;
        Ok(v)
    }

    async fn import_catalog(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<ImportReport> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let report = import(&tx, catalog, actor, now).await?;
        tx.commit().await?;
        Ok(report)
    }
}
