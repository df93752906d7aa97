//! The sqlite backend's CatalogStore; the SQL is `sql::catalog`'s.

use super::*;

use crate::sql::{Lite, catalog, now};

#[async_trait]
impl crate::CatalogStore for super::SqliteStore {
    async fn certificates(&self) -> Result<Vec<Certificate>> {
        self.call(|c| now(catalog::certificates(&Lite(c)))).await
    }

    async fn matters(&self) -> Result<Vec<MatterVersion>> {
        self.call(|c| now(catalog::matters(&Lite(c)))).await
    }

    async fn matter_heads(&self) -> Result<Vec<(String, u32)>> {
        self.quick(|c| now(catalog::matter_heads(&Lite(c)))).await
    }

    async fn matter(&self, code: &MatterCode, version: Option<u32>) -> Result<MatterVersion> {
        let code = code.clone();
        self.quick(move |c| now(catalog::matter(&Lite(c), &code, version)))
            .await
    }

    async fn matter_versions(&self, code: &MatterCode) -> Result<Vec<MatterVersion>> {
        let code = code.clone();
        self.call(move |c| now(catalog::matter_versions(&Lite(c), &code)))
            .await
    }

    async fn put_matter(
        &self,
        matter: &Matter,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<MatterVersion> {
        let (matter, actor) = (matter.clone(), actor.clone());
        self.write(move |tx| now(catalog::put_matter(&Lite(tx), &matter, &actor, at)))
            .await
    }

    async fn import_catalog(
        &self,
        catalog: &Catalog,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<ImportReport> {
        let (cat, actor) = (catalog.clone(), actor.clone());
        self.write(move |tx| now(catalog::import(&Lite(tx), &cat, &actor, at)))
            .await
    }
}
