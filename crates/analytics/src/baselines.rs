//! Baseline models every forecast is measured against.
//!
//! Each produces points with the same explanation shape as the regression
//! models (intercept 0, one term with coefficient 1), so a UI can explain
//! them the same way.

use crate::forecast::{Explanation, ForecastError, ForecastPoint, Forecaster, Term, check_horizon};
use crate::metrics::SEASON_DAYS;
use crate::series::DailySeries;

/// Largest moving-average window, in days.
pub const MAX_MOVING_AVERAGE_WINDOW: usize = 365;

/// Tomorrow and every later day equal the last observed day.
pub fn naive(history: &DailySeries, horizon: usize) -> Result<Vec<ForecastPoint>, ForecastError> {
    check_horizon(horizon)?;
    let last = history.units()[history.len() - 1];
    Ok(points(history, horizon, |_| {
        ("last_value".to_string(), last)
    }))
}

/// Each day equals the same weekday of the last observed week:
/// f(T+h) = y(T + h - 7·ceil(h/7)).
pub fn seasonal_naive(
    history: &DailySeries,
    horizon: usize,
) -> Result<Vec<ForecastPoint>, ForecastError> {
    check_horizon(horizon)?;
    need(history, SEASON_DAYS)?;
    let units = history.units();
    let n = units.len();
    Ok(points(history, horizon, |step| {
        // step 0 is T+1; it reads the value 7 days before, i.e. index n - 7.
        let back = SEASON_DAYS - step % SEASON_DAYS;
        ("same_weekday_last_week".to_string(), units[n - back])
    }))
}

/// Every day equals the mean of the last `window` days.
pub fn moving_average(
    history: &DailySeries,
    window: usize,
    horizon: usize,
) -> Result<Vec<ForecastPoint>, ForecastError> {
    check_horizon(horizon)?;
    check_window(window)?;
    need(history, window)?;
    let units = history.units();
    let mean = units[units.len() - window..].iter().sum::<f64>() / window as f64;
    let name = format!("mean_last_{window}");
    Ok(points(history, horizon, |_| (name.clone(), mean)))
}

fn points(
    history: &DailySeries,
    horizon: usize,
    value: impl Fn(usize) -> (String, f64),
) -> Vec<ForecastPoint> {
    (0..horizon)
        .map(|step| {
            let (name, v) = value(step);
            ForecastPoint {
                date: history.date_of(history.len() + step),
                value: v,
                explanation: Explanation::new(0.0, vec![Term::new(name, v, 1.0)]),
            }
        })
        .collect()
}

fn need(history: &DailySeries, days: usize) -> Result<(), ForecastError> {
    if history.len() < days {
        return Err(ForecastError::InsufficientHistory {
            have: history.len(),
            need: days,
        });
    }
    Ok(())
}

fn check_window(window: usize) -> Result<(), ForecastError> {
    if window == 0 || window > MAX_MOVING_AVERAGE_WINDOW {
        return Err(ForecastError::InvalidParameter {
            name: "window",
            message: format!("{window} days is outside 1..={MAX_MOVING_AVERAGE_WINDOW}"),
        });
    }
    Ok(())
}

/// [`naive`] as a [`Forecaster`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Naive;

impl Forecaster for Naive {
    fn name(&self) -> &str {
        "naive"
    }
    fn min_history(&self) -> usize {
        1
    }
    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        naive(history, horizon)
    }
}

/// [`seasonal_naive`] as a [`Forecaster`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SeasonalNaive;

impl Forecaster for SeasonalNaive {
    fn name(&self) -> &str {
        "seasonal_naive"
    }
    fn min_history(&self) -> usize {
        SEASON_DAYS
    }
    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        seasonal_naive(history, horizon)
    }
}

/// [`moving_average`] as a [`Forecaster`].
#[derive(Debug, Clone, Copy)]
pub struct MovingAverage {
    window: usize,
}

impl MovingAverage {
    /// A moving average over `window` days (1..=365).
    pub fn new(window: usize) -> Result<Self, ForecastError> {
        check_window(window)?;
        Ok(Self { window })
    }
}

impl Forecaster for MovingAverage {
    fn name(&self) -> &str {
        "moving_average"
    }
    fn min_history(&self) -> usize {
        self.window
    }
    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        moving_average(history, self.window, horizon)
    }
}

#[cfg(test)]
mod tests;
