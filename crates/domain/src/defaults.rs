//! The data onewindow ships with: Qixia's units, demo users and the default
//! catalog. Each file lives in `crates/domain/data/` and is compiled in, so
//! a fresh database gets them with nothing to download.

use crate::catalog::{Catalog, CatalogError};
use crate::unit::{Unit, UnitError, User, check_tree};
use serde::Deserialize;

const UNITS: &str = include_str!("../data/units.toml");
const USERS: &str = include_str!("../data/users.toml");
const CATALOG: &str = include_str!("../data/catalog.toml");

/// Why shipped or loaded data could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file is not valid TOML of the expected shape.
    #[error("数据文件格式错误：{0}")]
    Parse(#[from] toml::de::Error),
    /// The units do not form a tree.
    #[error(transparent)]
    Unit(#[from] UnitError),
    /// The catalog breaks a rule.
    #[error(transparent)]
    Catalog(#[from] CatalogError),
}

/// The county's own unit, the root of the shipped organisation tree: what
/// the platform's own acts (seeding, the daily sweep, the terminal, Open311
/// clients) are attributed to, and the unit self-registered applicants join.
pub const COUNTY_UNIT: &str = "qx";

/// The county hall (政务服务管理办公室) whose clerks review online
/// applications (预审) unless the configuration names another.
pub const HALL_UNIT: &str = "zgb";

#[derive(Deserialize)]
struct UnitsFile {
    units: Vec<Unit>,
}

#[derive(Deserialize)]
struct UsersFile {
    users: Vec<User>,
}

/// The default units: Qixia's county government, the departments its reform
/// plan names as 责任单位, and its towns and streets.
pub fn units() -> Result<Vec<Unit>, DataError> {
    let f: UnitsFile = toml::from_str(UNITS)?;
    check_tree(&f.units)?;
    Ok(f.units)
}

/// Demo users, one or more per role, for trying onewindow out.
pub fn users() -> Result<Vec<User>, DataError> {
    let f: UsersFile = toml::from_str(USERS)?;
    Ok(f.users)
}

/// The default catalog: the reform plan's matters with its limits, plus the
/// common high-frequency matters citizens ask for.
pub fn catalog() -> Result<Catalog, DataError> {
    Ok(toml::from_str(CATALOG)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_and_hall_units_are_the_shipped_ones() {
        let units = units().unwrap();
        let root: Vec<_> = units.iter().filter(|u| u.parent.is_none()).collect();
        assert_eq!(root.len(), 1);
        assert_eq!(root[0].code.as_str(), COUNTY_UNIT);
        assert!(units.iter().any(|u| u.code.as_str() == HALL_UNIT));
    }

    #[test]
    fn shipped_data_is_valid() {
        let units = units().unwrap();
        let codes: std::collections::HashSet<String> =
            units.iter().map(|u| u.code.to_string()).collect();
        for u in users().unwrap() {
            assert!(
                codes.contains(u.unit.as_str()),
                "user {} has unknown unit",
                u.username
            );
        }
        let catalog = catalog().unwrap();
        catalog.validate(|c| codes.contains(c)).unwrap();
    }
}
