//! Rolling-origin backtests with baselines and measured interval coverage.
//!
//! W windows end at the series end, `step` days apart: window w trains on
//! the series up to its origin and forecasts the next `horizon` days, which
//! are then compared with what happened. The naive and seasonal-naive
//! baselines are scored on exactly the same windows. Windows whose training
//! part is shorter than any model needs are dropped (the report says how
//! many were used).
//!
//! Interval coverage is measured out of sample by leave-one-window-out:
//! the intervals applied to window w are built from the errors of every
//! other window only. (Windows overlap when `step < horizon`, so their
//! errors are not fully independent; with the default step of 7 days this
//! is the usual compromise between an honest measure and enough windows.)

use chrono::NaiveDate;

use crate::baselines::{Naive, SeasonalNaive};
use crate::forecast::{Fitted, ForecastError, Forecaster, check_horizon};
use crate::intervals::{IntervalError, IntervalModel, Miss};
use crate::metrics::{self, Accuracy, MetricsError, SEASON_DAYS};
use crate::series::DailySeries;
use crate::total_errors::TotalErrors;

/// Most windows a backtest runs.
pub const MAX_WINDOWS: usize = 52;

/// Shape of a backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktestConfig {
    /// Days forecast from each origin, 1..=[`crate::forecast::MAX_HORIZON_DAYS`].
    pub horizon: usize,
    /// Number of origins, 1..=[`MAX_WINDOWS`].
    pub windows: usize,
    /// Days between consecutive origins, 1..=365.
    pub step: usize,
}

impl Default for BacktestConfig {
    /// 28-day horizon, 8 weekly origins.
    fn default() -> Self {
        Self {
            horizon: 28,
            windows: 8,
            step: 7,
        }
    }
}

/// Why a backtest could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BacktestError {
    /// A model failed, or the series is too short for any window.
    #[error(transparent)]
    Forecast(#[from] ForecastError),
    /// Scoring failed (a model produced a non-finite value).
    #[error("scoring failed: {0}")]
    Metrics(#[from] MetricsError),
    /// Intervals could not be built.
    #[error(transparent)]
    Intervals(#[from] IntervalError),
}

/// One window's forecasts and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowResult {
    /// Last training day.
    pub origin: NaiveDate,
    /// Training days (series start to origin).
    pub training_days: usize,
    /// Forecast per horizon step.
    pub forecast: Vec<f64>,
    /// Actual units per horizon step.
    pub actual: Vec<f64>,
}

impl WindowResult {
    /// Signed errors, actual - forecast, per horizon step.
    pub fn errors(&self) -> Vec<f64> {
        self.actual
            .iter()
            .zip(&self.forecast)
            .map(|(a, f)| a - f)
            .collect()
    }
}

/// One model's results over all windows.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelBacktest {
    /// [`Forecaster::name`] of the model.
    pub model: String,
    /// Per window, oldest first.
    pub windows: Vec<WindowResult>,
    /// Measures over every scored point (see [`ModelBacktest::accuracy`]).
    pub accuracy: Accuracy,
}

impl ModelBacktest {
    /// Signed errors grouped by 0-based horizon step.
    pub fn errors_by_step(&self) -> Vec<Vec<f64>> {
        self.misses_by_step(None)
            .into_iter()
            .map(|misses| misses.into_iter().map(|m| m.error).collect())
            .collect()
    }

    /// Misses grouped by 0-based horizon step, leaving out window `skip`
    /// (if any).
    fn misses_by_step(&self, skip: Option<usize>) -> Vec<Vec<Miss>> {
        let horizon = self.windows.first().map_or(0, |w| w.actual.len());
        let mut by_step = vec![Vec::with_capacity(self.windows.len()); horizon];
        for (i, window) in self.windows.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            for (step, (f, a)) in window.forecast.iter().zip(&window.actual).enumerate() {
                by_step[step].push(Miss {
                    forecast: *f,
                    error: a - f,
                });
            }
        }
        by_step
    }

    /// The intervals its errors give (see [`IntervalModel`]).
    pub fn interval_model(&self) -> Result<IntervalModel, IntervalError> {
        IntervalModel::from_misses(&self.misses_by_step(None))
    }

    /// The errors of its windows' running totals (see [`TotalErrors`]).
    pub fn total_errors(&self) -> TotalErrors {
        TotalErrors::from_windows(&self.windows)
    }
}

