//! One table from store errors to gRPC status codes.

use icc_store::StoreError;
use tonic::{Code, Status};

/// The status a store error becomes. Messages name the entity or SKU; driver
/// details of internal errors are logged, not sent.
pub fn store_status(e: StoreError) -> Status {
    let code = match &e {
        StoreError::NotFound(_) => Code::NotFound,
        StoreError::AlreadyExists(_) => Code::AlreadyExists,
        StoreError::InsufficientStock { .. } | StoreError::FailedPrecondition(_) => {
            Code::FailedPrecondition
        }
        StoreError::InvalidArgument(_) => Code::InvalidArgument,
        StoreError::Unavailable(_) => Code::Unavailable,
        StoreError::Internal(_) => return internal(e),
    };
    Status::new(code, e.to_string())
}

/// INVALID_ARGUMENT naming the field.
pub fn invalid_argument(field: &str, problem: impl std::fmt::Display) -> Status {
    Status::invalid_argument(format!("{field}: {problem}"))
}

/// INTERNAL for a bug; the detail goes to the log only.
pub fn internal(e: impl std::fmt::Display) -> Status {
    tracing::error!(error = %e, "internal error");
    Status::internal("internal error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_each_store_error_to_its_code() {
        let cases = [
            (StoreError::NotFound("product \"A\"".into()), Code::NotFound),
            (StoreError::AlreadyExists("x".into()), Code::AlreadyExists),
            (
                StoreError::InsufficientStock {
                    sku: "A".into(),
                    requested: 3,
                    available: 1,
                },
                Code::FailedPrecondition,
            ),
            (
                StoreError::FailedPrecondition("x".into()),
                Code::FailedPrecondition,
            ),
            (
                StoreError::InvalidArgument("x".into()),
                Code::InvalidArgument,
            ),
            (StoreError::Unavailable("x".into()), Code::Unavailable),
            (
                StoreError::Internal("secret driver detail".into()),
                Code::Internal,
            ),
        ];
        for (err, code) in cases {
            let status = store_status(err);
            assert_eq!(status.code(), code);
            assert!(
                !status.message().contains("secret"),
                "internal detail leaked: {}",
                status.message()
            );
        }
        let short = store_status(StoreError::InsufficientStock {
            sku: "A".into(),
            requested: 3,
            available: 1,
        });
        assert!(
            short.message().contains("available 1"),
            "{}",
            short.message()
        );
    }
}
