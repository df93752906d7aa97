//! Why a service call failed: a rule (with a stable code and a Chinese
//! message), a bad identifier, or the store.

use domain::case::CaseError;
use domain::party::IdError;
use store::StoreError;

/// A service failure. The HTTP layer maps each to a status and a stable code.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The case state machine refused the action.
    #[error(transparent)]
    Case(#[from] CaseError),
    /// An ID number or credit code is malformed.
    #[error(transparent)]
    Id(#[from] IdError),
    /// Another rule of the request was broken.
    #[error("{message}")]
    Invalid {
        /// Stable snake_case code.
        code: &'static str,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// A broken request rule.
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Invalid {
            code,
            message: message.into(),
        }
    }
}
