//! Engineered features for one day of a daily series.
//!
//! A feature at day t uses only units before t and the calendar of t
//! (design invariant 6), so the same code serves training rows and the
//! recursive forecast, where "history" is the series extended by earlier
//! predictions. Days before the series start count as 0 units; rows with
//! fewer than [`WARM_UP_DAYS`] days of history are warm-up rows that callers
//! leave out of training.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::calendar::HolidayCalendar;
use crate::series::DailySeries;

/// Number of features.
pub const FEATURE_COUNT: usize = 7;

/// Feature names, in the fixed order of [`Features::to_array`].
pub const FEATURE_NAMES: [&str; FEATURE_COUNT] = [
    "lag_1",
    "lag_7",
    "lag_14",
    "rolling_mean_7",
    "trend_index",
    "is_weekend",
    "is_holiday",
];

/// Days of history a row needs before every lag reads real data (lag_14).
pub const WARM_UP_DAYS: usize = 14;

/// The seven features of one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features {
    /// Units at t-1.
    pub lag_1: f64,
    /// Units at t-7.
    pub lag_7: f64,
    /// Units at t-14.
    pub lag_14: f64,
    /// Mean units over t-7..=t-1 (always divided by 7).
    pub rolling_mean_7: f64,
    /// (lag_1 - lag_7) / 7.
    pub trend_index: f64,
    /// 1.0 on Saturday and Sunday, else 0.0.
    pub is_weekend: f64,
    /// 1.0 when the calendar marks t as a holiday, else 0.0.
    pub is_holiday: f64,
}

impl Features {
    /// Values in [`FEATURE_NAMES`] order.
    pub fn to_array(&self) -> [f64; FEATURE_COUNT] {
        [
            self.lag_1,
            self.lag_7,
            self.lag_14,
            self.rolling_mean_7,
            self.trend_index,
            self.is_weekend,
            self.is_holiday,
        ]
    }

    /// The inverse of [`Features::to_array`].
    pub fn from_array(v: [f64; FEATURE_COUNT]) -> Self {
        Self {
            lag_1: v[0],
            lag_7: v[1],
            lag_14: v[2],
            rolling_mean_7: v[3],
            trend_index: v[4],
            is_weekend: v[5],
            is_holiday: v[6],
        }
    }
}

/// Features of one day plus how much real history they saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureRow {
    /// The day t.
    pub date: NaiveDate,
    /// Days of series before t (history length).
    pub history_days: usize,
    /// The features.
    pub features: Features,
}

impl FeatureRow {
    /// True while some lag still reads a day before the series start.
    pub fn is_warm_up(&self) -> bool {
        self.history_days < WARM_UP_DAYS
    }
}

/// A day for which features cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeatureError {
    /// The day is before the series or more than one day after its end.
    #[error("features for {date} need a day in {start}..={next}")]
    OutOfRange {
        /// Requested day.
        date: NaiveDate,
        /// First allowed day (the series start).
        start: NaiveDate,
        /// Last allowed day (the day after the series end).
        next: NaiveDate,
    },
}

/// Features of `date` given `history`, the units of the days just before
/// it (the last element is t-1), e.g. a series extended by predictions.
///
/// Non-finite history values are read as 0 so the output never holds NaN.
pub fn features_from_history(
    history: &[f64],
    date: NaiveDate,
    calendar: &HolidayCalendar,
) -> FeatureRow {
    let lag = |k: usize| -> f64 {
        history
            .len()
            .checked_sub(k)
            .map(|i| history[i])
            .filter(|v| v.is_finite())
            .unwrap_or(0.0)
    };
    let lag_1 = lag(1);
    let lag_7 = lag(7);
    let rolling_sum: f64 = (1..=7).map(lag).sum();
    let features = Features {
        lag_1,
        lag_7,
        lag_14: lag(14),
        rolling_mean_7: rolling_sum / 7.0,
        trend_index: (lag_1 - lag_7) / 7.0,
        is_weekend: flag(matches!(date.weekday(), Weekday::Sat | Weekday::Sun)),
        is_holiday: flag(calendar.is_holiday(date)),
    };
    FeatureRow {
        date,
        history_days: history.len(),
        features,
    }
}

/// One row per day of the series (warm-up rows included, flagged).
pub fn feature_rows(series: &DailySeries, calendar: &HolidayCalendar) -> Vec<FeatureRow> {
    let units = series.units();
    (0..units.len())
        .map(|t| features_from_history(&units[..t], series.date_of(t), calendar))
        .collect()
}

/// Features of one day from the series start up to the day after its end
/// (the first forecast day).
pub fn feature_row(
    series: &DailySeries,
    date: NaiveDate,
    calendar: &HolidayCalendar,
) -> Result<FeatureRow, FeatureError> {
    let next = series.date_of(series.len());
    if date < series.start() || date > next {
        return Err(FeatureError::OutOfRange {
            date,
            start: series.start(),
            next,
        });
    }
    let t = (date - series.start()).num_days() as usize;
    Ok(features_from_history(&series.units()[..t], date, calendar))
}

fn flag(on: bool) -> f64 {
    if on { 1.0 } else { 0.0 }
}

#[cfg(test)]
mod tests;
