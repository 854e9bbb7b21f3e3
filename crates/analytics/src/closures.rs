//! Days a series is closed: known zeros that a model should neither learn
//! as demand nor forecast as demand, and [`DayTable`], the calendar facts
//! of a run of days computed once per series.
//!
//! A store that closes on Christmas Day sells nothing that day, every
//! year. Learning those zeros as low demand drags a holiday coefficient
//! down for every other holiday, and forecasting positive demand for them
//! misleads reorder advice. The history says which days are closures:
//!
//! - a holiday rule of the calendar (e.g. `easter 0`) is *closed* when the
//!   series sold nothing on every one of its past occurrences (at least
//!   one) and that is unlikely by chance: with z the share of zero days
//!   on days that are not holidays and k the occurrences, z^k < 0.05;
//! - a fixed month and day that is not a holiday in the calendar (a local
//!   holiday the calendar lacks) is closed when it sold nothing in at least
//!   2 past years and 366·z^k < 0.05 (366 days were tried, so the test is
//!   stricter).
//!
//! A slow mover with many zero days therefore never gets closures it did
//! not earn. Only the days before the given training length are read.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use crate::calendar::HolidayCalendar;
use crate::series::DailySeries;

/// Chance level under which all-zero occurrences count as a closure.
pub const CLOSED_SIGNIFICANCE: f64 = 0.05;

/// Past years a fixed month-day outside the calendar needs.
pub const MIN_FIXED_DAY_YEARS: usize = 2;

/// Days after which the yearly phase 2π·day/365.25 repeats (four years).
const PHASE_PERIOD: i32 = 1461;

/// sin and cos of the yearly phase of each day of one period, computed
/// once per process: the regressions' Fourier terms read them for every
/// day of every series.
static YEARLY_PHASES: LazyLock<Vec<(f64, f64)>> = LazyLock::new(|| {
    (0..PHASE_PERIOD)
        .map(|n| (std::f64::consts::TAU * f64::from(n) / 365.25).sin_cos())
        .collect()
});

/// Calendar facts of consecutive days from a start date.
#[derive(Debug, Clone, PartialEq)]
pub struct DayTable {
    start: NaiveDate,
    /// 0 = Monday.
    weekday: Vec<u8>,
    month: Vec<u8>,
    day: Vec<u8>,
    holiday: Vec<bool>,
    /// Days since 0001-01-01 (chrono's day number).
    day_number: Vec<i32>,
    /// sin and cos of each day's yearly phase (copied from [`YEARLY_PHASES`]).
    yearly_phase: Vec<(f64, f64)>,
    /// (day index, rule index) of every holiday occurrence, by day.
    occurrences: Vec<(usize, usize)>,
}

impl DayTable {
    /// The facts of `len` days from `start` under `calendar`.
    pub fn new(start: NaiveDate, len: usize, calendar: &HolidayCalendar) -> Self {
        let mut table = DayTable {
            start,
            weekday: Vec::with_capacity(len),
            month: Vec::with_capacity(len),
            day: Vec::with_capacity(len),
            holiday: Vec::with_capacity(len),
            day_number: Vec::with_capacity(len),
            yearly_phase: Vec::with_capacity(len),
            occurrences: Vec::new(),
        };
        let mut date = start;
        let mut weekday = start.weekday().num_days_from_monday() as u8;
        let first_number = start.num_days_from_ce();
        for i in 0..len {
            let number = first_number.saturating_add(i32::try_from(i).unwrap_or(i32::MAX));
            table.weekday.push(weekday);
            table.month.push(date.month() as u8);
            table.day.push(date.day() as u8);
            table.holiday.push(calendar.is_holiday(date));
            table.day_number.push(number);
            let phase = YEARLY_PHASES[number.rem_euclid(PHASE_PERIOD) as usize];
            table.yearly_phase.push(phase);
            weekday = (weekday + 1) % 7;
            if i + 1 < len {
                date = date.succ_opt().unwrap_or(date);
            }
        }
        if len > 0 {
            let rules = calendar.rules();
            for year in start.year()..=date.year() {
                for (r, rule) in rules.iter().enumerate() {
                    if let Some(d) = rule.date_in(year)
                        && d >= start
                        && d <= date
                    {
                        table.occurrences.push(((d - start).num_days() as usize, r));
                    }
                }
            }
            table.occurrences.sort_unstable();
        }
        table
    }

