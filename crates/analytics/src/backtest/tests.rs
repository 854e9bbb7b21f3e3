use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use super::*;
use crate::calendar::HolidayCalendar;
use crate::seed::SeedForecaster;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

/// Days 1..=30 with units equal to the day number.
fn ramp() -> DailySeries {
    DailySeries::new(d(2024, 1, 1), (1..=30).map(f64::from).collect()).unwrap()
}

#[test]
fn windows_end_at_the_series_end_and_are_scored_by_hand() {
    let config = BacktestConfig {
        horizon: 3,
        windows: 2,
        step: 5,
    };
    let report = backtest(&ramp(), &Naive, &config).unwrap();
    assert_eq!((report.windows, report.points), (2, 6));
    let w = &report.model.windows;
    // Newest window: trains on days 1..=27 and forecasts 27 for 28, 29, 30.
    assert_eq!(w[1].origin, d(2024, 1, 27));
    assert_eq!(w[1].training_days, 27);
    assert_eq!(w[1].forecast, vec![27.0; 3]);
    assert_eq!(w[1].actual, vec![28.0, 29.0, 30.0]);
    // Older window: five days earlier.
    assert_eq!(w[0].origin, d(2024, 1, 22));
    assert_eq!(w[0].errors(), vec![1.0, 2.0, 3.0]);
    assert_eq!(
        report.model.errors_by_step(),
        vec![vec![1.0, 1.0], vec![2.0, 2.0], vec![3.0, 3.0]]
    );

    let acc = report.model.accuracy;
    assert!((acc.mae - 2.0).abs() < 1e-12);
    assert!((acc.rmse - (14.0f64 / 3.0).sqrt()).abs() < 1e-12);
    // Every seasonal difference of a ramp is 7: MASE = 2/7, RMSSE = rmse/7.
    assert!((acc.mase.unwrap() - 2.0 / 7.0).abs() < 1e-12);
    assert!((acc.rmsse.unwrap() - (14.0f64 / 3.0).sqrt() / 7.0).abs() < 1e-12);

    // Baselines on the same windows: seasonal naive repeats days 21..=27.
    assert_eq!(report.baselines[0].model, "naive");
    assert_eq!(report.baselines[1].model, "seasonal_naive");
    assert_eq!(
        report.baselines[1].windows[1].forecast,
        vec![21.0, 22.0, 23.0]
    );
    assert!((report.baselines[1].accuracy.mae - 7.0).abs() < 1e-12);

    // Leave-one-window-out, errors in units of √(f + 1): the older window
    // (f = 22) gets the band f + √23·{1, 3}/√28 = [22.91, 24.72] from the
    // newer one and covers 23 and 24, not 25; the newer (f = 27) gets
    // f + √28·{1, 3}/√23 = [28.10, 30.31] and covers 29 and 30, not 28.
    assert_eq!(report.coverage_80, Some(4.0 / 6.0));
    assert_eq!(report.coverage_95, Some(4.0 / 6.0));
}

#[test]
fn windows_without_enough_training_are_dropped() {
    // Training lengths 27, 22, 17, 12, 7, 2, ...: the baselines need 8 days.
    let config = BacktestConfig {
        horizon: 3,
        windows: 10,
        step: 5,
    };
    let report = backtest(&ramp(), &Naive, &config).unwrap();
    assert_eq!(report.windows, 4);
    assert_eq!(report.model.windows[0].training_days, 12);
    assert_eq!(report.points, 12);
}

#[test]
fn single_window_has_no_coverage_measure() {
    let config = BacktestConfig {
        horizon: 3,
        windows: 1,
        step: 7,
    };
    let report = backtest(&ramp(), &Naive, &config).unwrap();
    assert_eq!(report.coverage_80, None);
    assert_eq!(report.intervals.horizon(), 3);
}

