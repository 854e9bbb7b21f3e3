//! The [`Forecaster`] methods of the models that fit every backtest origin
//! of a series in one pass over its days (the regressions and the
//! intermittent model): those models say how to fit, predict and explain
//! ([`OnePass`]); fitting the whole series as one more origin, so that the
//! forecast after a backtest needs no second pass, is done here once.

use crate::calendar::HolidayCalendar;
use crate::closures::DayTable;
use crate::forecast::{Fitted, ForecastError, ForecastPoint, Forecaster, check_horizon};
use crate::series::DailySeries;

/// A forecaster whose fits at many origins of one series share a pass.
pub(crate) trait OnePass: Forecaster {
    /// A fit at one origin.
    type Model;

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

/// [`Forecaster::forecast_origins`] of a [`OnePass`] model.
pub(crate) fn forecast_origins<F: OnePass>(
    model: &F,
    series: &DailySeries,
    origins: &[usize],
    horizon: usize,
) -> Result<Vec<Vec<f64>>, ForecastError> {
    check_horizon(horizon)?;
    let last = origins.last().copied().unwrap_or(0);
    let table = DayTable::new(series.start(), last + horizon, model.calendar());
    let models = model.fit_origins(series, origins, &table)?;
    Ok(model.predict(series, &models, &table, horizon))
}

/// [`Forecaster::forecast_origins_and_fit`] of a [`OnePass`] model: the
/// whole series is one more origin of the same pass.
pub(crate) fn forecast_origins_and_fit<'a, F: OnePass>(
    model: &'a F,
    series: &'a DailySeries,
    origins: &[usize],
    horizon: usize,
) -> Result<(Vec<Vec<f64>>, Fitted<'a>), ForecastError>
where
    F::Model: 'a,
{
    check_horizon(horizon)?;
    let mut fit_at = origins.to_vec();
    if origins.last() != Some(&series.len()) {
        fit_at.push(series.len());
    }
    let last = origins.last().copied().unwrap_or(0);
    let days = series.len().max(last + horizon);
    let table = DayTable::new(series.start(), days, model.calendar());
    let mut models = model.fit_origins(series, &fit_at, &table)?;
    let forecasts = model.predict(series, &models[..origins.len()], &table, horizon);
    let whole = models.pop().ok_or(ForecastError::InsufficientHistory {
        have: series.len(),
        need: model.min_history(),
    })?;
    Ok((
        forecasts,
        Box::new(move |h| model.explain(&whole, series, h)),
    ))
}
