//! The one error type of the storage traits. Backends translate their driver
//! errors into it at their edge (a unique-key violation becomes
//! `AlreadyExists`), so nothing above the store sees SQL or BSON errors.

/// A storage failure, classified by what the caller can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No such entity; the message names it (e.g. `product "ABC-1"`).
    #[error("{0} not found")]
    NotFound(String),
    /// The entity exists already, or an idempotency key was reused for a
    /// different request.
    #[error("{0}")]
    AlreadyExists(String),
    /// Not enough stock for a line or a damage adjustment.
    #[error("not enough stock for {sku}: requested {requested}, available {available}")]
    InsufficientStock {
        sku: String,
        requested: i64,
        available: i64,
    },
    /// The entity's state forbids the operation (e.g. ordering an archived
    /// product).
    #[error("{0}")]
    FailedPrecondition(String),
    /// A cursor or argument the store cannot interpret.
    #[error("{0}")]
    InvalidArgument(String),
    /// The store is unreachable or busy; retrying may succeed.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A bug or corrupted data.
    #[error("store internal error: {0}")]
    Internal(String),
}

/// Result of a storage operation.
pub type StoreResult<T> = Result<T, StoreError>;
