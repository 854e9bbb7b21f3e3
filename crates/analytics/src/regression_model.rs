//! The `regression` model: ridge regression of daily units on named,
//! explainable terms.
//!
//! For a forecast day t = T + h made at the origin T (the last observed
//! day):
//!
//! ```text
//! ŷ(t) = b₀ + Σ_d β_d·weekday_d(t)                 six weekday dummies (Monday is the base)
//!            + Σ_k a_k·sin(2πk·τ) + b_k·cos(2πk·τ)   yearly Fourier terms, τ = day / 365.25
//!            + γ·holiday(t)                          a holiday in the calendar
//!            + δ·trend_years(t)                      (t − T) / 365.25
//!            + Σ_w λ_w·level_w(T)                    mean units of the w days up to T
//!            + s_d(t)(T)                             recent_weekday_shift
//! ```
//!
//! Every term is named in the explanation (`weekday_sat`, `yearly_sin_1`,
//! `level_28`, ...). Fitted to log(1 + units) ([`Transform::Log1p`]) the
//! weekday and yearly terms multiply the level instead of adding to it.
//! Optionally (`weekday_level`, off by default) weekday uplifts that scale
//! with a recent level, Σ_d μ_d·weekday_d(t)·level_w(T), make the units
//! form's weekday pattern partly multiplicative.
//! The shift s_d is not fitted with the rest: it is the mean residual of
//! weekday d over the last 13 weeks before the origin (the latest weeks
//! weighing most), centred over the week and shrunk towards 0
//! ([`crate::weekday_shift`]), so a weekly rhythm that changed lately is
//! followed before the weekday terms learn it.
//!
//! Direct multi-step (the default): one set of coefficients per lag L in
//! `lags` (7 and 28 days), trained on rows whose level terms end L days
//! before the target (the training row of day t reads level_w(t − L));
//! forecast day T + h uses the set with the smallest L ≥ h (the 7-day set
//! for the first week, the 28-day set after), so no set is applied
//! further ahead than it was trained for. So the level coefficients say how
//! much a recent level predicts the level L days later, which is what a
//! forecast that far ahead needs: persistent shifts carry over, short
//! promotions do not. Recursive multi-step (one lag of 1, predictions fed
//! back into the level terms) is available for comparison.
//!
//! Days the series is closed ([`ClosedDays`]) are known zeros: they are
//! left out of the training rows and forecast as 0 with a `closed_day`
//! term. Negative predictions are clamped to 0. Yearly terms are used when
//! the training rows span at least `min_yearly_days` and, once two years
//! precede the origin, only when their seasonal profiles agree
//! ([`season`]). The ridge penalty applies
//! to the standardised yearly, trend and level terms; weekday and holiday
//! effects are left unpenalised.
//!
//! [`RegressionModel::fit_origins`] fits every backtest origin of a series
//! in one pass: the training rows of an earlier origin are a prefix of a
//! later one's, so running sums are snapshotted at each origin (and older
//! rows beyond `max_training_days`, or closures learnt at that origin, are
//! subtracted). A test checks that this equals fitting each prefix alone.

use crate::calendar::HolidayCalendar;
use crate::closures::{ClosedDays, DayTable};
use crate::forecast::{
    Explanation, ForecastError, ForecastPoint, Term, check_horizon, check_origins,
};
use crate::one_pass::OnePass;
use crate::ridge::RidgeFit;
use crate::series::DailySeries;
use crate::weekday_shift::WEEKDAY_SHIFT_WEEKS;

/// Days of history the regression needs: four weeks, so every weekday is
/// seen four times.
pub const REGRESSION_MIN_HISTORY_DAYS: usize = 28;

/// Fewest days a level window's mean reads before a row is used.
const MIN_LEVEL_DAYS: usize = 7;

/// Fewest training rows for a lag's fit; with fewer, the lag is not used
/// for that origin and the smaller lags serve its forecast days.
const MIN_TRAINING_ROWS: usize = 14;

