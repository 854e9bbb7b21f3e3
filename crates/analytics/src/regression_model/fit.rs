//! Fitting every backtest origin of a series in one pass. The training rows
//! of an earlier origin are a prefix of a later one's, so one pass over
//! the days per lag keeps running sums of the normal equations (and of
//! the weekday residual sums behind `recent_weekday_shift`) and copies
//! them at each origin's window edges; an origin's sums are then one
//! subtraction, less the closures learnt at that origin.

use super::season::season_correlation;
use super::{LagFit, Layout, MIN_LEVEL_DAYS, MIN_TRAINING_ROWS, RegressionConfig, prefix_sums};
use crate::calendar::HolidayCalendar;
use crate::closures::{ClosedDays, DayTable};
use crate::forecast::ForecastError;
use crate::ridge::NormalEquations;
use crate::weekday_shift::{WeekdaySums, recency_weight};

/// What every origin's fit of one series shares.
pub(super) struct OriginFitter<'a> {
    origins: &'a [usize],
    table: &'a DayTable,
    config: &'a RegressionConfig,
    layout: Layout,
    /// Prefix sums of the units, for the level terms.
    prefix: Vec<f64>,
    /// Each day's target, transformed once (not once per lag and row).
    targets: Vec<f64>,
    penalties: Vec<f64>,
    /// The closures learnt at each origin.
    closures: Vec<ClosedDays>,
    /// Whether each origin's yearly season repeats (`season`), once for
    /// all its lags.
    seasons: Vec<bool>,
}

/// The training rows of one lag's fit at origin `o`.
#[derive(Clone, Copy)]
struct Rows {
    /// The first day whose level terms read enough days.
    min_t: usize,
    max_training_days: usize,
    /// Days the recent weekday shift looks back.
    shift_days: usize,
}

impl Rows {
    /// First training row: rows are `first(o)..o`.
    fn first(self, o: usize) -> usize {
        self.min_t.max(o.saturating_sub(self.max_training_days))
    }

    /// First row the weekday shift reads.
    fn shift_from(self, o: usize) -> usize {
        self.first(o).max(o.saturating_sub(self.shift_days))
    }

    fn usable(self, o: usize) -> bool {
        o >= self.first(o) + MIN_TRAINING_ROWS
    }
}

/// One lag's running sums, copied at every usable origin's window edges.
struct LagSums {
    equations: Snapshots<NormalEquations>,
    weekdays: Snapshots<WeekdaySums>,
}

impl LagSums {
    /// The recency weights of the weekday sums count from here.
    fn weekdays_from(&self) -> usize {
        self.weekdays.first_mark()
    }
}

impl<'a> OriginFitter<'a> {
    /// Origins already checked (`forecast::check_origins`).
    pub(super) fn new(
        units: &'a [f64],
        origins: &'a [usize],
        table: &'a DayTable,
        calendar: &HolidayCalendar,
        config: &'a RegressionConfig,
    ) -> Self {
        let last = origins.last().copied().unwrap_or(0);
        let layout = Layout::new(config);
        let rules = calendar.rules().len();
        let prefix = prefix_sums(&units[..last]);
        let seasons = origins
            .iter()
            .map(|&o| {
                config
                    .min_season_correlation
                    .is_none_or(|min| season_correlation(&prefix, o).is_none_or(|r| r > min))
            })
            .collect();
        OriginFitter {
            origins,
            table,
            config,
            prefix,
            targets: units.iter().map(|&u| config.transform.apply(u)).collect(),
            penalties: layout.penalties(),
            closures: ClosedDays::learn_origins(units, origins, table, rules),
            seasons,
            layout,
        }
    }

    /// Each origin's fits (one per lag with enough rows there) and closures.
    pub(super) fn fit(self) -> Result<Vec<(Vec<LagFit>, ClosedDays)>, ForecastError> {
        let mut per_origin: Vec<Vec<LagFit>> = vec![Vec::new(); self.origins.len()];
        for lag in self.config.multi_step.training_lags() {
            let rows = self.rows(lag);
            let sums = self.accumulate(lag, rows);
            for (w, fits) in per_origin.iter_mut().enumerate() {
                fits.extend(self.solve(lag, rows, &sums, w)?);
            }
        }
        Ok(per_origin.into_iter().zip(self.closures).collect())
    }

    fn rows(&self, lag: usize) -> Rows {
        Rows {
            min_t: lag + MIN_LEVEL_DAYS - 1,
            max_training_days: self.config.max_training_days,
            shift_days: 7 * self.config.weekday_shift_weeks.unwrap_or(0),
        }
    }

    /// The features of training row `t`, its level terms ending `lag` days
    /// before it.
    fn fill(&self, x: &mut [f64], t: usize, lag: usize) {
        let holiday = self.table.is_holiday(t);
        self.layout
            .fill(x, self.table, t, t - lag, &self.prefix, holiday);
    }

