//! Assertions the services' tests share.

use tonic::{Code, Status};

/// Asserts that `result` failed with `code` and a message containing every
/// one of `needles`; returns the status.
#[track_caller]
pub fn expect_status<T: std::fmt::Debug>(
    result: Result<T, Status>,
    code: Code,
    needles: &[&str],
) -> Status {
    let status = match result {
        Ok(value) => panic!("expected {code:?} containing {needles:?}, got Ok({value:?})"),
        Err(status) => status,
    };
    assert_eq!(
        status.code(),
        code,
        "wrong code; message: {:?}",
        status.message()
    );
    for needle in needles {
        assert!(
            status.message().contains(needle),
            "{code:?} message {:?} does not mention {needle:?}",
            status.message()
        );
    }
    status
}
