//! Daily, gap-filled demand series.
//!
//! The old system shifted *rows*, so a day without sales silently turned
//! "lag 7" into "7 rows ago". Here a series holds one value per calendar day
//! and a day without an observation is an explicit zero, so every index
//! offset is a day offset.

use chrono::{Days, NaiveDate};

/// Longest series accepted (about 100 years), so a typo in a date cannot
/// allocate gigabytes.
pub const MAX_SERIES_DAYS: usize = 36_600;

/// Why a series could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SeriesError {
    /// No observations and no explicit start.
    #[error("no observations: a series needs at least one day")]
    Empty,
    /// Observation `index` is dated before the one before it.
    #[error("observations are not sorted by date: #{index} ({date}) comes after {previous}")]
    Unsorted {
        /// Position of the offending observation.
        index: usize,
        /// Its date.
        date: NaiveDate,
        /// Date of the observation before it.
        previous: NaiveDate,
    },
    /// Two observations for one day while duplicates are rejected.
    #[error("duplicate observation for {date}")]
    Duplicate {
        /// The repeated day.
        date: NaiveDate,
    },
    /// A value is NaN or infinite.
    #[error("units on {date} are not a finite number")]
    NonFinite {
        /// The day.
        date: NaiveDate,
    },
    /// An observation lies outside `start..=end`.
    #[error("observation on {date} is outside the series range {start}..={end}")]
    OutOfRange {
        /// The day.
        date: NaiveDate,
        /// First day of the series.
        start: NaiveDate,
        /// Last day of the series.
        end: NaiveDate,
    },
    /// `end` is before `start`.
    #[error("end {end} is before start {start}")]
    EndBeforeStart {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// The range is longer than [`MAX_SERIES_DAYS`].
    #[error("series of {days} days is longer than the maximum of {max}")]
    TooLong {
        /// Requested length.
        days: u64,
        /// The limit.
        max: usize,
    },
}

/// What to do with several observations for one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Duplicates {
    /// Return [`SeriesError::Duplicate`].
    Reject,
    /// Add them up (e.g. one observation per sale event).
    Sum,
}

/// One value per calendar day from `start`, with no gaps.
///
/// Invariants: at least one day, every value finite, at most
/// [`MAX_SERIES_DAYS`] days. Values are net units and may be negative
/// (reversals); models clamp where that matters.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    start: NaiveDate,
    units: Vec<f64>,
}

impl DailySeries {
    /// A series from dense daily values starting at `start`.
    pub fn new(start: NaiveDate, units: Vec<f64>) -> Result<Self, SeriesError> {
        if units.is_empty() {
            return Err(SeriesError::Empty);
        }
        if units.len() > MAX_SERIES_DAYS {
            return Err(SeriesError::TooLong {
                days: units.len() as u64,
                max: MAX_SERIES_DAYS,
            });
        }
        if let Some(i) = units.iter().position(|v| !v.is_finite()) {
            return Err(SeriesError::NonFinite {
                date: add_days(start, i),
            });
        }
        let series = Self { start, units };
        // The last day must be a representable date.
        series
            .checked_date_of(series.units.len() - 1)
            .ok_or(SeriesError::TooLong {
                days: series.units.len() as u64,
                max: MAX_SERIES_DAYS,
            })?;
        Ok(series)
    }

    /// Gap-fills sparse `(date, units)` observations into every day from the
    /// first observation to `end` inclusive; a missing day is 0.
    ///
    /// Observations must be sorted by date (sort them first if they are not:
    /// the error says which one is out of order, so bad upstream data is not
    /// silently reordered).
    pub fn from_observations(
        observations: &[(NaiveDate, f64)],
        end: NaiveDate,
        duplicates: Duplicates,
    ) -> Result<Self, SeriesError> {
        let start = observations.first().ok_or(SeriesError::Empty)?.0;
        Self::from_observations_in_range(observations, start, end, duplicates)
    }

    /// Like [`DailySeries::from_observations`] but over an explicit range
    /// `start..=end` (e.g. from the product's first day on sale), so leading
    /// zero days are kept. Observations may be empty.
    pub fn from_observations_in_range(
        observations: &[(NaiveDate, f64)],
        start: NaiveDate,
        end: NaiveDate,
        duplicates: Duplicates,
    ) -> Result<Self, SeriesError> {
        if end < start {
            return Err(SeriesError::EndBeforeStart { start, end });
        }
        let days = (end - start).num_days() as u64 + 1;
        if days > MAX_SERIES_DAYS as u64 {
            return Err(SeriesError::TooLong {
                days,
                max: MAX_SERIES_DAYS,
            });
        }
        let mut units = vec![0.0; days as usize];
        let mut previous: Option<NaiveDate> = None;
        for (index, &(date, value)) in observations.iter().enumerate() {
            if let Some(prev) = previous {
                if date < prev {
                    return Err(SeriesError::Unsorted {
                        index,
                        date,
                        previous: prev,
                    });
                }
                if date == prev && duplicates == Duplicates::Reject {
                    return Err(SeriesError::Duplicate { date });
                }
            }
            if !value.is_finite() {
                return Err(SeriesError::NonFinite { date });
            }
            if date < start || date > end {
                return Err(SeriesError::OutOfRange { date, start, end });
            }
            units[(date - start).num_days() as usize] += value;
            previous = Some(date);
        }
        Ok(Self { start, units })
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day (inclusive): the data watermark.
    pub fn end(&self) -> NaiveDate {
        add_days(self.start, self.units.len() - 1)
    }

    /// Number of days.
    pub fn len(&self) -> usize {
        self.units.len()
    }

    /// Always false (a series has at least one day); here for clippy and
    /// symmetry with slices.
    pub fn is_empty(&self) -> bool {
        self.units.is_empty()
    }

    /// Values, one per day from [`DailySeries::start`].
    pub fn units(&self) -> &[f64] {
        &self.units
    }

    /// Date of day `index` (0 is the start).
    ///
    /// Indexes past the end are still dated (the future days of a
    /// forecast); saturates at the largest representable date.
    pub fn date_of(&self, index: usize) -> NaiveDate {
        add_days(self.start, index)
    }

    fn checked_date_of(&self, index: usize) -> Option<NaiveDate> {
        self.start.checked_add_days(Days::new(index as u64))
    }

    /// Index of `date`, if it lies within the series.
    pub fn index_of(&self, date: NaiveDate) -> Option<usize> {
        let offset = (date - self.start).num_days();
        usize::try_from(offset)
            .ok()
            .filter(|&i| i < self.units.len())
    }

    /// Units on `date`, or `None` outside the series.
    pub fn get(&self, date: NaiveDate) -> Option<f64> {
        self.index_of(date).map(|i| self.units[i])
    }

    /// The series cut after `end` (inclusive), e.g. the training part of a
    /// backtest window. `None` when `end` is before the start.
    pub fn truncated(&self, end: NaiveDate) -> Option<DailySeries> {
        if end < self.start {
            return None;
        }
        let len = ((end - self.start).num_days() as usize + 1).min(self.units.len());
        Some(Self {
            start: self.start,
            units: self.units[..len].to_vec(),
        })
    }

    /// `(date, units)` pairs, one per day.
    pub fn iter(&self) -> impl Iterator<Item = (NaiveDate, f64)> + '_ {
        self.units
            .iter()
            .enumerate()
            .map(|(i, &v)| (self.date_of(i), v))
    }
}

/// `date + days`, saturating at the largest date chrono represents.
pub(crate) fn add_days(date: NaiveDate, days: usize) -> NaiveDate {
    date.checked_add_days(Days::new(days as u64))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests;
