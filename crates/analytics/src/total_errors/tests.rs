use chrono::NaiveDate;

use super::*;

fn window(forecast: &[f64], actual: &[f64]) -> WindowResult {
    WindowResult {
        origin: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"),
        training_days: 100,
        forecast: forecast.to_vec(),
        actual: actual.to_vec(),
    }
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn running_totals_by_hand() {
    // Window 1 errors +2, -1: totals 2 (F = 1) and 1 (F = 4).
    // Window 2 errors 0, +3: totals 0 (F = 2) and 3 (F = 4).
    let errors = TotalErrors::from_windows(&[
        window(&[1.0, 3.0], &[3.0, 2.0]),
        window(&[2.0, 2.0], &[2.0, 5.0]),
    ]);
    assert_eq!(errors.horizon(), 2);
    // Day 0: units √(1 + 1) and √(2 + 1); day 1: √(4 + 2) both.
    let rms0 = ((4.0 / 2.0 + 0.0 / 3.0) / 2.0f64).sqrt();
    let rms1 = ((1.0 / 6.0 + 9.0 / 6.0) / 2.0f64).sqrt();
    // A forecast of 5 then 3: totals 5 and 8, units √6 and √10.
    let scale = errors.scale(&[5.0, 3.0], &[0.0, 0.0]);
    assert!(near(scale[0], rms0 * 6f64.sqrt()), "{scale:?}");
    assert!(near(scale[1], rms1 * 10f64.sqrt()), "{scale:?}");
}

#[test]
fn a_persistent_miss_grows_with_the_days_not_their_square_root() {
    // Every day 1 forecast and 2 sold: the total is off by L after L days.
    let windows: Vec<_> = (0..8).map(|_| window(&[1.0; 14], &[2.0; 14])).collect();
    let errors = TotalErrors::from_windows(&windows);
    // Daily errors of 1 each would add up to only √L.
    let scale = errors.scale(&[1.0; 14], &[1.0; 14]);
    for (i, s) in scale.iter().enumerate() {
        let days = (i + 1) as f64;
        assert!(near(*s, days), "day {i}: {s}");
        assert!(*s >= days.sqrt());
    }
}

#[test]
fn totals_are_never_steadier_than_independent_days() {
    // Errors +1, -1, +1, ...: the totals swing between 1 and 0.
    let forecast = [2.0; 6];
    let actual = [3.0, 1.0, 3.0, 1.0, 3.0, 1.0];
    let errors = TotalErrors::from_windows(&[window(&forecast, &actual)]);
    let daily = [1.0; 6];
    let scale = errors.scale(&forecast, &daily);
    for (i, s) in scale.iter().enumerate() {
        assert!(near(*s, ((i + 1) as f64).sqrt()), "day {i}: {s}");
    }
}

#[test]
fn longer_totals_grow_as_the_measured_curve_did() {
    // A miss of 1 a day: totals off by 1 and 2, in units √2 and √4, so the
    // measured curve grew by √2 over 2 days (β = ½): the total keeps
    // missing by 1 a day beyond the backtest.
    let errors = TotalErrors::from_windows(&[window(&[1.0, 1.0], &[2.0, 2.0])]);
    let scale = errors.scale(&[1.0; 4], &[0.0; 4]);
    assert!(near(scale[2], 3.0) && near(scale[3], 4.0), "{scale:?}");

    // A miss that did not persist (2, then 0): the curve fell, so beyond
    // the backtest only the units grow (β = 0): 1 unit of √(F + L).
    let errors = TotalErrors::from_windows(&[window(&[1.0, 1.0], &[3.0, 1.0])]);
    let scale = errors.scale(&[1.0; 4], &[0.0; 4]);
    assert!(
        near(scale[2], 6f64.sqrt()) && near(scale[3], 8f64.sqrt()),
        "{scale:?}"
    );
}

#[test]
fn without_windows_only_the_daily_scale_counts() {
    let errors = TotalErrors::from_windows(&[]);
    assert_eq!(errors.horizon(), 0);
    let scale = errors.scale(&[3.0, 3.0], &[3.0, 4.0]);
    assert!(near(scale[0], 3.0) && near(scale[1], 5.0), "{scale:?}");
}

#[test]
fn a_non_finite_value_ends_that_windows_totals() {
    let errors = TotalErrors::from_windows(&[
        window(&[1.0, f64::NAN, 1.0], &[2.0, 2.0, 2.0]),
        window(&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]),
    ]);
    assert_eq!(errors.horizon(), 3);
    let scale = errors.scale(&[1.0; 3], &[0.0; 3]);
    // Day 0 averages both windows (1/√2 and 0); days 1 and 2 only the exact one.
    assert!(near(scale[0], (0.25f64).sqrt() * 2f64.sqrt()), "{scale:?}");
    assert!(near(scale[1], 0.0) && near(scale[2], 0.0), "{scale:?}");
    assert!(scale.iter().all(|s| s.is_finite()));
}
