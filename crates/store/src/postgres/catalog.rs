//! The postgres backend's CatalogStore; the SQL is `sql::catalog`'s.

use super::*;

use crate::sql::{Pg, catalog};

#[async_trait]
impl crate::CatalogStore for super::PostgresStore {
    async fn certificates(&self) -> Result<Vec<Certificate>> {
        catalog::certificates(&Pg(&self.pool.get().await?)).await
    }

    async fn matters(&self) -> Result<Vec<MatterVersion>> {
        catalog::matters(&Pg(&self.pool.get().await?)).await
    }

    async fn matter_heads(&self) -> Result<Vec<(String, u32)>> {
        catalog::matter_heads(&Pg(&self.pool.get().await?)).await
    }

    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion> {
        catalog::matter(&Pg(&self.pool.get().await?), code, version).await
    }

    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>> {
        catalog::matter_versions(&Pg(&self.pool.get().await?), code).await
    }

    async fn put_matter(
        &self,
        matter: &Matter,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<MatterVersion> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let v = catalog::put_matter(&Pg(&tx), matter, actor, now).await?;
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
        let report = catalog::import(&Pg(&tx), catalog, actor, now).await?;
        tx.commit().await?;
        Ok(report)
    }
}
