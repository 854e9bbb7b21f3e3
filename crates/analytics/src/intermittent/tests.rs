use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::forecast::Forecaster;

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 1, 3).unwrap()
}

fn empty() -> HolidayCalendar {
    HolidayCalendar::empty()
}

/// Demand on each day with probability `p`, of 1 + a uniform 0..=4 units
/// (mean 3).
fn croston_series(seed: u64, days: usize, p: f64) -> DailySeries {
    let mut rng = StdRng::seed_from_u64(seed);
    let units = (0..days)
        .map(|_| {
            if rng.random::<f64>() < p {
                f64::from(1 + rng.random_range(0..=4u32))
            } else {
                0.0
            }
        })
        .collect();
    DailySeries::new(start(), units).unwrap()
}

/// Demand every 8 to 12 days (uniformly, mean interval 10) of 2 to 4
/// units (mean size 3): a rate of 0.3 units a day. For every seed the
/// fitted size is within 0.5 of 3 and the demand interval (1/p for TSB, q
/// for SBA) within 1.5 of 10 (each about 2.5 standard errors of an
/// exponential smooth with constant 0.1, or more), and the rate within
/// 0.07 of 0.3 (SBA's (1 − α/2) bias correction lowers it by up to 10%).
#[test]
fn recovers_a_croston_demand_rate_size_and_interval() {
    for seed in 0..10 {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut units = vec![0.0; 1500];
        let mut t = rng.random_range(0..10usize);
        while t < units.len() {
            units[t] = f64::from(rng.random_range(2..=4u32));
            t += rng.random_range(8..=12usize);
        }
        let s = DailySeries::new(start(), units).unwrap();
        let m = IntermittentModel::fit(&s, &empty()).unwrap();
        let interval = match m.method {
            Method::Tsb { .. } => 1.0 / m.probability,
            Method::Sba { alpha } => (1.0 - alpha / 2.0) / m.probability,
            Method::Ses { .. } => panic!("seed {seed}: SES chosen for sparse demand ({m:?})"),
        };
        assert!(
            (m.size - 3.0).abs() < 0.5,
            "seed {seed}: size {} ({m:?})",
            m.size
        );
        assert!(
            (interval - 10.0).abs() < 1.5,
            "seed {seed}: interval {interval} ({m:?})"
        );
        assert!(
            (m.rate() - 0.3).abs() < 0.07,
            "seed {seed}: rate {} ({m:?})",
            m.rate()
        );
    }
}

#[test]
fn a_regular_interval_gives_size_and_interval_exactly_under_sba() {
    // 4 units every 5th day: SBA's size is 4 and its interval 5 after the
    // first demand, whatever the constant.
    let units: Vec<f64> = (0..400)
        .map(|i| if i % 5 == 4 { 4.0 } else { 0.0 })
        .collect();
    let s = DailySeries::new(start(), units.clone()).unwrap();
    let table = DayTable::new(start(), 400, &empty());
    let m = IntermittentModel::fit(&s, &empty()).unwrap();
    if let Method::Sba { alpha } = m.method {
        assert!((m.size - 4.0).abs() < 1e-9);
        assert!((m.probability - (1.0 - alpha / 2.0) / 5.0).abs() < 1e-9);
    } else {
        // TSB: size exact, probability near 1/5.
        assert!((m.size - 4.0).abs() < 1e-9);
        assert!((m.probability - 0.2).abs() < 0.1, "{m:?}");
    }
    let f = m.forecast(&s, &empty(), 14).unwrap();
    for p in &f {
        let e = &p.explanation;
        let sum: f64 = e.intercept + e.terms.iter().map(|t| t.contribution).sum::<f64>();
        assert!((sum - p.value).abs() < 1e-12);
        assert_eq!(e.terms[0].name, "demand_size");
        assert_eq!(e.terms[0].value, m.size);
        assert_eq!(e.terms[0].coefficient, m.probability);
    }
    assert_eq!(table.len(), 400);
}