/// Everything a backtest measured.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestReport {
    /// The tested model.
    pub model: ModelBacktest,
    /// Naive and seasonal-naive on the same windows.
    pub baselines: Vec<ModelBacktest>,
    /// Intervals from all windows' errors, to apply to a final forecast.
    pub intervals: IntervalModel,
    /// Leave-one-window-out share of actuals inside the 80% intervals;
    /// `None` with a single window.
    pub coverage_80: Option<f64>,
    /// Same for the 95% intervals.
    pub coverage_95: Option<f64>,
    /// Windows used.
    pub windows: usize,
    /// Points scored per model.
    pub points: usize,
}

/// Runs `model` and the two baselines over rolling origins of `series`.
pub fn backtest(
    series: &DailySeries,
    model: &dyn Forecaster,
    config: &BacktestConfig,
) -> Result<BacktestReport, BacktestError> {
    validate(config)?;
    let baselines: [&dyn Forecaster; 2] = [&Naive, &SeasonalNaive];
    let min_training = baselines
        .iter()
        .map(|b| b.min_history())
        .chain([model.min_history(), SEASON_DAYS + 1])
        .max()
        .unwrap_or(1);
    let origins = origins(series.len(), config, min_training);
    if origins.is_empty() {
        return Err(ForecastError::InsufficientHistory {
            have: series.len(),
            need: min_training + config.horizon,
        }
        .into());
    }
    let tested = run_model(series, model, &origins, config.horizon)?;
    let baselines = baselines
        .iter()
        .map(|b| run_model(series, *b, &origins, config.horizon))
        .collect::<Result<Vec<_>, _>>()?;
    let intervals = tested.interval_model()?;
    let (coverage_80, coverage_95) = leave_one_window_out_coverage(&tested)?;
    Ok(BacktestReport {
        windows: origins.len(),
        points: origins.len() * config.horizon,
        model: tested,
        baselines,
        intervals,
        coverage_80,
        coverage_95,
    })
}

/// The part of [`backtest`] that model selection and intervals need:
/// `model` alone over the same rolling origins, with its pooled accuracy
/// and per-window errors (no baselines or coverage measure), and the model
/// fitted on the whole series for the forecast that follows
/// ([`Forecaster::forecast_origins_and_fit`]).
pub fn backtest_and_fit<'a>(
    series: &'a DailySeries,
    model: &'a dyn Forecaster,
    config: &BacktestConfig,
) -> Result<(ModelBacktest, Fitted<'a>), BacktestError> {
    validate(config)?;
    let min_training = model.min_history().max(SEASON_DAYS + 1);
    let origins = origins(series.len(), config, min_training);
    if origins.is_empty() {
        return Err(ForecastError::InsufficientHistory {
            have: series.len(),
            need: min_training + config.horizon,
        }
        .into());
    }
    let (forecasts, fitted) = model.forecast_origins_and_fit(series, &origins, config.horizon)?;
    let run = score_model(series, model, &origins, forecasts, config.horizon)?;
    Ok((run, fitted))
}

fn validate(config: &BacktestConfig) -> Result<(), ForecastError> {
    check_horizon(config.horizon)?;
    if config.windows == 0 || config.windows > MAX_WINDOWS {
        return Err(ForecastError::InvalidParameter {
            name: "windows",
            message: format!("{} is outside 1..={MAX_WINDOWS}", config.windows),
        });
    }
    if config.step == 0 || config.step > 365 {
        return Err(ForecastError::InvalidParameter {
            name: "step",
            message: format!("{} days is outside 1..=365", config.step),
        });
    }
    Ok(())
}

