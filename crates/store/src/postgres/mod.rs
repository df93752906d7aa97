//! The PostgreSQL backend, for when one machine's SQLite file is not enough.

use crate::catalog_rules::{Defaults, Publish, check_import, check_matter, next_version};
use crate::{Actor, ImportReport, MatterVersion, Result, Store, StoreError};
use async_trait::async_trait;
use cases::{append_audit, entry};
use chrono::{DateTime, Utc};
use deadpool_postgres::{
    GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod, Transaction,
};
use domain::calendar::YearArrangement;
use domain::catalog::{Catalog, Certificate, Matter, MatterCode};
use domain::unit::{Role, Unit, UnitCode, UnitKind, User};
use std::collections::HashSet;
use tokio_postgres::Row;

mod attachments;
mod audit;
mod auth;
mod bulk;
mod cases;
mod catalog;
mod org;
mod ratings;
mod tickets;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// Serialises migrations and seeding between processes opening one database.
const MIGRATION_LOCK: i64 = 0x6f6e_6577_696e;

/// A PostgreSQL database, through a connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        let conflict = e.code().is_some_and(|c| {
            *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
                || *c == tokio_postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
                || *c == tokio_postgres::error::SqlState::FOREIGN_KEY_VIOLATION
        });
        if conflict {
            StoreError::Conflict(e.to_string())
        } else {
            StoreError::Backend(e.to_string())
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        StoreError::Backend(format!("connection pool: {e}"))
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Backend(format!("stored JSON does not parse: {e}"))
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names and migrates it.
    pub async fn connect(url: &str) -> Result<Self> {
        let config: tokio_postgres::Config = url.parse().map_err(backend)?;
        let manager = Manager::from_config(
            config,
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .build()
            .map_err(backend)?;
        let mut client = pool.get().await?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        let migrated = embedded::migrations::runner()
            .run_async(&mut **client)
            .await;
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
            .await?;
        migrated.map_err(|e| StoreError::Backend(format!("migration failed: {e}")))?;
        Ok(Self { pool })
    }

    async fn version_rows(
        &self,
        sql: &str,
        args: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> Result<Vec<MatterVersion>> {
        let client = self.pool.get().await?;
        client
            .query(sql, args)
            .await?
            .iter()
            .map(row_version)
            .collect()
    }
}

fn row_version(r: &Row) -> Result<MatterVersion> {
    let version: i32 = r.try_get(0)?;
    let body: serde_json::Value = r.try_get(2)?;
    Ok(MatterVersion {
        version: u32::try_from(version).map_err(backend)?,
        published_at: r.try_get(1)?,
        matter: serde_json::from_value(body).map_err(json_err)?,
    })
}

async fn unit_codes(c: &impl GenericClient) -> Result<HashSet<String>> {
    Ok(c.query("SELECT code FROM units", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect())
}

async fn load_certificates(c: &impl GenericClient) -> Result<Vec<Certificate>> {
    let rows = c
        .query(
            "SELECT code, name, issuer, basis FROM certificates ORDER BY code",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Certificate {
            code: r.get(0),
            name: r.get(1),
            issuer: r.get(2),
            basis: r.get(3),
        })
        .collect())
}

async fn latest(c: &impl GenericClient, code: &str) -> Result<Option<MatterVersion>> {
    c.query_opt(
        "SELECT v.version, v.published_at, v.body FROM matters m
         JOIN matter_versions v ON v.code = m.code AND v.version = m.version WHERE m.code = $1",
        &[&code],
    )
    .await?
    .as_ref()
    .map(row_version)
    .transpose()
}

async fn publish(
    tx: &Transaction<'_>,
    matter: &Matter,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Publish, MatterVersion)> {
    // Lock the matter's head row so two publishers cannot pick the same version.
    tx.execute(
        "SELECT 1 FROM matters WHERE code = $1 FOR UPDATE",
        &[&matter.code.as_str()],
    )
    .await?;
    let current = latest(tx, matter.code.as_str()).await?;
    let decision = next_version(current.as_ref().map(|v| (v.version, &v.matter)), matter);
    let version = match decision {
        Publish::Unchanged => {
            return current
                .map(|v| (decision, v))
                .ok_or_else(|| StoreError::Backend("unchanged matter has no version".into()));
        }
        Publish::Version(v) => v,
    };
    let body = serde_json::to_value(matter).map_err(json_err)?;
    let v = i32::try_from(version).map_err(backend)?;
    tx.execute(
        "INSERT INTO matter_versions (code, version, name, unit, category, body, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &matter.code.as_str(),
            &v,
            &matter.name,
            &matter.unit,
            &matter.category.as_str(),
            &body,
            &now,
        ],
    )
    .await?;
    tx.execute(
        "INSERT INTO matters (code, version) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET version = excluded.version",
        &[&matter.code.as_str(), &v],
    )
    .await?;
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
    )
    .await?;
    Ok((
        decision,
        MatterVersion {
            version,
            published_at: now,
            matter: matter.clone(),
        },
    ))
}

