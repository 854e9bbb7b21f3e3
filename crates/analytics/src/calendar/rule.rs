//! Holiday rules and the Gregorian computus.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Smallest and largest Easter offset: Easter Sunday falls between 22 March
/// and 25 April, so these keep every Easter-relative day in Easter's year.
pub const EASTER_OFFSET_RANGE: std::ops::RangeInclusive<i32> = -80..=250;

/// How a rule picks its day in a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleKind {
    /// The same month and day every year (29 February only in leap years).
    Fixed {
        /// 1..=12.
        month: u32,
        /// 1..=31.
        day: u32,
    },
    /// Gregorian Easter Sunday plus `offset` days (Good Friday is -2).
    Easter {
        /// Days after Easter Sunday, in [`EASTER_OFFSET_RANGE`].
        offset: i32,
    },
    /// The `n`-th `weekday` of `month` (1..=5); no day in years without one.
    NthWeekday {
        /// 1..=5.
        n: u8,
        /// Day of the week.
        weekday: Weekday,
        /// 1..=12.
        month: u32,
    },
    /// The last `weekday` of `month`.
    LastWeekday {
        /// Day of the week.
        weekday: Weekday,
        /// 1..=12.
        month: u32,
    },
    /// A one-off date.
    Date(NaiveDate),
}

/// A named rule, optionally limited to a span of years (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRule {
    /// How the day is chosen.
    pub kind: RuleKind,
    /// First year the rule applies, if limited.
    pub from_year: Option<i32>,
    /// Last year the rule applies, if limited.
    pub until_year: Option<i32>,
    /// Human-readable name; may be empty.
    pub name: String,
}

impl HolidayRule {
    /// An unlimited, named rule.
    pub fn new(kind: RuleKind, name: impl Into<String>) -> Self {
        Self {
            kind,
            from_year: None,
            until_year: None,
            name: name.into(),
        }
    }

    /// The rule's day in `year`, if it has one (always within `year`).
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        if self.from_year.is_some_and(|from| year < from)
            || self.until_year.is_some_and(|until| year > until)
        {
            return None;
        }
        match self.kind {
            RuleKind::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            RuleKind::Easter { offset } => {
                if !EASTER_OFFSET_RANGE.contains(&offset) {
                    return None;
                }
                let easter = easter_sunday(year)?;
                let date = if offset >= 0 {
                    easter.checked_add_days(Days::new(offset as u64))
                } else {
                    easter.checked_sub_days(Days::new(offset.unsigned_abs() as u64))
                }?;
                (date.year() == year).then_some(date)
            }
            RuleKind::NthWeekday { n, weekday, month } => {
                NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
            }
            RuleKind::LastWeekday { weekday, month } => last_weekday_of_month(year, month, weekday),
            RuleKind::Date(date) => (date.year() == year).then_some(date),
        }
    }
}

/// Gregorian Easter Sunday of `year` (anonymous Gregorian algorithm of
/// Meeus/Jones/Butcher); `None` before 1583, when the Gregorian calendar
/// did not exist yet.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if year < 1583 {
        return None;
    }
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn last_weekday_of_month(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = first_of_next.pred_opt()?;
    let back = (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
    last.checked_sub_days(Days::new(u64::from(back)))
}
