use chrono::{Datelike, NaiveDate};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

use super::*;
use crate::forecast::Forecaster;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 4).unwrap() // a Monday
}

fn build(days: usize, seed: u64, noise: f64, mean: impl Fn(NaiveDate) -> f64) -> DailySeries {
    let mut rng = StdRng::seed_from_u64(seed);
    let normal = Normal::new(0.0, noise).unwrap();
    let units = (0..days)
        .map(|i| {
            let d = start() + chrono::Days::new(i as u64);
            mean(d) + normal.sample(&mut rng)
        })
        .collect();
    DailySeries::new(start(), units).unwrap()
}

const WEEKLY: [f64; 7] = [0.0, 1.0, 2.0, 3.0, 5.0, 9.0, 6.0];

/// Yearly terms fit a season that repeats and are left out where the last
/// two years share none: a yearly sine keeps them; a level that dips
/// mid-year in the older year and rises then falls in the newer one fits
/// none (`season`), unless the check is turned off.
#[test]
fn yearly_terms_only_for_a_season_that_repeats() {
    let calendar = HolidayCalendar::empty();
    let yearly_terms = |s: &DailySeries, config: &RegressionConfig| {
        let m = RegressionModel::fit(s, &calendar, config).unwrap();
        let day = &m.forecast(s, &calendar, 1).unwrap()[0];
        day.explanation
            .terms
            .iter()
            .filter(|t| t.name.starts_with("yearly_"))
            .count()
    };
    let days = 1000;
    let repeating = build(days, 5, 1.0, |d| {
        50.0 + 10.0 * (std::f64::consts::TAU * f64::from(d.num_days_from_ce()) / 365.25).sin()
    });
    assert_eq!(yearly_terms(&repeating, &RegressionConfig::default()), 6);
    let changing = build(days, 6, 1.0, |d| {
        // Years counted back from the end, as the check compares them.
        let i = (d - start()).num_days() as usize;
        let phase = std::f64::consts::TAU * (i as f64 - (days - 728) as f64) / 364.0;
        let swing = if i < days - 364 {
            phase.cos()
        } else {
            (2.0 * phase).sin()
        };
        50.0 + 10.0 * swing
    });
    assert_eq!(yearly_terms(&changing, &RegressionConfig::default()), 0);
    let always = RegressionConfig {
        min_season_correlation: None,
        ..RegressionConfig::default()
    };
    assert_eq!(yearly_terms(&changing, &always), 6);
}

/// A weekday pattern (Monday 0, Tuesday +1, ..., Saturday +9, Sunday +6
/// units) on a level of 20 with N(0, 1) noise over two years. Each lag's
/// weekday dummies recover the pattern within 0.4 units (about three
/// standard errors of a weekday mean difference), and the forecast is
/// within 0.6 of the true mean. With level-scaled twins
/// (`weekday_sat_x_level_28`, `weekday_level`), a weekday's effect is its
/// dummy's contribution plus its twin's, and in every forecast day's
/// explanation those two add up to the true effect within 0.4.
#[test]
fn recovers_a_day_of_week_pattern() {
    let calendar = HolidayCalendar::empty();
    let s = build(728, 1, 1.0, |d| {
        20.0 + WEEKLY[d.weekday().num_days_from_monday() as usize]
    });
    let m = RegressionModel::fit(&s, &calendar, &RegressionConfig::default()).unwrap();
    assert_eq!(m.lags(), vec![7, 28]);
    for lag in m.lags() {
        for (i, name) in WEEKDAY_NAMES.iter().enumerate() {
            let c = m.coefficient(lag, name).unwrap();
            assert!((c - WEEKLY[i + 1]).abs() < 0.4, "lag {lag} {name}: {c}");
        }
    }
    for p in &m.forecast(&s, &calendar, 28).unwrap() {
        let truth = 20.0 + WEEKLY[p.date.weekday().num_days_from_monday() as usize];
        assert!(
            (p.value - truth).abs() < 0.6,
            "{}: {} vs {truth}",
            p.date,
            p.value
        );
    }
    let twins = RegressionConfig {
        weekday_level: Some(28),
        ..RegressionConfig::default()
    };
    let m = RegressionModel::fit(&s, &calendar, &twins).unwrap();
    for p in &m.forecast(&s, &calendar, 28).unwrap() {
        let d = p.date.weekday().num_days_from_monday() as usize;
        let weekday_terms: Vec<_> = p
            .explanation
            .terms
            .iter()
            .filter(|t| t.name.starts_with("weekday_"))
            .collect();
        if d > 0 {
            assert!(
                weekday_terms
                    .iter()
                    .any(|t| t.name.ends_with("_x_level_28")),
                "{}: no level-scaled twin",
                p.date
            );
        }
        let effect: f64 = weekday_terms.iter().map(|t| t.contribution).sum();
        assert!(
            (effect - WEEKLY[d]).abs() < 0.4,
            "{} ({:?}): weekday effect {effect} vs {}",
            p.date,
            p.date.weekday(),
            WEEKLY[d]
        );
    }
}