/// Training lengths (days up to and including each origin), oldest first;
/// the newest window's forecast ends on the last day of the series.
fn origins(len: usize, config: &BacktestConfig, min_training: usize) -> Vec<usize> {
    (0..config.windows)
        .rev()
        .filter_map(|back| {
            len.checked_sub(config.horizon + back * config.step)
                .filter(|&training| training >= min_training)
        })
        .collect()
}

fn run_model(
    series: &DailySeries,
    model: &dyn Forecaster,
    origins: &[usize],
    horizon: usize,
) -> Result<ModelBacktest, BacktestError> {
    let forecasts = model.forecast_origins(series, origins, horizon)?;
    score_model(series, model, origins, forecasts, horizon)
}

/// `model`'s `forecasts` from `origins` against what happened.
fn score_model(
    series: &DailySeries,
    model: &dyn Forecaster,
    origins: &[usize],
    forecasts: Vec<Vec<f64>>,
    horizon: usize,
) -> Result<ModelBacktest, BacktestError> {
    let units = series.units();
    let windows: Vec<WindowResult> = origins
        .iter()
        .zip(forecasts)
        .map(|(&training, forecast)| WindowResult {
            origin: series.date_of(training - 1),
            training_days: training,
            forecast,
            actual: units[training..training + horizon].to_vec(),
        })
        .collect();
    let accuracy = pooled_accuracy(units, &windows)?;
    Ok(ModelBacktest {
        model: model.name().to_string(),
        windows,
        accuracy,
    })
}

/// MAE, RMSE and sMAPE over all points; MASE and RMSSE scale each window's
/// errors by that window's own training part and average the scaled
/// errors (windows with a zero scale are left out of those two).
fn pooled_accuracy(units: &[f64], windows: &[WindowResult]) -> Result<Accuracy, MetricsError> {
    let actual: Vec<f64> = windows.iter().flat_map(|w| w.actual.clone()).collect();
    let forecast: Vec<f64> = windows.iter().flat_map(|w| w.forecast.clone()).collect();
    let (mut abs_scaled, mut sq_scaled, mut scaled_points) = (0.0, 0.0, 0usize);
    let scales = metrics::SeasonalScales::new(units);
    for w in windows {
        let Some((scale, scale_sq)) = scales.of_prefix(w.training_days) else {
            continue;
        };
        if scale <= 0.0 || scale_sq <= 0.0 {
            continue;
        }
        for e in w.errors() {
            abs_scaled += e.abs() / scale;
            sq_scaled += e * e / scale_sq;
            scaled_points += 1;
        }
    }
    let scaled = |sum: f64| (scaled_points > 0).then(|| sum / scaled_points as f64);
    Ok(Accuracy {
        mae: metrics::mae(&actual, &forecast)?,
        rmse: metrics::rmse(&actual, &forecast)?,
        smape: metrics::smape(&actual, &forecast)?,
        mase: scaled(abs_scaled),
        rmsse: scaled(sq_scaled).map(f64::sqrt),
    })
}

fn leave_one_window_out_coverage(
    tested: &ModelBacktest,
) -> Result<(Option<f64>, Option<f64>), IntervalError> {
    if tested.windows.len() < 2 {
        return Ok((None, None));
    }
    let (mut in_80, mut in_95, mut points) = (0usize, 0usize, 0usize);
    for (held_out, window) in tested.windows.iter().enumerate() {
        let intervals = IntervalModel::from_misses(&tested.misses_by_step(Some(held_out)))?
            .apply(&window.forecast);
        for (interval, &actual) in intervals.iter().zip(&window.actual) {
            in_80 += usize::from(interval.covers_80(actual));
            in_95 += usize::from(interval.covers_95(actual));
            points += 1;
        }
    }
    let share = |hits: usize| Some(hits as f64 / points as f64);
    Ok((share(in_80), share(in_95)))
}

#[cfg(test)]
mod tests;
