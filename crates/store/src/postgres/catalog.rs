//! The postgres backend's CatalogStore.

use super::*;

pub(super) async fn load_certificates(c: &impl GenericClient) -> Result<Vec<Certificate>> {
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

pub(super) fn row_version(r: &Row) -> Result<MatterVersion> {
    let version: i32 = r.try_get(0)?;
    let body: serde_json::Value = r.try_get(2)?;
    Ok(MatterVersion {
        version: u32::try_from(version).map_err(backend)?,
        published_at: r.try_get(1)?,
        matter: serde_json::from_value(body).map_err(json_err)?,
    })
}

pub(super) async fn latest(c: &impl GenericClient, code: &str) -> Result<Option<MatterVersion>> {
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

pub(super) async fn publish(
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

pub(super) async fn import(
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
