//! The single writer with group commit.
//!
//! SQLite allows one writer at a time, and a durable commit costs an fsync.
//! So every write runs on one thread that drains all waiting jobs into one
//! transaction: each job in its own savepoint (a failing job rolls back alone
//! and nothing of it is applied), one COMMIT for the batch, and only then are
//! the callers answered. Under load many orders share one fsync; alone, a job
//! commits immediately.

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot, watch};

use super::sql_error;
use crate::{StoreError, StoreResult};

/// Most jobs folded into one transaction.
const MAX_BATCH: usize = 256;

/// A write waiting for the writer thread.
trait Job: Send {
    /// Runs inside the batch's transaction; false means roll this job back.
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once the batch's commit outcome is known.
    fn finish(self: Box<Self>, commit: StoreResult<()>);
}

struct Typed<T, F> {
    work: Option<F>,
    result: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Job for Typed<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let result = match self.work.take() {
            Some(work) => work(conn),
            None => Err(StoreError::Internal("write job ran twice".into())),
        };
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: StoreResult<()>) {
        let result = match (self.result, commit) {
            // The job's own failure stands whatever the batch did.
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(_)), Err(e)) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (None, Err(e)) => Err(e),
            (None, Ok(())) => Err(StoreError::Internal("write job never ran".into())),
        };
        // The caller may have gone away (request cancelled); the write stands.
        let _ = self.reply.send(result);
    }
}

/// Handle to the writer thread.
pub(super) struct Writer {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    /// Starts the writer thread on `conn`. After each commit it publishes the
    /// change feed's head on `head`.
    pub(super) fn start(conn: Connection, head: watch::Sender<i64>) -> StoreResult<Self> {
        let (jobs, rx) = mpsc::channel(4 * MAX_BATCH);
        std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || run(conn, rx, head))
            .map_err(|e| StoreError::Internal(format!("cannot start the writer thread: {e}")))?;
        Ok(Writer { jobs })
    }

    /// Runs `work` in a write transaction and returns its result once durable.
    pub(super) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job = Box::new(Typed {
            work: Some(work),
            result: None,
            reply,
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| StoreError::Unavailable("the sqlite writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Internal("the sqlite writer dropped a job".into()))?
    }
}

fn run(conn: Connection, mut rx: mpsc::Receiver<Box<dyn Job>>, head: watch::Sender<i64>) {
    while let Some(first) = rx.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let outcome = commit_batch(&conn, &mut batch);
        if outcome.is_ok() {
            match super::feed::head_seq(&conn) {
                Ok(seq) => {
                    head.send_if_modified(|h| std::mem::replace(h, seq) != seq);
                }
                Err(e) => tracing::warn!(error = %e, "cannot read the feed head after commit"),
            }
        }
        for job in batch {
            job.finish(outcome.clone());
        }
    }
}

fn commit_batch(conn: &Connection, batch: &mut [Box<dyn Job>]) -> StoreResult<()> {
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql_error)?;
    let applied = batch.iter_mut().try_for_each(|job| -> StoreResult<()> {
        conn.execute_batch("SAVEPOINT job").map_err(sql_error)?;
        if job.run(conn) {
            conn.execute_batch("RELEASE job").map_err(sql_error)
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
                .map_err(sql_error)
        }
    });
    let committed = applied.and_then(|()| conn.execute_batch("COMMIT").map_err(sql_error));
    if committed.is_err()
        && !conn.is_autocommit()
        && let Err(e) = conn.execute_batch("ROLLBACK")
    {
        tracing::error!(error = %e, "rollback after a failed batch failed");
    }
    committed
}
