//! The catalog rules both backends apply before writing: validation against
//! the units and certificate list they hold, and whether a matter needs a
//! new version.

use crate::{Result, StoreError};
use domain::catalog::{Catalog, CatalogError, Certificate, CertificateList, Matter, Problem};
use std::collections::HashSet;

/// What writing a matter amounts to.
pub(crate) enum Publish {
    /// Identical to the newest version: write nothing.
    Unchanged,
    /// Write this version number.
    Version(u32),
}

/// Decides the version a matter is published under.
pub(crate) fn next_version(latest: Option<(u32, &Matter)>, matter: &Matter) -> Publish {
    match latest {
        Some((_, m)) if m == matter => Publish::Unchanged,
        Some((v, _)) => Publish::Version(v + 1),
        None => Publish::Version(1),
    }
}

/// Checks one matter against the stored units and certificate list.
pub(crate) fn check_matter(
    matter: &Matter,
    units: &HashSet<String>,
    certificates: &[Certificate],
) -> Result<()> {
    let list = CertificateList::new(certificates.iter().cloned());
    matter
        .validate(&list, &|u| units.contains(u))
        .map_err(StoreError::from)
}

/// Checks an import: its matters against the stored units and the union of
/// the stored certificate list and the import's own entries.
pub(crate) fn check_import(
    catalog: &Catalog,
    units: &HashSet<String>,
    stored: &[Certificate],
) -> Result<()> {
    let mut merged = Catalog {
        certificates: catalog.certificates.clone(),
        matters: catalog.matters.clone(),
    };
    for c in stored {
        if !merged.certificates.iter().any(|m| m.code == c.code) {
            merged.certificates.push(c.clone());
        }
    }
    let mut problems = Vec::new();
    for c in &catalog.certificates {
        if c.name.trim().is_empty() {
            problems.push(Problem::new(&c.code, "名称", "不能为空"));
        }
    }
    if let Err(CatalogError::Invalid(mut p)) = merged.validate(|u| units.contains(u)) {
        problems.append(&mut p);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(problems).into())
    }
}

/// The shipped default data, parsed and checked.
pub(crate) struct Defaults {
    pub units: Vec<domain::unit::Unit>,
    pub users: Vec<domain::unit::User>,
    pub catalog: Catalog,
}

impl Defaults {
    /// Parses the data compiled into `domain`; units come parents first.
    pub fn load() -> Result<Self> {
        let bad =
            |e: domain::defaults::DataError| StoreError::Backend(format!("shipped data: {e}"));
        let mut units = domain::defaults::units().map_err(bad)?;
        // Parents before children, so each insert finds its parent.
        units.sort_by_key(|u| match u.kind {
            domain::unit::UnitKind::County => 0,
            domain::unit::UnitKind::Department
            | domain::unit::UnitKind::Town
            | domain::unit::UnitKind::Street => 1,
            _ => 2,
        });
        Ok(Self {
            units,
            users: domain::defaults::users().map_err(bad)?,
            catalog: domain::defaults::catalog().map_err(bad)?,
        })
    }
}
