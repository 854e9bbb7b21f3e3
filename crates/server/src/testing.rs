//! What the services' tests share: a status assertion and a server
//! running in the background of a test.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
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

/// A server running in a background task of the test's runtime. Dropping
/// the handle tells the server to stop (gracefully; the runtime's end
/// drops whatever is still draining).
pub struct Running<T> {
    /// Where the server listens.
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<T>>,
}

impl<T: Send + 'static> Running<T> {
    /// Spawns `serve(stop)` for a server listening on `addr`; `stop`
    /// completes when the server should shut down.
    pub fn spawn<F: Future<Output = T> + Send + 'static>(
        addr: SocketAddr,
        serve: impl FnOnce(StopSignal) -> F,
    ) -> Self {
        let (tx, rx) = oneshot::channel();
        Running {
            addr,
            stop: Some(tx),
            task: Some(tokio::spawn(serve(StopSignal(rx)))),
        }
    }

    /// Tells the server to stop and waits up to `within` for what `serve`
    /// returns; Err when the task failed or did not return in time.
    pub async fn stop(mut self, within: Duration) -> Result<T, String> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let task = self.task.take().expect("a server task until stopped");
        match tokio::time::timeout(within, task).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(join)) => Err(format!("the server task failed: {join}")),
            Err(_) => Err(format!("the server did not return within {within:?}")),
        }
    }

    /// A new connection (its own HTTP/2 channel) to the server, retrying
    /// the first connect a bounded number of times.
    pub async fn channel(&self) -> Channel {
        let endpoint = Endpoint::from_shared(format!("http://{}", self.addr))
            .expect("a valid endpoint")
            .connect_timeout(Duration::from_secs(5));
        let mut last_error = None;
        for _ in 0..50 {
            match endpoint.connect().await {
                Ok(channel) => return channel,
                Err(e) => {
                    last_error = Some(e);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
        panic!("cannot connect to {}: {last_error:?}", self.addr);
    }
}

impl<T> Drop for Running<T> {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Completes when a [`Running`] server is stopped or its handle dropped:
/// the shutdown future a `serve` function takes.
pub struct StopSignal(oneshot::Receiver<()>);

impl Future for StopSignal {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0).poll(cx).map(|_| ())
    }
}
