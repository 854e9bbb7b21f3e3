use proptest::prelude::*;

use super::*;
use crate::series::Duplicates;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

/// 2024-01-01 is a Monday. Units on day i are i + 1, except that days 3
/// (Thu 4 Jan) and 10 (Thu 11 Jan) have no observation at all.
fn gappy_series() -> DailySeries {
    let obs: Vec<(NaiveDate, f64)> = (0..20u32)
        .filter(|i| *i != 3 && *i != 10)
        .map(|i| (d(2024, 1, 1 + i), f64::from(i + 1)))
        .collect();
    DailySeries::from_observations(&obs, d(2024, 1, 20), Duplicates::Reject).unwrap()
}

fn row(series: &DailySeries, t: usize, cal: &HolidayCalendar) -> FeatureRow {
    feature_rows(series, cal)[t]
}

#[test]
fn feature_names_follow_the_array_order() {
    let f = Features::from_array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    assert_eq!(f.lag_14, 3.0);
    assert_eq!(f.is_holiday, 7.0);
    assert_eq!(f.to_array(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    assert_eq!(FEATURE_NAMES[3], "rolling_mean_7");
}

#[test]
fn first_day_reads_zeros_before_the_start() {
    let s = gappy_series();
    let r = row(&s, 0, &HolidayCalendar::builtin());
    assert_eq!(r.date, d(2024, 1, 1));
    assert_eq!(r.history_days, 0);
    assert!(r.is_warm_up());
    // New Year's Day is in the default calendar; a Monday is no weekend.
    assert_eq!(r.features.to_array(), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn second_day() {
    let r = row(&gappy_series(), 1, &HolidayCalendar::builtin());
    // lag_1 = 1; lag_7 = lag_14 = 0 (before start); mean = 1/7; trend = (1-0)/7.
    assert_eq!(
        r.features.to_array(),
        [1.0, 0.0, 0.0, 1.0 / 7.0, 1.0 / 7.0, 0.0, 0.0]
    );
    assert_eq!(r.history_days, 1);
}

#[test]
fn weekend_day_inside_warm_up_with_a_gap() {
    // Day 5 = Saturday 6 January; history 1, 2, 3, 0 (gap), 5.
    let r = row(&gappy_series(), 5, &HolidayCalendar::empty());
    assert_eq!(r.date, d(2024, 1, 6));
    assert_eq!(r.features.lag_1, 5.0);
    assert_eq!(r.features.lag_7, 0.0);
    assert_eq!(r.features.rolling_mean_7, 11.0 / 7.0); // (1+2+3+0+5+0+0)/7
    assert_eq!(r.features.trend_index, 5.0 / 7.0);
    assert_eq!(r.features.is_weekend, 1.0);
    assert_eq!(r.features.is_holiday, 0.0);
    assert!(r.is_warm_up());
}

#[test]
fn gap_day_is_a_zero_not_a_skipped_row() {
    // Day 11 (Fri 12 Jan): the day before is the gap day 10, so lag_1 = 0;
    // a row-shifting implementation would have read 10 (day 9).
    let r = row(&gappy_series(), 11, &HolidayCalendar::empty());
    assert_eq!(r.features.lag_1, 0.0);
    assert_eq!(r.features.lag_7, 5.0); // day 4
    assert_eq!(r.features.lag_14, 0.0); // before start
    // days 4..=10: 5 + 6 + 7 + 8 + 9 + 10 + 0 = 45
    assert_eq!(r.features.rolling_mean_7, 45.0 / 7.0);
    assert_eq!(r.features.trend_index, -5.0 / 7.0);
}

#[test]
fn warm_up_ends_after_fourteen_days() {
    let rows = feature_rows(&gappy_series(), &HolidayCalendar::empty());
    assert!(rows[13].is_warm_up());
    assert!(!rows[14].is_warm_up());
    assert_eq!(rows[14].features.lag_14, 1.0); // day 0
    assert_eq!(rows.iter().filter(|r| !r.is_warm_up()).count(), 6);
}

#[test]
fn full_history_row_with_gaps_and_a_holiday() {
    // Day 15 = Tuesday 16 January, declared a holiday for this test.
    let cal = HolidayCalendar::from_dates([d(2024, 1, 16)]);
    let r = row(&gappy_series(), 15, &cal);
    // lag_1 = day 14 = 15; lag_7 = day 8 = 9; lag_14 = day 1 = 2.
    // days 8..=14: 9 + 10 + 0 (gap) + 12 + 13 + 14 + 15 = 73.
    assert_eq!(
        r.features.to_array(),
        [15.0, 9.0, 2.0, 73.0 / 7.0, 6.0 / 7.0, 0.0, 1.0]
    );
    assert_eq!(r.history_days, 15);
}

#[test]
fn single_day_lookup_covers_the_first_forecast_day() {
    let s = gappy_series();
    let cal = HolidayCalendar::empty();
    let next = feature_row(&s, d(2024, 1, 21), &cal).unwrap();
    // Sunday 21 January: lag_1 = day 19 = 20, lag_7 = day 13 = 14, lag_14 = day 6 = 7.
    assert_eq!(next.features.lag_1, 20.0);
    assert_eq!(next.features.lag_7, 14.0);
    assert_eq!(next.features.lag_14, 7.0);
    assert_eq!(next.features.is_weekend, 1.0);
    assert_eq!(next.history_days, 20);
    assert_eq!(
        feature_row(&s, d(2024, 1, 3), &cal).unwrap(),
        row(&s, 2, &cal)
    );
    assert!(matches!(
        feature_row(&s, d(2024, 1, 22), &cal),
        Err(FeatureError::OutOfRange { .. })
    ));
    assert!(feature_row(&s, d(2023, 12, 31), &cal).is_err());
}

#[test]
fn non_finite_history_reads_as_zero() {
    let r = features_from_history(&[f64::NAN, 2.0], d(2024, 1, 3), &HolidayCalendar::empty());
    assert_eq!(r.features.lag_1, 2.0);
    assert_eq!(r.features.rolling_mean_7, 2.0 / 7.0);
    assert!(r.features.to_array().iter().all(|v| v.is_finite()));
}

proptest! {
    /// Invariant 6: no feature at day t changes when sales at or after t change.
    #[test]
    fn features_never_look_ahead(
        units in prop::collection::vec(0.0f64..500.0, 1..60),
        replacement in prop::collection::vec(0.0f64..500.0, 60),
        t_seed in any::<prop::sample::Index>(),
    ) {
        let cal = HolidayCalendar::builtin();
        let start = d(2024, 12, 20);
        let t = t_seed.index(units.len());
        let original = DailySeries::new(start, units.clone()).unwrap();
        let mut changed_units = units.clone();
        for (i, v) in changed_units.iter_mut().enumerate().skip(t) {
            *v = replacement[i];
        }
        let changed = DailySeries::new(start, changed_units).unwrap();
        let a = feature_rows(&original, &cal)[t];
        let b = feature_rows(&changed, &cal)[t];
        prop_assert_eq!(a, b);
        // The one-day path shares the code and agrees.
        prop_assert_eq!(features_from_history(&units[..t], a.date, &cal), a);
        prop_assert!(a.features.to_array().iter().all(|v| v.is_finite()));
    }
}
