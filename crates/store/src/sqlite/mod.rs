//! The SQLite backend: one file in WAL mode, the default.

use crate::catalog_rules::{Publish, check_import, check_matter, next_version};
use crate::{Actor, ImportReport, MatterVersion, Result, Store, StoreError};
use async_trait::async_trait;
use cases::{append_audit, entry};
use chrono::{DateTime, Utc};
use domain::calendar::YearArrangement;
use domain::catalog::{Catalog, Certificate, Matter, MatterCode};
use domain::unit::{Role, Unit, UnitCode, UnitKind, User};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

mod attachments;
mod audit;
mod auth;
mod bulk;
mod cases;
mod catalog;
mod engine;
mod org;
mod ratings;
mod recent;
mod tickets;

mod embedded {
    refinery::embed_migrations!("migrations/sqlite");
}

/// A SQLite database file.
#[derive(Clone)]
pub struct SqliteStore {
    engine: Arc<engine::Engine>,
    recent: Arc<recent::Recent>,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                StoreError::Conflict(e.to_string())
            }
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("stored JSON does not parse: {e}"))
}

impl SqliteStore {
    /// Opens (creating if needed) the database file, migrates it and starts
    /// its writer thread.
    pub async fn open(path: &Path) -> Result<Self> {
        let path = path.to_owned();
        let engine = tokio::task::spawn_blocking(move || -> Result<Arc<engine::Engine>> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Backend(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let mut writer = engine::connect(&path)?;
            embedded::migrations::runner()
                .run(&mut writer)
                .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
            engine::Engine::start(&path, writer)
        })
        .await
        .map_err(|e| StoreError::Backend(e.to_string()))??;
        Ok(Self {
            engine,
            recent: Arc::new(recent::Recent::new()),
        })
    }

    /// Runs `f` on a reader connection on a blocking thread.
    async fn call<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.engine.read(f).await
    }

    /// Runs a short read (one row by its key, or one small page) on a free
    /// reader connection on the caller's own thread (see `Engine::read_quick`).
    async fn quick<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        self.engine.read_quick(f).await
    }

    /// Runs `f` inside the writer's next transaction (shared with other
    /// writes queued at the same moment, each in its own savepoint); returns
    /// once that transaction is committed. If `f` fails, nothing it did is kept.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    {
        self.engine.write(f).await
    }
}

