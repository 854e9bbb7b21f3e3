//! The forecasting work itself: synchronous, CPU-bound and free of I/O, so
//! the service runs it on the blocking pool and the benchmark calls it
//! directly.
//!
//! For one SKU and a model choice:
//! 1. the candidates (one model, or every AUTO candidate) whose history
//!    requirement the SKU meets are *eligible*; AUTO leaving one out for
//!    short history says so in `fallback_reason`;
//! 2. every eligible candidate is backtested on the same rolling-origin
//!    windows (icc-analytics `backtest`: up to 16 weekly origins, 32 for a
//!    mostly-zero series, up to 28 days ahead, fewer when the history is
//!    short);
//! 3. AUTO picks the lowest RMSSE (RMSE when the series has no seasonal
//!    variation to scale by), a fallback's raised by 10% against the
//!    three main candidates and `log_regression`'s lowered by 5%, a tie
//!    going to the simpler model;
//! 4. the chosen model forecasts from the whole history, fitted in the
//!    same pass as its backtest origins (the seed model on the stored
//!    feature rows); the 80% / 95% intervals come from its backtest errors
//!    at each step, and the error scale of its running totals (for safety
//!    stock) from what the windows' totals over their first days missed by.

use icc_analytics::backtest::{ModelBacktest, backtest_and_fit};
use icc_analytics::forecast::Fitted;
use icc_analytics::{
    Accuracy, BacktestConfig, BacktestError, BacktestReport, ForecastError, ForecastPoint,
    Forecaster, HolidayCalendar, Interval, TotalScales, backtest,
};

use crate::error::Error;
use crate::history::{SkuHistory, fit_seed_from_rows};
use crate::models::{MIN_BACKTEST_STEPS, ModelChoice, ModelKind, is_mostly_zero, zero_share};

/// Most days ahead the backtest behind a forecast's intervals measures;
/// later days reuse the last measured step's errors.
pub const BACKTEST_HORIZON: usize = 28;
/// Most backtest origins behind a forecast.
pub const BACKTEST_WINDOWS: usize = 8;
/// Backtest origins behind a forecast's selection and intervals.
pub const FORECAST_BACKTEST_WINDOWS: usize = 16;
/// The same for a mostly-zero series ([`crate::models::mostly_zero`]): its
/// errors are mostly its few days with demand, and the 95% interval needs
/// more of them (measured in docs/forecasting-measurements.md, "Intervals:
/// error units and windows").
pub const SPARSE_FORECAST_BACKTEST_WINDOWS: usize = 32;
/// Days between backtest origins.
pub const BACKTEST_STEP: usize = 7;
/// Largest forecast horizon a request may ask, in days.
pub const MAX_HORIZON_DAYS: usize = 365;
/// Largest horizon computed: reorder advice looks a lead time plus a review
/// period ahead, which can pass a year.
pub const MAX_COMPUTED_HORIZON_DAYS: usize = icc_analytics::forecast::MAX_HORIZON_DAYS;

/// A model's backtest accuracy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// The model.
    pub model: ModelKind,
    /// Its accuracy on the backtest windows.
    pub accuracy: Accuracy,
}

/// A computed forecast.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecasted {
    /// The model that made it (AUTO's choice).
    pub model: ModelKind,
    /// One point per day from the day after the history, with explanations.
    pub points: Vec<ForecastPoint>,
    /// 80% and 95% intervals, one per point.
    pub intervals: Vec<Interval>,
    /// Error scale of the running total and its degrees of freedom, one
    /// per point: element i for the demand summed over points 0..=i
    /// ([`icc_analytics::TotalErrors`]), for safety stock.
    pub total_errors: TotalScales,
    /// R-squared of the fit for regression models, else 0.
    pub r_squared: f64,
    /// When AUTO chose: the chosen model, then the runner-up.
    pub selection: Vec<Scored>,
    /// Set when AUTO left a model out because the history was short.
    pub fallback_reason: Option<String>,
    /// The backtest behind the intervals.
    pub backtest: BacktestConfig,
}

/// A backtest as the Backtest RPC reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestOutcome {
    /// The tested model (AUTO's choice).
    pub model: ModelKind,
    /// Everything measured.
    pub report: BacktestReport,
}

