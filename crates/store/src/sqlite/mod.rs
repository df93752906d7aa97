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
mod auth;
mod bulk;
mod cases;
mod engine;
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

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn units(&self) -> Result<Vec<Unit>> {
        self.call(|c| {
            let mut st = c.prepare_cached(
                "SELECT code, name, kind, parent, example FROM units ORDER BY code",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get(4)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (code, name, kind, parent, example) = row?;
                out.push(Unit {
                    code: UnitCode::parse(&code).map_err(|e| StoreError::Backend(e.to_string()))?,
                    name,
                    kind: UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))?,
                    parent: parent
                        .map(|p| UnitCode::parse(&p))
                        .transpose()
                        .map_err(|e| StoreError::Backend(e.to_string()))?,
                    example,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn put_unit(&self, unit: &Unit, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let unit = unit.clone();
        let actor = actor.clone();
        let after = serde_json::to_string(&unit).map_err(json_err)?;
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT json_object('code', code, 'name', name, 'kind', kind, 'parent', parent, 'example', json(CASE WHEN example THEN 'true' ELSE 'false' END))
                     FROM units WHERE code = ?1",
                    [unit.code.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            insert_unit(tx, &unit)?;
            let e = entry(&actor, "unit", unit.code.as_str(), "put", before, Some(after.clone()));
            append_audit(tx, &e, now)
        })
        .await
    }

    async fn users(&self) -> Result<Vec<User>> {
        self.call(|c| {
            let mut st = c.prepare(
                "SELECT username, display_name, unit, role FROM users ORDER BY username",
            )?;
            let rows = st.query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (username, display_name, unit, role) = row?;
                out.push(User {
                    username,
                    display_name,
                    unit: UnitCode::parse(&unit).map_err(|e| StoreError::Backend(e.to_string()))?,
                    role: Role::parse(&role).ok_or_else(|| bad_enum("role", &role))?,
                });
            }
            Ok(out)
        })
        .await
    }

    async fn put_user(&self, user: &User, actor: &Actor, now: DateTime<Utc>) -> Result<()> {
        let user = user.clone();
        let actor = actor.clone();
        let after = serde_json::to_string(&user).map_err(json_err)?;
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row(
                    "SELECT json_object('username', username, 'display_name', display_name, 'unit', unit, 'role', role)
                     FROM users WHERE username = ?1",
                    [user.username.as_str()],
                    |r| r.get(0),
                )
                .optional()?;
            insert_user(tx, &user, now)?;
            let e = entry(&actor, "user", &user.username, "put", before, Some(after.clone()));
            append_audit(tx, &e, now)
        })
        .await
    }

    async fn calendar_years(&self) -> Result<Vec<YearArrangement>> {
        self.call(|c| {
            let mut st = c.prepare("SELECT arrangement FROM calendar_years ORDER BY year")?;
            let rows = st.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for row in rows {
                out.push(serde_json::from_str(&row?).map_err(json_err)?);
            }
            Ok(out)
        })
        .await
    }

    async fn put_calendar_year(
        &self,
        year: &YearArrangement,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let body = serde_json::to_string(year).map_err(json_err)?;
        let y = year.year;
        let actor = actor.clone();
        self.write(move |tx| {
            let before: Option<String> = tx
                .query_row("SELECT arrangement FROM calendar_years WHERE year = ?1", [y], |r| r.get(0))
                .optional()?;
            append_audit(tx, &entry(&actor, "calendar", &y.to_string(), "load", before, Some(body.clone())), now)?;
            tx.execute(
                "INSERT INTO calendar_years (year, arrangement, loaded_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (year) DO UPDATE SET arrangement = excluded.arrangement, loaded_at = excluded.loaded_at",
                params![y, body, now],
            )?;
            Ok(())
        })
        .await
    }

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

    async fn create_case(&self, new: &crate::NewCase) -> Result<(crate::CaseRecord, bool)> {
        let new = new.clone();
        let (record, created) = self.write(move |tx| cases::create(tx, &new)).await?;
        self.recent.put(&record);
        Ok((record, created))
    }

    async fn update_case(&self, update: &crate::CaseUpdate) -> Result<crate::CaseRecord> {
        let id = update.id;
        let update = update.clone();
        match self.write(move |tx| cases::update(tx, &update)).await {
            Ok(record) => {
                self.recent.put(&record);
                Ok(record)
            }
            Err(e) => {
                self.recent.forget(id);
                Err(e)
            }
        }
    }

    async fn case(&self, id: i64) -> Result<crate::CaseRecord> {
        self.quick(move |c| cases::load_case(c, id)).await
    }

    async fn case_for_change(&self, id: i64) -> Result<crate::CaseRecord> {
        match self.recent.get(id) {
            Some(record) => Ok(record),
            None => self.case(id).await,
        }
    }

    async fn case_by_receipt(&self, receipt_no: &str) -> Result<crate::CaseRecord> {
        let r = receipt_no.to_owned();
        self.quick(move |c| cases::load_by_receipt(c, &r)).await
    }

    async fn case_events(&self, id: i64) -> Result<Vec<crate::CaseEvent>> {
        self.quick(move |c| cases::events(c, id)).await
    }

    async fn list_cases(&self, filter: &crate::CaseFilter) -> Result<Vec<crate::CaseRecord>> {
        let f = filter.clone();
        self.call(move |c| cases::list(c, &f)).await
    }

    async fn inbox(&self, unit: &str, limit: u32, offset: u32) -> Result<Vec<crate::CaseRecord>> {
        let unit = unit.to_owned();
        self.quick(move |c| cases::inbox(c, &unit, limit, offset))
            .await
    }

    async fn sla_counts(
        &self,
        today: chrono::NaiveDate,
        unit: Option<&str>,
    ) -> Result<crate::SlaCounts> {
        let unit = unit.map(str::to_owned);
        self.quick(move |c| cases::sla_counts(c, today, unit.as_deref()))
            .await
    }

    async fn overdue_supplements(&self, today: chrono::NaiveDate) -> Result<Vec<i64>> {
        self.call(move |c| cases::overdue_supplements(c, today))
            .await
    }

    async fn broken_commitments(&self) -> Result<Vec<crate::BrokenCommitment>> {
        self.call(|c| cases::broken_commitments(c)).await
    }

    async fn record_visit(&self, visit: &crate::Visit) -> Result<i64> {
        let v = visit.clone();
        self.write(move |tx| cases::record_visit(tx, &v)).await
    }

    async fn visits(&self, unit: &str, limit: u32) -> Result<Vec<crate::Visit>> {
        let unit = unit.to_owned();
        self.call(move |c| cases::visits(c, &unit, limit)).await
    }

    async fn put_api_token(
        &self,
        username: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h) = (username.to_owned(), token_hash.to_owned());
        self.write(move |tx| {
            tx.execute(
                "INSERT INTO api_tokens (token_hash, username, created_at) VALUES (?1, ?2, ?3)",
                params![h, u, now],
            )?;
            Ok(())
        })
        .await
    }

    async fn user_by_token(&self, token_hash: &str) -> Result<(User, UnitKind)> {
        let h = token_hash.to_owned();
        let row: Option<(String, String, String, String, String)> = self
            .quick(move |c| {
                Ok(c.prepare_cached(
                    "SELECT u.username, u.display_name, u.unit, u.role, n.kind FROM api_tokens t
                         JOIN users u ON u.username = t.username JOIN units n ON n.code = u.unit
                         WHERE t.token_hash = ?1 AND u.disabled = 0",
                )?
                .query_row([h], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })
                .optional()?)
            })
            .await?;
        let (username, display_name, unit, role, kind) =
            row.ok_or_else(|| StoreError::NotFound("API 令牌".into()))?;
        let user = User {
            username,
            display_name,
            unit: UnitCode::parse(&unit).map_err(|e| StoreError::Backend(e.to_string()))?,
            role: Role::parse(&role).ok_or_else(|| bad_enum("role", &role))?,
        };
        let kind = UnitKind::parse(&kind).ok_or_else(|| bad_enum("unit kind", &kind))?;
        Ok((user, kind))
    }

    async fn audit_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<crate::audit::AuditRecord>> {
        self.call(move |c| cases::audit_records(c, after_seq, limit))
            .await
    }

    async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        self.call(|c| cases::audit_head(c)).await
    }

    async fn seed_defaults(&self, now: DateTime<Utc>) -> Result<bool> {
        let data = crate::catalog_rules::Defaults::load()?;
        self.write(move |tx| {
            let done: Option<String> = tx
                .query_row(
                    "SELECT name FROM seed_state WHERE name = 'defaults'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            if done.is_some() {
                return Ok(false);
            }
            for u in &data.units {
                insert_unit(tx, u)?;
            }
            for u in &data.users {
                insert_user(tx, u, now)?;
            }
            import(tx, &data.catalog, &Actor::system(), now)?;
            tx.execute(
                "INSERT INTO seed_state (name, seeded_at) VALUES ('defaults', ?1)",
                params![now],
            )?;
            Ok(true)
        })
        .await
    }

    async fn add_attachments(
        &self,
        case_id: i64,
        files: &[crate::NewAttachment],
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<Vec<crate::Attachment>> {
        let (files, actor) = (files.to_vec(), actor.clone());
        self.write(move |tx| attachments::add(tx, case_id, &files, &actor, at))
            .await
    }

    async fn attachments(&self, case_id: i64) -> Result<Vec<crate::Attachment>> {
        self.quick(move |c| attachments::list(c, case_id)).await
    }

    async fn account(&self, username: &str) -> Result<crate::Account> {
        let u = username.to_owned();
        self.quick(move |c| auth::account(c, &u)).await
    }

    async fn create_account(
        &self,
        account: &crate::NewAccount,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (a, actor) = (account.clone(), actor.clone());
        self.write(move |tx| auth::create_account(tx, &a, &actor, now))
            .await
    }

    async fn set_password(
        &self,
        username: &str,
        password_hash: Option<&str>,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, h, actor) = (
            username.to_owned(),
            password_hash.map(str::to_owned),
            actor.clone(),
        );
        self.write(move |tx| auth::set_password(tx, &u, h.as_deref(), &actor, now))
            .await
    }

    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (u, actor) = (username.to_owned(), actor.clone());
        self.write(move |tx| auth::set_disabled(tx, &u, disabled, &actor, now))
            .await
    }

    async fn create_session(&self, session: &crate::NewSession) -> Result<()> {
        let s = session.clone();
        self.write(move |tx| auth::create_session(tx, &s)).await
    }

    async fn session(&self, id_hash: &str, now: DateTime<Utc>) -> Result<crate::Session> {
        let h = id_hash.to_owned();
        self.quick(move |c| auth::session(c, &h, now)).await
    }

    async fn touch_session(&self, id_hash: &str, idle_until: DateTime<Utc>) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| auth::touch_session(tx, &h, idle_until))
            .await
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        let h = id_hash.to_owned();
        self.write(move |tx| auth::delete_session(tx, &h)).await
    }

    async fn record_login_attempt(&self, attempt: &crate::LoginAttempt) -> Result<()> {
        let a = attempt.clone();
        self.write(move |tx| auth::record_attempt(tx, &a)).await
    }

    async fn login_failures(
        &self,
        username: &str,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<crate::LoginFailures> {
        let (u, ip) = (username.to_owned(), ip.to_owned());
        self.call(move |c| auth::failures(c, &u, &ip, since)).await
    }

    async fn case_scoped(&self, id: i64, scope: &crate::Scope) -> Result<crate::CaseRecord> {
        let scope = scope.clone();
        self.quick(move |c| cases::load_scoped(c, id, &scope)).await
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
        let (rating, order, actor) = (rating.clone(), order.cloned(), actor.clone());
        self.write(move |tx| ratings::create(tx, &rating, order.as_ref(), &actor))
            .await
    }

    async fn rating(&self, id: i64) -> Result<crate::RatingRecord> {
        self.quick(move |c| ratings::rating(c, id)).await
    }

    async fn rating_of(&self, subject: crate::RatedThing) -> Result<Option<crate::RatingRecord>> {
        self.call(move |c| ratings::rating_of(c, subject)).await
    }

    async fn ratings(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::RatingRecord>> {
        self.call(move |c| ratings::ratings(c, from, to)).await
    }

    async fn rectification(
        &self,
        id: i64,
        unit: Option<&str>,
    ) -> Result<crate::RectificationRecord> {
        let unit = unit.map(str::to_owned);
        self.call(move |c| ratings::rectification(c, id, unit.as_deref()))
            .await
    }

    async fn rectifications(
        &self,
        filter: &crate::RectificationFilter,
    ) -> Result<Vec<crate::RectificationRecord>> {
        let filter = filter.clone();
        self.call(move |c| ratings::rectifications(c, &filter))
            .await
    }

    async fn update_rectification(
        &self,
        update: &crate::RectificationUpdate,
    ) -> Result<crate::RectificationRecord> {
        let update = update.clone();
        self.write(move |tx| ratings::update(tx, &update)).await
    }

    async fn rating_token(&self, case_id: i64, fresh: &str, at: DateTime<Utc>) -> Result<String> {
        let fresh = fresh.to_owned();
        self.write(move |tx| ratings::token(tx, case_id, &fresh, at))
            .await
    }

    async fn case_by_rating_token(&self, token: &str) -> Result<i64> {
        let token = token.to_owned();
        self.quick(move |c| ratings::case_by_token(c, &token)).await
    }

    async fn visit(&self, id: i64) -> Result<crate::Visit> {
        self.quick(move |c| ratings::visit(c, id)).await
    }

    async fn unrated_visits(&self, unit: &str, limit: u32) -> Result<Vec<(i64, crate::Visit)>> {
        let unit = unit.to_owned();
        self.call(move |c| ratings::unrated_visits(c, &unit, limit))
            .await
    }

    async fn concluded_counts(
        &self,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Result<Vec<crate::ConcludedCount>> {
        self.call(move |c| ratings::concluded_counts(c, from, to))
            .await
    }

    async fn create_ticket(&self, new: &crate::NewTicket) -> Result<crate::TicketRecord> {
        let new = new.clone();
        self.write(move |tx| tickets::create(tx, &new)).await
    }

    async fn update_ticket(&self, update: &crate::TicketUpdate) -> Result<crate::TicketRecord> {
        let update = update.clone();
        self.write(move |tx| tickets::update(tx, &update)).await
    }

    async fn ticket(&self, id: i64) -> Result<crate::TicketRecord> {
        self.quick(move |c| tickets::load(c, id)).await
    }

    async fn ticket_events(&self, id: i64) -> Result<Vec<crate::TicketEventRecord>> {
        self.quick(move |c| tickets::events(c, id)).await
    }

    async fn list_tickets(&self, filter: &crate::TicketFilter) -> Result<Vec<crate::TicketRecord>> {
        let filter = filter.clone();
        self.call(move |c| tickets::list(c, &filter)).await
    }

    async fn put_open311_key(
        &self,
        name: &str,
        key_hash: &str,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (name, key_hash, actor) = (name.to_owned(), key_hash.to_owned(), actor.clone());
        self.write(move |tx| tickets::put_key(tx, &name, &key_hash, &actor, now))
            .await
    }

    async fn open311_key(&self, key_hash: &str) -> Result<String> {
        let key_hash = key_hash.to_owned();
        self.quick(move |c| tickets::key(c, &key_hash)).await
    }
}
