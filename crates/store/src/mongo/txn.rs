//! Multi-document transactions with the driver's retry rules.
//!
//! Each call runs its body in a fresh session through the driver's
//! convenient transaction API (`start_transaction().and_run`), which follows
//! the transactions specification: the whole body is retried, with jittered
//! exponential backoff, while an error carries `TransientTransactionError`
//! (a write conflict with a concurrent transaction, a primary stepping down),
//! and the commit alone is retried while it fails with
//! `UnknownTransactionCommitResult`; 120 s in all.
//!
//! On top of that one rule of ours: a duplicate-key error is retried a few
//! times. Every body reads before it inserts, so a duplicate key means that a
//! concurrent transaction committed the same key after this one's snapshot;
//! the retry sees it and answers as a replay or `AlreadyExists`.
//!
//! Transactions read a snapshot (`readConcern: snapshot`) on the primary and
//! commit with `writeConcern: majority`: an acknowledged change survives a
//! failover.

use mongodb::options::{
    ReadConcern, ReadPreference, SelectionCriteria, TransactionOptions, WriteConcern,
};
use mongodb::{BoxFuture, Client, ClientSession};

use super::errors::{is_duplicate_key, store_error};
use crate::StoreResult;

/// Attempts of a transaction that keeps failing on a duplicate key.
pub const DUPLICATE_KEY_ATTEMPTS: u32 = 3;

/// The options of every transaction.
pub fn options() -> TransactionOptions {
    TransactionOptions::builder()
        .read_concern(ReadConcern::snapshot())
        .write_concern(WriteConcern::majority())
        .selection_criteria(SelectionCriteria::ReadPreference(ReadPreference::Primary))
        .build()
}

/// Whether attempt `attempt` (1-based) failing with `e` is tried again by
/// our own rule (the driver's rules ran inside the attempt).
pub fn retry_after(e: &mongodb::error::Error, attempt: u32) -> bool {
    attempt < DUPLICATE_KEY_ATTEMPTS && is_duplicate_key(e)
}

/// Runs `body` in a transaction, committed once it returns `Ok`, and maps
/// the outcome to the store's error. `ctx` is handed to every attempt (the
/// driver's pattern for bodies that borrow).
pub async fn run<C, R, F>(client: &Client, mut ctx: C, mut body: F) -> StoreResult<R>
where
    C: Send,
    R: Send,
    F: for<'b> FnMut(&'b mut ClientSession, &'b mut C) -> BoxFuture<'b, mongodb::error::Result<R>>
        + Send,
{
    let mut session = client.start_session().await.map_err(store_error)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let outcome = session
            .start_transaction()
            .with_options(options())
            .and_run(&mut ctx, |s, c| body(s, c))
            .await;
        match outcome {
            Ok(value) => return Ok(value),
            Err(e) if retry_after(&e, attempt) => {
                tracing::debug!(attempt, "duplicate key in a transaction; retrying");
            }
            Err(e) => return Err(store_error(e)),
        }
    }
}
