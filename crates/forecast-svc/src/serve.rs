//! Wiring of the forecast-svc server: configuration, store, the service,
//! health, reflection and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use icc_analytics::HolidayCalendar;
use icc_proto::v1::forecast_service_server::ForecastServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;

use crate::core::{ForecastCore, MODEL_VERSION, Settings, default_workers};
use crate::service::Forecasts;

/// Largest request or response message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// forecast-svc configuration, from flags or environment variables.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "FORECAST_LISTEN", default_value = "127.0.0.1:50053")]
    pub listen: SocketAddr,
    /// Store URL: sqlite://PATH (embedded, default) or mongodb://...
    #[arg(long, env = "ICC_STORE_URL", default_value = icc_store::DEFAULT_STORE_URL)]
    pub store_url: String,
    /// Holiday rules file (icc-analytics format) for is_holiday on forecast
    /// days; the built-in calendar when unset. Use ingest-svc's file.
    #[arg(long, env = "ICC_HOLIDAYS")]
    pub holidays: Option<PathBuf>,
    /// Lead time, in days, of products that set none.
    #[arg(long, env = "FORECAST_DEFAULT_LEAD_TIME_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(0..=365))]
    pub default_lead_time_days: u32,
    /// Service level of products that set none, in (0, 1).
    #[arg(long, env = "FORECAST_DEFAULT_SERVICE_LEVEL", default_value_t = 0.95,
          value_parser = parse_service_level)]
    pub default_service_level: f64,
    /// Forecasts computed at the same time; 0 means one per core.
    #[arg(long, env = "FORECAST_WORKERS", default_value_t = 0)]
    pub workers: usize,
    /// At start, compute and store every active SKU's forecast in the
    /// background, so the first reorder-advice listing is served from stored
    /// forecasts instead of computing them all inside one call.
    #[arg(long, env = "FORECAST_WARM_UP", default_value_t = true, action = clap::ArgAction::Set)]
    pub warm_up: bool,
}

fn parse_service_level(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|e| format!("{e}"))?;
    if v > 0.0 && v < 1.0 {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 1 exclusive"))
    }
}

impl Config {
    /// The service settings this configuration describes (reads the
    /// holiday file).
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let calendar = match &self.holidays {
            None => HolidayCalendar::builtin(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading holidays file {}", path.display()))?;
                HolidayCalendar::parse(&text)
                    .with_context(|| format!("holidays file {}", path.display()))?
            }
        };
        Ok(Settings {
            calendar: Arc::new(calendar),
            default_lead_time_days: self.default_lead_time_days,
            default_service_level: self.default_service_level,
            model_version: MODEL_VERSION.to_owned(),
            workers: if self.workers == 0 {
                default_workers()
            } else {
                self.workers
            },
        })
    }
}

/// Serves on `listener` until `shutdown` completes, then ends open streams
/// and drains in-flight calls.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let settings = config.settings()?;
    let store = icc_store::open(&config.store_url).await?;
    tracing::info!(store = %icc_store::redacted_url(&config.store_url), workers = settings.workers, "forecast-svc starting");
    let core = Arc::new(ForecastCore::new(store, settings));
    if config.warm_up {
        tokio::spawn(warm_up(core.clone()));
    }
    serve_core(core, listener, shutdown).await
}

/// Computes (and stores) the advice, hence the forecast, of every active SKU.
async fn warm_up(core: Arc<ForecastCore>) {
    let started = std::time::Instant::now();
    match crate::bulk::advice_all(&core, crate::core::DEFAULT_ADVICE_HORIZON).await {
        Ok((advice, skipped)) => tracing::info!(
            skus = advice.len(),
            skipped = skipped.len(),
            seconds = started.elapsed().as_secs_f64(),
            "forecasts warmed up"
        ),
        Err(e) => {
            tracing::warn!(error = %e, "warming up the forecasts failed; they will be computed on demand")
        }
    }
}

/// Serves an already built core (tests use it to inject settings and read
/// its counters).
pub async fn serve_core(
    core: Arc<ForecastCore>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    // The store was opened (and migrated) before the core was built; one
    // cheap read proves it answers before we report SERVING.
    core.store()
        .head_seq()
        .await
        .context("the store does not answer")?;
    let forecasts = ForecastServiceServer::new(Forecasts::new(core, stop.clone()))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let names = [<ForecastServiceServer<Forecasts> as NamedService>::NAME];
    icc_server::announce("forecast-svc", &listener)?;
    tracing::info!(addr = %listener.local_addr()?, "forecast-svc serving");
    // `stop` ends open ForecastAll streams so the server can drain.
    icc_server::serve_routes(Routes::new(forecasts), &names, listener, shutdown, stop).await?;
    tracing::info!("forecast-svc stopped");
    Ok(())
}