/// A yearly sine of amplitude 10 on a level of 50 with N(0, 2) noise,
/// about three years: the 28-day forecast follows the sine, its mean
/// absolute deviation from the true mean below 1.5 units (15% of the
/// amplitude, under the noise's standard deviation; the ridge penalty on
/// the yearly terms shrinks them a little).
#[test]
fn recovers_a_yearly_sine() {
    let calendar = HolidayCalendar::empty();
    let truth = |d: NaiveDate| {
        50.0 + 10.0 * (std::f64::consts::TAU * f64::from(d.num_days_from_ce()) / 365.25).sin()
    };
    for (seed, days) in [(2, 1095), (3, 1000), (4, 1150)] {
        let s = build(days, seed, 2.0, truth);
        let m = RegressionModel::fit(&s, &calendar, &RegressionConfig::default()).unwrap();
        let f = m.forecast(&s, &calendar, 28).unwrap();
        let mad = f
            .iter()
            .map(|p| (p.value - truth(p.date)).abs())
            .sum::<f64>()
            / 28.0;
        assert!(mad < 1.5, "seed {seed}: mean absolute deviation {mad}");
        // The recent-level terms carry part of the season (a 91-day mean
        // in summer is high). Without them the first harmonic carries it
        // all: amplitude within 15% of 10, the ridge penalty shrinking it
        // a little.
        let plain = RegressionConfig {
            level_windows: vec![],
            ..RegressionConfig::default()
        };
        let m = RegressionModel::fit(&s, &calendar, &plain).unwrap();
        let (a, b) = (
            m.coefficient(28, "yearly_sin_1").unwrap(),
            m.coefficient(28, "yearly_cos_1").unwrap(),
        );
        let amplitude = a.hypot(b);
        assert!(
            (amplitude - 10.0).abs() < 1.5,
            "seed {seed}: amplitude {amplitude}"
        );
        assert!(
            b.abs() < 1.5,
            "seed {seed}: the phase is the sine's ({a}, {b})"
        );
    }
}

#[test]
fn explanations_add_up_and_trend_reads_from_the_origin() {
    let calendar = HolidayCalendar::builtin();
    let s = build(800, 5, 3.0, |d| {
        30.0 + 0.02 * f64::from(d.ordinal()) + WEEKLY[d.weekday().num_days_from_monday() as usize]
    });
    let m = RegressionModel::fit(&s, &calendar, &RegressionConfig::default()).unwrap();
    let f = m.forecast(&s, &calendar, 40).unwrap();
    for (h, p) in f.iter().enumerate() {
        let e = &p.explanation;
        let sum = e
            .terms
            .iter()
            .fold(e.intercept, |acc, t| acc + t.contribution);
        assert_eq!(sum, e.unclamped);
        assert!((e.unclamped.max(0.0) - p.value).abs() < 1e-9 || e.clamped);
        let trend = e.terms.iter().find(|t| t.name == "trend_years").unwrap();
        assert!((trend.value - (h + 1) as f64 / 365.25).abs() < 1e-12);
        for t in &e.terms {
            assert!((t.value * t.coefficient - t.contribution).abs() < 1e-12);
        }
    }
    assert_eq!(f[0].date, s.date_of(800));
}

/// The same days and terms, every number within 1e-9 relative (a pass
/// shared with other origins sums in another order).
fn assert_close_points(a: &[ForecastPoint], b: &[ForecastPoint]) {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
    assert_eq!(a.len(), b.len());
    for (p, q) in a.iter().zip(b) {
        assert_eq!(p.date, q.date);
        assert!(
            close(p.value, q.value),
            "{}: {} vs {}",
            p.date,
            p.value,
            q.value
        );
        let (e, f) = (&p.explanation, &q.explanation);
        assert!(close(e.intercept, f.intercept) && e.clamped == f.clamped);
        assert_eq!(e.terms.len(), f.terms.len());
        for (s, t) in e.terms.iter().zip(&f.terms) {
            assert_eq!(s.name, t.name);
            assert!(close(s.value, t.value) && close(s.contribution, t.contribution));
        }
    }
}

