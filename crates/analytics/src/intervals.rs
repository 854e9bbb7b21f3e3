//! Empirical prediction intervals from backtest errors.
//!
//! The old system guessed its band from R-squared. Here the band at horizon
//! step h is the spread of the signed errors (actual - forecast) that the
//! model actually made h days ahead in a backtest. Errors are measured in
//! units of [`error_unit`] of the forecast they were made against, because
//! the spread of unit sales grows with their level: the interval is
//! `[f + u(f)·q(α/2), f + u(f)·q(1 - α/2)]` with q the empirical quantile
//! of those scaled errors. Steps with fewer than [`MIN_POOLED_ERRORS`]
//! errors borrow the errors of their nearest steps, widening symmetrically
//! until enough are pooled.

/// The unit an error made against forecast `f` is measured in: √(f + 1).
/// Counts spread with the square root of their level (Poisson: sd = √mean),
/// so a band learnt in busy weeks narrows for a quiet forecast, a weekend
/// peak gets a wider band than a quiet Monday, and a slow mover (f near 0)
/// keeps raw units. Measured against unscaled errors and against units
/// f + 1 and (f + 1)^0.75 in docs/forecasting-measurements.md ("Intervals:
/// error units and windows").
pub fn error_unit(forecast: f64) -> f64 {
    (forecast.max(0.0) + 1.0).sqrt()
}

/// A backtest forecast and the signed error (actual - forecast) it made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Miss {
    /// What the model forecast.
    pub forecast: f64,
    /// Actual minus forecast.
    pub error: f64,
}

/// Errors a step's quantiles are estimated from, at least (when the
/// backtest has that many): enough that the 2.5% and 97.5% quantiles fall
/// between observed errors rather than on the extremes.
pub const MIN_POOLED_ERRORS: usize = 120;

/// An interval model could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    /// No backtest errors at all.
    #[error("no backtest errors to build intervals from")]
    NoErrors,
    /// A NaN or infinite error.
    #[error("non-finite backtest error at step {step}")]
    NonFinite {
        /// 0-based horizon step.
        step: usize,
    },
}

/// Quantiles of the signed errors for one horizon step, in [`error_unit`]s.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepErrors {
    /// 10th percentile.
    pub q10: f64,
    /// 90th percentile.
    pub q90: f64,
    /// 2.5th percentile.
    pub q025: f64,
    /// 97.5th percentile.
    pub q975: f64,
    /// Root mean square of the pooled errors (the step's error scale,
    /// including bias): the floor of safety stock's running-total scale.
    pub rms: f64,
    /// Number of errors pooled.
    pub pooled: usize,
}

/// Prediction interval bounds for one forecast day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower bound of the 80% interval.
    pub lower_80: f64,
    /// Upper bound of the 80% interval.
    pub upper_80: f64,
    /// Lower bound of the 95% interval.
    pub lower_95: f64,
    /// Upper bound of the 95% interval.
    pub upper_95: f64,
}

/// Relative slack of a bound in [`Interval::covers_80`] and
/// [`Interval::covers_95`]: a model that forecasts a steady 3 units a day
/// through a log and back, with a zero-width interval from errors that
/// were all 0, bounds the day at 2.9999999999999996, and a count of 3 is
/// inside that interval, not a miss.
const BOUND_SLACK: f64 = 1e-9;

impl Interval {
    /// Whether `actual` lies in the 80% interval (bounds included).
    pub fn covers_80(&self, actual: f64) -> bool {
        within(self.lower_80, self.upper_80, actual)
    }

    /// Whether `actual` lies in the 95% interval (bounds included).
    pub fn covers_95(&self, actual: f64) -> bool {
        within(self.lower_95, self.upper_95, actual)
    }
}

/// `lower ≤ actual ≤ upper`, up to floating-point noise ([`BOUND_SLACK`]).
fn within(lower: f64, upper: f64, actual: f64) -> bool {
    let slack = BOUND_SLACK * (1.0 + actual.abs());
    lower - slack <= actual && actual <= upper + slack
}

/// Per-step error quantiles learnt from a backtest.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalModel {
    steps: Vec<StepErrors>,
}

impl IntervalModel {
    /// Builds the model from `misses_by_step[h]`, the misses made h + 1
    /// days ahead.
    pub fn from_misses(misses_by_step: &[Vec<Miss>]) -> Result<Self, IntervalError> {
        let errors_by_step: Vec<Vec<f64>> = misses_by_step
            .iter()
            .map(|misses| {
                misses
                    .iter()
                    .map(|m| m.error / error_unit(m.forecast))
                    .collect()
            })
            .collect();
        Self::from_scaled_errors(&errors_by_step)
    }

    fn from_scaled_errors(errors_by_step: &[Vec<f64>]) -> Result<Self, IntervalError> {
        for (step, errors) in errors_by_step.iter().enumerate() {
            if errors.iter().any(|e| !e.is_finite()) {
                return Err(IntervalError::NonFinite { step });
            }
        }
        let total: usize = errors_by_step.iter().map(Vec::len).sum();
        if total == 0 {
            return Err(IntervalError::NoErrors);
        }
        let horizon = errors_by_step.len();
        let need = MIN_POOLED_ERRORS.min(total);
        let steps = (0..horizon)
            .map(|step| {
                let mut radius = 0;
                let mut pool = gather(errors_by_step, step, radius);
                while pool.len() < need {
                    radius += 1;
                    pool = gather(errors_by_step, step, radius);
                }
                summarise(pool)
            })
            .collect();
        Ok(Self { steps })
    }

