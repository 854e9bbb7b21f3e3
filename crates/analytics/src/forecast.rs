//! Types shared by every model: explainable forecast points, the common
//! error, and the [`Forecaster`] trait that backtests drive.

use chrono::NaiveDate;

use crate::regression::RegressionError;
use crate::series::DailySeries;

/// Longest forecast horizon accepted, in days: reorder advice looks a lead
/// time plus a review period ahead, each up to a year
/// ([`crate::reorder::MAX_POLICY_DAYS`]).
pub const MAX_HORIZON_DAYS: usize = 2 * crate::reorder::MAX_POLICY_DAYS as usize;

/// One named part of a prediction: `contribution = value × coefficient`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// Feature name, e.g. `lag_1`.
    pub name: String,
    /// The feature's value on the forecast day.
    pub value: f64,
    /// The model's coefficient for it.
    pub coefficient: f64,
    /// `value × coefficient`.
    pub contribution: f64,
}

impl Term {
    /// A term with its contribution computed.
    pub fn new(name: impl Into<String>, value: f64, coefficient: f64) -> Self {
        Self {
            name: name.into(),
            value,
            coefficient,
            contribution: value * coefficient,
        }
    }
}

/// How one forecast value was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// The model's intercept.
    pub intercept: f64,
    /// Terms in the model's feature order.
    pub terms: Vec<Term>,
    /// `intercept + Σ contributions`, summed in term order, before any clamp.
    pub unclamped: f64,
    /// True when a clamp changed the value.
    pub clamped: bool,
}

impl Explanation {
    /// An explanation whose `unclamped` is exactly the intercept plus the
    /// contributions added in order; `clamped` starts false.
    pub fn new(intercept: f64, terms: Vec<Term>) -> Self {
        let unclamped = terms.iter().fold(intercept, |acc, t| acc + t.contribution);
        Self {
            intercept,
            terms,
            unclamped,
            clamped: false,
        }
    }
}

/// The forecast for one day.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPoint {
    /// The forecast day.
    pub date: NaiveDate,
    /// Expected units.
    pub value: f64,
    /// How the value was made.
    pub explanation: Explanation,
}

/// Why a model could not forecast.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ForecastError {
    /// The series is too short for the model.
    #[error("too little history: have {have} days, need {need}")]
    InsufficientHistory {
        /// Days available.
        have: usize,
        /// Days needed.
        need: usize,
    },
    /// Horizon 0 or above [`MAX_HORIZON_DAYS`].
    #[error("horizon of {horizon} days is outside 1..={max}")]
    InvalidHorizon {
        /// Requested horizon.
        horizon: usize,
        /// Largest accepted.
        max: usize,
    },
    /// A model or backtest parameter is out of range.
    #[error("invalid {name}: {message}")]
    InvalidParameter {
        /// Parameter name.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The regression failed.
    #[error(transparent)]
    Regression(#[from] RegressionError),
}

/// Checks `1 <= horizon <= MAX_HORIZON_DAYS`.
pub fn check_horizon(horizon: usize) -> Result<(), ForecastError> {
    if horizon == 0 || horizon > MAX_HORIZON_DAYS {
        return Err(ForecastError::InvalidHorizon {
            horizon,
            max: MAX_HORIZON_DAYS,
        });
    }
    Ok(())
}

/// Checks the training lengths a model fits all at once
/// ([`Forecaster::forecast_origins`]): each at least `need` days, in
/// ascending order, within the `days` of the series and of its day table.
pub(crate) fn check_origins(
    origins: &[usize],
    need: usize,
    days: usize,
) -> Result<(), ForecastError> {
    if let Some(&have) = origins.iter().find(|&&o| o < need) {
        return Err(ForecastError::InsufficientHistory { have, need });
    }
    let last = origins.last().copied().unwrap_or(0);
    if last > days || origins.windows(2).any(|w| w[0] > w[1]) {
        return Err(ForecastError::InvalidParameter {
            name: "origins",
            message: format!("origins must ascend within the {days} days of the series"),
        });
    }
    Ok(())
}

/// A model fitted on a whole series: given a horizon, its explained
/// forecast of that many days after the series.
pub type Fitted<'a> = Box<dyn Fn(usize) -> Result<Vec<ForecastPoint>, ForecastError> + 'a>;

/// A model that can be fitted on a history and forecast the days after it.
/// Backtests call it once per window.
pub trait Forecaster {
    /// Short model name, e.g. `seed` or `naive`.
    fn name(&self) -> &str;

    /// Fewest days of history [`Forecaster::forecast`] accepts.
    fn min_history(&self) -> usize;

    /// Fits on `history` and forecasts `horizon` days from the day after
    /// its end.
    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError>;

    /// Forecast values from several origins of one series: for each
    /// training length `o` in `origins` (ascending), the values
    /// [`Forecaster::forecast`] gives for the first `o` days, `horizon` of
    /// them. Backtests call this; a model may override it to share work
    /// between origins (it must read only the first `o` days for each).
    fn forecast_origins(
        &self,
        series: &DailySeries,
        origins: &[usize],
        horizon: usize,
    ) -> Result<Vec<Vec<f64>>, ForecastError> {
        origins
            .iter()
            .map(|&o| {
                let history = o
                    .checked_sub(1)
                    .and_then(|last| series.truncated(series.date_of(last)))
                    .ok_or(ForecastError::InsufficientHistory {
                        have: 0,
                        need: self.min_history(),
                    })?;
                Ok(self
                    .forecast(&history, horizon)?
                    .into_iter()
                    .map(|p| p.value)
                    .collect())
            })
            .collect()
    }

    /// [`Forecaster::forecast_origins`], and the model fitted on the whole
    /// `series` for the forecast that follows a backtest. By default that
    /// fit waits for the call ([`Forecaster::forecast`]); a model that fits
    /// every origin in one pass overrides this to fit the whole series in
    /// the same pass.
    fn forecast_origins_and_fit<'a>(
        &'a self,
        series: &'a DailySeries,
        origins: &[usize],
        horizon: usize,
    ) -> Result<(Vec<Vec<f64>>, Fitted<'a>), ForecastError> {
        let forecasts = self.forecast_origins(series, origins, horizon)?;
        Ok((forecasts, Box::new(move |h| self.forecast(series, h))))
    }
}
