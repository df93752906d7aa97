use serde::{Deserialize, Serialize};
use std::fmt;

/// One thing wrong with a catalog entry: where, which field, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The matter or certificate code it concerns.
    pub code: String,
    /// The field, by its Chinese column name.
    pub field: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl Problem {
    /// A problem with `field` of entry `code`.
    pub fn new(code: &str, field: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}【{}】{}", self.code, self.field, self.message)
    }
}

/// Why a catalog entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// A matter code that is not 1–64 ASCII letters, digits or `-_.`.
    #[error("事项编码“{0}”无效：只能使用字母、数字和 - _ .，长度 1–64")]
    BadCode(String),
    /// One or more rules broken; every problem is listed.
    #[error("事项目录校验未通过：{}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("；"))]
    Invalid(Vec<Problem>),
}