    /// The pass over the days: every row up to the last origin added once.
    fn accumulate(&self, lag: usize, rows: Rows) -> LagSums {
        let used = || self.origins.iter().copied().filter(|&o| rows.usable(o));
        let mut equations = Snapshots::new(used().flat_map(|o| [rows.first(o), o]));
        let mut weekdays = Snapshots::new(used().flat_map(|o| [rows.shift_from(o), o]));
        let width = self.layout.width();
        let mut eq = NormalEquations::new(width);
        // Holidays are left out: the holiday term explains them.
        let mut by_weekday = WeekdaySums::new(width);
        let weekdays_from = weekdays.first_mark();
        let end = equations.last_mark();
        let mut x = vec![0.0; width];
        for t in rows.min_t..=end {
            equations.take(t, &eq);
            weekdays.take(t, &by_weekday);
            if t == end {
                break;
            }
            self.fill(&mut x, t, lag);
            let target = self.targets[t];
            eq.add(&x, target);
            // Only rows inside some origin's window are ever read.
            if t >= weekdays_from && !self.table.is_holiday(t) {
                let weight = recency_weight(t, weekdays_from);
                by_weekday.add(self.table.weekday(t), &x, target, weight);
            }
        }
        LagSums {
            equations,
            weekdays,
        }
    }

    /// The fit of origin number `w` for `lag`, when it has enough rows.
    fn solve(
        &self,
        lag: usize,
        rows: Rows,
        sums: &LagSums,
        w: usize,
    ) -> Result<Option<LagFit>, ForecastError> {
        let o = self.origins[w];
        if !rows.usable(o) {
            return Ok(None);
        }
        let (first, shift_from) = (rows.first(o), rows.shift_from(o));
        let (Some(mut eq), Some(mut recent)) = (
            sums.equations.between(first, o),
            sums.weekdays.between(shift_from, o),
        ) else {
            return Ok(None);
        };
        let mut x = vec![0.0; self.layout.width()];
        for t in (first..o).filter(|&t| self.closures[w].is_closed_at(self.table, t)) {
            self.fill(&mut x, t, lag);
            eq.remove(&x, self.targets[t]);
            if t >= shift_from && !self.table.is_holiday(t) {
                let weight = recency_weight(t, sums.weekdays_from());
                recent.remove(self.table.weekday(t), &x, self.targets[t], weight);
            }
        }
        let active =
            self.layout
                .active_columns(o - first, self.config.min_yearly_days, self.seasons[w]);
        let fit = eq.solve_weighted(self.config.alpha, &self.penalties, &active)?;
        let residual_variance = eq.mean_squared_residual(&fit);
        // Without the term the window is empty and the shift 0.
        let weekday_shift = recent.shift(&fit, residual_variance);
        Ok(Some(LagFit {
            lag,
            fit,
            alpha: self.config.alpha,
            back_transform: self
                .config
                .transform
                .back_transform_factor(residual_variance),
            active,
            weekday_shift,
        }))
    }
}

/// Copies of running sums taken at chosen days (marks), so that the sums
/// over any two marks' interval are one subtraction.
struct Snapshots<T> {
    marks: Vec<usize>,
    taken: Vec<(usize, T)>,
}

/// Sums that can be taken apart: the rows added after a snapshot.
trait RunningSums: Clone {
    fn since(&self, earlier: &Self) -> Self;
}

impl RunningSums for NormalEquations {
    fn since(&self, earlier: &Self) -> Self {
        NormalEquations::since(self, earlier)
    }
}

impl RunningSums for WeekdaySums {
    fn since(&self, earlier: &Self) -> Self {
        WeekdaySums::since(self, earlier)
    }
}

impl<T: RunningSums> Snapshots<T> {
    fn new(marks: impl Iterator<Item = usize>) -> Self {
        let mut marks: Vec<usize> = marks.collect();
        marks.sort_unstable();
        marks.dedup();
        Self {
            marks,
            taken: Vec::new(),
        }
    }

    fn first_mark(&self) -> usize {
        self.marks.first().copied().unwrap_or(usize::MAX)
    }

    fn last_mark(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    /// Takes a copy of `sums` if day `t` is the next mark (days ascending).
    fn take(&mut self, t: usize, sums: &T) {
        if self.marks.get(self.taken.len()) == Some(&t) {
            self.taken.push((t, sums.clone()));
        }
    }

    fn at(&self, mark: usize) -> Option<&T> {
        self.taken.iter().find(|(m, _)| *m == mark).map(|(_, s)| s)
    }

    /// The sums of the rows from mark `from` to mark `upto`.
    fn between(&self, from: usize, upto: usize) -> Option<T> {
        Some(self.at(upto)?.since(self.at(from)?))
    }
}
