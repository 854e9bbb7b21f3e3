//! In-process test harness: a forecast-svc server on 127.0.0.1:0 over a
//! fresh SQLite store in a temporary directory, real tonic clients, and
//! helpers that write products and feature rows straight into the store
//! (standing in for ingest-svc).
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use forecast_svc::core::{ForecastCore, Settings};
use forecast_svc::history::feature_values;
use icc_analytics::{DailySeries, HolidayCalendar};
use icc_proto::v1 as pb;
use icc_proto::v1::forecast_service_client::ForecastServiceClient;
use icc_server::testing::Running;
use icc_store::{DataWatermark, NewProduct, Store};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tonic::transport::Channel;

pub type Client = ForecastServiceClient<Channel>;

/// How long a test waits for anything the server should do promptly.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// The last day of data in every test history.
pub fn data_through() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()
}

/// A store in a temporary directory.
pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub url: String,
    _dir: TempDir,
}

impl TestStore {
    pub async fn new() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let url = format!("sqlite://{}", dir.path().join("icc.db").display());
        let store = icc_store::open(&url).await.expect("open the store");
        TestStore {
            store,
            url,
            _dir: dir,
        }
    }
}

/// A running forecast-svc. Dropping it stops the server.
pub struct TestServer {
    pub addr: SocketAddr,
    pub core: Arc<ForecastCore>,
    server: Running<anyhow::Result<()>>,
}

impl TestServer {
    /// Serves a core over `store` with `settings` on 127.0.0.1:0.
    pub async fn start(store: Arc<dyn Store>, settings: Settings) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let core = Arc::new(ForecastCore::new(store, settings));
        let server = Running::spawn(addr, |stop| {
            forecast_svc::serve_core(core.clone(), listener, stop)
        });
        TestServer { addr, core, server }
    }

    pub async fn channel(&self) -> Channel {
        self.server.channel().await
    }

    pub async fn client(&self) -> Client {
        ForecastServiceClient::new(self.channel().await)
    }

    /// Asks the server to stop and waits up to `within` for it.
    pub async fn stop(self, within: Duration) -> Result<anyhow::Result<()>, String> {
        self.server.stop(within).await
    }
}

/// A store and a server over it with default settings.
pub async fn start() -> (TestStore, TestServer) {
    let store = TestStore::new().await;
    let server = TestServer::start(store.store.clone(), Settings::default()).await;
    (store, server)
}

/// Creates a product.
pub async fn product(store: &Arc<dyn Store>, sku: &str, on_hand: i64) {
    product_with(store, sku, on_hand, 0, 0.0).await;
}

/// Creates a product with its own lead time and service level.
pub async fn product_with(
    store: &Arc<dyn Store>,
    sku: &str,
    on_hand: i64,
    lead_time_days: i32,
    service_level: f64,
) {
    store
        .create_product(NewProduct {
            sku: sku.into(),
            name: format!("Product {sku}"),
            category: "Test".into(),
            unit_price_minor: 100,
            initial_stock: on_hand,
            low_stock_threshold: 0,
            lead_time_days,
            service_level,
        })
        .await
        .unwrap_or_else(|e| panic!("create {sku}: {e}"));
}

/// Writes the feature rows of `units` (daily, ending on [`data_through`])
/// with the given watermark version, as ingest-svc would.
pub async fn features(
    store: &Arc<dyn Store>,
    sku: &str,
    units: &[f64],
    version: i64,
) -> DailySeries {
    let start = data_through() - chrono::Days::new(units.len() as u64 - 1);
    let series = DailySeries::new(start, units.to_vec()).expect("a valid series");
    write_series(store, sku, &series, version).await;
    series
}

pub async fn write_series(store: &Arc<dyn Store>, sku: &str, series: &DailySeries, version: i64) {
    let rows = feature_values(series, &HolidayCalendar::builtin());
    let watermark = DataWatermark {
        data_through: series.end(),
        version,
    };
    store
        .put_features(sku, rows, watermark)
        .await
        .unwrap_or_else(|e| panic!("features of {sku}: {e}"));
}

/// `days` of synthetic demand ending on [`data_through`].
pub fn synthetic(seed: u64, days: usize) -> Vec<f64> {
    let start = data_through() - chrono::Days::new(days as u64 - 1);
    forecast_svc::synthetic::series(seed, start, days, &Default::default())
        .units()
        .to_vec()
}

pub async fn get(
    client: &mut Client,
    sku: &str,
    horizon: i32,
    model: pb::ForecastModel,
) -> pb::GetForecastResponse {
    client
        .get_forecast(pb::GetForecastRequest {
            sku: sku.into(),
            horizon_days: horizon,
            model: model as i32,
        })
        .await
        .unwrap_or_else(|e| panic!("forecast {sku}: {e:?}"))
        .into_inner()
}

#[allow(unused_imports)] // not every test binary checks a status
pub use icc_server::testing::expect_status;

pub fn date(d: &Option<icc_proto::google::r#type::Date>) -> NaiveDate {
    icc_proto::date_from_proto(d.as_ref().expect("a date")).expect("a valid date")
}