#[test]
fn too_short_or_bad_config() {
    let short = DailySeries::new(d(2024, 1, 1), vec![1.0; 10]).unwrap();
    let config = BacktestConfig {
        horizon: 3,
        windows: 2,
        step: 7,
    };
    assert_eq!(
        backtest(&short, &Naive, &config),
        Err(BacktestError::Forecast(
            ForecastError::InsufficientHistory { have: 10, need: 11 }
        ))
    );
    let seed = SeedForecaster::new(HolidayCalendar::empty());
    let err = backtest(&ramp(), &seed, &config).unwrap_err();
    assert_eq!(err.to_string(), "too little history: have 30 days, need 31");
    for bad in [
        BacktestConfig {
            horizon: 0,
            ..config
        },
        BacktestConfig {
            windows: 0,
            ..config
        },
        BacktestConfig {
            windows: 53,
            ..config
        },
        BacktestConfig { step: 0, ..config },
    ] {
        assert!(backtest(&ramp(), &Naive, &bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        BacktestConfig::default(),
        BacktestConfig {
            horizon: 28,
            windows: 8,
            step: 7
        }
    );
}

/// Three years of a weekly pattern plus N(0, σ²) noise.
fn noisy_weekly(seed: u64, sigma: f64) -> DailySeries {
    let mut rng = StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0, sigma).unwrap();
    let start = d(2021, 1, 4);
    let pattern = [0.0, 2.0, 4.0, 6.0, 10.0, 18.0, 12.0];
    let units = (0..1096u64)
        .map(|i| {
            let day = start + chrono::Days::new(i);
            50.0 + pattern[day.weekday().num_days_from_monday() as usize] + noise.sample(&mut rng)
        })
        .collect();
    DailySeries::new(start, units).unwrap()
}

/// Measured coverage of the seed model's intervals is near nominal on a
/// long series with known Gaussian noise. Tolerance: ±0.05 for the 80%
/// interval and ±0.03 for the 95% interval (52 windows × 14 steps = 728
/// overlapping points; the binomial standard error alone is about 0.015 and
/// 0.008).
#[test]
fn interval_coverage_is_near_nominal_on_gaussian_noise() {
    let model = SeedForecaster::new(HolidayCalendar::empty());
    let config = BacktestConfig {
        horizon: 14,
        windows: 52,
        step: 7,
    };
    for seed in [1, 2, 3] {
        let report = backtest(&noisy_weekly(seed, 5.0), &model, &config).unwrap();
        assert_eq!(report.points, 728);
        let c80 = report.coverage_80.unwrap();
        let c95 = report.coverage_95.unwrap();
        assert!(
            (c80 - 0.80).abs() <= 0.05,
            "seed {seed}: 80% coverage {c80}"
        );
        assert!(
            (c95 - 0.95).abs() <= 0.03,
            "seed {seed}: 95% coverage {c95}"
        );
        // The regression sees the weekly pattern through lag_7 and beats
        // the naive baseline, whose errors include the weekday swings.
        assert!(report.model.accuracy.mae < report.baselines[0].accuracy.mae);
    }
}

/// Seasonal-naive errors on white noise are differences of two N(0, σ²)
/// draws, so the 80% band half-width should be near 1.2816·√2·σ. One
/// backtest sees 52 errors per step, and each step pools its neighbours'
/// up to 156 (three steps), so the check averages the 7 steps of 8
/// independent series and allows ±8%.
#[test]
fn seasonal_naive_intervals_match_the_known_error_distribution() {
    let sigma = 5.0;
    let config = BacktestConfig {
        horizon: 7,
        windows: 52,
        step: 7,
    };
    let mut half_widths = Vec::new();
    for seed in 10..18 {
        let report = backtest(&noisy_weekly(seed, sigma), &SeasonalNaive, &config).unwrap();
        for step in 0..7 {
            assert_eq!(report.intervals.step(step).pooled, 156);
        }
        for window in &report.model.windows {
            for iv in report.intervals.apply(&window.forecast) {
                half_widths.push((iv.upper_80 - iv.lower_80) / 2.0);
            }
        }
    }
    let mean_half_width = half_widths.iter().sum::<f64>() / half_widths.len() as f64;
    let expected = 1.2816 * 2f64.sqrt() * sigma;
    assert!(
        (mean_half_width / expected - 1.0).abs() < 0.08,
        "{mean_half_width} vs {expected}"
    );
}
