//! The service logic behind the RPCs: loads a SKU's history from the
//! store, reuses a stored forecast while it is still valid, computes one
//! otherwise (once per SKU and model however many ask at the same time) on
//! a bounded blocking pool, and stores it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use icc_analytics::reorder::{ReorderPolicy, advise, only_share_of_first_day, share_ahead};
use icc_analytics::{HolidayCalendar, TotalScales};
use icc_proto::date_from_proto;
use icc_proto::v1 as pb;
use icc_store::{
    DataWatermark, PageRequest, Product, ProductFilter, Store, StoreError, StoredForecast,
};
use prost::Message;
use tokio::sync::{OwnedMutexGuard, Semaphore, watch};

use crate::convert::{self, StoredBody};
use crate::engine::{self, BacktestOutcome};
use crate::error::Error;
use crate::history::{HISTORY_FROM, HISTORY_TO, SkuHistory};
use crate::models::{ModelChoice, ModelKind};

/// Version of the forecasting code. A stored forecast made by another
/// version is recomputed: change it whenever a model, the selection or
/// the intervals change what a forecast would be.
pub const MODEL_VERSION: &str = "forecast-svc/15";

/// Fewest days computed and stored, so that the usual requests (a week,
/// four weeks, reorder advice) share one stored forecast.
pub const MIN_COMPUTED_HORIZON: usize = 28;

/// Projection horizon of reorder advice when the request gives 0.
pub const DEFAULT_ADVICE_HORIZON: usize = 28;

/// Products read per page when listing the active SKUs.
const PRODUCT_PAGE: usize = 500;

/// How the service forecasts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Holidays of forecast days (is_holiday); must match ingest-svc's.
    pub calendar: Arc<HolidayCalendar>,
    /// Lead time for products that set none, days.
    pub default_lead_time_days: u32,
    /// Service level for products that set none, in (0, 1).
    pub default_service_level: f64,
    /// Stored forecasts of another version are recomputed.
    pub model_version: String,
    /// Forecasts computed at the same time (CPU-bound work).
    pub workers: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            calendar: Arc::new(HolidayCalendar::builtin()),
            default_lead_time_days: 7,
            default_service_level: 0.95,
            model_version: MODEL_VERSION.to_owned(),
            workers: default_workers(),
        }
    }
}

/// One worker per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Counters for tests and logs.
#[derive(Debug)]
pub struct Stats {
    computations: AtomicU64,
    runs: watch::Sender<usize>,
}

impl Stats {
    fn new() -> Self {
        Stats {
            computations: AtomicU64::new(0),
            runs: watch::Sender::new(0),
        }
    }

    /// Forecasts and backtests computed (started) so far.
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::SeqCst)
    }

    /// Bulk runs (ForecastAll, ListReorderAdvice) in progress.
    pub fn runs(&self) -> usize {
        *self.runs.borrow()
    }

    /// Waits until no bulk run is in progress: every computation it
    /// started has finished and it will start no more.
    pub async fn wait_idle(&self) {
        let mut rx = self.runs.subscribe();
        let _ = rx.wait_for(|&n| n == 0).await;
    }

    /// Marks a bulk run as started until the guard drops.
    pub(crate) fn run(self: &Arc<Self>) -> RunGuard {
        self.runs.send_modify(|n| *n += 1);
        RunGuard(self.clone())
    }
}

