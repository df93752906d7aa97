//! Why a service call failed: a refusal by a rule (of the domain or of the
//! service layer), with its stable [`ErrorCode`] (whose kind decides the
//! status) and Chinese message; or the store. Every domain error becomes
//! the one [`ServiceError::Refused`] shape here, so the HTTP layer maps a
//! refusal to a status by its code's kind in one place, for the API and the
//! pages alike.

use domain::ErrorCode;
use domain::case::CaseError;
use domain::evaluation::{RatingError, RectificationError};
use domain::hotline::TicketError;
use domain::party::IdError;
use store::StoreError;

/// A service failure. The HTTP layer maps each to a status and a stable code.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// A rule refused the request.
    #[error("{message}")]
    Refused {
        /// The stable code; its kind (a rule of the request's data, a
        /// clash with the record's state, no permission) decides the status.
        code: ErrorCode,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ServiceError {
    /// A refusal with its code and what is wrong, in Chinese.
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError::Refused {
            code,
            message: message.into(),
        }
    }

    /// A refusal for lack of permission (403, code `forbidden`).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::refused(ErrorCode::Forbidden, message)
    }
}

/// Each domain error converts by its own kind, code and message.
macro_rules! refused_from {
    ($($error:ty),+) => {$(
        impl From<$error> for ServiceError {
            fn from(e: $error) -> Self {
                ServiceError::refused(e.code(), e.to_string())
            }
        }
    )+};
}
refused_from!(CaseError, TicketError, RatingError, RectificationError);

impl From<IdError> for ServiceError {
    fn from(e: IdError) -> Self {
        ServiceError::refused(e.code(), e.to_string())
    }
}