fn unit_codes(c: &Connection) -> Result<HashSet<String>> {
    let mut st = c.prepare("SELECT code FROM units")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn load_certificates(c: &Connection) -> Result<Vec<Certificate>> {
    let mut st = c.prepare("SELECT code, name, issuer, basis FROM certificates ORDER BY code")?;
    let rows = st.query_map([], |r| {
        Ok(Certificate {
            code: r.get(0)?,
            name: r.get(1)?,
            issuer: r.get(2)?,
            basis: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row_version(version: u32, published_at: DateTime<Utc>, body: &str) -> Result<MatterVersion> {
    Ok(MatterVersion {
        version,
        published_at,
        matter: serde_json::from_str(body).map_err(json_err)?,
    })
}

fn latest(c: &Connection, code: &str) -> Result<Option<MatterVersion>> {
    c.query_row(
        "SELECT v.version, v.published_at, v.body FROM matters m
         JOIN matter_versions v ON v.code = m.code AND v.version = m.version WHERE m.code = ?1",
        [code],
        |r| {
            Ok((
                r.get::<_, u32>(0)?,
                r.get::<_, DateTime<Utc>>(1)?,
                r.get::<_, String>(2)?,
            ))
        },
    )
    .optional()?
    .map(|(v, at, body)| row_version(v, at, &body))
    .transpose()
}

fn upsert_certificate(
    tx: &Transaction<'_>,
    c: &Certificate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let before: Option<Certificate> = tx
        .query_row(
            "SELECT code, name, issuer, basis FROM certificates WHERE code = ?1",
            [&c.code],
            |r| {
                Ok(Certificate {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    issuer: r.get(2)?,
                    basis: r.get(3)?,
                })
            },
        )
        .optional()?;
    let n = tx.execute(
        "INSERT INTO certificates (code, name, issuer, basis) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, basis = excluded.basis
         WHERE (certificates.name, certificates.issuer, certificates.basis) IS NOT (excluded.name, excluded.issuer, excluded.basis)",
        params![c.code, c.name, c.issuer, c.basis],
    )?;
    if n > 0 {
        let json = |c: &Certificate| serde_json::to_string(c).map_err(json_err);
        let before = before.as_ref().map(json).transpose()?;
        append_audit(
            tx,
            &entry(actor, "certificate", &c.code, "put", before, Some(json(c)?)),
            now,
        )?;
    }
    Ok(n > 0)
}

/// Publishes `matter` inside `tx` once it has been validated.
fn publish(
    tx: &Transaction<'_>,
    matter: &Matter,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Publish, MatterVersion)> {
    let current = latest(tx, matter.code.as_str())?;
    let decision = next_version(current.as_ref().map(|v| (v.version, &v.matter)), matter);
    let version = match decision {
        Publish::Unchanged => {
            return current
                .map(|v| (decision, v))
                .ok_or_else(|| StoreError::Backend("unchanged matter has no version".into()));
        }
        Publish::Version(v) => v,
    };
    let body = serde_json::to_string(matter).map_err(json_err)?;
    tx.execute(
        "INSERT INTO matter_versions (code, version, name, unit, category, body, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            matter.code.as_str(),
            version,
            matter.name,
            matter.unit,
            matter.category.as_str(),
            body,
            now
        ],
    )?;
    tx.execute(
        "INSERT INTO matters (code, version) VALUES (?1, ?2)
         ON CONFLICT (code) DO UPDATE SET version = excluded.version",
        params![matter.code.as_str(), version],
    )?;
    let before = current
        .as_ref()
        .map(|v| serde_json::to_string(&v.matter))
        .transpose()
        .map_err(json_err)?;
    let after = serde_json::to_string(matter).map_err(json_err)?;
    let action = format!("publish v{version}");
    append_audit(
        tx,
        &entry(
            actor,
            "matter",
            matter.code.as_str(),
            &action,
            before,
            Some(after),
        ),
        now,
    )?;
    Ok((
        decision,
        MatterVersion {
            version,
            published_at: now,
            matter: matter.clone(),
        },
    ))
}

fn import(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    check_import(catalog, &unit_codes(tx)?, &load_certificates(tx)?)?;
    let mut report = ImportReport::default();
    for c in &catalog.certificates {
        report.certificates += usize::from(upsert_certificate(tx, c, actor, now)?);
    }
    for m in &catalog.matters {
        match publish(tx, m, actor, now)? {
            (Publish::Unchanged, _) => report.unchanged += 1,
            (Publish::Version(1), _) => report.new_matters += 1,
            (Publish::Version(_), _) => report.new_versions += 1,
        }
    }
    Ok(report)
}

fn insert_unit(tx: &Transaction<'_>, u: &Unit) -> Result<()> {
    let parent_kind: Option<String> = match &u.parent {
        Some(p) => Some(
            tx.query_row(
                "SELECT kind FROM units WHERE code = ?1",
                [p.as_str()],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound(format!("上级单位 {p}")))?,
        ),
        None => None,
    };
    let parent_kind = parent_kind.as_deref().and_then(UnitKind::parse);
    if !u.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(format!(
            "单位“{}”不能隶属于该上级单位",
            u.name
        )));
    }
    tx.execute(
        "INSERT INTO units (code, name, kind, parent, example) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, example = excluded.example",
        params![
            u.code.as_str(),
            u.name,
            u.kind.as_str(),
            u.parent.as_ref().map(UnitCode::as_str),
            u.example
        ],
    )?;
    Ok(())
}

fn insert_user(tx: &Transaction<'_>, u: &User, now: DateTime<Utc>) -> Result<()> {
    let known: Option<String> = tx
        .query_row(
            "SELECT code FROM units WHERE code = ?1",
            [u.unit.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    if known.is_none() {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, unit, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
             unit = excluded.unit, role = excluded.role",
        params![u.username, u.display_name, u.unit.as_str(), u.role.as_str(), now],
    )?;
    Ok(())
}

fn bad_enum(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} `{v}` is not known"))
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