/// Share of the lognormal mean correction exp(s²/2) that a log(1 + units)
/// prediction is scaled by (s² the fit's mean squared residual in log
/// space). The full factor assumes normal residuals, and real retail
/// residuals in log space are not (promotions, stock-outs, partial
/// closures): on real data half of it lowered AUTO's RMSE on 18 of the 20
/// holdouts (by up to 7 points against the seed model) and moved the
/// synthetic Poisson panels, for which the full factor is right, by at
/// most 0.3% (docs/forecasting-measurements.md, "log_regression: share of
/// the lognormal correction").
pub const LOGNORMAL_CORRECTION_SHARE: f64 = 0.5;

/// How closely the newer year's seasonal profile must follow the older
/// one's for the yearly terms to be fitted ([`season`]). A lenient bar: it
/// drops the terms where the last two years show no common season. Against
/// always fitting them, AUTO's RMSE fell on every real-data family (pasta
/// 1.2 points against the seed model, summed pasta 0.5, thinned pasta
/// 0.1-0.2) and on the synthetic drifting slow movers, though December
/// holdouts lost 0.1-0.5 points; 0 and 0.5 gained less
/// (docs/forecasting-measurements.md, "regression: the season check").
pub const MIN_SEASON_CORRELATION: f64 = 0.3;

/// How the target is transformed before the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transform {
    /// Units as they are.
    Identity,
    /// log(1 + units), back-transformed with a share of the lognormal
    /// factor ([`LOGNORMAL_CORRECTION_SHARE`]).
    Log1p,
}

impl Transform {
    /// The transformed target of `units`.
    fn apply(self, units: f64) -> f64 {
        match self {
            Transform::Identity => units,
            Transform::Log1p => units.max(0.0).ln_1p(),
        }
    }

    /// The factor a back-transformed prediction is scaled by, from the
    /// fit's mean squared residual in the transformed scale: a share of
    /// the lognormal mean exp(s²/2) for log1p, 1 for the identity.
    fn back_transform_factor(self, residual_variance: f64) -> f64 {
        match self {
            Transform::Identity => 1.0,
            Transform::Log1p => (LOGNORMAL_CORRECTION_SHARE * residual_variance / 2.0).exp(),
        }
    }
}

/// How a multi-day forecast is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultiStep {
    /// Level terms on the day before the target, predictions fed back.
    Recursive,
    /// Level terms at the origin; one fit per lag.
    Direct {
        /// Training lags in days (the smallest serves the first days).
        lags: Vec<usize>,
    },
}

impl MultiStep {
    /// The lags fitted, ascending and distinct: 1 for recursive.
    fn training_lags(&self) -> Vec<usize> {
        match self {
            MultiStep::Recursive => vec![1],
            MultiStep::Direct { lags } => {
                let mut l: Vec<usize> = lags.iter().map(|&l| l.max(1)).collect();
                l.sort_unstable();
                l.dedup();
                if l.is_empty() { vec![1] } else { l }
            }
        }
    }
}

/// Settings of the regression.
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionConfig {
    /// Target transform.
    pub transform: Transform,
    /// Recursive or direct.
    pub multi_step: MultiStep,
    /// Lengths of the recent-level windows, in days.
    pub level_windows: Vec<usize>,
    /// Most yearly Fourier harmonics (sin and cos each).
    pub yearly_harmonics: usize,
    /// Training days needed before yearly terms are used; with fewer than
    /// twice as many, only the first two harmonics are (one year of data
    /// cannot pin down finer yearly detail).
    pub min_yearly_days: usize,
    /// Whether a linear trend term is used.
    pub trend: bool,
    /// Ridge penalty on the standardised yearly, trend and level terms
    /// (weekday and holiday terms are not penalised).
    pub alpha: f64,
    /// Most recent training days used (older days are ignored).
    pub max_training_days: usize,
    /// Window of the level that scales weekday terms (a weekday uplift
    /// proportional to the recent level, `weekday_sat_x_level_28`); none
    /// when unset, the default: with `log_regression` beside it in AUTO
    /// for patterns that scale, the six extra terms no longer paid for
    /// themselves (docs/forecasting-measurements.md, "regression: the
    /// level-scaled weekday terms").
    pub weekday_level: Option<usize>,
    /// Weeks of residuals behind the `recent_weekday_shift` term; none
    /// when unset.
    pub weekday_shift_weeks: Option<usize>,
    /// With two years before an origin, yearly terms are used only when
    /// the newer year's seasonal profile correlates with the older one's
    /// by more than this ([`season`]); always when unset.
    pub min_season_correlation: Option<f64>,
}