    /// (sin, cos) of day `t`'s yearly phase, 2π·day_number/365.25.
    pub fn yearly_phase(&self, t: usize) -> (f64, f64) {
        self.yearly_phase[t]
    }

    /// Days covered.
    pub fn len(&self) -> usize {
        self.weekday.len()
    }

    /// True when no day is covered.
    pub fn is_empty(&self) -> bool {
        self.weekday.is_empty()
    }

    /// The first day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Weekday of day `i`, 0 = Monday.
    pub fn weekday(&self, i: usize) -> usize {
        self.weekday[i] as usize
    }

    /// Whether day `i` is a holiday in the calendar.
    pub fn is_holiday(&self, i: usize) -> bool {
        self.holiday[i]
    }

    /// chrono's day number of day `i` (days from 0001-01-01, day 1).
    pub fn day_number(&self, i: usize) -> i32 {
        self.day_number[i]
    }

    /// (month, day of month) of day `i`.
    pub fn month_day(&self, i: usize) -> (u32, u32) {
        (u32::from(self.month[i]), u32::from(self.day[i]))
    }

    fn rules_on(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let from = self.occurrences.partition_point(|&(d, _)| d < i);
        self.occurrences[from..]
            .iter()
            .take_while(move |&&(d, _)| d == i)
            .map(|&(_, r)| r)
    }
}

/// The closures learnt from one history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClosedDays {
    /// Indexes of calendar rules that are closures.
    rules: Vec<usize>,
    /// (month, day) pairs that are closures.
    fixed: Vec<(u32, u32)>,
}

impl ClosedDays {
    /// No closures.
    pub fn none() -> Self {
        Self::default()
    }

    /// Learns the closures of `history` under `calendar`.
    pub fn learn(history: &DailySeries, calendar: &HolidayCalendar) -> Self {
        let table = DayTable::new(history.start(), history.len(), calendar);
        Self::learn_prefix(
            history.units(),
            history.len(),
            &table,
            calendar.rules().len(),
        )
    }

    /// Learns from the first `len` values of `units`, whose days `table`
    /// describes (from the same start); `rules` is the number of calendar
    /// rules.
    pub fn learn_prefix(units: &[f64], len: usize, table: &DayTable, rules: usize) -> Self {
        Self::learn_origins(units, &[len], table, rules)
            .pop()
            .unwrap_or_default()
    }

    /// [`ClosedDays::learn_prefix`] for each length in `origins`, in one
    /// pass over the days (backtests learn at 17 origins per series).
    pub fn learn_origins(
        units: &[f64],
        origins: &[usize],
        table: &DayTable,
        rules: usize,
    ) -> Vec<Self> {
        let end = units.len().min(table.len());
        let mut order: Vec<usize> = (0..origins.len()).collect();
        order.sort_by_key(|&k| origins[k]);
        let mut learnt = vec![Self::none(); origins.len()];
        let mut tally = Tally::new(rules);
        let mut next_occurrence = 0;
        let mut i = 0;
        for k in order {
            let len = origins[k].min(end);
            for (day, &u) in units.iter().enumerate().take(len).skip(i) {
                tally.add_day(u, table, day);
            }
            i = i.max(len);
            while let Some(&(day, r)) = table.occurrences.get(next_occurrence) {
                if day >= len {
                    break;
                }
                tally.add_occurrence(r, units[day]);
                next_occurrence += 1;
            }
            learnt[k] = tally.closures();
        }
        learnt
    }