    /// Horizon steps the backtest measured.
    pub fn horizon(&self) -> usize {
        self.steps.len()
    }

    /// Error quantiles of 0-based `step`, in [`error_unit`]s; steps beyond the measured horizon
    /// reuse the last measured step.
    pub fn step(&self, step: usize) -> &StepErrors {
        &self.steps[step.min(self.steps.len() - 1)]
    }

    /// Intervals around a point forecast whose first value is step 0.
    /// Lower bounds are floored at 0 (demand is not negative) and never
    /// exceed the forecast's upper bound.
    pub fn apply(&self, forecast: &[f64]) -> Vec<Interval> {
        forecast
            .iter()
            .enumerate()
            .map(|(step, &f)| {
                let q = self.step(step);
                let u = error_unit(f);
                let upper_80 = f + u * q.q90;
                let upper_95 = f + u * q.q975;
                Interval {
                    lower_80: (f + u * q.q10).max(0.0).min(upper_80.max(0.0)),
                    upper_80: upper_80.max(0.0),
                    lower_95: (f + u * q.q025).max(0.0).min(upper_95.max(0.0)),
                    upper_95: upper_95.max(0.0),
                }
            })
            .collect()
    }

    /// Error scale (RMS error) of each day of `forecast`; summed as
    /// independent, the floor of [`crate::TotalErrors::scale`].
    pub fn error_scale(&self, forecast: &[f64]) -> Vec<f64> {
        forecast
            .iter()
            .enumerate()
            .map(|(step, &f)| error_unit(f) * self.step(step).rms)
            .collect()
    }
}

fn gather(errors_by_step: &[Vec<f64>], step: usize, radius: usize) -> Vec<f64> {
    let lo = step.saturating_sub(radius);
    let hi = (step + radius).min(errors_by_step.len() - 1);
    errors_by_step[lo..=hi].iter().flatten().copied().collect()
}

fn summarise(mut pool: Vec<f64>) -> StepErrors {
    let n = pool.len();
    let rms = (pool.iter().map(|e| e * e).sum::<f64>() / n as f64).sqrt();
    let ranks = [
        lower_rank(n, 0.025),
        lower_rank(n, 0.10),
        upper_rank(n, 0.90),
        upper_rank(n, 0.975),
    ];
    let [q025, q10, q90, q975] = order_statistics(&mut pool, ranks);
    StepErrors {
        q10,
        q90,
        q025,
        q975,
        rms,
        pooled: n,
    }
}

/// The values of `pool` at the ascending 0-based `ranks` of its sorted
/// order, each found by selection in what lies above the previous one
/// rather than by sorting the whole pool (this runs for every horizon
/// step of every forecast).
fn order_statistics<const N: usize>(pool: &mut [f64], ranks: [usize; N]) -> [f64; N] {
    debug_assert!(ranks.is_sorted() && ranks.last().is_none_or(|&r| r < pool.len()));
    let mut above = 0;
    ranks.map(|rank| {
        if rank >= above {
            pool[above..].select_nth_unstable_by(rank - above, f64::total_cmp);
            above = rank + 1;
        }
        pool[rank]
    })
}

/// The 0-based rank of the order statistic at or below plotting position
/// p·(n + 1) (type 6 without interpolation), n ≥ 1: the lower bound of an
/// interval. Demand comes in whole units, so errors are discrete;
/// interpolating between two observed errors would put a bound strictly
/// inside a gap that no actual can fall in, and the interval would cover
/// less than its nominal share. Taking the order statistic on the outer
/// side keeps the coverage at least nominal (the same value as
/// [`quantile`] when the position is whole).
fn lower_rank(n: usize, p: f64) -> usize {
    let position = (p * (n as f64 + 1.0)).floor();
    if position < 1.0 {
        return 0;
    }
    (position as usize).min(n) - 1
}

/// The 0-based rank of the order statistic at or above plotting position
/// p·(n + 1), n ≥ 1: the upper bound of an interval (see [`lower_rank`]).
fn upper_rank(n: usize, p: f64) -> usize {
    let position = (p * (n as f64 + 1.0)).ceil();
    if position >= n as f64 {
        return n - 1;
    }
    (position as usize).max(1) - 1
}

/// The lower bound's order statistic of sorted `values` ([`lower_rank`]).
#[cfg(test)]
pub(crate) fn lower_quantile(values: &[f64], p: f64) -> f64 {
    values[lower_rank(values.len(), p)]
}

/// The upper bound's order statistic of sorted `values` ([`upper_rank`]).
#[cfg(test)]
pub(crate) fn upper_quantile(values: &[f64], p: f64) -> f64 {
    values[upper_rank(values.len(), p)]
}

/// Quantile of sorted `values` (non-empty: every caller pools at least one
/// error) at plotting position p·(n + 1)
/// (Hyndman-Fan type 6), interpolated and clamped to the extremes. Unlike
/// the common type 7 it does not shrink intervals from small samples: the
/// expected share of new values between the p and 1 - p quantiles is 1 - 2p.
#[cfg(test)]
pub(crate) fn quantile(values: &[f64], p: f64) -> f64 {
    let n = values.len();
    let position = p * (n as f64 + 1.0); // 1-based
    if position <= 1.0 {
        return values[0];
    }
    if position >= n as f64 {
        return values[n - 1];
    }
    let below = position.floor();
    let i = below as usize - 1;
    let frac = position - below;
    values[i] + frac * (values[i + 1] - values[i])
}

#[cfg(test)]
mod tests;
