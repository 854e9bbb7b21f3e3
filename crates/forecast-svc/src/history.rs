//! A SKU's stored features turned into what the models read: the daily
//! units series and the seed model's training rows.
//!
//! ingest-svc stores one feature row per day from the SKU's first sales
//! day through its watermark's `data_through`, gap-filled (a day without
//! sales is a row with units 0), each computed by icc-analytics'
//! `features` module. The seed model is fitted on exactly those rows
//! (history_days >= 14, target units), and forecasts recursively from their
//! units.

use chrono::NaiveDate;
use icc_analytics::features::{FEATURE_COUNT, WARM_UP_DAYS, feature_rows};
use icc_analytics::regression::{design_matrix, fit_ols};
use icc_analytics::seed::{SEED_MIN_HISTORY_DAYS, SeedModel};
use icc_analytics::series::MAX_SERIES_DAYS;
use icc_analytics::{DailySeries, Duplicates, ForecastError, HolidayCalendar};
use icc_store::{DataWatermark, FeatureValues};
use ndarray::Array1;

use crate::error::Error;

/// First day asked of the store: before any business's history.
pub const HISTORY_FROM: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
/// Last day asked of the store.
pub const HISTORY_TO: NaiveDate = NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date");

/// One SKU's history as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SkuHistory {
    /// The SKU.
    pub sku: String,
    /// What the features reflect.
    pub watermark: DataWatermark,
    /// Units per day from the first stored row through `data_through`.
    pub series: DailySeries,
    /// The stored feature rows in day order, none after `data_through`.
    pub rows: Vec<FeatureValues>,
}

impl SkuHistory {
    /// Builds the history from what `SalesStore::features` returned;
    /// `None` when there is none (no watermark, or no row up to it). At
    /// most the last `MAX_SERIES_DAYS` days are kept.
    pub fn from_store(
        sku: &str,
        mut rows: Vec<FeatureValues>,
        watermark: Option<DataWatermark>,
    ) -> Result<Option<Self>, Error> {
        let Some(watermark) = watermark else {
            return Ok(None);
        };
        rows.retain(|r| r.day <= watermark.data_through);
        rows.sort_by_key(|r| r.day);
        rows.dedup_by_key(|r| r.day);
        let Some(first) = rows.first().map(|r| r.day) else {
            return Ok(None);
        };
        let oldest_kept = watermark
            .data_through
            .checked_sub_days(chrono::Days::new(MAX_SERIES_DAYS as u64 - 1))
            .unwrap_or(first);
        if first < oldest_kept {
            rows.retain(|r| r.day >= oldest_kept);
        }
        let start = rows.first().map_or(first, |r| r.day);
        let observations: Vec<(NaiveDate, f64)> = rows.iter().map(|r| (r.day, r.units)).collect();
        let series = DailySeries::from_observations_in_range(
            &observations,
            start,
            watermark.data_through,
            Duplicates::Reject,
        )
        .map_err(|e| Error::Internal(format!("stored features of SKU {sku:?}: {e}")))?;
        if rows.len() != series.len() {
            tracing::warn!(
                sku,
                rows = rows.len(),
                days = series.len(),
                "stored feature rows have gaps; missing days count as 0 units"
            );
        }
        Ok(Some(SkuHistory {
            sku: sku.to_owned(),
            watermark,
            series,
            rows,
        }))
    }

    /// Days of history.
    pub fn days(&self) -> usize {
        self.series.len()
    }
}

/// Fits the seed model on stored feature rows: OLS over the seven features
/// of every row with at least [`WARM_UP_DAYS`] days of history, target
/// units. On rows computed by icc-analytics from a series this is exactly
/// `SeedModel::fit` on that series.
pub fn fit_seed_from_rows(rows: &[FeatureValues]) -> Result<SeedModel, ForecastError> {
    let (x, y): (Vec<[f64; FEATURE_COUNT]>, Vec<f64>) = rows
        .iter()
        .filter(|r| r.history_days >= WARM_UP_DAYS as i32)
        .map(|r| (feature_array(r), r.units))
        .unzip();
    let min_training = SEED_MIN_HISTORY_DAYS - WARM_UP_DAYS;
    if y.len() < min_training {
        return Err(ForecastError::InsufficientHistory {
            have: y.len() + WARM_UP_DAYS.min(rows.len()),
            need: SEED_MIN_HISTORY_DAYS,
        });
    }
    let fit = fit_ols(design_matrix(&x).view(), Array1::from(y).view())?;
    let coefficients: [f64; FEATURE_COUNT] =
        fit.coefficients
            .as_slice()
            .try_into()
            .map_err(|_| ForecastError::InvalidParameter {
                name: "coefficients",
                message: format!("{} coefficients for 7 features", fit.coefficients.len()),
            })?;
    Ok(SeedModel::from_coefficients(
        fit.intercept,
        coefficients,
        fit.r_squared,
        fit.rows,
    ))
}

/// The values of a stored row in `FEATURE_NAMES` order.
pub fn feature_array(r: &FeatureValues) -> [f64; FEATURE_COUNT] {
    [
        r.lag_1,
        r.lag_7,
        r.lag_14,
        r.rolling_mean_7,
        r.trend_index,
        r.is_weekend,
        r.is_holiday,
    ]
}

/// The feature rows ingest-svc stores for `series`: one per day, computed
/// by icc-analytics (tests and the benchmark use it to stand in for
/// ingest-svc).
pub fn feature_values(series: &DailySeries, calendar: &HolidayCalendar) -> Vec<FeatureValues> {
    feature_rows(series, calendar)
        .into_iter()
        .zip(series.units())
        .map(|(row, &units)| {
            let f = row.features;
            FeatureValues {
                day: row.date,
                units,
                lag_1: f.lag_1,
                lag_7: f.lag_7,
                lag_14: f.lag_14,
                rolling_mean_7: f.rolling_mean_7,
                trend_index: f.trend_index,
                is_weekend: f.is_weekend,
                is_holiday: f.is_holiday,
                history_days: i32::try_from(row.history_days).unwrap_or(i32::MAX),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
