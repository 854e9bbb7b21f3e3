//! Wiring of the ingest-svc server: configuration, the pipeline tasks, the
//! gRPC service, health, reflection and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use icc_analytics::HolidayCalendar;
use icc_proto::v1::ingest_service_server::IngestServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;

use crate::pipeline::Pipeline;
use crate::service::Ingest;

/// Largest request or response message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// ingest-svc configuration, from flags or environment variables.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "ingest-svc",
    version,
    about = "Change feed to sales events, daily facts and features"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "INGEST_LISTEN", default_value = "127.0.0.1:50052")]
    pub listen: SocketAddr,
    /// Store URL: sqlite://PATH (embedded, default) or mongodb://...
    #[arg(long, env = "ICC_STORE_URL", default_value = icc_store::DEFAULT_STORE_URL)]
    pub store_url: String,
    /// Business time zone (IANA name): business days are calendar days here.
    #[arg(long, env = "ICC_TIME_ZONE", default_value = "UTC")]
    pub time_zone: chrono_tz::Tz,
    /// Holiday calendar rules file (see crates/analytics/README.md);
    /// default: the built-in calendar.
    #[arg(long, env = "ICC_HOLIDAYS")]
    pub holidays: Option<PathBuf>,
    /// Longest wait for changes committed by other processes, in ms.
    #[arg(long, env = "INGEST_POLL_MS", default_value_t = 200)]
    pub poll_ms: u64,
    /// Change-feed events processed per transaction.
    #[arg(long, env = "INGEST_BATCH", default_value_t = 512)]
    pub batch: usize,
}

impl Config {
    /// The holiday calendar the configuration names.
    pub fn calendar(&self) -> anyhow::Result<HolidayCalendar> {
        match &self.holidays {
            None => Ok(HolidayCalendar::builtin()),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                HolidayCalendar::parse(&text)
                    .with_context(|| format!("bad holiday calendar {}", path.display()))
            }
        }
    }
}

/// Serves on `listener` until `shutdown` completes; the pipeline runs beside
/// the server and stops with it.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let store = icc_store::open(&config.store_url).await?;
    let pipeline = Arc::new(Pipeline::new(store, config.calendar()?, config.time_zone));
    let stop = CancellationToken::new();
    let poll = Duration::from_millis(config.poll_ms);
    let consumer = tokio::spawn(
        pipeline
            .clone()
            .consume(poll, config.batch.max(1), stop.clone()),
    );
    let roller = tokio::spawn(
        pipeline
            .clone()
            .roll_days(Duration::from_secs(60), stop.clone()),
    );

    let ingest = IngestServiceServer::new(Ingest::new(pipeline))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let names = [<IngestServiceServer<Ingest> as NamedService>::NAME];
    icc_server::announce("ingest-svc", &listener)?;
    tracing::info!(addr = %listener.local_addr()?, store = %icc_store::redacted_url(&config.store_url), tz = %config.time_zone, "ingest-svc serving");
    let served = icc_server::serve_routes(
        Routes::new(ingest),
        &names,
        listener,
        shutdown,
        stop.clone(),
    )
    .await;
    stop.cancel();
    let _ = tokio::join!(consumer, roller);
    served?;
    tracing::info!("ingest-svc stopped");
    Ok(())
}
