//! ForecastService over gRPC: a thin adapter that validates each request,
//! calls [`ForecastCore`] and maps errors to status codes.

use std::sync::Arc;

use icc_proto::v1 as pb;
use icc_proto::v1::forecast_service_server::ForecastService;
use icc_server::paging::{next_page_token, page_request};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::bulk;
use crate::convert;
use crate::core::{DEFAULT_ADVICE_HORIZON, ForecastCore};
use crate::engine::{BACKTEST_WINDOWS, MAX_HORIZON_DAYS};
use crate::error::Error;
use crate::models::ModelChoice;

/// The gRPC service.
pub struct Forecasts {
    core: Arc<ForecastCore>,
    stop: CancellationToken,
}

impl Forecasts {
    /// The service over `core`; `stop` ends open streams at shutdown.
    pub fn new(core: Arc<ForecastCore>, stop: CancellationToken) -> Self {
        Forecasts { core, stop }
    }
}

#[tonic::async_trait]
impl ForecastService for Forecasts {
    #[tracing::instrument(skip_all, name = "GetForecast", fields(sku = %request.get_ref().sku))]
    async fn get_forecast(
        &self,
        request: Request<pb::GetForecastRequest>,
    ) -> Result<Response<pb::GetForecastResponse>, Status> {
        let r = request.into_inner();
        let sku = sku(&r.sku)?;
        let horizon = horizon("horizon_days", r.horizon_days, None)?;
        let choice = ModelChoice::from_proto("model", r.model)?;
        let served = self.core.forecast(&sku, choice, horizon).await?;
        Ok(Response::new(pb::GetForecastResponse {
            forecast: Some(served.forecast),
            reused: served.reused,
        }))
    }

    type ForecastAllStream = ReceiverStream<Result<pb::ForecastAllResponse, Status>>;

    #[tracing::instrument(skip_all, name = "ForecastAll")]
    async fn forecast_all(
        &self,
        request: Request<pb::ForecastAllRequest>,
    ) -> Result<Response<Self::ForecastAllStream>, Status> {
        let r = request.into_inner();
        let horizon = horizon("horizon_days", r.horizon_days, None)?;
        let choice = ModelChoice::from_proto("model", r.model)?;
        let rx = bulk::forecast_all(self.core.clone(), choice, horizon, self.stop.clone());
        Ok(Response::new(ReceiverStream::new(rx)))
    }

    #[tracing::instrument(skip_all, name = "Backtest", fields(sku = %request.get_ref().sku))]
    async fn backtest(
        &self,
        request: Request<pb::BacktestRequest>,
    ) -> Result<Response<pb::BacktestResponse>, Status> {
        let r = request.into_inner();
        let sku = sku(&r.sku)?;
        let horizon = horizon("horizon_days", r.horizon_days, None)?;
        let choice = ModelChoice::from_proto("model", r.model)?;
        let max = icc_analytics::backtest::MAX_WINDOWS;
        let windows = match usize::try_from(r.windows) {
            Ok(0) => BACKTEST_WINDOWS,
            Ok(w) if w <= max => w,
            _ => {
                return Err(Error::invalid(
                    "windows",
                    format!("must be between 0 (default 8) and {max}, got {}", r.windows),
                )
                .into());
            }
        };
        let outcome = self.core.backtest(&sku, choice, horizon, windows).await?;
        Ok(Response::new(convert::backtest(&outcome)))
    }

