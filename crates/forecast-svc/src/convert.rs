//! Computed forecasts, backtests and advice to their protobuf messages, and
//! the body a forecast is stored with.

use chrono::{DateTime, Utc};
use icc_analytics::reorder::{ReorderAdvice, Urgency};
use icc_analytics::{Accuracy, BacktestReport, Explanation, ForecastPoint, Interval};
use icc_proto::v1 as pb;
use icc_proto::{date_to_proto, timestamp_to_proto};
use icc_store::DataWatermark;

use crate::engine::{self, BacktestOutcome, Forecasted};
use crate::models::ModelKind;

/// What the store keeps for a forecast (the `body` of a `StoredForecast`):
/// the forecast as served plus the error scales of its running totals, and
/// their degrees of freedom, that reorder advice needs for safety stock.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StoredBody {
    /// The forecast over the stored horizon.
    #[prost(message, optional, tag = "1")]
    pub forecast: Option<pb::Forecast>,
    /// Error scale of the demand total through each point, one per point.
    /// (Tag 2 held per-day scales until forecast-svc/14.)
    #[prost(double, repeated, tag = "3")]
    pub total_error_scale: Vec<f64>,
    /// The degrees of freedom of each scale (infinite where the
    /// independent days set it).
    #[prost(double, repeated, tag = "4")]
    pub total_error_dof: Vec<f64>,
}

/// The protobuf forecast of a computed one.
pub fn forecast(
    sku: &str,
    computed: &Forecasted,
    watermark: DataWatermark,
    model_version: &str,
    create_time: DateTime<Utc>,
) -> pb::Forecast {
    pb::Forecast {
        sku: sku.to_owned(),
        model: computed.model.to_proto() as i32,
        model_version: model_version.to_owned(),
        data_watermark: Some(date_to_proto(watermark.data_through)),
        create_time: Some(timestamp_to_proto(create_time)),
        points: computed
            .points
            .iter()
            .zip(&computed.intervals)
            .map(|(p, i)| point(p, i))
            .collect(),
        r_squared: computed.r_squared,
        selection: computed
            .selection
            .iter()
            .map(|s| score(s.model, &s.accuracy))
            .collect(),
        fallback_reason: computed.fallback_reason.clone().unwrap_or_default(),
        data_version: watermark.version,
    }
}

fn point(p: &ForecastPoint, i: &Interval) -> pb::ForecastPoint {
    pb::ForecastPoint {
        date: Some(date_to_proto(p.date)),
        value: p.value,
        lower_80: i.lower_80,
        upper_80: i.upper_80,
        lower_95: i.lower_95,
        upper_95: i.upper_95,
        explanation: Some(explanation(&p.explanation)),
    }
}

fn explanation(e: &Explanation) -> pb::Explanation {
    pb::Explanation {
        intercept: e.intercept,
        terms: e
            .terms
            .iter()
            .map(|t| pb::Term {
                name: t.name.clone(),
                value: t.value,
                coefficient: t.coefficient,
                contribution: t.contribution,
            })
            .collect(),
        unclamped: e.unclamped,
        clamped: e.clamped,
    }
}

/// A model's score; an undefined scaled measure (zero scale) is 0.
pub fn score(model: ModelKind, a: &Accuracy) -> pb::ModelScore {
    pb::ModelScore {
        model: model.to_proto() as i32,
        accuracy: Some(pb::Accuracy {
            mae: a.mae,
            rmse: a.rmse,
            smape: a.smape,
            mase: a.mase.unwrap_or(0.0),
            rmsse: a.rmsse.unwrap_or(0.0),
        }),
        selection_score: engine::selection_score(model, a),
    }
}

/// The Backtest RPC's answer.
pub fn backtest(outcome: &BacktestOutcome) -> pb::BacktestResponse {
    let report: &BacktestReport = &outcome.report;
    let baselines = report
        .baselines
        .iter()
        .filter_map(|b| {
            let model = match b.model.as_str() {
                "naive" => ModelKind::Naive,
                "seasonal_naive" => ModelKind::SeasonalNaive,
                _ => return None,
            };
            Some(score(model, &b.accuracy))
        })
        .collect();
    pb::BacktestResponse {
        model: Some(score(outcome.model, &report.model.accuracy)),
        baselines,
        coverage_80: report.coverage_80.unwrap_or(0.0),
        coverage_95: report.coverage_95.unwrap_or(0.0),
        windows: i32::try_from(report.windows).unwrap_or(i32::MAX),
        points: i64::try_from(report.points).unwrap_or(i64::MAX),
    }
}

/// The protobuf urgency.
pub fn urgency(u: Urgency) -> pb::ReorderUrgency {
    match u {
        Urgency::Ok => pb::ReorderUrgency::Ok,
        Urgency::Soon => pb::ReorderUrgency::Soon,
        Urgency::Now => pb::ReorderUrgency::Now,
        Urgency::Critical => pb::ReorderUrgency::Critical,
    }
}

/// The protobuf advice.
pub fn advice(sku: &str, model: i32, a: &ReorderAdvice) -> pb::ReorderAdvice {
    pb::ReorderAdvice {
        sku: sku.to_owned(),
        on_hand: a.on_hand,
        projection: a
            .projection
            .iter()
            .map(|d| pb::ProjectedStock {
                date: Some(date_to_proto(d.date)),
                on_hand: d.on_hand,
                demand: d.demand,
            })
            .collect(),
        stockout_date: a.stockout_date.map(date_to_proto),
        days_of_cover: a.days_of_cover,
        lead_time_days: i32::try_from(a.policy.lead_time_days).unwrap_or(i32::MAX),
        service_level: a.policy.service_level,
        lead_time_demand: a.lead_time_demand,
        safety_stock: a.safety_stock,
        reorder_point: a.reorder_point,
        suggested_order_quantity: a.suggested_order_quantity,
        urgency: urgency(a.urgency) as i32,
        model,
    }
}
