use chrono::NaiveDate;

use super::*;

fn window(forecast: &[f64], actual: &[f64]) -> WindowResult {
    window_at(0, forecast, actual)
}

/// A window whose origin is `day` days after 2024-01-01.
fn window_at(day: u64, forecast: &[f64], actual: &[f64]) -> WindowResult {
    WindowResult {
        origin: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date") + chrono::Days::new(day),
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
    let scale = errors.scale(&[5.0, 3.0], &[0.0, 0.0]).scale;
    assert!(near(scale[0], rms0 * 6f64.sqrt()), "{scale:?}");
    assert!(near(scale[1], rms1 * 10f64.sqrt()), "{scale:?}");
}

#[test]
fn a_persistent_miss_grows_with_the_days_not_their_square_root() {
    // Every day 1 forecast and 2 sold: the total is off by L after L days.
    let windows: Vec<_> = (0..8).map(|_| window(&[1.0; 14], &[2.0; 14])).collect();
    let errors = TotalErrors::from_windows(&windows);
    // Daily errors of 1 each would add up to only √L.
    let scale = errors.scale(&[1.0; 14], &[1.0; 14]).scale;
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
    let scale = errors.scale(&forecast, &daily).scale;
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
    let scale = errors.scale(&[1.0; 4], &[0.0; 4]).scale;
    assert!(near(scale[2], 3.0) && near(scale[3], 4.0), "{scale:?}");

    // A miss that did not persist (2, then 0): the curve fell, so beyond
    // the backtest only the units grow (β = 0): 1 unit of √(F + L).
    let errors = TotalErrors::from_windows(&[window(&[1.0, 1.0], &[3.0, 1.0])]);
    let scale = errors.scale(&[1.0; 4], &[0.0; 4]).scale;
    assert!(
        near(scale[2], 6f64.sqrt()) && near(scale[3], 8f64.sqrt()),
        "{scale:?}"
    );
}

#[test]
fn without_windows_only_the_daily_scale_counts() {
    let errors = TotalErrors::from_windows(&[]);
    assert_eq!(errors.horizon(), 0);
    let scale = errors.scale(&[3.0, 3.0], &[3.0, 4.0]).scale;
    assert!(near(scale[0], 3.0) && near(scale[1], 5.0), "{scale:?}");
}

#[test]
fn a_non_finite_value_ends_that_windows_totals() {
    let errors = TotalErrors::from_windows(&[
        window(&[1.0, f64::NAN, 1.0], &[2.0, 2.0, 2.0]),
        window(&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]),
    ]);
    assert_eq!(errors.horizon(), 3);
    let scale = errors.scale(&[1.0; 3], &[0.0; 3]).scale;
    // Day 0 averages both windows (1/√2 and 0); days 1 and 2 only the exact one.
    assert!(near(scale[0], (0.25f64).sqrt() * 2f64.sqrt()), "{scale:?}");
    assert!(near(scale[1], 0.0) && near(scale[2], 0.0), "{scale:?}");
    assert!(scale.iter().all(|s| s.is_finite()));
}

#[test]
fn overlapping_windows_count_for_the_days_they_add() {
    // Sixteen windows a week apart, each missing by 1 a day for 28 days:
    // the totals of any length are measured, and each window adds
    // min(1, 7 / L) of an independent one beyond the first.
    let windows: Vec<_> = (0..16)
        .map(|i| window_at(7 * i, &[1.0; 28], &[2.0; 28]))
        .collect();
    let scales = TotalErrors::from_windows(&windows).scale(&[1.0; 35], &[0.1; 35]);
    for (days, dof) in [(1, 16.0), (7, 16.0), (14, 8.5), (28, 4.75), (35, 4.75)] {
        assert!(
            near(scales.dof[days - 1], dof),
            "{days} days: {:?}",
            scales.dof
        );
    }
    // The order of the windows does not matter, only their origins.
    let mut reversed = windows;
    reversed.reverse();
    let again = TotalErrors::from_windows(&reversed).scale(&[1.0; 35], &[0.1; 35]);
    for (a, b) in again.dof.iter().zip(&scales.dof) {
        assert!(near(*a, *b), "{again:?}");
    }
}

#[test]
fn the_independent_days_floor_takes_the_normal_quantile() {
    // Swinging errors, totals 1 and 0: the floor σ·√L sets every scale.
    let windows: Vec<_> = (0..4)
        .map(|i| window_at(7 * i, &[2.0; 4], &[3.0, 1.0, 3.0, 1.0]))
        .collect();
    let scales = TotalErrors::from_windows(&windows).scale(&[2.0; 4], &[1.0; 4]);
    assert!(scales.dof.iter().all(|d| d.is_infinite()), "{scales:?}");
    let z = crate::normal::inverse_cdf(0.95).unwrap();
    assert!(near(scales.margin(4, 0.95).unwrap(), 2.0 * z));
}

#[test]
fn margins_use_students_t_with_the_scales_degrees_of_freedom() {
    let scales = TotalScales {
        scale: vec![1.0, 2.0, 3.0],
        dof: vec![f64::INFINITY, 8.0, 1.5],
    };
    // Reference quantiles from scipy.stats.t.ppf and norm.ppf.
    assert!(near(
        scales.margin(1, 0.95).unwrap(),
        1.644_853_626_951_472_2
    ));
    assert!((scales.margin(2, 0.99).unwrap() - 2.0 * 2.896_459_447_709_622).abs() < 1e-9);
    // Fewer than MIN_DOF (4) degrees of freedom count as 4.
    assert!((scales.margin(3, 0.95).unwrap() - 3.0 * 2.131_846_786_326_649_5).abs() < 1e-9);
    assert_eq!(scales.margin(0, 0.95), Some(0.0));
    assert_eq!(scales.margin(4, 0.95), None, "three totals held");
    // Beyond NORMAL_DOF, and for NaN, the normal quantile.
    let z = crate::normal::inverse_cdf(0.9).unwrap();
    for dof in [1e4, 1e300, f64::NAN] {
        assert_eq!(quantile(0.9, dof), Some(z), "{dof}");
    }
    assert!((quantile(0.9, 9_999.0).unwrap() - z).abs() < 1e-4);
    for p in [0.0, 1.0, f64::NAN] {
        assert_eq!(scales.margin(2, p), None, "{p}");
        assert_eq!(scales.margin(0, p), None, "{p}");
    }
}