    #[tracing::instrument(skip_all, name = "GetReorderAdvice", fields(sku = %request.get_ref().sku))]
    async fn get_reorder_advice(
        &self,
        request: Request<pb::GetReorderAdviceRequest>,
    ) -> Result<Response<pb::GetReorderAdviceResponse>, Status> {
        let r = request.into_inner();
        let sku = sku(&r.sku)?;
        let lead_time = match r.lead_time_days {
            0 => None,
            d @ 1..=365 => Some(d as u32),
            d => {
                return Err(Error::invalid(
                    "lead_time_days",
                    format!("must be between 0 (the product's or the default) and 365, got {d}"),
                )
                .into());
            }
        };
        let level = r.service_level;
        let service_level = if level == 0.0 {
            None
        } else if level > 0.0 && level < 1.0 {
            Some(level)
        } else {
            return Err(Error::invalid(
                "service_level",
                format!(
                    "must be 0 (the product's or the default) or between 0 and 1 exclusive, got {level}"
                ),
            )
            .into());
        };
        let horizon = horizon("horizon_days", r.horizon_days, Some(DEFAULT_ADVICE_HORIZON))?;
        let product = self.core.product(&sku).await?;
        let advice = self
            .core
            .advice(&product, lead_time, service_level, horizon)
            .await?;
        Ok(Response::new(pb::GetReorderAdviceResponse {
            advice: Some(advice),
        }))
    }

    #[tracing::instrument(skip_all, name = "ListReorderAdvice")]
    async fn list_reorder_advice(
        &self,
        request: Request<pb::ListReorderAdviceRequest>,
    ) -> Result<Response<pb::ListReorderAdviceResponse>, Status> {
        let r = request.into_inner();
        let filters = format!("needs_action_only={}", r.needs_action_only);
        let page = page_request(r.page_size, &r.page_token, &filters)?;
        let (mut advice, skipped) = bulk::advice_all(&self.core, DEFAULT_ADVICE_HORIZON).await?;
        if r.needs_action_only {
            advice.retain(|a| a.urgency != pb::ReorderUrgency::Ok as i32);
        }
        let mut keyed: Vec<(String, pb::ReorderAdvice)> =
            advice.into_iter().map(|a| (urgency_key(&a), a)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let first_page = page.after.is_none();
        let rest: Vec<(String, pb::ReorderAdvice)> = keyed
            .into_iter()
            .filter(|(key, _)| page.after.as_ref().is_none_or(|after| key > after))
            .collect();
        let more = rest.len() > page.size;
        let items: Vec<(String, pb::ReorderAdvice)> = rest.into_iter().take(page.size).collect();
        let next = more.then(|| items.last().map(|(k, _)| k.clone())).flatten();
        Ok(Response::new(pb::ListReorderAdviceResponse {
            advice: items.into_iter().map(|(_, a)| a).collect(),
            next_page_token: next_page_token(next, &filters),
            skipped: if first_page { skipped } else { Vec::new() },
        }))
    }
}

/// A string that sorts advice most urgent first, then by earliest
/// stockout, then by SKU; it is also the page cursor.
pub fn urgency_key(a: &pb::ReorderAdvice) -> String {
    let rank = (pb::ReorderUrgency::Critical as i32 - a.urgency).clamp(0, 9);
    let stockout = a
        .stockout_date
        .as_ref()
        .and_then(|d| icc_proto::date_from_proto(d).ok())
        .map_or_else(
            || "9999-12-31".to_owned(),
            |d| d.format("%Y-%m-%d").to_string(),
        );
    format!("{rank}|{stockout}|{}", a.sku)
}

fn sku(value: &str) -> Result<String, Status> {
    icc_server::sku("sku", value)
}

/// A horizon in 1..=365; 0 means `default` when there is one.
fn horizon(field: &str, value: i32, default: Option<usize>) -> Result<usize, Status> {
    match (usize::try_from(value), default) {
        (Ok(0), Some(d)) => Ok(d),
        (Ok(h), _) if (1..=MAX_HORIZON_DAYS).contains(&h) => Ok(h),
        _ => {
            let range = if default.is_some() {
                format!(
                    "0 (default {}) and {MAX_HORIZON_DAYS}",
                    default.unwrap_or(0)
                )
            } else {
                format!("1 and {MAX_HORIZON_DAYS}")
            };
            Err(Error::invalid(field, format!("must be between {range}, got {value}")).into())
        }
    }
}