impl Default for RegressionConfig {
    fn default() -> Self {
        Self {
            transform: Transform::Identity,
            multi_step: MultiStep::Direct { lags: vec![7, 28] },
            level_windows: vec![7, 28, 91],
            yearly_harmonics: 3,
            min_yearly_days: 365,
            trend: true,
            alpha: 0.1,
            max_training_days: 3 * 365,
            weekday_level: None,
            weekday_shift_weeks: Some(WEEKDAY_SHIFT_WEEKS),
            min_season_correlation: Some(MIN_SEASON_CORRELATION),
        }
    }
}

const WEEKDAY_NAMES: [&str; 6] = [
    "weekday_tue",
    "weekday_wed",
    "weekday_thu",
    "weekday_fri",
    "weekday_sat",
    "weekday_sun",
];

/// Column layout (the same for every fit of one config).
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    harmonics: usize,
    trend: bool,
    windows: Vec<usize>,
    transform: Transform,
    weekday_level: Option<usize>,
}

impl Layout {
    fn new(config: &RegressionConfig) -> Self {
        Self {
            harmonics: config.yearly_harmonics,
            trend: config.trend,
            windows: config.level_windows.clone(),
            transform: config.transform,
            weekday_level: config.weekday_level,
        }
    }

    fn width(&self) -> usize {
        6 + 2 * self.harmonics
            + 1
            + usize::from(self.trend)
            + self.windows.len()
            + if self.weekday_level.is_some() { 6 } else { 0 }
    }

    fn yearly_columns(&self) -> std::ops::Range<usize> {
        6..6 + 2 * self.harmonics
    }

    fn trend_column(&self) -> Option<usize> {
        self.trend.then_some(6 + 2 * self.harmonics + 1)
    }

    /// The ridge penalty weight of each column: weekday and holiday
    /// effects are well determined and not penalised.
    fn penalties(&self) -> Vec<f64> {
        let holiday = 6 + 2 * self.harmonics;
        (0..self.width())
            .map(|c| if c < 6 || c == holiday { 0.0 } else { 1.0 })
            .collect()
    }

    /// The columns a fit on `span` training days uses: yearly terms only
    /// from `min_yearly_days` and when the `season` repeats, and only the
    /// first two harmonics until twice that (one year cannot pin down
    /// finer yearly detail).
    fn active_columns(&self, span: usize, min_yearly_days: usize, season: bool) -> Vec<bool> {
        let yearly = span >= min_yearly_days && self.harmonics > 0 && season;
        let harmonics = if span >= 2 * min_yearly_days {
            self.harmonics
        } else {
            self.harmonics.min(2)
        };
        let yearly_columns = self.yearly_columns();
        (0..self.width())
            .map(|c| {
                !yearly_columns.contains(&c) || (yearly && c < yearly_columns.start + 2 * harmonics)
            })
            .collect()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = WEEKDAY_NAMES.iter().map(|s| s.to_string()).collect();
        for k in 1..=self.harmonics {
            names.push(format!("yearly_sin_{k}"));
            names.push(format!("yearly_cos_{k}"));
        }
        names.push("holiday".into());
        if self.trend {
            names.push("trend_years".into());
        }
        for w in &self.windows {
            names.push(format!("level_{w}"));
        }
        if let Some(w) = self.weekday_level {
            for name in WEEKDAY_NAMES {
                names.push(format!("{name}_x_level_{w}"));
            }
        }
        names
    }

