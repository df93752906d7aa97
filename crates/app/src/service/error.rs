//! Why a service call failed: a refusal by a rule (of the domain or of the
//! service layer), with its kind, stable code and Chinese message; or the
//! store. Every domain error becomes the one [`ServiceError::Refused`]
//! shape here, so the HTTP layer maps a refusal to a status by its kind in
//! one place, for the API and the pages alike.

use domain::Refusal;
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
        /// What kind of refusal (a rule of the request's data, a clash
        /// with the record's state, or no permission).
        refusal: Refusal,
        /// Stable snake_case code.
        code: &'static str,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stable code of a refusal for lack of permission (403).
pub const FORBIDDEN: &str = "forbidden";

impl ServiceError {
    /// A broken rule of the request's own data (422).
    pub fn invalid(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Invalid, code, message)
    }

    /// A refusal for lack of permission (403, code `forbidden`).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::refused(Refusal::Forbidden, FORBIDDEN, message)
    }

    fn refused(refusal: Refusal, code: &'static str, message: impl Into<String>) -> Self {
        ServiceError::Refused {
            refusal,
            code,
            message: message.into(),
        }
    }
}

/// Each domain error converts by its own kind, code and message.
macro_rules! refused_from {
    ($($error:ty),+) => {$(
        impl From<$error> for ServiceError {
            fn from(e: $error) -> Self {
                ServiceError::refused(e.refusal(), e.code(), e.to_string())
            }
        }
    )+};
}
refused_from!(CaseError, TicketError, RatingError, RectificationError);

impl From<IdError> for ServiceError {
    fn from(e: IdError) -> Self {
        ServiceError::invalid(e.code(), e.to_string())
    }
}
