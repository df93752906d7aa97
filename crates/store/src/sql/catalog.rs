//! The catalog's SQL: certificates, matters and their published versions.

use super::audit::append;
use super::{Cells, Db, Json, first};
use crate::audit::entry;
use crate::catalog_rules::{Publish, check_import, check_matter, next_version};
use crate::{Actor, ImportReport, MatterVersion, Result, StoreError};
use chrono::{DateTime, Utc};
use domain::catalog::{Catalog, Certificate, Matter, MatterCode};
use std::collections::HashSet;

/// The code of every unit.
pub(crate) async fn unit_codes(db: &impl Db) -> Result<HashSet<String>> {
    let codes = db.rows("SELECT code FROM units", &[], first).await?;
    Ok(codes.into_iter().collect())
}

const CERTIFICATE: &str = "SELECT code, name, issuer, basis FROM certificates";

fn certificate_row(r: &dyn Cells) -> Result<Certificate> {
    Ok(Certificate {
        code: r.get(0)?,
        name: r.get(1)?,
        issuer: r.get(2)?,
        basis: r.get(3)?,
    })
}

/// Every certificate, by code.
pub(crate) async fn certificates(db: &impl Db) -> Result<Vec<Certificate>> {
    db.rows(
        &format!("{CERTIFICATE} ORDER BY code"),
        &[],
        certificate_row,
    )
    .await
}

fn version_row(r: &dyn Cells) -> Result<MatterVersion> {
    Ok(MatterVersion {
        version: r.get(0)?,
        published_at: r.get(1)?,
        matter: r.json(2)?,
    })
}

/// The version stored as a matter's: `matters.version` is a 32-bit integer.
fn stored_version(v: u32) -> Result<i32> {
    i32::try_from(v).map_err(|_| StoreError::Backend(format!("version {v} out of range")))
}

/// Every matter's current version, by code.
pub(crate) async fn matters(db: &impl Db) -> Result<Vec<MatterVersion>> {
    db.rows(
        "SELECT v.version, v.published_at, v.body FROM matters m
         JOIN matter_versions v ON v.code = m.code AND v.version = m.version ORDER BY m.code",
        &[],
        version_row,
    )
    .await
}

