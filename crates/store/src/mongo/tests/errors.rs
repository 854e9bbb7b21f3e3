use mongodb::bson::{self, doc};
use mongodb::error::{
    CommandError, Error, ErrorKind, InsertManyError, TRANSIENT_TRANSACTION_ERROR,
    UNKNOWN_TRANSACTION_COMMIT_RESULT, WriteConcernError, WriteError, WriteFailure,
};
use mongodb::options::{Acknowledgment, ReadConcernLevel, ReadPreference, SelectionCriteria};

use crate::StoreError;
use crate::mongo::docs::ProductDoc;
use crate::mongo::errors::{is_command_not_found, is_duplicate_key, refuse, store_error};
use crate::mongo::txn::{DUPLICATE_KEY_ATTEMPTS, options, retry_after};

fn command(code: i32, name: &str) -> Error {
    let e: CommandError =
        bson::from_document(doc! { "code": code, "codeName": name, "errmsg": "server says no" })
            .expect("a command error");
    Error::from(ErrorKind::Command(e))
}

fn write_error(code: i32) -> Error {
    let e: WriteError = bson::from_document(doc! { "code": code, "errmsg": "E11000 dup key" })
        .expect("a write error");
    Error::from(ErrorKind::Write(WriteFailure::WriteError(e)))
}

fn insert_many_error(code: i32) -> Error {
    let e: InsertManyError = bson::from_document(doc! {
        "writeErrors": [ { "index": 1, "code": code, "errmsg": "E11000 dup key" } ],
    })
    .expect("an insert_many error");
    Error::from(ErrorKind::InsertMany(e))
}

/// A write concern error carrying labels, the way a server reply sets them
/// (the driver copies a write concern error's labels onto the error).
fn labelled(code: i32, labels: &[&str]) -> Error {
    let e: WriteConcernError = bson::from_document(doc! {
        "code": code,
        "codeName": "Labelled",
        "errmsg": "labelled",
        "errorLabels": labels,
    })
    .expect("a write concern error");
    Error::from(ErrorKind::Write(WriteFailure::WriteConcernError(e)))
}

#[test]
fn duplicate_keys_are_already_exists() {
    for e in [
        command(11000, "DuplicateKey"),
        write_error(11000),
        write_error(11001),
        insert_many_error(11000),
        command(12582, "DuplicateKeyValue"),
    ] {
        assert!(is_duplicate_key(&e), "{e}");
        assert!(
            matches!(store_error(e.clone()), StoreError::AlreadyExists(_)),
            "{e}"
        );
    }
    assert!(!is_duplicate_key(&command(112, "WriteConflict")));
    assert!(!is_duplicate_key(&write_error(121)));
}

#[test]
fn transaction_labels_are_unavailable() {
    for label in [
        TRANSIENT_TRANSACTION_ERROR,
        UNKNOWN_TRANSACTION_COMMIT_RESULT,
    ] {
        let e = labelled(2, &[label]);
        assert!(e.contains_label(label), "the label reaches the error");
        match store_error(e) {
            StoreError::Unavailable(message) => {
                assert!(message.contains("transaction"), "{message}")
            }
            other => panic!("{label}: expected Unavailable, got {other:?}"),
        }
    }
}

#[test]
fn transient_server_states_are_unavailable() {
    for (code, name) in [
        (112, "WriteConflict"),
        (251, "NoSuchTransaction"),
        (10107, "NotWritablePrimary"),
        (189, "PrimarySteppedDown"),
        (91, "ShutdownInProgress"),
        (11602, "InterruptedDueToReplStateChange"),
        (50, "MaxTimeMSExpired"),
        (13, "Unauthorized"),
        (40573, "Location40573"),
    ] {
        assert!(
            matches!(store_error(command(code, name)), StoreError::Unavailable(_)),
            "{name}"
        );
    }
    // A write concern that could not be met (e.g. wtimeout) without a label.
    assert!(matches!(
        store_error(labelled(64, &[])),
        StoreError::Unavailable(_)
    ));
}

#[test]
fn network_failures_are_unavailable() {
    let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
    assert!(matches!(
        store_error(Error::from(io)),
        StoreError::Unavailable(_)
    ));
    assert!(matches!(
        store_error(Error::from(ErrorKind::Shutdown)),
        StoreError::Unavailable(_)
    ));
}

#[test]
fn other_server_errors_and_bad_documents_are_internal() {
    assert!(matches!(
        store_error(command(2, "BadValue")),
        StoreError::Internal(_)
    ));
    assert!(matches!(
        store_error(write_error(121)),
        StoreError::Internal(_)
    ));
    let bad = bson::from_document::<ProductDoc>(doc! { "_id": "X" }).expect_err("a bad product");
    assert!(matches!(
        store_error(Error::from(bad)),
        StoreError::Internal(_)
    ));
}

#[test]
fn refusals_come_out_unchanged() {
    let refusal = StoreError::InsufficientStock {
        sku: "A".into(),
        requested: 3,
        available: 1,
    };
    let e = refuse::<()>(refusal.clone()).expect_err("a refusal");
    assert!(!is_duplicate_key(&e));
    assert!(!retry_after(&e, 1), "a refusal is final");
    assert_eq!(store_error(e), refusal);
}

#[test]
fn command_not_found_is_recognised() {
    assert!(is_command_not_found(&command(59, "CommandNotFound")));
    assert!(!is_command_not_found(&command(2, "BadValue")));
}

#[test]
fn duplicate_keys_retry_a_few_times_and_nothing_else_does() {
    let dup = write_error(11000);
    for attempt in 1..DUPLICATE_KEY_ATTEMPTS {
        assert!(retry_after(&dup, attempt), "attempt {attempt}");
    }
    assert!(!retry_after(&dup, DUPLICATE_KEY_ATTEMPTS), "bounded");
    // Transient errors are the driver's to retry, inside the attempt.
    assert!(!retry_after(
        &labelled(112, &[TRANSIENT_TRANSACTION_ERROR]),
        1
    ));
    assert!(!retry_after(&command(2, "BadValue"), 1));
}

#[test]
fn transactions_read_a_snapshot_on_the_primary_and_commit_by_majority() {
    let o = options();
    assert_eq!(
        o.read_concern.map(|r| r.level),
        Some(ReadConcernLevel::Snapshot)
    );
    assert_eq!(
        o.write_concern.and_then(|w| w.w),
        Some(Acknowledgment::Majority)
    );
    assert!(matches!(
        o.selection_criteria,
        Some(SelectionCriteria::ReadPreference(ReadPreference::Primary))
    ));
}