/// Forecasts `horizon` days after the history with `choice`.
pub fn forecast(
    history: &SkuHistory,
    choice: ModelChoice,
    horizon: usize,
    calendar: &HolidayCalendar,
) -> Result<Forecasted, Error> {
    check_computed_horizon(horizon)?;
    let candidates = forecast_candidates(history, choice)?;
    let fallback_reason = (choice == ModelChoice::Auto)
        .then(|| candidates.fallback_reason(history.days()))
        .flatten();
    let config = selection_backtest(history.days(), horizon, &candidates);
    let forecasters: Vec<_> = candidates
        .eligible
        .iter()
        .map(|kind| (*kind, kind.forecaster(calendar)))
        .collect();
    let mut runs = run_model_backtests(history, &forecasters, &config)?;
    let scores: Vec<Scored> = runs
        .iter()
        .map(|(model, run, _)| Scored {
            model: *model,
            accuracy: run.accuracy,
        })
        .collect();
    let (chosen, runner_up) = select_scored(&scores);
    let (model, run, fitted) = runs.swap_remove(chosen);
    let intervals = run.interval_model().map_err(|e| {
        Error::Internal(format!(
            "intervals of {} for {}: {e}",
            model.name(),
            history.sku
        ))
    })?;
    let (points, r_squared) = point_forecast(model, history, horizon, calendar, fitted)?;
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let selection = if choice == ModelChoice::Auto {
        std::iter::once(chosen)
            .chain(runner_up)
            .map(|i| scores[i])
            .collect()
    } else {
        Vec::new()
    };
    Ok(Forecasted {
        model,
        intervals: intervals.apply(&values),
        total_errors: run
            .total_errors()
            .scale(&values, &intervals.error_scale(&values)),
        points,
        r_squared,
        selection,
        fallback_reason,
        backtest: config,
    })
}

/// The rolling-origin backtest every candidate is scored on: up to
/// [`BACKTEST_HORIZON`] days ahead and [`forecast_windows`] weekly origins,
/// fewer when the history leaves the longest-training candidate too little.
fn selection_backtest(have: usize, horizon: usize, candidates: &Candidates) -> BacktestConfig {
    let min_training = max_training(&candidates.eligible);
    let bt_horizon = BACKTEST_HORIZON.min(horizon).min(have - min_training);
    BacktestConfig {
        horizon: bt_horizon,
        windows: forecast_windows(candidates.sparse)
            .min((have - bt_horizon - min_training) / BACKTEST_STEP + 1),
        step: BACKTEST_STEP,
    }
}

/// `model`'s forecast from the whole history, `fitted` in its backtest
/// pass (the seed model is fitted on the stored feature rows instead),
/// with its R-squared where it has one (else 0).
fn point_forecast(
    model: ModelKind,
    history: &SkuHistory,
    horizon: usize,
    calendar: &HolidayCalendar,
    fitted: Fitted<'_>,
) -> Result<(Vec<ForecastPoint>, f64), Error> {
    let (points, r_squared) = match model {
        ModelKind::Seed => {
            let seed = fit_seed_from_rows(&history.rows).map_err(|e| analytics(history, e))?;
            let points = seed
                .forecast(&history.series, calendar, horizon)
                .map_err(|e| analytics(history, e))?;
            (points, finite_or_zero(seed.r_squared()))
        }
        _ => (fitted(horizon).map_err(|e| analytics(history, e))?, 0.0),
    };
    if let Some(p) = points.iter().find(|p| !p.value.is_finite()) {
        return Err(Error::Internal(format!(
            "model {} forecast a non-finite value for {} on {}",
            model.name(),
            history.sku,
            p.date
        )));
    }
    Ok((points, r_squared))
}

/// Backtest origins behind a forecast of a series that is
/// [`crate::models::mostly_zero`] (`sparse`) or not, when its history allows.
pub fn forecast_windows(sparse: bool) -> usize {
    if sparse {
        SPARSE_FORECAST_BACKTEST_WINDOWS
    } else {
        FORECAST_BACKTEST_WINDOWS
    }
}

/// FAILED_PRECONDITION when the history is too short for every model of
/// `choice` (cheap: callers check before queueing the work).
pub fn check_history(history: &SkuHistory, choice: ModelChoice) -> Result<(), Error> {
    forecast_candidates(history, choice).map(|_| ())
}

/// What a forecast chooses from.
struct Candidates {
    /// Models of the choice with enough history.
    eligible: Vec<ModelKind>,
    /// Those without.
    excluded: Vec<ModelKind>,
    /// Whether the series is [`crate::models::mostly_zero`].
    sparse: bool,
}

