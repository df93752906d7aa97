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
mod auth;
mod bulk;
mod cases;
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

#[async_trait]
impl Store for PostgresStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT code, name, kind, parent, example FROM units ORDER BY code",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let kind: &str = r.get(2);
                Ok(Unit {
                    code: UnitCode::parse(r.get(0)).map_err(backend)?,
                    name: r.get(1),
                    kind: UnitKind::parse(kind).ok_or_else(|| bad_enum("unit kind", kind))?,
                    parent: r
                        .get::<_, Option<&str>>(3)
                        .map(UnitCode::parse)
                        .transpose()
                        .map_err(backend)?,
                    example: r.get(4),
                })
            })
            .collect()
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let after = serde_json::to_string(unit).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT json_build_object('code', code, 'name', name, 'kind', kind, 'parent', parent, 'example', example)::text
                 FROM units WHERE code = $1",
                &[&unit.code.as_str()],
            )
            .await?
            .map(|r| r.get::<_, String>(0));
        insert_unit(&tx, unit).await?;
        let e = entry(
            actor,
            "unit",
            unit.code.as_str(),
            "put",
            before,
            Some(after),
        );
        append_audit(&tx, &e, now).await?;
        Ok(tx.commit().await?)
    }

    async fn users(&self) -> Result<Vec<User>> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT username, display_name, unit, role FROM users ORDER BY username",
                &[],
            )
            .await?;
        rows.iter()
            .map(|r| {
                let role: &str = r.get(3);
                Ok(User {
                    username: r.get(0),
                    display_name: r.get(1),
                    unit: UnitCode::parse(r.get(2)).map_err(backend)?,
                    role: Role::parse(role).ok_or_else(|| bad_enum("role", role))?,
                })
            })
            .collect()
    }

    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let after = serde_json::to_string(user).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT json_build_object('username', username, 'display_name', display_name, 'unit', unit, 'role', role)::text
                 FROM users WHERE username = $1",
                &[&user.username],
            )
            .await?
            .map(|r| r.get::<_, String>(0));
        insert_user(&tx, user, now).await?;
        let e = entry(actor, "user", &user.username, "put", before, Some(after));
        append_audit(&tx, &e, now).await?;
        Ok(tx.commit().await?)
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        let client = self.pool.get().await?;
        let rows = client
            .query("SELECT arrangement FROM calendar_years ORDER BY year", &[])
            .await?;
        rows.iter()
            .map(|r| serde_json::from_value(r.get::<_, serde_json::Value>(0)).map_err(json_err))
            .collect()
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let body = serde_json::to_value(year).map_err(json_err)?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let before = tx
            .query_opt(
                "SELECT arrangement FROM calendar_years WHERE year = $1",
                &[&year.year],
            )
            .await?
            .map(|r| r.get::<_, serde_json::Value>(0).to_string());
        let who = entry(
            actor,
            "calendar",
            &year.year.to_string(),
            "load",
            before,
            Some(body.to_string()),
        );
        append_audit(&tx, &who, now).await?;
        tx
            .execute(
                "INSERT INTO calendar_years (year, arrangement, loaded_at) VALUES ($1, $2, $3)
                 ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, loaded_at = excluded.loaded_at",
                &[&year.year, &body, &now],
            )
            .await?;
        Ok(tx.commit().await?)
    }

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

    async fn create_case(&self, new: &crate::NewCase) -> Result<(crate::CaseRecord, bool)> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = cases::create(&tx, new).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn update_case(&self, update: &crate::CaseUpdate) -> Result<crate::CaseRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = cases::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn case(&self, id: i64) -> Result<crate::CaseRecord> {
        cases::load_case(&self.pool.get().await?, id, false).await
    }

    async fn case_by_receipt(&self, receipt_no: &str) -> Result<crate::CaseRecord> {
        cases::load_by_receipt(&self.pool.get().await?, receipt_no).await
    }

    async fn case_events(&self, id: i64) -> Result<Vec<crate::CaseEvent>> {
        cases::events(&self.pool.get().await?, id).await
    }

    async fn list_cases(&self, filter: &crate::CaseFilter) -> Result<Vec<crate::CaseRecord>> {
        cases::list(&self.pool.get().await?, filter).await
    }

    async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<crate::CaseRecord>> {
        cases::inbox(&self.pool.get().await?, unit, limit, offset).await
    }

    async fn sla_counts(
        &self,
        today: chrono::NaiveDate,
        unit: Option<&str>,
    ) -> Result<crate::SlaCounts> {
        cases::sla_counts(&self.pool.get().await?, today, unit).await
    }

    async fn overdue_supplements(&self, today: chrono::NaiveDate) -> Result<Vec<i64>> {
        cases::overdue_supplements(&self.pool.get().await?, today).await
    }

    async fn broken_commitments(&self) -> Result<Vec<crate::BrokenCommitment>> {
        cases::broken_commitments(&self.pool.get().await?).await
    }

    async fn record_visit(&self, visit: &crate::Visit) -> Result<i64> {
        cases::record_visit(&self.pool.get().await?, visit).await
    }

    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<crate::Visit>> {
        cases::visits(&self.pool.get().await?, unit, limit).await
    }

    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES ($1, $2, $3)",
                &[&token_hash, &username, &now],
            )
            .await?;
        Ok(())
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        let client = self.pool.get().await?;
        let st = client
            .prepare_cached(
                "SELECT u.username, u.display_name, u.unit, u.role, n.kind FROM api_tokens t
                 JOIN users u ON u.username = t.username JOIN units n ON n.code = u.unit
                 WHERE t.token_hash = $1 AND NOT u.disabled",
            )
            .await?;
        let row = client
            .query_opt(&st, &[&token_hash])
            .await?
            .ok_or_else(|| StoreError::NotFound("API 令牌".into()))?;
        let role: &str = row.get(3);
        let kind: &str = row.get(4);
        let user = User {
            username: row.get(0),
            display_name: row.get(1),
            unit: UnitCode::parse(row.get(2)).map_err(backend)?,
            role: Role::parse(role).ok_or_else(|| bad_enum("role", role))?,
        };
        let kind = UnitKind::parse(kind).ok_or_else(|| bad_enum("unit kind", kind))?;
        Ok((user, kind))
    }

    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        cases::audit_records(&self.pool.get().await?, after_seq, limit).await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        cases::audit_head(&self.pool.get().await?).await
    }

    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool> {
        let data = Defaults::load()?;
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        if tx
            .query_opt("SELECT 1 FROM seed_state WHERE name = 'defaults'", &[])
            .await?
            .is_some()
        {
            return Ok(false);
        }
        for u in &data.units {
            insert_unit(&tx, u).await?;
        }
        for u in &data.users {
            insert_user(&tx, u, now).await?;
        }
        import(&tx, &data.catalog, &Actor::system(), now).await?;
        tx.execute(
            "INSERT INTO seed_state (name, seeded_at) VALUES ('defaults', $1)",
            &[&now],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[crate::NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Attachment>> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = attachments::add(&tx, case_id, files, actor, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<crate::Attachment>> {
        attachments::list(&self.pool.get().await?, case_id).await
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        auth::account(&self.pool.get().await?, username).await
    }

    async fn create_account(
        &self,
        account: &crate::NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::create_account(&tx, account, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::set_password(&tx, username, password_hash, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        auth::set_disabled(&tx, username, disabled, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_session(&self, session: &crate::NewSession) -> Result<()> {
        auth::create_session(&self.pool.get().await?, session).await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<crate::Session> {
        auth::session(&self.pool.get().await?, id_hash, now).await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        auth::touch_session(&self.pool.get().await?, id_hash, idle_until).await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        auth::delete_session(&self.pool.get().await?, id_hash).await
    }

    async fn record_login_attempt(&self, attempt: &crate::LoginAttempt) -> Result<()> {
        auth::record_attempt(&self.pool.get().await?, attempt).await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        auth::failures(&self.pool.get().await?, username, ip, since).await
    }

    async fn case_scoped(&self, id: i64, scope: &crate::Scope) -> Result<crate::CaseRecord> {
        cases::load_scoped(&self.pool.get().await?, id, scope).await
    }

    async fn bulk_load_cases(
        &self,
        cases: Vec<crate::NewCase>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<i64>> {
        bulk::load(self, cases, actor, at).await
    }

    // --- 好差评 (ratings and rectifications)

    async fn create_rating(
        &self,
        rating: &crate::NewRating,
        order: Option<&domain::evaluation::Rectification>,
        actor: &Actor,
    ) -> Result<crate::RatingRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::create(&tx, rating, order, actor).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        ratings::rating(&self.pool.get().await?, id).await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        ratings::rating_of(&self.pool.get().await?, subject).await
    }

    async fn ratings(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::RatingRecord>> {
        ratings::ratings(&self.pool.get().await?, from, to).await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        ratings::rectification(&self.pool.get().await?, id, unit, false).await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        ratings::rectifications(&self.pool.get().await?, filter).await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = ratings::token(&tx, case_id, fresh, at).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        ratings::case_by_token(&self.pool.get().await?, token).await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        ratings::visit(&self.pool.get().await?, id).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        ratings::unrated_visits(&self.pool.get().await?, unit, limit).await
    }

    async fn concluded_counts(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        ratings::concluded_counts(&self.pool.get().await?, from, to).await
    }

    async fn create_ticket(&self, new: &crate::NewTicket) -> Result<crate::TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::create(&tx, new).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn update_ticket(&self, update: &crate::TicketUpdate) -> Result<crate::TicketRecord> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let out = tickets::update(&tx, update).await?;
        tx.commit().await?;
        Ok(out)
    }

    async fn ticket(&self, id: i64) -> Result<crate::TicketRecord> {
        tickets::load(&self.pool.get().await?, id).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<crate::TicketEventRecord>> {
        tickets::events(&self.pool.get().await?, id).await
    }

    async fn list_tickets(&self, filter: &crate::TicketFilter) -> Result<Vec<crate::TicketRecord>> {
        tickets::list(&self.pool.get().await?, filter).await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        tickets::put_key(&tx, name, key_hash, actor, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        tickets::key(&self.pool.get().await?, key_hash).await
    }
}