async fn import(
    tx: &Transaction<'_>,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    check_import(
        catalog,
        &unit_codes(tx).await?,
        &load_certificates(tx).await?,
    )?;
    let mut report = ImportReport::default();
    for c in &catalog.certificates {
        let before = tx
            .query_opt(
                "SELECT code, name, issuer, basis FROM certificates WHERE code = $1",
                &[&c.code],
            )
            .await?
            .map(|r| Certificate {
                code: r.get(0),
                name: r.get(1),
                issuer: r.get(2),
                basis: r.get(3),
            });
        let n = tx
            .execute(
                "INSERT INTO certificates (code, name, issuer, basis) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, basis = excluded.basis
                 WHERE (certificates.name, certificates.issuer, certificates.basis)
                       IS DISTINCT FROM (excluded.name, excluded.issuer, excluded.basis)",
                &[&c.code, &c.name, &c.issuer, &c.basis],
            )
            .await?;
        if n > 0 {
            let json = |c: &Certificate| serde_json::to_string(c).map_err(json_err);
            let before = before.as_ref().map(json).transpose()?;
            append_audit(
                tx,
                &entry(actor, "certificate", &c.code, "put", before, Some(json(c)?)),
                now,
            )
            .await?;
        }
        report.certificates += usize::from(n > 0);
    }
    for m in &catalog.matters {
        match publish(tx, m, actor, now).await? {
            (Publish::Unchanged, _) => report.unchanged += 1,
            (Publish::Version(1), _) => report.new_matters += 1,
            (Publish::Version(_), _) => report.new_versions += 1,
        }
    }
    Ok(report)
}

async fn insert_unit(tx: &Transaction<'_>, u: &Unit) -> Result<()> {
    let parent_kind = match &u.parent {
        Some(p) => {
            let row = tx
                .query_opt("SELECT kind FROM units WHERE code = $1", &[&p.as_str()])
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("上级单位 {p}")))?;
            UnitKind::parse(row.get::<_, &str>(0))
        }
        None => None,
    };
    if !u.kind.may_sit_under(parent_kind) {
        return Err(StoreError::Invalid(format!(
            "单位“{}”不能隶属于该上级单位",
            u.name
        )));
    }
    tx.execute(
        "INSERT INTO units (code, name, kind, parent, example) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             parent = excluded.parent, example = excluded.example",
        &[
            &u.code.as_str(),
            &u.name,
            &u.kind.as_str(),
            &u.parent.as_ref().map(UnitCode::as_str),
            &u.example,
        ],
    )
    .await?;
    Ok(())
}

async fn insert_user(tx: &Transaction<'_>, u: &User, now: DateTime<Utc>) -> Result<()> {
    if tx
        .query_opt("SELECT 1 FROM units WHERE code = $1", &[&u.unit.as_str()])
        .await?
        .is_none()
    {
        return Err(StoreError::NotFound(format!("单位 {}", u.unit)));
    }
    tx.execute(
        "INSERT INTO users (username, display_name, unit, role, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
             unit = excluded.unit, role = excluded.role",
        &[&u.username, &u.display_name, &u.unit.as_str(), &u.role.as_str(), &now],
    )
    .await?;
    Ok(())
}

fn bad_enum(what: &str, v: &str) -> StoreError {
    StoreError::Backend(format!("stored {what} `{v}` is not known"))
}

impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
}