impl Candidates {
    /// What AUTO tells the user when it left models out for a short
    /// history of `have` days.
    fn fallback_reason(&self, have: usize) -> Option<String> {
        if self.excluded.is_empty() {
            return None;
        }
        let left_out: Vec<String> = self
            .excluded
            .iter()
            .map(|k| format!("{} (needs {})", k.name(), k.min_history_days()))
            .collect();
        let among: Vec<&str> = self.eligible.iter().map(|k| k.name()).collect();
        Some(format!(
            "{have} days of history are too few for {}; chose among {}",
            left_out.join(", "),
            among.join(", ")
        ))
    }
}

/// The candidates of `choice` for a forecast of `history`;
/// FAILED_PRECONDITION when none has enough history.
fn forecast_candidates(history: &SkuHistory, choice: ModelChoice) -> Result<Candidates, Error> {
    let zeros = zero_share(history.series.units());
    let (eligible, excluded) = split(choice, zeros, history, ModelKind::min_history_days);
    if eligible.is_empty() {
        return Err(too_short(
            history,
            choice,
            ModelKind::min_history_days,
            |k| {
                format!(
                    "model {} with a {MIN_BACKTEST_STEPS}-day backtest for its intervals",
                    k.name()
                )
            },
        ));
    }
    Ok(Candidates {
        eligible,
        excluded,
        sparse: is_mostly_zero(zeros),
    })
}

/// The Backtest RPC: `windows` origins a week apart, `horizon` days each,
/// for `choice` (AUTO tests every eligible candidate on the same windows
/// and reports the one it would choose).
pub fn backtest_sku(
    history: &SkuHistory,
    choice: ModelChoice,
    horizon: usize,
    windows: usize,
    calendar: &HolidayCalendar,
) -> Result<BacktestOutcome, Error> {
    check_horizon("horizon_days", horizon)?;
    if windows == 0 || windows > icc_analytics::backtest::MAX_WINDOWS {
        return Err(Error::invalid(
            "windows",
            format!(
                "must be between 1 and {}, got {windows}",
                icc_analytics::backtest::MAX_WINDOWS
            ),
        ));
    }
    let have = history.days();
    let need = |k: ModelKind| k.min_training_days() + horizon;
    let (eligible, _) = split(choice, zero_share(history.series.units()), history, need);
    if eligible.is_empty() {
        return Err(too_short(history, choice, need, |k| {
            format!(
                "{} training days for model {} plus the {horizon}-day horizon",
                k.min_training_days(),
                k.name()
            )
        }));
    }
    let min_training = max_training(&eligible);
    let config = BacktestConfig {
        horizon,
        windows: windows.min((have - horizon - min_training) / BACKTEST_STEP + 1),
        step: BACKTEST_STEP,
    };
    let mut reports = run_backtests(history, &eligible, &config, calendar)?;
    let (chosen, _) = select(&reports);
    let (model, report) = reports.swap_remove(chosen);
    Ok(BacktestOutcome { model, report })
}

/// The score AUTO minimises: RMSSE, or RMSE when no window has a
/// seasonal-naive scale (a constant history), times the model's
/// [`ModelKind::selection_weight`]. All candidates are scored on the same
/// windows, so either every one has an RMSSE or none has.
pub fn selection_score(model: ModelKind, accuracy: &Accuracy) -> f64 {
    accuracy.rmsse.unwrap_or(accuracy.rmse) * model.selection_weight()
}

impl Scored {
    /// [`selection_score`] of this model and accuracy.
    pub fn selection_score(&self) -> f64 {
        selection_score(self.model, &self.accuracy)
    }
}

/// Index of the chosen report and of the runner-up. `reports` are in
/// simplicity order; a later (more complex) model must beat the best so
/// far by more than rounding noise to be chosen.
pub fn select(reports: &[(ModelKind, BacktestReport)]) -> (usize, Option<usize>) {
    let scores: Vec<Scored> = reports
        .iter()
        .map(|(model, report)| Scored {
            model: *model,
            accuracy: report.model.accuracy,
        })
        .collect();
    select_scored(&scores)
}

/// [`select`] over scores in simplicity order.
pub fn select_scored(scores: &[Scored]) -> (usize, Option<usize>) {
    let best_of = |skip: Option<usize>| {
        let mut best: Option<(usize, f64)> = None;
        for (i, scored) in scores.iter().enumerate() {
            if Some(i) == skip {
                continue;
            }
            let score = scored.selection_score();
            let better = match best {
                None => true,
                Some((_, b)) => score < b - 1e-12 * b.abs().max(1.0),
            };
            if better {
                best = Some((i, score));
            }
        }
        best.map(|(i, _)| i)
    };
    let chosen = best_of(None).unwrap_or(0);
    (chosen, best_of(Some(chosen)))
}

