//! Point-forecast error measures.
//!
//! Scaled measures (MASE, RMSSE) divide by the in-sample error of the 7-day
//! seasonal-naive forecast on the training part, so a value below 1 beats
//! "same day last week" and series of different sizes compare.

/// Season length of the scaling forecast, in days.
pub const SEASON_DAYS: usize = 7;

/// Inputs the measures cannot score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetricsError {
    /// No points to score.
    #[error("no points to score")]
    Empty,
    /// Actuals and forecasts differ in length.
    #[error("{actual} actual values but {forecast} forecasts")]
    LengthMismatch {
        /// Actual values.
        actual: usize,
        /// Forecast values.
        forecast: usize,
    },
    /// A NaN or infinite value.
    #[error("non-finite value at position {index}")]
    NonFinite {
        /// Offending position.
        index: usize,
    },
}

/// All measures for one set of points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accuracy {
    /// Mean absolute error, in units.
    pub mae: f64,
    /// Root mean squared error, in units.
    pub rmse: f64,
    /// Symmetric MAPE in percent, 0..=200.
    pub smape: f64,
    /// Mean absolute scaled error; `None` when the scale is 0 or undefined.
    pub mase: Option<f64>,
    /// Root mean squared scaled error; `None` when the scale is 0 or undefined.
    pub rmsse: Option<f64>,
}

/// Mean absolute error: mean |y - f|.
pub fn mae(actual: &[f64], forecast: &[f64]) -> Result<f64, MetricsError> {
    check(actual, forecast)?;
    Ok(mean(
        actual.iter().zip(forecast).map(|(y, f)| (y - f).abs()),
    ))
}

/// Root mean squared error: sqrt(mean (y - f)²).
pub fn rmse(actual: &[f64], forecast: &[f64]) -> Result<f64, MetricsError> {
    check(actual, forecast)?;
    Ok(mean_squared_error(actual, forecast).sqrt())
}

/// Symmetric MAPE in percent: mean of 200·|y - f| / (|y| + |f|), a point
/// counting 0 when both are 0.
pub fn smape(actual: &[f64], forecast: &[f64]) -> Result<f64, MetricsError> {
    check(actual, forecast)?;
    Ok(mean(actual.iter().zip(forecast).map(|(y, f)| {
        let denominator = y.abs() + f.abs();
        if denominator == 0.0 {
            0.0
        } else {
            200.0 * (y - f).abs() / denominator
        }
    })))
}

/// Mean absolute 7-day seasonal-naive error of `training`,
/// mean |y_t - y_(t-7)|; `None` with 7 or fewer values.
pub fn seasonal_naive_mae(training: &[f64]) -> Option<f64> {
    seasonal_differences(training).map(|d| mean(d.iter().map(|x| x.abs())))
}

/// Mean squared 7-day seasonal-naive error of `training`; `None` with 7 or
/// fewer values.
pub fn seasonal_naive_mse(training: &[f64]) -> Option<f64> {
    seasonal_differences(training).map(|d| mean(d.iter().map(|x| x * x)))
}

/// [`seasonal_naive_mae`] and [`seasonal_naive_mse`] of every prefix of a
/// series at O(1) each, from running sums of the seasonal differences (a
/// backtest scales each window by its training prefix, for every model).
/// The running sums add in the same order as those functions, so the
/// results are the same to the bit.
#[derive(Debug, Clone)]
pub struct SeasonalScales {
    abs: Vec<f64>,
    sq: Vec<f64>,
}

impl SeasonalScales {
    /// Running sums over `units`.
    pub fn new(units: &[f64]) -> Self {
        let n = units.len().saturating_sub(SEASON_DAYS);
        let (mut abs, mut sq) = (Vec::with_capacity(n + 1), Vec::with_capacity(n + 1));
        let (mut a, mut q) = (0.0, 0.0);
        abs.push(a);
        sq.push(q);
        for w in units.windows(SEASON_DAYS + 1) {
            let d = w[SEASON_DAYS] - w[0];
            a += d.abs();
            q += d * d;
            abs.push(a);
            sq.push(q);
        }
        Self { abs, sq }
    }

    /// (MAE, MSE) of the seasonal-naive errors of the first `training`
    /// values; `None` with 7 or fewer.
    pub fn of_prefix(&self, training: usize) -> Option<(f64, f64)> {
        let k = training.checked_sub(SEASON_DAYS).filter(|&k| k > 0)?;
        let (a, q) = (*self.abs.get(k)?, *self.sq.get(k)?);
        Some((a / k as f64, q / k as f64))
    }
}

/// MAE / [`seasonal_naive_mae`]`(training)`; `Ok(None)` when the scale is 0
/// or undefined.
pub fn mase(
    actual: &[f64],
    forecast: &[f64],
    training: &[f64],
) -> Result<Option<f64>, MetricsError> {
    let error = mae(actual, forecast)?;
    check_finite(training)?;
    Ok(seasonal_naive_mae(training)
        .filter(|s| *s > 0.0)
        .map(|s| error / s))
}

/// sqrt(MSE / [`seasonal_naive_mse`]`(training)`); `Ok(None)` when the scale
/// is 0 or undefined.
pub fn rmsse(
    actual: &[f64],
    forecast: &[f64],
    training: &[f64],
) -> Result<Option<f64>, MetricsError> {
    check(actual, forecast)?;
    check_finite(training)?;
    let mse = mean_squared_error(actual, forecast);
    Ok(seasonal_naive_mse(training)
        .filter(|s| *s > 0.0)
        .map(|s| (mse / s).sqrt()))
}

/// Every measure at once.
pub fn accuracy(
    actual: &[f64],
    forecast: &[f64],
    training: &[f64],
) -> Result<Accuracy, MetricsError> {
    Ok(Accuracy {
        mae: mae(actual, forecast)?,
        rmse: rmse(actual, forecast)?,
        smape: smape(actual, forecast)?,
        mase: mase(actual, forecast, training)?,
        rmsse: rmsse(actual, forecast, training)?,
    })
}

fn seasonal_differences(training: &[f64]) -> Option<Vec<f64>> {
    (training.len() > SEASON_DAYS).then(|| {
        training
            .windows(SEASON_DAYS + 1)
            .map(|w| w[SEASON_DAYS] - w[0])
            .collect()
    })
}

fn mean_squared_error(actual: &[f64], forecast: &[f64]) -> f64 {
    mean(actual.iter().zip(forecast).map(|(y, f)| (y - f).powi(2)))
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

fn check(actual: &[f64], forecast: &[f64]) -> Result<(), MetricsError> {
    if actual.len() != forecast.len() {
        return Err(MetricsError::LengthMismatch {
            actual: actual.len(),
            forecast: forecast.len(),
        });
    }
    if actual.is_empty() {
        return Err(MetricsError::Empty);
    }
    check_finite(actual)?;
    check_finite(forecast)
}

fn check_finite(values: &[f64]) -> Result<(), MetricsError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(MetricsError::NonFinite { index }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
