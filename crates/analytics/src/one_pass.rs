//! The [`Forecaster`] of the models that fit every backtest origin of a
//! series in one pass over its days (the regressions and the intermittent
//! model): those models say how to fit, predict and explain ([`OnePass`]);
//! forecasting, backtest origins and fitting the whole series as one more
//! origin (so the forecast after a backtest needs no second pass) are
//! done here once, for all of them.

use crate::calendar::HolidayCalendar;
use crate::closures::DayTable;
use crate::forecast::{Fitted, ForecastError, ForecastPoint, Forecaster, check_horizon};
use crate::series::DailySeries;

/// A forecaster whose fits at many origins of one series share a pass;
/// every such model is a [`Forecaster`].
pub trait OnePass {
    /// A fit at one origin (owned, so a fit can outlive the pass).
    type Model: 'static;

    /// [`Forecaster::name`].
    fn name(&self) -> &str;

    /// [`Forecaster::min_history`].
    fn min_history(&self) -> usize;

    /// The calendar behind its day tables.
    fn calendar(&self) -> &HolidayCalendar;

    /// One model per training length in `origins` (ascending); `table`
    /// covers the longest.
    fn fit_origins(
        &self,
        series: &DailySeries,
        origins: &[usize],
        table: &DayTable,
    ) -> Result<Vec<Self::Model>, ForecastError>;

    /// Each model's `horizon` forecast values after its origin; `table`
    /// covers them.
    fn predict(
        &self,
        series: &DailySeries,
        models: &[Self::Model],
        table: &DayTable,
        horizon: usize,
    ) -> Vec<Vec<f64>>;

    /// The explained forecast of `horizon` days after `series`, which
    /// `model` was fitted on.
    fn explain(
        &self,
        model: &Self::Model,
        series: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError>;
}

impl<F: OnePass> Forecaster for F {
    fn name(&self) -> &str {
        OnePass::name(self)
    }

    fn min_history(&self) -> usize {
        OnePass::min_history(self)
    }

    /// The whole history as the one origin.
    fn forecast(
        &self,
        history: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        check_horizon(horizon)?;
        let table = DayTable::new(history.start(), history.len(), self.calendar());
        let mut models = self.fit_origins(history, &[history.len()], &table)?;
        let whole = models.pop().ok_or(ForecastError::InsufficientHistory {
            have: history.len(),
            need: OnePass::min_history(self),
        })?;
        self.explain(&whole, history, horizon)
    }

    fn forecast_origins(
        &self,
        series: &DailySeries,
        origins: &[usize],
        horizon: usize,
    ) -> Result<Vec<Vec<f64>>, ForecastError> {
        check_horizon(horizon)?;
        let last = origins.last().copied().unwrap_or(0);
        let table = DayTable::new(series.start(), last + horizon, self.calendar());
        let models = self.fit_origins(series, origins, &table)?;
        Ok(self.predict(series, &models, &table, horizon))
    }

    /// The whole series is one more origin of the same pass.
    fn forecast_origins_and_fit<'a>(
        &'a self,
        series: &'a DailySeries,
        origins: &[usize],
        horizon: usize,
    ) -> Result<(Vec<Vec<f64>>, Fitted<'a>), ForecastError> {
        check_horizon(horizon)?;
        let mut fit_at = origins.to_vec();
        if origins.last() != Some(&series.len()) {
            fit_at.push(series.len());
        }
        let last = origins.last().copied().unwrap_or(0);
        let days = series.len().max(last + horizon);
        let table = DayTable::new(series.start(), days, self.calendar());
        let mut models = self.fit_origins(series, &fit_at, &table)?;
        let forecasts = self.predict(series, &models[..origins.len()], &table, horizon);
        let whole = models.pop().ok_or(ForecastError::InsufficientHistory {
            have: series.len(),
            need: OnePass::min_history(self),
        })?;
        Ok((
            forecasts,
            Box::new(move |h| self.explain(&whole, series, h)),
        ))
    }
}
