use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

#[test]
fn gaps_are_zero_days_not_skipped_rows() {
    let obs = [(d(2024, 1, 1), 3.0), (d(2024, 1, 4), 5.0)];
    let s = DailySeries::from_observations(&obs, d(2024, 1, 6), Duplicates::Reject).unwrap();
    assert_eq!(s.start(), d(2024, 1, 1));
    assert_eq!(s.end(), d(2024, 1, 6));
    assert_eq!(s.units(), &[3.0, 0.0, 0.0, 5.0, 0.0, 0.0]);
    assert_eq!(s.get(d(2024, 1, 4)), Some(5.0));
    assert_eq!(s.get(d(2024, 1, 7)), None);
    assert_eq!(s.index_of(d(2023, 12, 31)), None);
}

#[test]
fn crosses_month_and_leap_day() {
    let obs = [(d(2024, 2, 28), 1.0), (d(2024, 3, 1), 2.0)];
    let s = DailySeries::from_observations(&obs, d(2024, 3, 1), Duplicates::Reject).unwrap();
    assert_eq!(s.units(), &[1.0, 0.0, 2.0]);
    assert_eq!(s.date_of(1), d(2024, 2, 29));
}

#[test]
fn duplicates_rejected_or_summed() {
    let obs = [(d(2024, 1, 1), 1.0), (d(2024, 1, 1), 2.5)];
    let err = DailySeries::from_observations(&obs, d(2024, 1, 2), Duplicates::Reject).unwrap_err();
    assert_eq!(
        err,
        SeriesError::Duplicate {
            date: d(2024, 1, 1)
        }
    );
    let s = DailySeries::from_observations(&obs, d(2024, 1, 2), Duplicates::Sum).unwrap();
    assert_eq!(s.units(), &[3.5, 0.0]);
}

#[test]
fn unsorted_input_is_an_error_naming_the_row() {
    let obs = [(d(2024, 1, 3), 1.0), (d(2024, 1, 2), 1.0)];
    let err = DailySeries::from_observations(&obs, d(2024, 1, 5), Duplicates::Sum).unwrap_err();
    assert_eq!(
        err,
        SeriesError::Unsorted {
            index: 1,
            date: d(2024, 1, 2),
            previous: d(2024, 1, 3)
        }
    );
    assert!(err.to_string().contains("#1"));
}

#[test]
fn bad_ranges_and_values() {
    assert_eq!(
        DailySeries::from_observations(&[], d(2024, 1, 1), Duplicates::Reject),
        Err(SeriesError::Empty)
    );
    let after = [(d(2024, 1, 9), 1.0)];
    assert!(matches!(
        DailySeries::from_observations_in_range(
            &after,
            d(2024, 1, 1),
            d(2024, 1, 5),
            Duplicates::Reject
        ),
        Err(SeriesError::OutOfRange { .. })
    ));
    assert!(matches!(
        DailySeries::from_observations(&after, d(2024, 1, 1), Duplicates::Reject),
        Err(SeriesError::EndBeforeStart { .. })
    ));
    let nan = [(d(2024, 1, 1), f64::NAN)];
    assert_eq!(
        DailySeries::from_observations(&nan, d(2024, 1, 1), Duplicates::Reject),
        Err(SeriesError::NonFinite {
            date: d(2024, 1, 1)
        })
    );
    assert!(matches!(
        DailySeries::from_observations(&[(d(1900, 1, 1), 1.0)], d(2200, 1, 1), Duplicates::Reject),
        Err(SeriesError::TooLong { .. })
    ));
    assert_eq!(
        DailySeries::new(d(2024, 1, 1), vec![]),
        Err(SeriesError::Empty)
    );
    assert!(DailySeries::new(d(2024, 1, 1), vec![1.0, f64::INFINITY]).is_err());
}

#[test]
fn explicit_range_keeps_leading_zero_days() {
    let obs = [(d(2024, 1, 3), 4.0)];
    let s = DailySeries::from_observations_in_range(
        &obs,
        d(2024, 1, 1),
        d(2024, 1, 3),
        Duplicates::Reject,
    )
    .unwrap();
    assert_eq!(s.units(), &[0.0, 0.0, 4.0]);
    let empty = DailySeries::from_observations_in_range(
        &[],
        d(2024, 1, 1),
        d(2024, 1, 2),
        Duplicates::Reject,
    )
    .unwrap();
    assert_eq!(empty.units(), &[0.0, 0.0]);
}

#[test]
fn truncation_and_iteration() {
    let s = DailySeries::new(d(2024, 1, 1), vec![1.0, 2.0, 3.0]).unwrap();
    assert_eq!(s.truncated(d(2024, 1, 2)).unwrap().units(), &[1.0, 2.0]);
    assert_eq!(s.truncated(d(2030, 1, 1)).unwrap().len(), 3);
    assert!(s.truncated(d(2023, 1, 1)).is_none());
    let pairs: Vec<_> = s.iter().collect();
    assert_eq!(pairs[2], (d(2024, 1, 3), 3.0));
}
