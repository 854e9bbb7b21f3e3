//! Holiday calendars generated from rules, for any year.
//!
//! The old system listed holidays for three hard-coded years. Here a
//! calendar is a set of rules (fixed day, Easter-relative, n-th or last
//! weekday of a month, one-off date) parsed from a small text format that
//! operators can replace with their country's calendar. Lookups for
//! 1900..=2200 hit a precomputed bit table; other years evaluate the rules.

mod parse;
mod rule;

use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

pub use rule::{EASTER_OFFSET_RANGE, HolidayRule, RuleKind, easter_sunday};

/// The default rules (`holidays/default.txt`): widely observed holidays, to
/// be replaced by the business's own calendar.
pub const DEFAULT_RULES: &str = include_str!("../holidays/default.txt");

/// Years whose holidays are precomputed for O(1) lookups.
pub const PRECOMPUTED_YEARS: RangeInclusive<i32> = 1900..=2200;

/// A calendar that could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A line of rule text is malformed.
    #[error("holiday rules line {line}: {message}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// A holiday on a given day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The day.
    pub date: NaiveDate,
    /// Name of the rule that produced it.
    pub name: String,
}

/// Holiday rules plus a precomputed day table.
#[derive(Debug, Clone)]
pub struct HolidayCalendar {
    rules: Vec<HolidayRule>,
    /// One bit per day from 1 January of the first precomputed year.
    table: Vec<u64>,
    /// chrono's day number of the table's first day, and the days it
    /// covers: a lookup is one subtraction (every series' day table asks
    /// about every one of its days).
    first_day: i32,
    days: usize,
}

impl HolidayCalendar {
    /// A calendar from rules.
    pub fn from_rules(rules: Vec<HolidayRule>) -> Self {
        let first = table_origin();
        let days = (last_table_day() - first).num_days() as usize + 1;
        let mut table = vec![0u64; days.div_ceil(64)];
        for year in PRECOMPUTED_YEARS {
            for rule in &rules {
                if let Some(date) = rule.date_in(year) {
                    let bit = (date - first).num_days() as usize;
                    table[bit / 64] |= 1 << (bit % 64);
                }
            }
        }
        Self {
            rules,
            table,
            first_day: first.num_days_from_ce(),
            days,
        }
    }

    /// Parses rule text (format in `holidays/default.txt` and README.md).
    pub fn parse(text: &str) -> Result<Self, CalendarError> {
        parse::parse_rules(text).map(Self::from_rules)
    }

    /// The built-in default calendar ([`DEFAULT_RULES`]).
    pub fn builtin() -> Self {
        // The embedded text is a constant checked by a unit test, so the
        // fallback to an empty calendar is unreachable in practice.
        Self::parse(DEFAULT_RULES).unwrap_or_else(|_| Self::empty())
    }

    /// A calendar of exactly these dates (e.g. a fixture's holiday list).
    pub fn from_dates(dates: impl IntoIterator<Item = NaiveDate>) -> Self {
        Self::from_rules(
            dates
                .into_iter()
                .map(|d| HolidayRule::new(RuleKind::Date(d), ""))
                .collect(),
        )
    }

    /// A calendar without holidays.
    pub fn empty() -> Self {
        Self::from_rules(Vec::new())
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[HolidayRule] {
        &self.rules
    }

    /// Whether `date` is a holiday under any rule.
    pub fn is_holiday(&self, date: NaiveDate) -> bool {
        if let Ok(bit) = usize::try_from(date.num_days_from_ce() - self.first_day)
            && bit < self.days
        {
            return self.table[bit / 64] & (1 << (bit % 64)) != 0;
        }
        self.rules
            .iter()
            .any(|r| r.date_in(date.year()) == Some(date))
    }

    /// Every holiday of `year`, sorted by date (one entry per rule, so two
    /// rules on one day give two entries).
    pub fn holidays_in_year(&self, year: i32) -> Vec<Holiday> {
        let mut out: Vec<Holiday> = self
            .rules
            .iter()
            .filter_map(|r| {
                r.date_in(year).map(|date| Holiday {
                    date,
                    name: r.name.clone(),
                })
            })
            .collect();
        out.sort_by_key(|h| h.date);
        out
    }
}

impl Default for HolidayCalendar {
    /// The built-in default calendar.
    fn default() -> Self {
        Self::builtin()
    }
}

fn table_origin() -> NaiveDate {
    NaiveDate::from_ymd_opt(*PRECOMPUTED_YEARS.start(), 1, 1).unwrap_or(NaiveDate::MIN)
}

fn last_table_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(*PRECOMPUTED_YEARS.end(), 12, 31).unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests;
