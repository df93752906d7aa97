use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An entry of the 证明事项清单 (certificate list): a certificate the
/// government has published as one that a matter may ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    /// Stable code, e.g. `ZM-001`.
    pub code: String,
    /// Name, e.g. 无犯罪记录证明.
    pub name: String,
    /// Who issues it, e.g. 市公安局.
    pub issuer: String,
    /// The rule that lets a matter ask for it.
    #[serde(default)]
    pub basis: String,
}

/// The certificate list as a lookup by code.
#[derive(Debug, Clone, Default)]
pub struct CertificateList(BTreeMap<String, Certificate>);

impl CertificateList {
    /// Builds the lookup from entries.
    pub fn new(entries: impl IntoIterator<Item = Certificate>) -> Self {
        Self(entries.into_iter().map(|c| (c.code.clone(), c)).collect())
    }

    /// The entry with this code, if it is on the list.
    pub fn get(&self, code: &str) -> Option<&Certificate> {
        self.0.get(code)
    }

    /// Whether the list holds this code.
    pub fn contains(&self, code: &str) -> bool {
        self.0.contains_key(code)
    }
}