#[test]
fn origins_share_the_running_sums_and_equal_separate_fits() {
    let calendar = HolidayCalendar::builtin();
    // Christmas is a closure (zero every year), so later origins learn it.
    let s = build(1300, 6, 2.0, |d| {
        if d.month() == 12 && d.day() == 25 {
            -100.0
        } else {
            15.0 + WEEKLY[d.weekday().num_days_from_monday() as usize]
        }
    });
    let units: Vec<f64> = s.units().iter().map(|u| u.max(0.0).round()).collect();
    let s = DailySeries::new(s.start(), units).unwrap();
    for config in [
        RegressionConfig::default(),
        RegressionConfig {
            multi_step: MultiStep::Recursive,
            max_training_days: 500,
            ..RegressionConfig::default()
        },
        RegressionConfig {
            transform: Transform::Log1p,
            ..RegressionConfig::default()
        },
    ] {
        let f = RegressionForecaster::new(calendar.clone(), config);
        let origins = [40, 300, 356, 400, 800, 1272];
        let together = f.forecast_origins(&s, &origins, 28).unwrap();
        // The whole series is fitted in the same pass, explanations and all.
        let (backtest, fitted) = f.forecast_origins_and_fit(&s, &origins, 28).unwrap();
        assert_eq!(backtest, together);
        assert_close_points(&fitted(60).unwrap(), &f.forecast(&s, 60).unwrap());
        for (o, values) in origins.iter().zip(together) {
            let prefix = s.truncated(s.date_of(o - 1)).unwrap();
            let alone: Vec<f64> = f
                .forecast(&prefix, 28)
                .unwrap()
                .iter()
                .map(|p| p.value)
                .collect();
            for (a, b) in alone.iter().zip(&values) {
                assert!(
                    (a - b).abs() < 1e-6 * a.abs().max(1.0),
                    "origin {o}: {a} vs {b}"
                );
            }
        }
    }
}

#[test]
fn a_learnt_closure_is_forecast_as_zero() {
    let calendar = HolidayCalendar::builtin();
    let s = build(3 * 365, 7, 1.0, |d| {
        if d.month() == 12 && d.day() == 25 {
            -50.0
        } else {
            12.0
        }
    });
    let units: Vec<f64> = s.units().iter().map(|u| u.max(0.0)).collect();
    let s = DailySeries::new(s.start(), units).unwrap();
    // The series ends on 2024-01-02; forecast to the next Christmas.
    let m = RegressionModel::fit(&s, &calendar, &RegressionConfig::default()).unwrap();
    let f = m.forecast(&s, &calendar, 365).unwrap();
    let christmas = f
        .iter()
        .find(|p| p.date.month() == 12 && p.date.day() == 25)
        .unwrap();
    assert_eq!(christmas.value, 0.0);
    assert!(christmas.explanation.clamped);
    assert_eq!(
        christmas.explanation.terms.last().unwrap().name,
        "closed_day"
    );
    assert!(christmas.explanation.unclamped.abs() < 1e-9);
    let boxing = f
        .iter()
        .find(|p| p.date.month() == 12 && p.date.day() == 26)
        .unwrap();
    assert!(boxing.value > 5.0, "Boxing Day sells: {}", boxing.value);
}

#[test]
fn degenerate_histories_do_not_panic() {
    let calendar = HolidayCalendar::builtin();
    let f = RegressionForecaster::new(calendar, RegressionConfig::default());
    for units in [vec![0.0; 60], vec![4.0; 60], vec![4.0; 28], vec![1e6; 400]] {
        let s = DailySeries::new(start(), units.clone()).unwrap();
        let points = f.forecast(&s, 28).unwrap();
        for p in &points {
            assert!(p.value.is_finite() && p.value >= 0.0);
            assert!(
                (p.value - units[0]).abs() < 1e-6 * units[0].max(1.0),
                "{}",
                p.value
            );
        }
    }
    let short = DailySeries::new(start(), vec![1.0; 27]).unwrap();
    assert!(matches!(
        f.forecast(&short, 7),
        Err(ForecastError::InsufficientHistory { have: 27, need: 28 })
    ));
    let s = DailySeries::new(start(), vec![1.0; 60]).unwrap();
    assert!(f.forecast(&s, 0).is_err());
    assert!(
        f.forecast_origins(&s, &[50, 40], 7).is_err(),
        "origins must ascend"
    );
}

