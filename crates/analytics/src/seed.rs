//! The old system's model, reproduced exactly ("seed-compatible mode").
//!
//! OLS over the seven features of every non-warm-up day, then a recursive
//! forecast: each step reads its lags from the history extended by the
//! earlier predictions, and the prediction is clamped to
//! `[0.2 × base, 2.0 × base]` with `base = rolling_mean_7`, or 1.0 when
//! rolling_mean_7 is not above 0.1.

use ndarray::Array1;

use crate::calendar::HolidayCalendar;
use crate::features::{
    FEATURE_COUNT, FEATURE_NAMES, FeatureRow, WARM_UP_DAYS, feature_rows, features_from_history,
};
use crate::forecast::{Explanation, ForecastError, ForecastPoint, Forecaster, Term, check_horizon};
use crate::regression::{OlsFit, design_matrix, fit_ols};
use crate::series::DailySeries;

/// Training rows the seed model wants beyond the warm-up: 14, twice the
/// eight parameters (seven coefficients and the intercept) rounded up to
/// whole weeks.
pub const SEED_MIN_TRAINING_ROWS: usize = 14;

/// Days of history the seed model needs: warm-up plus training rows.
pub const SEED_MIN_HISTORY_DAYS: usize = WARM_UP_DAYS + SEED_MIN_TRAINING_ROWS;

/// Lower clamp factor on the base.
pub const CLAMP_LOW: f64 = 0.2;
/// Upper clamp factor on the base.
pub const CLAMP_HIGH: f64 = 2.0;
/// rolling_mean_7 must exceed this to serve as the clamp base.
pub const BASE_FLOOR: f64 = 0.1;
/// Base used when rolling_mean_7 is not above [`BASE_FLOOR`].
pub const FALLBACK_BASE: f64 = 1.0;

/// A fitted seed model.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedModel {
    fit: OlsFit,
}

impl SeedModel {
    /// Fits OLS on the rows of `series` with at least [`WARM_UP_DAYS`] days
    /// of history, over the features in [`FEATURE_NAMES`] order.
    pub fn fit(series: &DailySeries, calendar: &HolidayCalendar) -> Result<Self, ForecastError> {
        if series.len() < SEED_MIN_HISTORY_DAYS {
            return Err(ForecastError::InsufficientHistory {
                have: series.len(),
                need: SEED_MIN_HISTORY_DAYS,
            });
        }
        Self::fit_rows(&feature_rows(series, calendar), series.units())
    }

    /// Fits on the days of `rows` (the series' feature rows, or a prefix of
    /// them: a row reads only earlier days) and their `units`.
    fn fit_rows(rows: &[FeatureRow], units: &[f64]) -> Result<Self, ForecastError> {
        let (x, y): (Vec<[f64; FEATURE_COUNT]>, Vec<f64>) = rows
            .iter()
            .zip(units)
            .filter(|(row, _)| !row.is_warm_up())
            .map(|(row, &units)| (row.features.to_array(), units))
            .unzip();
        let fit = fit_ols(design_matrix(&x).view(), Array1::from(y).view())?;
        Ok(Self { fit })
    }

    /// A model from stored parameters (e.g. a persisted fit), so a forecast
    /// can be recomputed without refitting.
    pub fn from_coefficients(
        intercept: f64,
        coefficients: [f64; FEATURE_COUNT],
        r_squared: f64,
        training_rows: usize,
    ) -> Self {
        Self {
            fit: OlsFit {
                intercept,
                coefficients: coefficients.to_vec(),
                r_squared,
                rank: FEATURE_COUNT,
                rows: training_rows,
            },
        }
    }

    /// The intercept.
    pub fn intercept(&self) -> f64 {
        self.fit.intercept
    }

    /// Coefficients in [`FEATURE_NAMES`] order.
    pub fn coefficients(&self) -> &[f64] {
        &self.fit.coefficients
    }

    /// R-squared on the training rows.
    pub fn r_squared(&self) -> f64 {
        self.fit.r_squared
    }

    /// The underlying fit (rank, rows).
    pub fn ols(&self) -> &OlsFit {
        &self.fit
    }

    /// Forecasts `horizon` days after `series` ends, recursively, with the
    /// clamp and an explanation per day.
    pub fn forecast(
        &self,
        series: &DailySeries,
        calendar: &HolidayCalendar,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        check_horizon(horizon)?;
        let mut history = series.units().to_vec();
        let mut points = Vec::with_capacity(horizon);
        for step in 0..horizon {
            let date = series.date_of(series.len() + step);
            let features = features_from_history(&history, date, calendar).features;
            let terms = FEATURE_NAMES
                .iter()
                .zip(features.to_array())
                .zip(&self.fit.coefficients)
                .map(|((name, value), &coef)| Term::new(*name, value, coef))
                .collect();
            let mut explanation = Explanation::new(self.fit.intercept, terms);
            let base = if features.rolling_mean_7 > BASE_FLOOR {
                features.rolling_mean_7
            } else {
                FALLBACK_BASE
            };
            let value = explanation
                .unclamped
                .clamp(CLAMP_LOW * base, CLAMP_HIGH * base);
            explanation.clamped = value != explanation.unclamped;
            history.push(value);
            points.push(ForecastPoint {
                date,
                value,
                explanation,
            });
        }
        Ok(points)
    }
}

/// Fits and forecasts the seed model in one call, for backtests.
#[derive(Debug, Clone)]
pub struct SeedForecaster {
    calendar: HolidayCalendar,
}

impl SeedForecaster {
    /// A seed forecaster using `calendar` for is_holiday.
    pub fn new(calendar: HolidayCalendar) -> Self {
        Self { calendar }
    }
}

impl Forecaster for SeedForecaster {
    fn name(&self) -> &str {
        "seed"
    }

    fn min_history(&self) -> usize {
        SEED_MIN_HISTORY_DAYS
    }

    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        check_horizon(horizon)?;
        SeedModel::fit(history, &self.calendar)?.forecast(history, &self.calendar, horizon)
    }

    /// Computes the feature rows once for all origins: the rows of a prefix
    /// are a prefix of the rows.
    fn forecast_origins(
        &self,
        series: &DailySeries,
        origins: &[usize],
        horizon: usize,
    ) -> Result<Vec<Vec<f64>>, ForecastError> {
        check_horizon(horizon)?;
        let rows = feature_rows(series, &self.calendar);
        origins
            .iter()
            .map(|&o| {
                let history = (SEED_MIN_HISTORY_DAYS..=series.len())
                    .contains(&o)
                    .then(|| series.truncated(series.date_of(o - 1)))
                    .flatten()
                    .ok_or(ForecastError::InsufficientHistory {
                        have: o,
                        need: SEED_MIN_HISTORY_DAYS,
                    })?;
                let model = SeedModel::fit_rows(&rows[..o], history.units())?;
                let points = model.forecast(&history, &self.calendar, horizon)?;
                Ok(points.into_iter().map(|p| p.value).collect())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
