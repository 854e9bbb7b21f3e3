//! Chooses the regression's settings by measurement: fits each variant on
//! every series of a panel minus its last 28 days and scores the 28-day
//! forecast (MAE, RMSE, sMAPE, MASE, means over series), as
//! `forecast-svc evaluate` does but without intervals or AUTO, so many
//! variants run in seconds. docs/forecasting-measurements.md records its
//! output ("regression: settings sweep").
//!
//! cargo run --release -p forecast-svc --example regression_sweep -- PANEL.csv.gz [HOLIDAYS]
//!
//! With `SWEEP="alpha=0.3 lags=7,28 trend=0 ..."` in the environment it runs
//! that one variant of the default settings instead (keys: alpha, lags,
//! recursive, yearly_days, k, levels, trend, train, log1p, wdl).

use icc_analytics::regression_model::{MultiStep, Transform};
use icc_analytics::{
    DailySeries, Forecaster, HolidayCalendar, RegressionConfig, RegressionForecaster,
};
use rayon::prelude::*;

const HOLDOUT: usize = 28;

fn variants() -> Vec<(String, RegressionConfig)> {
    let base = RegressionConfig::default();
    let mut v = vec![("default".to_string(), base.clone())];
    if let Ok(spec) = std::env::var("SWEEP") {
        // Quick experiments: SWEEP="alpha=0.1 lags=1,14 yearly_days=730".
        let mut c = base.clone();
        for kv in spec.split_whitespace() {
            let (k, val) = kv.split_once('=').unwrap_or((kv, ""));
            let nums: Vec<f64> = val.split(',').filter_map(|x| x.parse().ok()).collect();
            match k {
                "alpha" => c.alpha = nums[0],
                "lags" => {
                    c.multi_step = MultiStep::Direct {
                        lags: nums.iter().map(|&x| x as usize).collect(),
                    }
                }
                "recursive" => c.multi_step = MultiStep::Recursive,
                "yearly_days" => c.min_yearly_days = nums[0] as usize,
                "k" => c.yearly_harmonics = nums[0] as usize,
                "levels" => c.level_windows = nums.iter().map(|&x| x as usize).collect(),
                "trend" => c.trend = nums[0] > 0.0,
                "train" => c.max_training_days = nums[0] as usize,
                "log1p" => c.transform = Transform::Log1p,
                "wdl" => c.weekday_level = nums.first().map(|&x| x as usize),
                _ => {}
            }
        }
        return vec![(spec, c)];
    }
    let mut add = |name: &str, f: &dyn Fn(&mut RegressionConfig)| {
        let mut c = base.clone();
        f(&mut c);
        v.push((name.to_string(), c));
    };
    add("recursive", &|c| c.multi_step = MultiStep::Recursive);
    add("direct_lag_1", &|c| {
        c.multi_step = MultiStep::Direct { lags: vec![1] }
    });
    add("direct_lag_7", &|c| {
        c.multi_step = MultiStep::Direct { lags: vec![7] }
    });
    add("direct_lag_14", &|c| {
        c.multi_step = MultiStep::Direct { lags: vec![14] }
    });
    add("direct_lag_28", &|c| {
        c.multi_step = MultiStep::Direct { lags: vec![28] }
    });
    add("direct_1_14", &|c| {
        c.multi_step = MultiStep::Direct { lags: vec![1, 14] }
    });
    add("direct_1_7_28", &|c| {
        c.multi_step = MultiStep::Direct {
            lags: vec![1, 7, 28],
        }
    });
    add("log1p", &|c| c.transform = Transform::Log1p);
    add("alpha_0", &|c| c.alpha = 0.0);
    add("alpha_0.01", &|c| c.alpha = 0.01);
    add("alpha_0.1", &|c| c.alpha = 0.1);
    add("alpha_1", &|c| c.alpha = 1.0);
    add("no_trend", &|c| c.trend = false);
    add("no_yearly", &|c| c.yearly_harmonics = 0);
    add("yearly_k2", &|c| c.yearly_harmonics = 2);
    add("yearly_k5", &|c| c.yearly_harmonics = 5);
    add("levels_7_28", &|c| c.level_windows = vec![7, 28]);
    add("levels_28", &|c| c.level_windows = vec![28]);
    add("levels_7_28_91_365", &|c| {
        c.level_windows = vec![7, 28, 91, 365]
    });
    add("no_levels", &|c| c.level_windows = vec![]);
    add("train_365", &|c| c.max_training_days = 365);
    add("train_730", &|c| c.max_training_days = 730);
    add("train_all", &|c| c.max_training_days = 36_600);
    add("weekday_x_level_28", &|c| c.weekday_level = Some(28));
    add("weekday_x_level_91", &|c| c.weekday_level = Some(91));
    v
}

fn score(series: &DailySeries, model: &dyn Forecaster) -> Option<[f64; 4]> {
    let n = series.len();
    if n <= HOLDOUT + model.min_history() {
        return None;
    }
    let training = series.truncated(series.date_of(n - HOLDOUT - 1))?;
    let f: Vec<f64> = model
        .forecast(&training, HOLDOUT)
        .ok()?
        .iter()
        .map(|p| p.value)
        .collect();
    let actual = &series.units()[n - HOLDOUT..];
    let a = icc_analytics::metrics::accuracy(actual, &f, training.units()).ok()?;
    Some([a.mae, a.rmse, a.smape, a.mase.unwrap_or(f64::NAN)])
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .ok_or_else(|| anyhow::anyhow!("usage: PANEL [HOLIDAYS]"))?;
    let calendar = match args.get(2) {
        Some(p) => HolidayCalendar::parse(&std::fs::read_to_string(p)?)?,
        None => HolidayCalendar::builtin(),
    };
    let panel = forecast_svc::evaluate::read_panel(std::path::Path::new(path))?;
    println!("{path}: {} series", panel.series.len());
    println!(
        "{:<20} {:>8} {:>8} {:>8} {:>8} {:>6}",
        "variant", "MAE", "RMSE", "sMAPE", "MASE", "n"
    );
    for (name, config) in variants() {
        let model = RegressionForecaster::new(calendar.clone(), config);
        let scores: Vec<[f64; 4]> = panel
            .series
            .par_iter()
            .filter_map(|(_, s)| score(s, &model))
            .collect();
        let n = scores.len() as f64;
        let mean = |i: usize| scores.iter().map(|s| s[i]).sum::<f64>() / n;
        let mase: Vec<f64> = scores
            .iter()
            .map(|s| s[3])
            .filter(|v| v.is_finite())
            .collect();
        println!(
            "{:<20} {:>8.4} {:>8.4} {:>8.3} {:>8.4} {:>6}",
            name,
            mean(0),
            mean(1),
            mean(2),
            mase.iter().sum::<f64>() / mase.len().max(1) as f64,
            scores.len()
        );
    }
    Ok(())
}