/// A multiplicative weekday pattern (Monday 0.7 to Saturday 1.5 times a
/// level of 40) with N(0, 1) noise over two years, fitted on log(1 + units):
/// each day's weekday terms add up to the true log-ratio to Monday within
/// 0.05 (about 5%), every explanation sums
/// to its forecast through the `log1p_back_transform` term, and the
/// forecast is within 5% of the true mean.
#[test]
fn log_target_recovers_a_multiplicative_weekday_pattern() {
    const RATIO: [f64; 7] = [0.7, 0.8, 0.9, 1.0, 1.1, 1.5, 1.3];
    let calendar = HolidayCalendar::empty();
    let truth = |d: NaiveDate| 40.0 * RATIO[d.weekday().num_days_from_monday() as usize];
    let s = build(728, 6, 1.0, truth);
    let config = RegressionConfig {
        transform: Transform::Log1p,
        ..RegressionConfig::default()
    };
    let m = RegressionModel::fit(&s, &calendar, &config).unwrap();
    let f = m.forecast(&s, &calendar, 28).unwrap();
    let monday = (1.0 + 40.0 * RATIO[0]).ln();
    for p in &f {
        let e = &p.explanation;
        let effect: f64 = e
            .terms
            .iter()
            .filter(|t| t.name.starts_with("weekday_"))
            .map(|t| t.contribution)
            .sum();
        let want = (1.0 + truth(p.date)).ln() - monday;
        assert!(
            (effect - want).abs() < 0.05,
            "{} ({:?}): log weekday effect {effect} vs {want}",
            p.date,
            p.date.weekday()
        );
        let sum = e
            .terms
            .iter()
            .fold(e.intercept, |acc, t| acc + t.contribution);
        assert!((sum - p.value).abs() < 1e-9, "{sum} vs {}", p.value);
        assert!(e.terms.iter().any(|t| t.name == "log1p_back_transform"));
        assert!(
            (p.value / truth(p.date) - 1.0).abs() < 0.05,
            "{}: {} vs {}",
            p.date,
            p.value,
            truth(p.date)
        );
    }
}

/// Two years with the weekday pattern above, then 13 weeks (the shift's
/// window) in which it is gone: every day sells 20 + the old weekly mean.
/// Without the shift the weekday terms, learnt mostly from the old rhythm,
/// still put some days over 3 units off the new flat week; with it every
/// day is within 1 unit (the shrinkage keeps a little of the old pattern).
/// On a series whose rhythm never changed the shift stays below 0.15
/// units, under noise of 1.
#[test]
fn recent_weekday_shift_follows_a_changed_rhythm() {
    let calendar = HolidayCalendar::empty();
    let flat = 20.0 + WEEKLY.iter().sum::<f64>() / 7.0;
    let changed = build(728 + 91, 2, 1.0, |d| {
        if d < start() + chrono::Days::new(728) {
            20.0 + WEEKLY[d.weekday().num_days_from_monday() as usize]
        } else {
            flat
        }
    });
    let without = RegressionConfig {
        weekday_shift_weeks: None,
        ..RegressionConfig::default()
    };
    let spread = |config: &RegressionConfig| {
        let m = RegressionModel::fit(&changed, &calendar, config).unwrap();
        let f = m.forecast(&changed, &calendar, 7).unwrap();
        let worst = f.iter().map(|p| (p.value - flat).abs()).fold(0.0, f64::max);
        (f, worst)
    };
    let (_, stale) = spread(&without);
    let (f, followed) = spread(&RegressionConfig::default());
    assert!(
        stale > 3.0,
        "the old rhythm lingers without the shift: {stale}"
    );
    assert!(followed < 1.0, "the shift follows the new week: {followed}");
    let saturday = f
        .iter()
        .find(|p| p.date.weekday() == chrono::Weekday::Sat)
        .unwrap();
    let shift = saturday
        .explanation
        .terms
        .iter()
        .find(|t| t.name == "recent_weekday_shift")
        .unwrap();
    assert!(shift.contribution < -2.0, "{shift:?}");

    let steady = build(728 + 91, 2, 1.0, |d| {
        20.0 + WEEKLY[d.weekday().num_days_from_monday() as usize]
    });
    let m = RegressionModel::fit(&steady, &calendar, &RegressionConfig::default()).unwrap();
    for p in m.forecast(&steady, &calendar, 7).unwrap() {
        let shift = p
            .explanation
            .terms
            .iter()
            .find(|t| t.name == "recent_weekday_shift");
        assert!(shift.unwrap().contribution.abs() < 0.15, "{p:?}");
    }
}