    /// Features of day `t` with level terms over days up to `anchor`
    /// (inclusive) from `prefix` (prefix sums of units). The trend column
    /// holds t / 365.25; explanations shift it to the origin.
    fn fill(
        &self,
        out: &mut [f64],
        table: &DayTable,
        t: usize,
        anchor: usize,
        prefix: &[f64],
        holiday: bool,
    ) {
        out.iter_mut().for_each(|v| *v = 0.0);
        let weekday = table.weekday(t);
        if weekday > 0 {
            out[weekday - 1] = 1.0;
        }
        let mut c = 6;
        if self.harmonics > 0 {
            let (s1, c1) = table.yearly_phase(t);
            let (mut s, mut co) = (s1, c1);
            for _ in 0..self.harmonics {
                out[c] = s;
                out[c + 1] = co;
                c += 2;
                // Angle addition: sin/cos of (k+1)·phase.
                (s, co) = (s * c1 + co * s1, co * c1 - s * s1);
            }
        }
        out[c] = if holiday { 1.0 } else { 0.0 };
        c += 1;
        if self.trend {
            out[c] = t as f64 / 365.25;
            c += 1;
        }
        for &w in &self.windows {
            let first = (anchor + 1).saturating_sub(w);
            let mean = (prefix[anchor + 1] - prefix[first]) / (anchor + 1 - first).max(1) as f64;
            out[c] = self.transform.apply(mean);
            c += 1;
        }
        if let Some(w) = self.weekday_level
            && weekday > 0
        {
            let first = (anchor + 1).saturating_sub(w);
            let mean = (prefix[anchor + 1] - prefix[first]) / (anchor + 1 - first).max(1) as f64;
            out[c + weekday - 1] = mean;
        }
    }
}

/// Sums of the first 0, 1, ..., n units (the level terms read windows of them).
fn prefix_sums(units: &[f64]) -> Vec<f64> {
    let mut prefix = Vec::with_capacity(units.len() + 1);
    prefix.push(0.0);
    let mut acc = 0.0;
    for &u in units {
        acc += u;
        prefix.push(acc);
    }
    prefix
}

/// One lag's fit.
#[derive(Debug, Clone, PartialEq)]
struct LagFit {
    lag: usize,
    fit: RidgeFit,
    /// The ridge penalty.
    alpha: f64,
    /// Back-transform factor exp(k·s²/2) for log1p, k the
    /// [`LOGNORMAL_CORRECTION_SHARE`] and s² the mean squared residual in
    /// log space (1 for the identity).
    back_transform: f64,
    /// Columns used (yearly terms may be left out).
    active: Vec<bool>,
    /// `recent_weekday_shift` per weekday, Monday first (in the
    /// transformed scale).
    weekday_shift: [f64; 7],
}

/// What a forecast day's explanation needs beyond the fit and the row.
struct Day {
    /// The day's index in the series.
    t: usize,
    /// The last training day.
    origin: usize,
    /// `recent_weekday_shift` of the day's weekday.
    shift: f64,
    closed: bool,
    /// Closed, or forecast below 0 and raised to 0.
    clamped: bool,
}

/// A fitted regression (for one origin).
#[derive(Debug, Clone, PartialEq)]
pub struct RegressionModel {
    config: RegressionConfig,
    layout: Layout,
    /// Training days (the origin is day `days - 1`).
    days: usize,
    fits: Vec<LagFit>,
    closed: ClosedDays,
}

impl RegressionModel {
    /// Fits on `history`.
    pub fn fit(
        history: &DailySeries,
        calendar: &HolidayCalendar,
        config: &RegressionConfig,
    ) -> Result<Self, ForecastError> {
        let table = DayTable::new(history.start(), history.len(), calendar);
        let mut models =
            Self::fit_origins(history.units(), &[history.len()], &table, calendar, config)?;
        models.pop().ok_or(ForecastError::InsufficientHistory {
            have: history.len(),
            need: REGRESSION_MIN_HISTORY_DAYS,
        })
    }

    /// One model per origin: the model for training length `o` sees only
    /// `units[..o]`. `origins` ascending; `table` covers at least the
    /// longest origin from the series start. All origins are fitted in one
    /// pass over the days (module `fit`).
    pub fn fit_origins(
        units: &[f64],
        origins: &[usize],
        table: &DayTable,
        calendar: &HolidayCalendar,
        config: &RegressionConfig,
    ) -> Result<Vec<Self>, ForecastError> {
        check_origins(
            origins,
            REGRESSION_MIN_HISTORY_DAYS,
            units.len().min(table.len()),
        )?;
        let fitted = fit::OriginFitter::new(units, origins, table, calendar, config).fit()?;
        origins
            .iter()
            .zip(fitted)
            .map(|(&o, (fits, closed))| {
                if fits.is_empty() {
                    return Err(ForecastError::InsufficientHistory {
                        have: o,
                        need: REGRESSION_MIN_HISTORY_DAYS,
                    });
                }
                Ok(RegressionModel {
                    config: config.clone(),
                    layout: Layout::new(config),
                    days: o,
                    fits,
                    closed,
                })
            })
            .collect()
    }

