use std::path::PathBuf;

use chrono::NaiveDate;
use serde::Deserialize;

use super::*;
use crate::forecast::MAX_HORIZON_DAYS;
use crate::series::Duplicates;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

#[test]
fn too_little_history_says_have_and_need() {
    let series = DailySeries::new(d(2024, 1, 1), vec![3.0; 27]).unwrap();
    let err = SeedModel::fit(&series, &HolidayCalendar::empty()).unwrap_err();
    assert_eq!(
        err,
        ForecastError::InsufficientHistory { have: 27, need: 28 }
    );
    assert_eq!(err.to_string(), "too little history: have 27 days, need 28");
}

#[test]
fn constant_series_forecasts_the_constant() {
    // Every centred feature column except is_weekend is zero and the target
    // does not vary, so the minimum-norm fit is intercept 5, coefficients 0.
    let series = DailySeries::new(d(2024, 1, 1), vec![5.0; 28]).unwrap();
    let cal = HolidayCalendar::empty();
    let model = SeedModel::fit(&series, &cal).unwrap();
    assert!((model.intercept() - 5.0).abs() < 1e-12);
    assert!(model.coefficients().iter().all(|c| c.abs() < 1e-12));
    assert_eq!(model.r_squared(), 1.0);
    assert_eq!(model.ols().rows, 14);
    let points = model.forecast(&series, &cal, 3).unwrap();
    assert_eq!(points[0].date, d(2024, 1, 29));
    for p in &points {
        assert!((p.value - 5.0).abs() < 1e-12);
        assert!(!p.explanation.clamped);
    }
}

#[test]
fn upper_clamp_feeds_back_into_the_next_step() {
    // intercept 100, no slopes: unclamped is always 100.
    let model = SeedModel::from_coefficients(100.0, [0.0; 7], 0.0, 14);
    let series = DailySeries::new(d(2024, 1, 1), vec![5.0; 28]).unwrap();
    let points = model
        .forecast(&series, &HolidayCalendar::empty(), 2)
        .unwrap();
    // Step 1: base = mean(5 × 7) = 5, band [1, 10] -> 10.
    assert_eq!(points[0].value, 10.0);
    assert!(points[0].explanation.clamped);
    assert_eq!(points[0].explanation.unclamped, 100.0);
    // Step 2: history ends 5,5,5,5,5,5,10 -> base 40/7, upper 80/7.
    assert!((points[1].value - 80.0 / 7.0).abs() < 1e-12);
    assert!((points[1].explanation.terms[0].value - 10.0).abs() < 1e-12);
}

#[test]
fn dead_series_clamps_on_the_fallback_base() {
    // rolling_mean_7 = 0 is not above 0.1, so base = 1 and the band is [0.2, 2].
    let model = SeedModel::from_coefficients(-3.0, [0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], 0.0, 14);
    let series = DailySeries::new(d(2024, 1, 1), vec![0.0; 28]).unwrap();
    let points = model
        .forecast(&series, &HolidayCalendar::empty(), 2)
        .unwrap();
    assert_eq!(points[0].value, 0.2);
    assert!(points[0].explanation.clamped);
    // Step 2: lag_1 = 0.2, mean = 0.2/7 <= 0.1 -> base 1 again; -3 + 0.1 -> 0.2.
    assert!((points[1].explanation.unclamped - (-2.9)).abs() < 1e-12);
    assert_eq!(points[1].value, 0.2);
}

#[test]
fn origins_share_feature_rows_and_equal_separate_fits() {
    let calendar = HolidayCalendar::builtin();
    // A weekly rhythm with a slow rise and a pseudo-random wobble.
    let units: Vec<f64> = (0..200u32)
        .map(|t| f64::from(3 + t / 20 + [0, 1, 0, 2, 5, 7, 1][t as usize % 7] + (t * 37) % 5))
        .collect();
    let s = DailySeries::new(d(2024, 1, 1), units).unwrap();
    let origins = [28, 60, 61, 150, 200];
    let f = SeedForecaster::new(calendar);
    let together = f.forecast_origins(&s, &origins, 14).unwrap();
    for (o, values) in origins.iter().zip(together) {
        let prefix = s.truncated(s.date_of(o - 1)).unwrap();
        let alone: Vec<f64> = f
            .forecast(&prefix, 14)
            .unwrap()
            .iter()
            .map(|p| p.value)
            .collect();
        assert_eq!(alone, values, "origin {o}");
    }
    let short = f.forecast_origins(&s, &[27], 14).unwrap_err();
    assert_eq!(
        short,
        ForecastError::InsufficientHistory { have: 27, need: 28 }
    );
}

