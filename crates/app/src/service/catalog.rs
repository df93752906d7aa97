//! The published catalog as the public pages read it: the newest version of
//! every matter and a search index over them. Building the index cuts every
//! matter's text into words with jieba, so it is built once and kept until
//! the catalog changes; the catalog's fingerprint (how many matters, the sum
//! of their version numbers and the newest publication time) tells when it
//! has, even when another process (an Excel import from the CLI) changed it.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use domain::catalog::search::{Hit, SearchIndex};
use domain::catalog::{Matter, MatterCode};
use store::MatterVersion;

use super::{Result, ServiceError, Services};

/// What identifies one state of the published catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    matters: usize,
    version_sum: u64,
    newest: Option<DateTime<Utc>>,
}

impl Fingerprint {
    fn of(versions: &[MatterVersion]) -> Self {
        Self {
            matters: versions.len(),
            version_sum: versions.iter().map(|v| u64::from(v.version)).sum(),
            newest: versions.iter().map(|v| v.published_at).max(),
        }
    }
}

/// The newest version of every matter, ordered by code, with its search index.
pub struct CatalogSnapshot {
    fingerprint: Fingerprint,
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
#[derive(Debug, Default)]
pub struct CatalogCache(RwLock<Option<Arc<CatalogSnapshot>>>);

impl CatalogCache {
    fn current(&self) -> Option<Arc<CatalogSnapshot>> {
        match self.0.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn replace(&self, snapshot: Arc<CatalogSnapshot>) {
        match self.0.write() {
            Ok(mut c) => *c = Some(snapshot),
            Err(p) => *p.into_inner() = Some(snapshot),
        }
    }
}

impl Services {
    /// The published catalog with its search index, rebuilt only when the
    /// catalog changed since the last call.
    pub async fn catalog_snapshot(&self) -> Result<Arc<CatalogSnapshot>> {
        let mut versions = self.store.matters().await?;
        let fingerprint = Fingerprint::of(&versions);
        if let Some(cached) = self
            .catalog_cache
            .current()
            .filter(|c| c.fingerprint == fingerprint)
        {
            return Ok(cached);
        }
        versions.sort_by(|a, b| a.matter.code.cmp(&b.matter.code));
        let snapshot = tokio::task::spawn_blocking(move || {
            let matters: Vec<Matter> = versions.iter().map(|v| v.matter.clone()).collect();
            CatalogSnapshot {
                fingerprint,
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
        self.catalog_cache.replace(snapshot.clone());
        Ok(snapshot)
    }
}
