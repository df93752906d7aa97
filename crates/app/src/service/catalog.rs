//! The published catalog as the public pages read it: the newest version of
//! every matter and a search index over them. Building the index cuts every
//! matter's text into words with jieba, so it is built once and kept until
//! the catalog changes. Which version of which matter is published tells
//! when it has (published versions never change), even when another process
//! (an Excel import from the CLI) changed it; the store answers that from
//! two columns, without reading the matters.

use std::sync::Arc;

use domain::catalog::search::{Hit, SearchIndex};
use domain::catalog::{Matter, MatterCode};
use store::MatterVersion;

use super::{Result, ServiceError, Services};

/// The newest version of every matter, ordered by code, with its search index.
pub struct CatalogSnapshot {
    /// The code and version of each matter in `versions`, sorted.
    heads: Vec<(String, u32)>,
    /// The matters' newest versions, ordered by code.
    pub versions: Vec<MatterVersion>,
    index: SearchIndex,
}

impl std::fmt::Debug for CatalogSnapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogSnapshot")
            .field("matters", &self.versions.len())
            .finish_non_exhaustive()
    }
}

impl CatalogSnapshot {
    /// The matters matching `query`, best first, at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.index.search(query, limit)
    }

    /// The matter with this code, if published.
    pub fn matter(&self, code: &MatterCode) -> Option<&Matter> {
        self.versions
            .binary_search_by(|v| v.matter.code.cmp(code))
            .ok()
            .and_then(|i| self.versions.get(i))
            .map(|v| &v.matter)
    }
}

/// The last snapshot built, shared by every request of one process.
pub type CatalogCache = super::kept::Kept<CatalogSnapshot>;

impl Services {
    /// The published catalog with its search index, rebuilt only when the
    /// catalog changed since the last call.
    pub async fn catalog_snapshot(&self) -> Result<Arc<CatalogSnapshot>> {
        let mut heads = self.store.matter_heads().await?;
        heads.sort_unstable();
        if let Some(cached) = self.catalog_cache.get().filter(|c| c.heads == heads) {
            return Ok(cached);
        }
        let mut versions = self.store.matters().await?;
        versions.sort_by(|a, b| a.matter.code.cmp(&b.matter.code));
        let mut heads: Vec<_> = versions
            .iter()
            .map(|v| (v.matter.code.as_str().to_owned(), v.version))
            .collect();
        heads.sort_unstable();
        let snapshot = tokio::task::spawn_blocking(move || {
            let matters: Vec<Matter> = versions.iter().map(|v| v.matter.clone()).collect();
            CatalogSnapshot {
                heads,
                index: SearchIndex::build(&matters),
                versions,
            }
        })
        .await
        .map_err(|e| {
            ServiceError::Store(store::StoreError::Backend(format!(
                "building the search index failed: {e}"
            )))
        })?;
        let snapshot = Arc::new(snapshot);
        tracing::info!(
            matters = snapshot.versions.len(),
            "catalog search index built"
        );
        self.catalog_cache.set(Some(snapshot.clone()));
        Ok(snapshot)
    }
}
