//! The sqlite backend's CatalogStore.

use super::*;

pub(super) fn load_certificates(c: &Connection) -> Result<Vec<Certificate>> {
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

pub(super) fn row_version(
    version: u32,
    published_at: DateTime<Utc>,
    body: &str,
) -> Result<MatterVersion> {
    Ok(MatterVersion {
        version,
        published_at,
        matter: serde_json::from_str(body).map_err(json_err)?,
    })
}

pub(super) fn latest(c: &Connection, code: &str) -> Result<Option<MatterVersion>> {
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

pub(super) fn upsert_certificate(
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
pub(super) fn publish(
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

pub(super) fn import(
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
