//! The service catalog (事项目录): matters, their materials, the certificate
//! list (证明事项清单) a matter may draw on, and search.

mod certificate;
mod matter;
pub mod search;
mod validate;

pub use certificate::{Certificate, CertificateList};
pub use matter::{
    ApplicantTypes, Category, Delegation, Level, Material, MaterialSource, Matter, MatterCode,
    OnlineDepth, Step, WorkingDays,
};
pub use validate::{CatalogError, Problem};

use serde::{Deserialize, Serialize};

/// A whole catalog: the certificate list and the matters that use it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// The 证明事项清单: the only certificates a matter may ask for.
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    /// The matters, one entry per code (their newest version).
    #[serde(default)]
    pub matters: Vec<Matter>,
}

impl Catalog {
    /// The certificate list as a lookup.
    pub fn certificate_list(&self) -> CertificateList {
        CertificateList::new(self.certificates.iter().cloned())
    }

    /// Checks every matter against the rules and the certificate list, and
    /// that codes are unique. Returns every problem found, not just the first.
    pub fn validate(&self, unit_exists: impl Fn(&str) -> bool) -> Result<(), CatalogError> {
        let list = self.certificate_list();
        let mut problems = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for c in &self.certificates {
            if !seen.insert(c.code.as_str()) {
                problems.push(Problem::new(&c.code, "编码", "证明事项编码重复"));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for m in &self.matters {
            if !seen.insert(m.code.as_str()) {
                problems.push(Problem::new(m.code.as_str(), "编码", "事项编码重复"));
            }
            if let Err(CatalogError::Invalid(mut p)) = m.validate(&list, &unit_exists) {
                problems.append(&mut p);
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CatalogError::Invalid(problems))
        }
    }
}