    /// Whether day `i` of `table` is a learnt closure. Inlined, so the
    /// common case, no closures, costs no call in the models' day loops.
    #[inline]
    pub fn is_closed_at(&self, table: &DayTable, i: usize) -> bool {
        !self.is_empty() && self.learnt_closure_at(table, i)
    }

    fn learnt_closure_at(&self, table: &DayTable, i: usize) -> bool {
        if i >= table.len() {
            return false;
        }
        if !self.fixed.is_empty() && self.fixed.contains(&table.month_day(i)) {
            return true;
        }
        !self.rules.is_empty()
            && table.is_holiday(i)
            && table.rules_on(i).any(|r| self.rules.contains(&r))
    }

    /// Whether `date` is a learnt closure.
    pub fn is_closed(&self, date: NaiveDate, calendar: &HolidayCalendar) -> bool {
        if self.fixed.contains(&(date.month(), date.day())) {
            return true;
        }
        if self.rules.is_empty() || !calendar.is_holiday(date) {
            return false;
        }
        let rules = calendar.rules();
        self.rules
            .iter()
            .any(|&r| rules.get(r).and_then(|rule| rule.date_in(date.year())) == Some(date))
    }

    /// True when nothing was learnt.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.fixed.is_empty()
    }

    /// Calendar rules (indexes) learnt as closures.
    pub fn rules(&self) -> &[usize] {
        &self.rules
    }

    /// (month, day) pairs learnt as closures.
    pub fn fixed_days(&self) -> &[(u32, u32)] {
        &self.fixed
    }
}

/// Running counts behind [`ClosedDays::learn_origins`].
struct Tally {
    /// Days that are not holidays, and the zero ones among them.
    days: usize,
    zeros: usize,
    /// [month][day] -> (seen, zero) over days that are not holidays.
    seen: [[(usize, usize); 32]; 13],
    /// Occurrences of each calendar rule, and whether all sold nothing.
    count: Vec<usize>,
    all_zero: Vec<bool>,
}

impl Tally {
    fn new(rules: usize) -> Self {
        Tally {
            days: 0,
            zeros: 0,
            seen: [[(0, 0); 32]; 13],
            count: vec![0; rules],
            all_zero: vec![true; rules],
        }
    }

    fn add_day(&mut self, units: f64, table: &DayTable, i: usize) {
        if table.is_holiday(i) {
            return;
        }
        let zero = units == 0.0;
        self.days += 1;
        self.zeros += usize::from(zero);
        let (m, d) = table.month_day(i);
        let cell = &mut self.seen[m as usize][d as usize];
        cell.0 += 1;
        cell.1 += usize::from(zero);
    }

    fn add_occurrence(&mut self, rule: usize, units: f64) {
        if rule < self.count.len() {
            self.count[rule] += 1;
            self.all_zero[rule] &= units == 0.0;
        }
    }

    /// The closures the days counted so far show.
    fn closures(&self) -> ClosedDays {
        if self.days == 0 {
            return ClosedDays::none();
        }
        let z = self.zeros as f64 / self.days as f64;
        let rules = (0..self.count.len())
            .filter(|&r| {
                let k = self.count[r];
                k > 0 && self.all_zero[r] && z.powi(k as i32) < CLOSED_SIGNIFICANCE
            })
            .collect();
        let mut fixed = Vec::new();
        for (month, row) in self.seen.iter().enumerate() {
            for (day, &(k, zero)) in row.iter().enumerate() {
                if k >= MIN_FIXED_DAY_YEARS
                    && zero == k
                    && 366.0 * z.powi(k as i32) < CLOSED_SIGNIFICANCE
                {
                    fixed.push((month as u32, day as u32));
                }
            }
        }
        ClosedDays { rules, fixed }
    }
}

#[cfg(test)]
mod tests;