/// Each model alone over the same windows (no baselines or coverage: the
/// forecast path needs only the accuracy and the errors), with its fit on
/// the whole history.
fn run_model_backtests<'a>(
    history: &'a SkuHistory,
    forecasters: &'a [(ModelKind, Box<dyn Forecaster + Send + Sync>)],
    config: &BacktestConfig,
) -> Result<Vec<(ModelKind, ModelBacktest, Fitted<'a>)>, Error> {
    forecasters
        .iter()
        .map(|(kind, forecaster)| {
            backtest_and_fit(&history.series, &**forecaster, config)
                .map(|(run, fitted)| (*kind, run, fitted))
                .map_err(|e| backtest_error(history, *kind, e))
        })
        .collect()
}

fn backtest_error(history: &SkuHistory, kind: ModelKind, e: BacktestError) -> Error {
    match e {
        BacktestError::Forecast(e) => analytics(history, e),
        other => Error::Internal(format!(
            "backtest of {} for {}: {other}",
            kind.name(),
            history.sku
        )),
    }
}

fn run_backtests(
    history: &SkuHistory,
    models: &[ModelKind],
    config: &BacktestConfig,
    calendar: &HolidayCalendar,
) -> Result<Vec<(ModelKind, BacktestReport)>, Error> {
    models
        .iter()
        .map(|&kind| {
            backtest(&history.series, &*kind.forecaster(calendar), config)
                .map(|report| (kind, report))
                .map_err(|e| backtest_error(history, kind, e))
        })
        .collect()
}

/// The models of `choice` that suit a history with this share of zero
/// days ([`ModelKind::suits`]), split into those with enough days and those
/// without.
fn split(
    choice: ModelChoice,
    zero_share: f64,
    history: &SkuHistory,
    need: impl Fn(ModelKind) -> usize,
) -> (Vec<ModelKind>, Vec<ModelKind>) {
    choice
        .candidates()
        .into_iter()
        .filter(|k| choice != ModelChoice::Auto || k.suits(zero_share))
        .partition(|&k| history.days() >= need(k))
}

fn max_training(models: &[ModelKind]) -> usize {
    models
        .iter()
        .map(|k| k.min_training_days())
        .max()
        .unwrap_or(1)
}

fn too_short(
    history: &SkuHistory,
    choice: ModelChoice,
    need: impl Fn(ModelKind) -> usize,
    what: impl Fn(ModelKind) -> String,
) -> Error {
    let simplest = choice
        .candidates()
        .into_iter()
        .min_by_key(|&k| need(k))
        .unwrap_or(ModelKind::Naive);
    let what = match choice {
        ModelChoice::Auto => format!("AUTO's simplest candidate: {}", what(simplest)),
        ModelChoice::Model(_) => what(simplest),
    };
    Error::InsufficientHistory {
        sku: history.sku.clone(),
        have: history.days(),
        need: need(simplest),
        what,
    }
}

/// `1 <= horizon <= 365`, else INVALID_ARGUMENT naming `field`.
pub fn check_horizon(field: &str, horizon: usize) -> Result<(), Error> {
    if horizon == 0 || horizon > MAX_HORIZON_DAYS {
        return Err(Error::invalid(
            field,
            format!("must be between 1 and {MAX_HORIZON_DAYS}, got {horizon}"),
        ));
    }
    Ok(())
}

/// `1 <= horizon <= MAX_COMPUTED_HORIZON_DAYS`: what a caller inside the
/// service may ask (requests are held to [`check_horizon`] first).
pub fn check_computed_horizon(horizon: usize) -> Result<(), Error> {
    if horizon == 0 || horizon > MAX_COMPUTED_HORIZON_DAYS {
        return Err(Error::Internal(format!(
            "a forecast of {horizon} days was asked; at most {MAX_COMPUTED_HORIZON_DAYS} are computed"
        )));
    }
    Ok(())
}

fn analytics(history: &SkuHistory, e: ForecastError) -> Error {
    match e {
        ForecastError::InsufficientHistory { have, need } => Error::InsufficientHistory {
            sku: history.sku.clone(),
            have,
            need,
            what: "the model's training rows".into(),
        },
        ForecastError::InvalidHorizon { horizon, max } => Error::invalid(
            "horizon_days",
            format!("must be between 1 and {max}, got {horizon}"),
        ),
        other => Error::Internal(format!("forecast of {}: {other}", history.sku)),
    }
}

fn finite_or_zero(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

#[cfg(test)]
mod tests;
