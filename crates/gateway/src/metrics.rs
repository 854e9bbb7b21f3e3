//! The Prometheus endpoint: `GET /metrics` on a port of its own, so it is
//! never behind the gateway's auth or limits.
//!
//! Metrics (all prefixed `icc_gateway_`, each with a `# HELP` line):
//! - `requests_total{method,code}` and `errors_total{method,code}` (every
//!   code but OK and CANCELLED: a client closing its stream is no error);
//! - `request_duration_seconds{method}` (histogram, to the end of the
//!   response, so streams count their whole life);
//! - `open_streams{method}` (server streams open now);
//! - `upstream_up{upstream}` (1 when the service's health check passes),
//!   `upstream_calls_total{upstream,code}`, `upstream_retries_total{upstream}`;
//! - `upstream_watch_connected`, `inventory_seq`, `watch_resyncs_total`,
//!   `watch_passthrough_total` (the inventory fan-out);
//! - `shed_total` (calls refused at capacity);
//! - `ingest_checkpoint_seq`, `ingest_lag_events`, `ingest_lag_seconds`
//!   (ingest-svc's pipeline status, read with the health checks).

use std::convert::Infallible;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// The process's recorder (installed once; tests start several gateways
/// in one process and share it).
pub fn handle() -> anyhow::Result<PrometheusHandle> {
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)?
        .build_recorder();
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        // Lost a race with another gateway in this process: use its handle.
        return HANDLE
            .get()
            .cloned()
            .ok_or_else(|| anyhow::anyhow!("another metrics recorder is installed"));
    }
    let _ = HANDLE.set(handle.clone());
    describe();
    let upkeep = handle.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            upkeep.run_upkeep();
        }
    });
    Ok(handle)
}

/// The `# HELP` text of every metric, and a first 0 for the counters
/// without labels, so a scrape shows them before anything has happened.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        "icc_gateway_requests_total",
        "gRPC calls finished, by method and status code"
    );
    describe_counter!(
        "icc_gateway_errors_total",
        "calls finished with a status other than OK or CANCELLED"
    );
    describe_histogram!(
        "icc_gateway_request_duration_seconds",
        metrics::Unit::Seconds,
        "time from request to the end of the response (a stream's whole life)"
    );
    describe_gauge!(
        "icc_gateway_open_streams",
        "server streams open now, by method"
    );
    describe_gauge!(
        "icc_gateway_upstream_up",
        "1 while the upstream service's health check passes"
    );
    describe_counter!(
        "icc_gateway_upstream_calls_total",
        "calls forwarded to an upstream service, by status code"
    );
    describe_counter!(
        "icc_gateway_upstream_retries_total",
        "forwarded calls retried on an upstream service"
    );
    describe_gauge!(
        "icc_gateway_upstream_watch_connected",
        "1 while the inventory fan-out is connected to orders-svc"
    );
    describe_gauge!(
        "icc_gateway_inventory_seq",
        "the last inventory change sequence the fan-out has seen"
    );
    describe_counter!(
        "icc_gateway_watch_resyncs_total",
        "watchers sent a fresh snapshot after falling behind"
    );
    describe_counter!(
        "icc_gateway_watch_passthrough_total",
        "watches resuming from a point older than the fan-out's window, passed to orders-svc"
    );
    describe_counter!(
        "icc_gateway_shed_total",
        "calls refused because the gateway was at capacity"
    );
    describe_gauge!(
        "icc_gateway_ingest_checkpoint_seq",
        "the last order-feed position ingest-svc has durably processed"
    );
    describe_gauge!(
        "icc_gateway_ingest_lag_events",
        "changes of the order feed ingest-svc has not yet turned into sales events"
    );
    describe_gauge!(
        "icc_gateway_ingest_lag_seconds",
        metrics::Unit::Seconds,
        "age of the oldest change ingest-svc has not processed (0 when caught up)"
    );
    for counter in [
        "icc_gateway_watch_resyncs_total",
        "icc_gateway_watch_passthrough_total",
        "icc_gateway_shed_total",
    ] {
        metrics::counter!(counter).absolute(0);
    }
}

/// Serves `GET /metrics` on `listener` until `shutdown`.
pub async fn serve_metrics(
    listener: TcpListener,
    handle: PrometheusHandle,
    shutdown: impl Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics: accept failed");
                    continue;
                }
            },
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let handle = handle.clone();
                async move {
                    let response = if request.uri().path() == "/metrics" {
                        http::Response::builder()
                            .header("content-type", "text/plain; version=0.0.4")
                            .body(Full::new(Bytes::from(handle.render())))
                    } else {
                        http::Response::builder()
                            .status(404)
                            .body(Full::new(Bytes::from_static(b"metrics are at /metrics\n")))
                    };
                    Ok::<_, Infallible>(response.expect("a static response"))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
