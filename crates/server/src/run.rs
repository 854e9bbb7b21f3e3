//! Running a server until shutdown, with a bounded drain.

use std::future::Future;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::service::Routes;
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

/// Why [`serve_routes`] stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Reflection could not be built from the descriptors.
    #[error("reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
    /// The server failed.
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
}

/// Serves `routes`, a backend's own gRPC services whose full names are
/// `names`, on `listener` the way every backend of the mesh does: health
/// reports each of them and the server SERVING, reflection lists exactly
/// them (plus health and reflection), over-limit messages are
/// RESOURCE_EXHAUSTED, connections use TCP_NODELAY, and `shutdown` cancels
/// `streams` and starts a bounded drain ([`serve_until`]).
pub async fn serve_routes(
    routes: Routes,
    names: &[&str],
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    streams: CancellationToken,
) -> Result<(), ServeError> {
    let (health, health_service) = crate::health_service();
    for name in names.iter().chain(&[""]) {
        health
            .set_service_status(*name, tonic_health::ServingStatus::Serving)
            .await;
    }
    let (reflection, reflection_alpha) = crate::reflection_services(names)?;
    let server = tonic::transport::Server::builder()
        // Over-limit messages are RESOURCE_EXHAUSTED, as gRPC specifies.
        .layer(tower::util::MapResponseLayer::new(
            crate::oversize_as_resource_exhausted,
        ))
        .add_routes(routes)
        .add_service(health_service)
        .add_service(reflection)
        .add_service(reflection_alpha);
    let incoming = incoming(listener);
    serve_until(
        |drain| server.serve_with_incoming_shutdown(incoming, drain),
        shutdown,
        streams,
    )
    .await?;
    Ok(())
}
