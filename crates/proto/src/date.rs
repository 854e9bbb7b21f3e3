//! Conversions between `google.type.Date` and `chrono::NaiveDate`.

use chrono::{Datelike, NaiveDate};

use crate::google::r#type::Date;

/// Why a `google.type.Date` is not a full calendar date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{year:04}-{month:02}-{day:02} is not a valid calendar date")]
pub struct DateError {
    /// The year given.
    pub year: i32,
    /// The month given.
    pub month: i32,
    /// The day given.
    pub day: i32,
}

/// Reads a full calendar date (partial dates are rejected).
pub fn date_from_proto(date: &Date) -> Result<NaiveDate, DateError> {
    let err = || DateError {
        year: date.year,
        month: date.month,
        day: date.day,
    };
    if !(1..=9999).contains(&date.year) {
        return Err(err());
    }
    let month = u32::try_from(date.month).map_err(|_| err())?;
    let day = u32::try_from(date.day).map_err(|_| err())?;
    NaiveDate::from_ymd_opt(date.year, month, day).ok_or_else(err)
}

/// Writes a calendar date.
pub fn date_to_proto(date: NaiveDate) -> Date {
    Date {
        year: date.year(),
        month: date.month() as i32,
        day: date.day() as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_partial_dates() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(date_from_proto(&date_to_proto(d)), Ok(d));
        for (y, m, dd) in [
            (2023, 2, 29),
            (2024, 0, 1),
            (2024, 1, 0),
            (0, 1, 1),
            (2024, 13, 1),
        ] {
            let bad = Date {
                year: y,
                month: m,
                day: dd,
            };
            assert!(date_from_proto(&bad).is_err(), "{bad:?} accepted");
        }
    }
}