#[test]
fn horizon_is_validated() {
    let model = SeedModel::from_coefficients(1.0, [0.0; 7], 0.0, 14);
    let series = DailySeries::new(d(2024, 1, 1), vec![1.0; 28]).unwrap();
    let cal = HolidayCalendar::empty();
    assert!(matches!(
        model.forecast(&series, &cal, 0),
        Err(ForecastError::InvalidHorizon {
            horizon: 0,
            max: MAX_HORIZON_DAYS
        })
    ));
    assert!(model.forecast(&series, &cal, MAX_HORIZON_DAYS + 1).is_err());
    let longest = model.forecast(&series, &cal, MAX_HORIZON_DAYS).unwrap();
    assert_eq!(longest.len(), MAX_HORIZON_DAYS);
}

#[derive(Deserialize)]
struct FixturePoint {
    date: NaiveDate,
    value: f64,
    unclamped: f64,
    clamped: bool,
}

#[derive(Deserialize)]
struct Fixture {
    name: String,
    observations: Vec<(NaiveDate, f64)>,
    end: NaiveDate,
    holidays: Vec<NaiveDate>,
    feature_names: Vec<String>,
    training_rows: usize,
    intercept: f64,
    coefficients: Vec<f64>,
    r_squared: f64,
    horizon: usize,
    forecast: Vec<FixturePoint>,
}

const FIXTURE_TOLERANCE: f64 = 1e-6;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= FIXTURE_TOLERANCE
}

/// Seed-compatible mode equals the independent pandas + scikit-learn
/// implementation (scripts/seed_fixtures.py) to 1e-6.
#[test]
fn matches_pandas_sklearn_fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/seed");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture directory tests/fixtures/seed")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    assert!(
        paths.len() >= 3,
        "expected the checked-in fixtures in {dir:?}"
    );
    let mut clamped_points = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let fx: Fixture = serde_json::from_str(&text).expect("valid fixture json");
        let name = &fx.name;
        assert_eq!(fx.feature_names, FEATURE_NAMES);
        let series =
            DailySeries::from_observations(&fx.observations, fx.end, Duplicates::Reject).unwrap();
        let cal = HolidayCalendar::from_dates(fx.holidays.iter().copied());
        let model = SeedModel::fit(&series, &cal).unwrap();
        assert_eq!(model.ols().rows, fx.training_rows, "{name}");
        assert!(
            close(model.intercept(), fx.intercept),
            "{name}: intercept {} vs {}",
            model.intercept(),
            fx.intercept
        );
        for (i, (got, want)) in model
            .coefficients()
            .iter()
            .zip(&fx.coefficients)
            .enumerate()
        {
            assert!(
                close(*got, *want),
                "{name}: {} {got} vs {want}",
                FEATURE_NAMES[i]
            );
        }
        assert!(close(model.r_squared(), fx.r_squared), "{name}: r2");

        let points = model.forecast(&series, &cal, fx.horizon).unwrap();
        assert_eq!(points.len(), fx.forecast.len());
        for (p, want) in points.iter().zip(&fx.forecast) {
            assert_eq!(p.date, want.date, "{name}");
            assert!(
                close(p.value, want.value),
                "{name} {}: {} vs {}",
                p.date,
                p.value,
                want.value
            );
            assert!(
                close(p.explanation.unclamped, want.unclamped),
                "{name} {}: unclamped",
                p.date
            );
            assert_eq!(p.explanation.clamped, want.clamped, "{name} {}", p.date);
            // The explanation adds up exactly.
            let sum = p
                .explanation
                .terms
                .iter()
                .fold(p.explanation.intercept, |a, t| a + t.contribution);
            assert_eq!(sum, p.explanation.unclamped);
            clamped_points += usize::from(want.clamped);
        }
    }
    assert!(clamped_points > 0, "fixtures should exercise the clamp");
}