#[test]
fn origins_share_one_pass_and_equal_separate_fits() {
    let calendar = HolidayCalendar::builtin();
    let s = croston_series(9, 700, 0.2);
    let origins = [300, 350, 351, 500, 672];
    let f = IntermittentForecaster::new(calendar.clone());
    let together = f.forecast_origins(&s, &origins, 28).unwrap();
    // The whole series is fitted in the same pass.
    let (backtest, fitted) = f.forecast_origins_and_fit(&s, &origins, 28).unwrap();
    assert_eq!(backtest, together);
    assert_eq!(fitted(60).unwrap(), f.forecast(&s, 60).unwrap());
    for (o, values) in origins.iter().zip(together) {
        let prefix = s.truncated(s.date_of(o - 1)).unwrap();
        let alone: Vec<f64> = f
            .forecast(&prefix, 28)
            .unwrap()
            .iter()
            .map(|p| p.value)
            .collect();
        for (a, b) in alone.iter().zip(&values) {
            assert!((a - b).abs() < 1e-12, "origin {o}: {a} vs {b}");
        }
    }
}

#[test]
fn weekday_rhythm_and_obsolescence() {
    // Demand only on Saturdays: the factor for Saturday is the largest.
    let units: Vec<f64> = (0..364)
        .map(|i| if i % 7 == 5 { 3.0 } else { 0.0 })
        .collect();
    let s = DailySeries::new(start(), units).unwrap();
    let m = IntermittentModel::fit(&s, &empty()).unwrap();
    let max = m.weekday.iter().copied().fold(0.0, f64::max);
    assert_eq!(m.weekday[5], max);
    assert!((m.weekday.iter().sum::<f64>() / 7.0 - 1.0).abs() < 1e-12);
    // Demand stops for the last 120 days: the forecast falls well below
    // the average rate.
    let mut units: Vec<f64> = croston_series(3, 600, 0.3).units().to_vec();
    units[480..].iter_mut().for_each(|u| *u = 0.0);
    let s = DailySeries::new(start(), units.clone()).unwrap();
    let m = IntermittentModel::fit(&s, &empty()).unwrap();
    let mean = units[..480].iter().sum::<f64>() / 480.0;
    assert!(
        m.rate() < 0.5 * mean,
        "rate {} vs earlier mean {mean}",
        m.rate()
    );
}

#[test]
fn degenerate_histories_do_not_panic() {
    let zeros = DailySeries::new(start(), vec![0.0; 100]).unwrap();
    let f = IntermittentForecaster::new(empty())
        .forecast(&zeros, 28)
        .unwrap();
    assert!(f.iter().all(|p| p.value == 0.0));
    let constant = DailySeries::new(start(), vec![2.0; 30]).unwrap();
    let f = IntermittentForecaster::new(empty())
        .forecast(&constant, 7)
        .unwrap();
    assert!(
        f.iter().all(|p| (p.value - 2.0).abs() < 1e-9),
        "{:?}",
        f[0].value
    );
    let short = DailySeries::new(start(), vec![1.0; 5]).unwrap();
    assert!(matches!(
        IntermittentForecaster::new(empty()).forecast(&short, 7),
        Err(ForecastError::InsufficientHistory { have: 5, .. })
    ));
    assert!(
        IntermittentForecaster::new(empty())
            .forecast(&constant, 0)
            .is_err()
    );
}

/// Daily sales wander around 5 a day in spells of a few days (an AR(1)
/// with coefficient 0.8): tomorrow looks like today, so the one-step error
/// favours the fastest constant, but 28-day means stay near 5. The window
/// cost picks the slowest constant of the chosen method.
#[test]
fn constants_are_chosen_for_the_next_weeks_not_the_next_day() {
    let mut rng = StdRng::seed_from_u64(7);
    let mut x = 0.0f64;
    let units: Vec<f64> = (0..730)
        .map(|_| {
            x = 0.8 * x + rng.random_range(-1.5..1.5);
            (5.0 + x).max(0.0).round()
        })
        .collect();
    let s = DailySeries::new(start(), units).unwrap();
    let m = IntermittentModel::fit(&s, &empty()).unwrap();
    let slowest = match m.method {
        Method::Tsb { alpha, beta } => alpha == PROBABILITY_ALPHAS[0] && beta == SIZE_ALPHAS[0],
        Method::Sba { alpha } | Method::Ses { alpha } => alpha == SIZE_ALPHAS[0],
    };
    assert!(slowest, "{m:?}");
    assert!((m.rate() - 5.0).abs() < 0.5, "rate {} ({m:?})", m.rate());
}
