//! Running a server until shutdown, with a bounded drain.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::transport::server::TcpIncoming;

/// How long open calls get to finish after a shutdown signal before their
/// connections are dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Connections accepted with TCP_NODELAY: gRPC sends small frames that must
/// not wait for Nagle's algorithm.
pub fn incoming(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}

/// Runs `serve` (given the future that tells it to drain) until `shutdown`
/// completes; then cancels `streams` so endless streams end, starts the
/// drain, and waits at most [`SHUTDOWN_GRACE`]: a client that stopped
/// reading cannot hold the server up.
pub async fn serve_until<F>(
    serve: impl FnOnce(WaitForCancellationFutureOwned) -> F,
    shutdown: impl Future<Output = ()>,
    streams: CancellationToken,
) -> Result<(), tonic::transport::Error>
where
    F: Future<Output = Result<(), tonic::transport::Error>>,
{
    let drain = CancellationToken::new();
    let server = serve(drain.clone().cancelled_owned());
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result,
        () = shutdown => {}
    }
    streams.cancel();
    drain.cancel();
    match tokio::time::timeout(SHUTDOWN_GRACE, server).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!(grace = ?SHUTDOWN_GRACE, "calls still open after the grace period; closing them");
            Ok(())
        }
    }
}
