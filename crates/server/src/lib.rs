//! Plumbing every Inventory Command Center server shares, so each service
//! crate holds only its own logic: tracing set-up, health and reflection,
//! graceful shutdown, page tokens, the SKU rule, the mapping of store
//! errors to gRPC status codes and how a binary reports its last error.

mod exit;
mod oversize;
pub mod paging;
mod run;
mod shutdown;
mod sku;
mod status;
mod telemetry;
pub mod testing;

pub use exit::exit_code;
pub use oversize::oversize_as_resource_exhausted;
pub use run::{SHUTDOWN_GRACE, ServeError, incoming, serve_routes, serve_until};
pub use shutdown::shutdown_signal;
pub use sku::{MAX_SKU_LEN, sku};
pub use status::{internal, invalid_argument, store_status};
pub use telemetry::init_tracing;

use tonic_health::server::HealthReporter;

/// Import responses list at most this many rejected rows (and count all),
/// so a document full of bad rows still gets an answer that fits a message.
pub const MAX_LISTED_REJECTIONS: usize = 1000;

use tonic_reflection::server::{Builder, Error, v1, v1alpha};

/// Reflection that lists the given services (by their full names) plus health
/// and reflection itself, with every `icc.v1` type describable, so `grpcurl
/// list` and `describe` work against any server: v1, and v1alpha for older
/// clients such as grpcurl 1.8.
pub fn reflection_services(
    services: &[&str],
) -> Result<
    (
        v1::ServerReflectionServer<impl v1::ServerReflection>,
        v1alpha::ServerReflectionServer<impl v1alpha::ServerReflection>,
    ),
    Error,
> {
    const ALWAYS: [&str; 3] = [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
    ];
    let builder = || {
        let b = Builder::configure()
            .register_encoded_file_descriptor_set(icc_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET);
        services
            .iter()
            .chain(ALWAYS.iter())
            .fold(b, |b, name| b.with_service_name(*name))
    };
    Ok((builder().build_v1()?, builder().build_v1alpha()?))
}

/// A health service whose overall status starts NOT_SERVING; the caller
/// flips it with the reporter once its dependencies are reachable.
pub fn health_service() -> (
    HealthReporter,
    tonic_health::pb::health_server::HealthServer<impl tonic_health::pb::health_server::Health>,
) {
    tonic_health::server::health_reporter()
}

/// Binds `addr`; the error names the address, which the OS's "Address
/// already in use" does not.
pub async fn bind(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))
}

/// Prints `<service> listening on <addr>` on stdout: the one line scripts
/// and whole-mesh tests read to learn a port the OS picked (`--listen
/// 127.0.0.1:0`). Servers print it once their store has opened, so a
/// script waiting for it learns of a bad store URL from the exit instead.
pub fn announce(service: &str, listener: &tokio::net::TcpListener) -> std::io::Result<()> {
    use std::io::Write;
    let addr = listener.local_addr()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{service} listening on {addr}")?;
    out.flush()
}
