//! The backend's edge: every driver error becomes a [`StoreError`] here, and
//! nowhere above. Business refusals raised inside a transaction body travel
//! through the driver as `Error::custom(StoreError)` (so the driver aborts the
//! transaction) and come out unchanged.

use mongodb::error::{
    Error, ErrorKind, TRANSIENT_TRANSACTION_ERROR, UNKNOWN_TRANSACTION_COMMIT_RESULT, WriteFailure,
};

use crate::StoreError;

/// Server error codes of a unique-index violation.
const DUPLICATE_KEY: [i32; 3] = [11000, 11001, 12582];

/// Server error codes that mean "not now": the deployment is electing,
/// shutting down, overloaded, unreachable or the operation lost a race. A
/// retry may succeed.
const UNAVAILABLE: &[i32] = &[
    6,     // HostUnreachable
    7,     // HostNotFound
    13,    // Unauthorized (the user lacks a role: an operator must act)
    18,    // AuthenticationFailed
    24,    // LockTimeout
    50,    // MaxTimeMSExpired
    64,    // WriteConcernFailed
    89,    // NetworkTimeout
    91,    // ShutdownInProgress
    100,   // UnsatisfiableWriteConcern
    112,   // WriteConflict
    133,   // FailedToSatisfyReadPreference
    134,   // ReadConcernMajorityNotAvailableYet
    189,   // PrimarySteppedDown
    202,   // NetworkInterfaceExceededTimeLimit
    239,   // SnapshotTooOld
    244,   // TransactionTooOld
    246,   // SnapshotUnavailable
    251,   // NoSuchTransaction
    262,   // ExceededTimeLimit
    290,   // TransactionExceededLifetimeLimitSeconds
    462,   // IngressRequestRateLimitExceeded
    9001,  // SocketException
    10107, // NotWritablePrimary
    11600, // InterruptedAtShutdown
    11602, // InterruptedDueToReplStateChange
    13435, // NotPrimaryNoSecondaryOk
    13436, // NotPrimaryOrSecondary
    40573, // change streams need a replica set
];

/// Raises a business refusal inside a transaction body: the driver aborts
/// the transaction and [`store_error`] returns `e` unchanged.
pub fn refuse<T>(e: StoreError) -> mongodb::error::Result<T> {
    Err(Error::custom(e))
}

/// Whether the error is a unique-index violation.
pub fn is_duplicate_key(e: &Error) -> bool {
    codes(e).iter().any(|c| DUPLICATE_KEY.contains(c))
}

/// Whether the server does not know the command (`hello` before 4.4.2).
pub fn is_command_not_found(e: &Error) -> bool {
    codes(e) == [59]
}

/// The server error codes an error carries: the command's, or every write
/// error's.
fn codes(e: &Error) -> Vec<i32> {
    match e.kind.as_ref() {
        ErrorKind::Command(c) => vec![c.code],
        ErrorKind::Write(WriteFailure::WriteError(w)) => vec![w.code],
        ErrorKind::Write(WriteFailure::WriteConcernError(w)) => vec![w.code],
        ErrorKind::InsertMany(m) => m
            .write_errors
            .iter()
            .flatten()
            .map(|w| w.code)
            .chain(m.write_concern_error.iter().map(|w| w.code))
            .collect(),
        _ => Vec::new(),
    }
}

/// Translates a driver error into the store's error.
pub fn store_error(e: Error) -> StoreError {
    if let Some(refusal) = e.get_custom::<StoreError>() {
        return refusal.clone();
    }
    // The transaction's retry budget ran out, or its commit outcome is
    // unknown: the caller may retry (idempotency keys make that safe).
    if e.contains_label(TRANSIENT_TRANSACTION_ERROR)
        || e.contains_label(UNKNOWN_TRANSACTION_COMMIT_RESULT)
    {
        return StoreError::Unavailable(format!("mongodb transaction did not complete: {e}"));
    }
    match e.kind.as_ref() {
        ErrorKind::Command(_) | ErrorKind::Write(_) | ErrorKind::InsertMany(_) => {
            by_code(&codes(&e), &e)
        }
        ErrorKind::Io(_)
        | ErrorKind::ConnectionPoolCleared { .. }
        | ErrorKind::ServerSelection { .. }
        | ErrorKind::DnsResolve { .. }
        | ErrorKind::Authentication { .. }
        | ErrorKind::Shutdown
        | ErrorKind::SessionsNotSupported
        | ErrorKind::Transaction { .. }
        | ErrorKind::IncompatibleServer { .. } => {
            StoreError::Unavailable(format!("mongodb: {}", e.kind))
        }
        ErrorKind::InvalidArgument { .. } | ErrorKind::InvalidTlsConfig { .. } => {
            StoreError::InvalidArgument(format!("mongodb: {}", e.kind))
        }
        _ => StoreError::Internal(format!("mongodb: {e}")),
    }
}

/// Classifies a server error by its codes.
fn by_code(codes: &[i32], e: &Error) -> StoreError {
    if codes.iter().any(|c| DUPLICATE_KEY.contains(c)) {
        StoreError::AlreadyExists(format!("duplicate key: {}", e.kind))
    } else if codes.iter().any(|c| UNAVAILABLE.contains(c)) {
        StoreError::Unavailable(format!("mongodb: {}", e.kind))
    } else {
        StoreError::Internal(format!("mongodb: {e}"))
    }
}
