//! The forecasting path's kernels, each beside the baseline it replaces
//! (results in docs/benchmarks.md):
//!
//! ```text
//! cargo bench -p icc-analytics --bench kernels
//! ```
//!
//! - `ridge_730x17`: one ridge fit the size of the regression's on two years
//!   (730 rows, 17 columns), from accumulated normal equations, against
//!   linfa-linear's OLS and linfa-elasticnet's ridge on the same matrix.
//! - `backtest_16_origins`: a model's forecasts from 16 weekly backtest
//!   origins plus its fit on the whole series (what AUTO needs of each
//!   candidate), in one pass against fitting every origin afresh.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use icc_analytics::regression_model::Transform;
use icc_analytics::ridge::fit_ridge;
use icc_analytics::{
    DailySeries, Forecaster, HolidayCalendar, IntermittentForecaster, RegressionConfig,
    RegressionForecaster,
};
use linfa::Dataset;
use linfa::traits::Fit;
use linfa_elasticnet::ElasticNet;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Poisson};

const DAYS: usize = 730;
const HORIZON: usize = 28;
const WINDOWS: usize = 16;

/// A dense random design with a known linear signal plus noise.
fn design(rows: usize, cols: usize) -> (Array2<f64>, Array1<f64>) {
    let mut rng = StdRng::seed_from_u64(7);
    let x = Array2::from_shape_fn((rows, cols), |(_, c)| {
        rng.random_range(-1.0..1.0) * (c + 1) as f64
    });
    let y = Array1::from_shape_fn(rows, |r| {
        x.row(r)
            .iter()
            .enumerate()
            .map(|(c, v)| (c as f64 - 10.0) * v)
            .sum::<f64>()
            + rng.random_range(-1.0..1.0)
    });
    (x, y)
}

fn ridge(c: &mut Criterion) {
    let (x, y) = design(DAYS, 17);
    let mut group = c.benchmark_group("ridge_730x17");
    group.bench_function("normal_equations", |b| {
        b.iter(|| fit_ridge(black_box(x.view()), black_box(y.view()), 0.1).unwrap())
    });
    let dataset = || Dataset::new(x.clone(), y.clone());
    group.bench_function("linfa_linear_ols", |b| {
        b.iter_batched(
            dataset,
            |d| LinearRegression::new().fit(&d).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("linfa_elasticnet_ridge", |b| {
        b.iter_batched(
            dataset,
            |d| {
                ElasticNet::params()
                    .penalty(0.1)
                    .l1_ratio(0.0)
                    .fit(&d)
                    .unwrap()
            },
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// Two years of Poisson demand around 12 a day with a weekend peak.
fn series() -> DailySeries {
    let mut rng = StdRng::seed_from_u64(11);
    let weekday = [0.8, 0.8, 0.9, 1.0, 1.2, 1.5, 0.8];
    let units = (0..DAYS)
        .map(|t| {
            let rate = 12.0 * weekday[t % 7];
            Poisson::new(rate).unwrap().sample(&mut rng)
        })
        .collect();
    let start = NaiveDate::from_ymd_opt(2023, 1, 2).expect("a valid date");
    DailySeries::new(start, units).unwrap()
}

fn backtest_origins(c: &mut Criterion) {
    let series = series();
    let calendar = HolidayCalendar::builtin();
    let origins: Vec<usize> = (0..WINDOWS)
        .map(|k| DAYS - HORIZON - 7 * (WINDOWS - 1 - k))
        .collect();
    let log_regression = RegressionConfig {
        transform: Transform::Log1p,
        ..RegressionConfig::default()
    };
    let models: [(&str, Box<dyn Forecaster>); 2] = [
        (
            "log_regression",
            Box::new(RegressionForecaster::new(calendar.clone(), log_regression)),
        ),
        (
            "intermittent",
            Box::new(IntermittentForecaster::new(calendar.clone())),
        ),
    ];
    let mut group = c.benchmark_group("backtest_16_origins");
    for (name, model) in &models {
        group.bench_function(format!("{name}/one_pass"), |b| {
            b.iter(|| {
                let (forecasts, fitted) = model
                    .forecast_origins_and_fit(&series, &origins, HORIZON)
                    .unwrap();
                (forecasts, fitted(HORIZON).unwrap())
            })
        });
        group.bench_function(format!("{name}/refit_each_origin"), |b| {
            b.iter(|| {
                let forecasts: Vec<_> = origins
                    .iter()
                    .map(|&o| {
                        let history = series.truncated(series.date_of(o - 1)).unwrap();
                        model.forecast(&history, HORIZON).unwrap()
                    })
                    .collect();
                (forecasts, model.forecast(&series, HORIZON).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(kernels, ridge, backtest_origins);
criterion_main!(kernels);
