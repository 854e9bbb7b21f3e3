//! The service's errors and, in one table, the gRPC code each becomes.

use icc_store::StoreError;
use tonic::{Code, Status};

/// Why a forecast-svc call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A request field is out of range; the message starts with its name.
    #[error("{field}: {message}")]
    InvalidArgument {
        /// The field, e.g. `horizon_days`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// No product with this SKU.
    #[error("unknown SKU {0:?}")]
    UnknownSku(String),
    /// The SKU's history is too short for the model.
    #[error("too little history for SKU {sku:?}: have {have} days, need {need} ({what})")]
    InsufficientHistory {
        /// The SKU.
        sku: String,
        /// Days of sales history stored.
        have: usize,
        /// Days needed.
        need: usize,
        /// What needs them, e.g. `model seed with a 7-day backtest`.
        what: String,
    },
    /// A model of a later milestone.
    #[error("{0}")]
    Unimplemented(String),
    /// The server is shutting down.
    #[error("{0}")]
    Unavailable(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bug: the detail is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// INVALID_ARGUMENT naming `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The gRPC code of this error.
    pub fn code(&self) -> Code {
        match self {
            Error::InvalidArgument { .. } => Code::InvalidArgument,
            Error::UnknownSku(_) => Code::NotFound,
            Error::InsufficientHistory { .. } => Code::FailedPrecondition,
            Error::Unimplemented(_) => Code::Unimplemented,
            Error::Unavailable(_) => Code::Unavailable,
            Error::Store(_) => Code::Internal, // refined by store_status below
            Error::Internal(_) => Code::Internal,
        }
    }
}

impl From<Error> for Status {
    fn from(e: Error) -> Status {
        match e {
            Error::Store(e) => icc_server::store_status(e),
            Error::Internal(detail) => icc_server::internal(detail),
            other => Status::new(other.code(), other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages() {
        let cases = [
            (Error::invalid("horizon_days", "x"), Code::InvalidArgument),
            (Error::UnknownSku("A-1".into()), Code::NotFound),
            (
                Error::InsufficientHistory {
                    sku: "A-1".into(),
                    have: 3,
                    need: 35,
                    what: "model seed".into(),
                },
                Code::FailedPrecondition,
            ),
            (Error::Unimplemented("later".into()), Code::Unimplemented),
            (
                Error::Store(StoreError::Unavailable("busy".into())),
                Code::Unavailable,
            ),
            (Error::Internal("secret".into()), Code::Internal),
        ];
        for (e, code) in cases {
            let status = Status::from(e);
            assert_eq!(status.code(), code);
            assert!(!status.message().contains("secret"), "{status:?}");
        }
        let short = Status::from(Error::InsufficientHistory {
            sku: "A-1".into(),
            have: 3,
            need: 35,
            what: "model seed".into(),
        });
        assert!(short.message().contains("have 3 days, need 35"));
        assert!(short.message().contains("A-1"));
    }
}