/// Every matter's code and current version number.
pub(crate) async fn matter_heads(db: &impl Db) -> Result<Vec<(String, u32)>> {
    db.rows(
        "SELECT code, version FROM matters ORDER BY code",
        &[],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .await
}

/// A matter's current version, if it has one.
async fn latest(db: &impl Db, code: &str) -> Result<Option<MatterVersion>> {
    db.opt(
        "SELECT v.version, v.published_at, v.body FROM matters m
         JOIN matter_versions v ON v.code = m.code AND v.version = m.version WHERE m.code = $1",
        &[&code],
        version_row,
    )
    .await
}

/// A matter's current version, or the one asked for.
pub(crate) async fn matter(
    db: &impl Db,
    code: &MatterCode,
    version: Option<u32>,
) -> Result<MatterVersion> {
    let found = match version {
        None => latest(db, code.as_str()).await?,
        Some(v) => {
            db.opt(
                "SELECT version, published_at, body FROM matter_versions WHERE code = $1 AND version = $2",
                &[&code.as_str(), &stored_version(v)?],
                version_row,
            )
            .await?
        }
    };
    found.ok_or_else(|| StoreError::NotFound(format!("事项 {code}")))
}

/// Every version of a matter, oldest first.
pub(crate) async fn matter_versions(db: &impl Db, code: &MatterCode) -> Result<Vec<MatterVersion>> {
    let out = db
        .rows(
            "SELECT version, published_at, body FROM matter_versions WHERE code = $1 ORDER BY version",
            &[&code.as_str()],
            version_row,
        )
        .await?;
    if out.is_empty() {
        return Err(StoreError::NotFound(format!("事项 {code}")));
    }
    Ok(out)
}

/// Stores a certificate when it is new or changed, with its audit record;
/// whether it was.
async fn put_certificate(
    db: &impl Db,
    c: &Certificate,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool> {
    let before = db
        .opt(
            &format!("{CERTIFICATE} WHERE code = $1"),
            &[&c.code],
            certificate_row,
        )
        .await?;
    let n = db
        .exec(
            "INSERT INTO certificates (code, name, issuer, basis) VALUES ($1, $2, $3, $4)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, issuer = excluded.issuer, basis = excluded.basis
             WHERE (certificates.name, certificates.issuer, certificates.basis)
                   IS DISTINCT FROM (excluded.name, excluded.issuer, excluded.basis)",
            &[&c.code, &c.name, &c.issuer, &c.basis],
        )
        .await?;
    if n > 0 {
        let before = before.as_ref().map(Json::of).transpose()?.map(|j| j.0);
        let audit = entry(
            actor,
            "certificate",
            &c.code,
            "put",
            before,
            Some(Json::of(c)?.0),
        );
        append(db, &audit, now).await?;
    }
    Ok(n > 0)
}

/// Publishes `matter` once it has been validated: a new version when it
/// differs from the current one.
async fn publish(
    db: &impl Db,
    matter: &Matter,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(Publish, MatterVersion)> {
    let code = matter.code.as_str();
    let lock = db.for_update();
    if !lock.is_empty() {
        // Lock the matter's head row so two publishers cannot pick the same version.
        let sql = format!("SELECT 1 FROM matters WHERE code = $1{lock}");
        db.opt(&sql, &[&code], |_| Ok(())).await?;
    }
    let current = latest(db, code).await?;
    let decision = next_version(current.as_ref().map(|v| (v.version, &v.matter)), matter);
    let version = match decision {
        Publish::Unchanged => {
            return current
                .map(|v| (decision, v))
                .ok_or_else(|| StoreError::Backend("unchanged matter has no version".into()));
        }
        Publish::Version(v) => v,
    };
    let body = Json::of(matter)?;
    let v = stored_version(version)?;
    db.exec(
        "INSERT INTO matter_versions (code, version, name, unit, category, body, published_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &code,
            &v,
            &matter.name,
            &matter.unit,
            &matter.category.as_str(),
            &body,
            &now,
        ],
    )
    .await?;
    db.exec(
        "INSERT INTO matters (code, version) VALUES ($1, $2)
         ON CONFLICT (code) DO UPDATE SET version = excluded.version",
        &[&code, &v],
    )
    .await?;
    let before = current.as_ref().map(|v| Json::of(&v.matter)).transpose()?;
    let action = format!("publish v{version}");
    let audit = entry(
        actor,
        "matter",
        code,
        &action,
        before.map(|j| j.0),
        Some(body.0),
    );
    append(db, &audit, now).await?;
    let published = MatterVersion {
        version,
        published_at: now,
        matter: matter.clone(),
    };
    Ok((decision, published))
}

/// Checks a matter against the units and certificates stored, then
/// publishes it; its version.
pub(crate) async fn put_matter(
    db: &impl Db,
    matter: &Matter,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<MatterVersion> {
    check_matter(matter, &unit_codes(db).await?, &certificates(db).await?)?;
    Ok(publish(db, matter, actor, now).await?.1)
}

/// Checks a whole catalog, then stores its certificates and publishes its
/// matters; what changed.
pub(crate) async fn import(
    db: &impl Db,
    catalog: &Catalog,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    check_import(catalog, &unit_codes(db).await?, &certificates(db).await?)?;
    let mut report = ImportReport::default();
    for c in &catalog.certificates {
        report.certificates += usize::from(put_certificate(db, c, actor, now).await?);
    }
    for m in &catalog.matters {
        match publish(db, m, actor, now).await? {
            (Publish::Unchanged, _) => report.unchanged += 1,
            (Publish::Version(1), _) => report.new_matters += 1,
            (Publish::Version(_), _) => report.new_versions += 1,
        }
    }
    Ok(report)
}