/// Ends a bulk run when dropped.
pub(crate) struct RunGuard(Arc<Stats>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        self.0.runs.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// A forecast as served.
#[derive(Debug, Clone, PartialEq)]
pub struct Served {
    /// The forecast, exactly as long as asked.
    pub forecast: pb::Forecast,
    /// True when the stored forecast was returned.
    pub reused: bool,
    /// Error scale of the running total through each point.
    pub total_errors: TotalScales,
}

/// Whether a stored forecast may be returned for a request: made by this
/// model version, from exactly the current data (same last day, same data
/// version), and at least as long as asked (design invariant 7).
pub fn reusable(
    stored: &StoredForecast,
    watermark: &DataWatermark,
    model_version: &str,
    horizon: usize,
) -> bool {
    stored.watermark == *watermark
        && stored.model_version == model_version
        && usize::try_from(stored.horizon_days).is_ok_and(|h| h >= horizon)
}

type FlightKey = (String, &'static str);

/// The forecasting service's logic.
pub struct ForecastCore {
    store: Arc<dyn Store>,
    settings: Settings,
    cpu: Arc<Semaphore>,
    flights: Mutex<HashMap<FlightKey, Arc<tokio::sync::Mutex<()>>>>,
    stats: Arc<Stats>,
}

impl ForecastCore {
    /// The logic over `store` with `settings`.
    pub fn new(store: Arc<dyn Store>, settings: Settings) -> Self {
        let workers = settings.workers.max(1);
        ForecastCore {
            store,
            settings,
            cpu: Arc::new(Semaphore::new(workers)),
            flights: Mutex::new(HashMap::new()),
            stats: Arc::new(Stats::new()),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Counters.
    pub fn stats(&self) -> &Arc<Stats> {
        &self.stats
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The product, or NOT_FOUND naming the SKU.
    pub async fn product(&self, sku: &str) -> Result<Product, Error> {
        match self.store.get_product(sku).await {
            Ok(p) => Ok(p),
            Err(StoreError::NotFound(_)) => Err(Error::UnknownSku(sku.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// Every active product, in SKU order.
    pub async fn active_products(&self) -> Result<Vec<Product>, Error> {
        let filter = ProductFilter::default();
        let mut page = PageRequest::first(PRODUCT_PAGE);
        let mut all = Vec::new();
        loop {
            let got = self.store.list_products(&filter, &page).await?;
            all.extend(got.items);
            match got.next {
                Some(after) => page.after = Some(after),
                None => return Ok(all),
            }
        }
    }

    /// A SKU's forecast of `horizon` days (checks the SKU exists).
    pub async fn forecast(
        &self,
        sku: &str,
        choice: ModelChoice,
        horizon: usize,
    ) -> Result<Served, Error> {
        engine::check_horizon("horizon_days", horizon)?;
        self.product(sku).await?;
        self.forecast_known(sku, choice, horizon).await
    }

    /// A known SKU's forecast: the stored one while it is reusable, else a
    /// new one, computed once however many callers ask at the same time.
    pub async fn forecast_known(
        &self,
        sku: &str,
        choice: ModelChoice,
        horizon: usize,
    ) -> Result<Served, Error> {
        engine::check_computed_horizon(horizon)?;
        let _flight = self.enter_flight(sku, choice).await;

        // The watermark alone: no rows lie after the last possible day.
        let (_, watermark) = self.store.features(sku, HISTORY_TO, HISTORY_TO).await?;
        let Some(watermark) = watermark else {
            return Err(no_history(sku, choice));
        };
        if let Some(stored) = self.store.forecast(sku, choice.name()).await?
            && reusable(&stored, &watermark, &self.settings.model_version, horizon)
        {
            match StoredBody::decode(stored.body.as_slice()) {
                Ok(body) => {
                    if let Some(served) = served_from(body, horizon) {
                        tracing::debug!(sku, model = choice.name(), "stored forecast reused");
                        return Ok(served);
                    }
                }
                Err(e) => tracing::warn!(sku, error = %e, "undecodable stored forecast"),
            }
        }

        let history = self.history(sku, choice).await?;
        engine::check_history(&history, choice)?;
        let computed_horizon = horizon.max(MIN_COMPUTED_HORIZON);
        let calendar = self.settings.calendar.clone();
        let watermark = history.watermark;
        let computed = self
            .compute(move || engine::forecast(&history, choice, computed_horizon, &calendar))
            .await??;
        let forecast = convert::forecast(
            sku,
            &computed,
            watermark,
            &self.settings.model_version,
            chrono::Utc::now(),
        );
        let body = StoredBody {
            forecast: Some(forecast.clone()),
            total_error_scale: computed.total_errors.scale.clone(),
            total_error_dof: computed.total_errors.dof.clone(),
        };
        let stored = StoredForecast {
            sku: sku.to_owned(),
            model: choice.name().to_owned(),
            model_version: self.settings.model_version.clone(),
            watermark,
            horizon_days: i32::try_from(computed_horizon).unwrap_or(i32::MAX),
            create_time: chrono::Utc::now(),
            body: body.encode_to_vec(),
        };
        if let Err(e) = self.store.put_forecast(stored).await {
            // The forecast is still right; the next call computes again.
            tracing::error!(sku, error = %e, "storing a forecast failed");
        }
        tracing::debug!(sku, model = computed.model.name(), "forecast computed");
        let mut served = Served {
            forecast,
            reused: false,
            total_errors: computed.total_errors,
        };
        served.forecast.points.truncate(horizon);
        served.total_errors.truncate(horizon);
        Ok(served)
    }

    /// The Backtest RPC (checks the SKU exists).
    pub async fn backtest(
        &self,
        sku: &str,
        choice: ModelChoice,
        horizon: usize,
        windows: usize,
    ) -> Result<BacktestOutcome, Error> {
        engine::check_horizon("horizon_days", horizon)?;
        self.product(sku).await?;
        let history = self.history(sku, choice).await?;
        let calendar = self.settings.calendar.clone();
        self.compute(move || engine::backtest_sku(&history, choice, horizon, windows, &calendar))
            .await?
    }

    /// Reorder advice for a product: its AUTO forecast over `horizon` days
    /// (at least lead time plus review period), lead time and service
    /// level from the overrides, else the product's, else the defaults.
    pub async fn advice(
        &self,
        product: &Product,
        lead_time_days: Option<u32>,
        service_level: Option<f64>,
        horizon: usize,
    ) -> Result<pb::ReorderAdvice, Error> {
        let policy = self.policy(product, lead_time_days, service_level);
        let days = horizon
            .max((policy.lead_time_days + policy.review_period_days) as usize)
            .max(1);
        let served = self
            .forecast_known(&product.sku, ModelChoice::Auto, days)
            .await?;
        let forecast = &served.forecast;
        let first_day = forecast
            .points
            .first()
            .and_then(|p| p.date.as_ref())
            .and_then(|d| date_from_proto(d).ok())
            .ok_or_else(|| Error::Internal(format!("forecast of {} has no dates", product.sku)))?;
        let mut values: Vec<f64> = forecast.points.iter().map(|p| p.value).collect();
        let mut totals = served.total_errors.clone();
        // Stock on hand already reflects what today has sold so far. (A
        // history that stops before yesterday is projected as it is.)
        let now = chrono::Utc::now();
        let share = if first_day == now.date_naive() {
            share_ahead(first_day, now)
        } else {
            1.0
        };
        only_share_of_first_day(&mut values, &mut totals, share);
        let advice = advise(product.on_hand.max(0), first_day, &values, &totals, &policy)
            .map_err(|e| Error::Internal(format!("reorder advice for {}: {e}", product.sku)))?;
        Ok(convert::advice(&product.sku, forecast.model, &advice))
    }

    /// The policy for a product.
    pub fn policy(
        &self,
        product: &Product,
        lead_time_days: Option<u32>,
        service_level: Option<f64>,
    ) -> ReorderPolicy {
        let product_lead = u32::try_from(product.lead_time_days)
            .ok()
            .filter(|&d| d > 0);
        let product_level = Some(product.service_level).filter(|&s| s > 0.0 && s < 1.0);
        ReorderPolicy {
            lead_time_days: lead_time_days
                .or(product_lead)
                .unwrap_or(self.settings.default_lead_time_days),
            service_level: service_level
                .or(product_level)
                .unwrap_or(self.settings.default_service_level),
            review_period_days: ReorderPolicy::default().review_period_days,
        }
    }

    async fn history(&self, sku: &str, choice: ModelChoice) -> Result<SkuHistory, Error> {
        let (rows, watermark) = self.store.features(sku, HISTORY_FROM, HISTORY_TO).await?;
        SkuHistory::from_store(sku, rows, watermark)?.ok_or_else(|| no_history(sku, choice))
    }

    /// Runs CPU-bound work on the blocking pool, at most `workers` at a
    /// time. The permit travels with the work, so work whose caller went
    /// away still counts until it ends.
    async fn compute<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        let permit = self
            .cpu
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Unavailable("forecast-svc is shutting down".into()))?;
        self.stats.computations.fetch_add(1, Ordering::SeqCst);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|e| Error::Internal(format!("forecast task failed: {e}")))
    }

    /// Waits for the one flight of (SKU, model): returns once no other
    /// caller is computing it.
    async fn enter_flight(&self, sku: &str, choice: ModelChoice) -> Flight<'_> {
        let key: FlightKey = (sku.to_owned(), choice.name());
        let lock = {
            let mut flights = self.flights.lock().unwrap_or_else(|e| e.into_inner());
            flights.entry(key.clone()).or_default().clone()
        };
        let guard = lock.lock_owned().await;
        Flight {
            core: self,
            key,
            guard: Some(guard),
        }
    }
}

/// Holds a (SKU, model) flight; removes its entry when no one waits.
struct Flight<'a> {
    core: &'a ForecastCore,
    key: FlightKey,
    guard: Option<OwnedMutexGuard<()>>,
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        let mut flights = self.core.flights.lock().unwrap_or_else(|e| e.into_inner());
        // The map's reference and ours inside the guard: nobody waits.
        if let Some(lock) = flights.get(&self.key)
            && Arc::strong_count(lock) <= 2
        {
            flights.remove(&self.key);
        }
        self.guard.take();
    }
}

fn served_from(body: StoredBody, horizon: usize) -> Option<Served> {
    let mut forecast = body.forecast?;
    let mut total_errors = TotalScales {
        scale: body.total_error_scale,
        dof: body.total_error_dof,
    };
    if forecast.points.len() < horizon
        || total_errors.scale.len() < horizon
        || total_errors.dof.len() < horizon
    {
        return None;
    }
    forecast.points.truncate(horizon);
    total_errors.truncate(horizon);
    Some(Served {
        forecast,
        reused: true,
        total_errors,
    })
}

fn no_history(sku: &str, choice: ModelChoice) -> Error {
    let simplest = choice
        .candidates()
        .into_iter()
        .min_by_key(|k| k.min_history_days())
        .unwrap_or(ModelKind::Naive);
    Error::InsufficientHistory {
        sku: sku.to_owned(),
        have: 0,
        need: simplest.min_history_days(),
        what: format!(
            "no sales history yet; model {} needs that many",
            simplest.name()
        ),
    }
}

#[cfg(test)]
mod tests;