    /// Term names, in coefficient order.
    pub fn term_names(&self) -> Vec<String> {
        self.layout.names()
    }

    /// Training lags fitted, ascending.
    pub fn lags(&self) -> Vec<usize> {
        self.fits.iter().map(|f| f.lag).collect()
    }

    /// The intercept of the fit for `lag`.
    pub fn intercept(&self, lag: usize) -> Option<f64> {
        self.lag_fit(lag).map(|f| f.fit.intercept)
    }

    /// The penalty used for `lag`.
    pub fn alpha(&self, lag: usize) -> Option<f64> {
        self.lag_fit(lag).map(|f| f.alpha)
    }

    /// The coefficient of a named term in the fit for `lag`.
    pub fn coefficient(&self, lag: usize, name: &str) -> Option<f64> {
        let i = self.term_names().iter().position(|n| n == name)?;
        self.lag_fit(lag).map(|f| f.fit.coefficients[i])
    }

    /// The closures learnt from the history.
    pub fn closed_days(&self) -> &ClosedDays {
        &self.closed
    }

    fn lag_fit(&self, lag: usize) -> Option<&LagFit> {
        self.fits.iter().find(|f| f.lag == lag)
    }

    /// The fit serving forecast step `h` (1-based): the smallest lag ≥ h
    /// (a set trained on level terms at least as old as they are at that
    /// step), or the largest lag beyond the last one.
    fn fit_for_step(&self, h: usize) -> &LagFit {
        self.fits
            .iter()
            .find(|f| f.lag >= h)
            .unwrap_or(&self.fits[self.fits.len() - 1])
    }

    /// Forecast values for `horizon` days after the first `self.days`
    /// values of a series, whose days `table` describes (it must cover the
    /// forecast days too), with the explanation of each when `explain`.
    /// `prefix` holds the series' [`prefix_sums`] up to its origin at
    /// least; only a recursive forecast, which feeds its values back into
    /// the level terms, copies them.
    fn predict(
        &self,
        prefix: &[f64],
        table: &DayTable,
        horizon: usize,
        explain: bool,
    ) -> (Vec<f64>, Vec<Explanation>) {
        let n = self.days;
        let recursive = self.config.multi_step == MultiStep::Recursive;
        let mut fed_back = Vec::new();
        if recursive {
            fed_back.reserve(n + 1 + horizon);
            fed_back.extend_from_slice(&prefix[..=n]);
        }
        let names = if explain {
            self.layout.names()
        } else {
            Vec::new()
        };
        let mut x = vec![0.0; self.layout.width()];
        let origin = n - 1;
        let mut values = Vec::with_capacity(horizon);
        let mut explanations = Vec::new();
        for step in 0..horizon {
            let prefix = if recursive { &fed_back[..] } else { prefix };
            let t = n + step;
            let lag_fit = self.fit_for_step(step + 1);
            let anchor = if recursive { t - 1 } else { origin };
            let closed = self.closed.is_closed_at(table, t);
            let holiday = table.is_holiday(t) && !closed;
            self.layout.fill(&mut x, table, t, anchor, prefix, holiday);
            let shift = lag_fit.weekday_shift[table.weekday(t)];
            let value = self.back_transform(lag_fit, lag_fit.fit.predict(&x) + shift);
            let day = Day {
                t,
                origin,
                shift,
                clamped: closed || value < 0.0,
                closed,
            };
            let value = if closed { 0.0 } else { value.max(0.0) };
            if explain {
                explanations.push(self.explain_day(lag_fit, &names, &x, &day, value));
            }
            values.push(value);
            if recursive {
                fed_back.push(fed_back[n + step] + value);
            }
        }
        (values, explanations)
    }

    /// Units from the fit's linear prediction (0 for a value that is not
    /// finite; negative values are left to the caller to clamp).
    fn back_transform(&self, lag_fit: &LagFit, linear: f64) -> f64 {
        let value = match self.config.transform {
            Transform::Identity => linear,
            Transform::Log1p => lag_fit.back_transform * linear.exp() - 1.0,
        };
        if value.is_finite() { value } else { 0.0 }
    }

