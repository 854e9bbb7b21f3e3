use chrono::NaiveDate;
use icc_analytics::{HolidayCalendar, SeedModel};
use icc_store::{DataWatermark, FeatureValues};

use super::*;
use crate::synthetic::{Shape, series};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn fitting_stored_rows_equals_fitting_the_series() {
    let calendar = HolidayCalendar::builtin();
    for (seed, days) in [(1, 35), (2, 120), (3, 730)] {
        let s = series(seed, day(2023, 3, 1), days, &Shape::default());
        let rows = feature_values(&s, &calendar);
        let from_rows = fit_seed_from_rows(&rows).unwrap();
        let from_series = SeedModel::fit(&s, &calendar).unwrap();
        // Same rows, same order, same solver: bit for bit.
        assert_eq!(from_rows.intercept(), from_series.intercept());
        assert_eq!(from_rows.coefficients(), from_series.coefficients());
        assert_eq!(from_rows.r_squared(), from_series.r_squared());
        let a = from_rows.forecast(&s, &calendar, 28).unwrap();
        let b = from_series.forecast(&s, &calendar, 28).unwrap();
        assert_eq!(a, b);
    }
}

#[test]
fn too_few_training_rows_say_how_many_days_are_needed() {
    let calendar = HolidayCalendar::builtin();
    let s = series(4, day(2024, 1, 1), 27, &Shape::default());
    let e = fit_seed_from_rows(&feature_values(&s, &calendar)).unwrap_err();
    assert_eq!(e, ForecastError::InsufficientHistory { have: 27, need: 28 });
}

fn row(d: NaiveDate, units: f64, history_days: i32) -> FeatureValues {
    FeatureValues {
        day: d,
        units,
        lag_1: 0.0,
        lag_7: 0.0,
        lag_14: 0.0,
        rolling_mean_7: 0.0,
        trend_index: 0.0,
        is_weekend: 0.0,
        is_holiday: 0.0,
        history_days,
    }
}

#[test]
fn history_gap_fills_to_the_watermark_and_ignores_later_rows() {
    let rows = vec![
        row(day(2024, 1, 3), 5.0, 2),
        row(day(2024, 1, 1), 2.0, 0),
        row(day(2024, 1, 9), 9.0, 8),
    ];
    let watermark = DataWatermark {
        data_through: day(2024, 1, 5),
        version: 3,
    };
    let h = SkuHistory::from_store("A", rows, Some(watermark))
        .unwrap()
        .unwrap();
    assert_eq!(h.series.start(), day(2024, 1, 1));
    assert_eq!(h.series.units(), &[2.0, 0.0, 5.0, 0.0, 0.0]);
    assert_eq!(h.rows.len(), 2, "the row after the watermark is left out");
    assert_eq!(h.days(), 5);
    assert_eq!(h.watermark, watermark);
}

#[test]
fn no_watermark_or_no_rows_is_no_history() {
    assert!(
        SkuHistory::from_store("A", vec![row(day(2024, 1, 1), 1.0, 0)], None)
            .unwrap()
            .is_none()
    );
    let watermark = DataWatermark {
        data_through: day(2024, 1, 5),
        version: 1,
    };
    assert!(
        SkuHistory::from_store("A", vec![], Some(watermark))
            .unwrap()
            .is_none()
    );
    let later_only = vec![row(day(2024, 2, 1), 1.0, 0)];
    assert!(
        SkuHistory::from_store("A", later_only, Some(watermark))
            .unwrap()
            .is_none()
    );
}