    /// One forecast day's explanation: each active term's value and
    /// coefficient (the trend relative to the origin, the intercept
    /// absorbing the shift), the recent weekday shift, then what the
    /// back-transform and a closure add to reach `value`.
    fn explain_day(
        &self,
        lag_fit: &LagFit,
        names: &[String],
        x: &[f64],
        day: &Day,
        value: f64,
    ) -> Explanation {
        let trend_column = self.layout.trend_column();
        let mut intercept = lag_fit.fit.intercept;
        let mut terms = Vec::with_capacity(names.len() + 2);
        for (c, name) in names.iter().enumerate().filter(|&(c, _)| lag_fit.active[c]) {
            let coef = lag_fit.fit.coefficients[c];
            let mut v = x[c];
            if Some(c) == trend_column {
                v = (day.t as f64 - day.origin as f64) / 365.25;
                intercept += coef * day.origin as f64 / 365.25;
            }
            terms.push(Term::new(name.clone(), v, coef));
        }
        if self.config.weekday_shift_weeks.is_some() {
            terms.push(Term::new("recent_weekday_shift", 1.0, day.shift));
        }
        let mut e = Explanation::new(intercept, terms);
        if self.config.transform == Transform::Log1p && !day.closed {
            let rest = value - e.unclamped;
            e.terms.push(Term::new("log1p_back_transform", 1.0, rest));
            e = Explanation::new(e.intercept, e.terms);
        }
        if day.closed {
            let rest = e.unclamped;
            e.terms.push(Term::new("closed_day", 1.0, -rest));
            e = Explanation::new(e.intercept, e.terms);
        }
        e.clamped = day.clamped;
        e
    }

    /// Forecasts `horizon` days after `history` (the series it was fitted
    /// on), with an explanation per day.
    pub fn forecast(
        &self,
        history: &DailySeries,
        calendar: &HolidayCalendar,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        check_horizon(horizon)?;
        if history.len() < self.days {
            return Err(ForecastError::InsufficientHistory {
                have: history.len(),
                need: self.days,
            });
        }
        let table = DayTable::new(history.start(), self.days + horizon, calendar);
        let prefix = prefix_sums(&history.units()[..self.days]);
        let (values, explanations) = self.predict(&prefix, &table, horizon, true);
        Ok(values
            .into_iter()
            .zip(explanations)
            .enumerate()
            .map(|(step, (value, explanation))| ForecastPoint {
                date: history.date_of(self.days + step),
                value,
                explanation,
            })
            .collect())
    }
}

/// Fits and forecasts the regression in one call, for backtests.
#[derive(Debug, Clone)]
pub struct RegressionForecaster {
    calendar: HolidayCalendar,
    config: RegressionConfig,
}

impl RegressionForecaster {
    /// A regression forecaster with `config`.
    pub fn new(calendar: HolidayCalendar, config: RegressionConfig) -> Self {
        Self { calendar, config }
    }
}

impl OnePass for RegressionForecaster {
    type Model = RegressionModel;

    fn name(&self) -> &str {
        match self.config.transform {
            Transform::Identity => "regression",
            Transform::Log1p => "log_regression",
        }
    }

    fn min_history(&self) -> usize {
        REGRESSION_MIN_HISTORY_DAYS
    }

    fn calendar(&self) -> &HolidayCalendar {
        &self.calendar
    }

    fn fit_origins(
        &self,
        series: &DailySeries,
        origins: &[usize],
        table: &DayTable,
    ) -> Result<Vec<RegressionModel>, ForecastError> {
        RegressionModel::fit_origins(series.units(), origins, table, &self.calendar, &self.config)
    }

    fn predict(
        &self,
        series: &DailySeries,
        models: &[RegressionModel],
        table: &DayTable,
        horizon: usize,
    ) -> Vec<Vec<f64>> {
        let last = models.last().map_or(0, |m| m.days);
        let prefix = prefix_sums(&series.units()[..last]);
        models
            .iter()
            .map(|m| m.predict(&prefix, table, horizon, false).0)
            .collect()
    }

    fn explain(
        &self,
        model: &RegressionModel,
        series: &DailySeries,
        horizon: usize,
    ) -> Result<Vec<ForecastPoint>, ForecastError> {
        model.forecast(series, &self.calendar, horizon)
    }
}

mod fit;
pub mod season;
#[cfg(test)]
mod tests;
