//! `forecast-svc evaluate`: offline accuracy of the models on a panel of
//! daily series.
//!
//! For every series it holds out the last `holdout` days, runs a model
//! exactly as the service does (`engine::forecast`: the backtests behind
//! AUTO's choice and the intervals, then the forecast) on the days before,
//! forecasts `horizon` days and scores the first min(horizon, holdout).
//! Like the service, whose history of a SKU starts at its first sale (the
//! first day ingest-svc stores features for), the models see the training
//! part from its first day with sales: the zeros before a launch are not
//! demand. A series too young for that keeps just enough of the days
//! before its first sale for AUTO's simplest candidate (the service would
//! refuse it); the MASE scale is still read from the whole training part.
//! Per series: MAE, RMSE, sMAPE (percent, a point scoring 0 when actual
//! and forecast are both 0), MASE (scaled by the in-sample mean absolute
//! 7-day seasonal-naive error of the training part; undefined when that
//! is 0), the share of scored days inside the 80% and 95% intervals, and
//! whether the demand of the first `lead_time` held-out days stayed within
//! the reorder point reorder advice would have set for `service_level`
//! (its safety stock beside it): the share of series where it did is the
//! service level the advice achieves.
//! Each model's figure is the mean over series (MASE over the series where
//! it is defined, with its median and that count beside it). The measures
//! are icc-analytics' `metrics`, the same code as the Backtest RPC.
//!
//! Every model is scored on the same series: a series that some model
//! cannot forecast (too little history) is reported and left out for all.
//! Series run in parallel on a rayon pool, one model after another, so
//! each model's wall time is measured on its own.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use icc_analytics::metrics;
use icc_analytics::reorder::{ReorderPolicy, advise};
use icc_analytics::{DailySeries, HolidayCalendar, Interval, TotalScales};
use icc_store::DataWatermark;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{self, MAX_HORIZON_DAYS};
use crate::history::{SkuHistory, feature_values};
use crate::models::{ModelChoice, ModelKind};

pub mod panel;

pub use panel::{Panel, PanelError, parse_panel, read_panel};

/// Longest holdout accepted, in days.
pub const MAX_HOLDOUT_DAYS: usize = 3660;
/// Most worker threads `--threads` may ask for.
pub const MAX_THREADS: usize = 256;

/// Flags of `forecast-svc evaluate`.
#[derive(Debug, Clone, clap::Args)]
pub struct EvaluateArgs {
    /// CSV with header `date,series,units` (plain or gzip), one row per
    /// series per day, each series' rows in date order.
    #[arg(long)]
    pub data: PathBuf,
    /// Days forecast, 1..=365.
    #[arg(long, default_value_t = 28)]
    pub horizon: usize,
    /// Days held out at the end of every series; the first
    /// min(horizon, holdout) are scored.
    #[arg(long, default_value_t = 28)]
    pub holdout: usize,
    /// Models to evaluate, comma-separated (default: every model and auto).
    #[arg(long, value_delimiter = ',')]
    pub models: Option<Vec<String>>,
    /// Writes the results as JSON here.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Writes one CSV row per series and model here (series, model, the
    /// model that forecast it, the series' scores), to see where a model
    /// does well or badly and what AUTO chose.
    #[arg(long)]
    pub series_out: Option<PathBuf>,
    /// Holiday rules file; the built-in calendar when unset.
    #[arg(long)]
    pub holidays: Option<PathBuf>,
    /// Threads; 0 means one per core.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Lead time of the reorder point whose achieved service level is
    /// measured, 1..=min(horizon, holdout) days.
    #[arg(long, default_value_t = 7)]
    pub lead_time: usize,
    /// Service level the reorder point is set for, in (0, 1).
    #[arg(long, default_value_t = 0.95)]
    pub service_level: f64,
}

/// One series' scores for one model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesScore {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// sMAPE in percent.
    pub smape: f64,
    /// MASE; `None` when the training part has no seasonal-naive error.
    pub mase: Option<f64>,
    /// Share of scored days inside the 80% interval.
    pub coverage_80: f64,
    /// Share of scored days inside the 95% interval.
    pub coverage_95: f64,
    /// Whether the demand over the lead time stayed within the reorder
    /// point.
    pub within_reorder_point: bool,
    /// That reorder point's safety stock, units.
    pub safety_stock: f64,
}

/// A model's results over the panel: means over series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    /// Mean of per-series MAE.
    pub mae: f64,
    /// Mean of per-series RMSE.
    pub rmse: f64,
    /// Mean of per-series sMAPE, percent.
    pub smape: f64,
    /// Mean of per-series MASE over the series where it is defined.
    pub mase: Option<f64>,
    /// Median of the same.
    pub mase_median: Option<f64>,
    /// Series with a defined MASE (the others have a zero scale).
    pub mase_n_series: usize,
    /// Mean share of scored days inside the 80% intervals.
    pub coverage_80: f64,
    /// Mean share inside the 95% intervals.
    pub coverage_95: f64,
    /// Share of series whose lead-time demand stayed within the reorder
    /// point: the service level achieved.
    pub reorder_service: f64,
    /// Mean safety stock of those reorder points, units.
    pub safety_stock: f64,
    /// Wall time of the model over the whole panel, seconds.
    pub seconds: f64,
}

/// The whole evaluation, as written with `--out`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Series scored (by every model).
    pub n_series: usize,
    /// Days forecast.
    pub horizon: usize,
    /// Days held out.
    pub holdout: usize,
    /// Lead time of the reorder points, days.
    pub lead_time: usize,
    /// Service level the reorder points are set for.
    pub service_level: f64,
    /// Per model, in the order asked.
    pub models: ordered_map::OrderedMap<ModelSummary>,
}

/// A series left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// The series.
    pub series: String,
    /// Why (naming the model when one failed).
    pub reason: String,
}

/// One series' outcome with one model.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesOutcome {
    /// The series.
    pub series: String,
    /// The model asked for.
    pub model: ModelChoice,
    /// The model that forecast it (AUTO's choice, or the model asked for).
    pub chosen: ModelKind,
    /// Its scores.
    pub score: SeriesScore,
}

/// What [`evaluate`] returns: the report, each scored series' outcomes and
/// the series left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    /// Scores.
    pub report: Report,
    /// Per model, in the order asked, every scored series in panel order.
    pub per_series: Vec<SeriesOutcome>,
    /// Series left out, with the reason.
    pub skipped: Vec<Skipped>,
}

/// Reads the models flag: known names, no repeats; every model and auto
/// when absent.
pub fn parse_models(names: Option<&[String]>) -> anyhow::Result<Vec<ModelChoice>> {
    let Some(names) = names else {
        let mut all: Vec<ModelChoice> = crate::models::ALL_MODELS
            .into_iter()
            .map(ModelChoice::Model)
            .collect();
        all.push(ModelChoice::Auto);
        return Ok(all);
    };
    let mut models = Vec::new();
    for name in names {
        let name = name.trim();
        let Some(choice) = ModelChoice::parse(name) else {
            bail!(
                "--models: unknown model '{name}'; known models: {}",
                ModelChoice::names().join(", ")
            );
        };
        if !models.contains(&choice) {
            models.push(choice);
        }
    }
    if models.is_empty() {
        bail!("--models: no model named");
    }
    Ok(models)
}

/// Checks horizon, holdout, lead time and service level.
pub fn check_flags(
    horizon: usize,
    holdout: usize,
    lead_time: usize,
    service_level: f64,
) -> anyhow::Result<()> {
    if horizon == 0 || horizon > MAX_HORIZON_DAYS {
        bail!("--horizon: must be between 1 and {MAX_HORIZON_DAYS}, got {horizon}");
    }
    if holdout == 0 || holdout > MAX_HOLDOUT_DAYS {
        bail!("--holdout: must be between 1 and {MAX_HOLDOUT_DAYS}, got {holdout}");
    }
    let scored = horizon.min(holdout);
    if lead_time == 0 || lead_time > scored {
        bail!("--lead-time: must be between 1 and the {scored} scored days, got {lead_time}");
    }
    if !(service_level > 0.0 && service_level < 1.0) {
        bail!("--service-level: must be strictly between 0 and 1, got {service_level}");
    }
    Ok(())
}

/// Runs the command: reads, evaluates, prints the table, writes JSON.
pub fn run(args: &EvaluateArgs) -> anyhow::Result<()> {
    check_flags(
        args.horizon,
        args.holdout,
        args.lead_time,
        args.service_level,
    )?;
    let models = parse_models(args.models.as_deref())?;
    let calendar = match &args.holidays {
        None => HolidayCalendar::builtin(),
        Some(p) => HolidayCalendar::parse(
            &std::fs::read_to_string(p).with_context(|| format!("--holidays {}", p.display()))?,
        )
        .with_context(|| format!("--holidays {}", p.display()))?,
    };
    if args.threads > MAX_THREADS {
        bail!("--threads: at most {MAX_THREADS}, got {}", args.threads);
    }
    let threads = if args.threads == 0 {
        crate::core::default_workers()
    } else {
        args.threads
    };
    let load_start = Instant::now();
    let panel = read_panel(&args.data)?;
    eprintln!(
        "read {} rows, {} series in {:.2} s",
        panel.rows,
        panel.series.len(),
        load_start.elapsed().as_secs_f64()
    );
    if panel.filled_days > 0 {
        eprintln!(
            "{} series have missing days; {} days counted as 0 units",
            panel.series_with_gaps, panel.filled_days
        );
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .context("starting the worker threads")?;
    let progress = progress_bar((panel.series.len() * models.len()) as u64);
    let evaluation = pool.install(|| {
        evaluate(
            &panel.series,
            &models,
            Split {
                horizon: args.horizon,
                holdout: args.holdout,
                reorder: reorder_policy(args.lead_time, args.service_level),
            },
            &calendar,
            &progress,
        )
    });
    progress.finish_and_clear();
    for s in &evaluation.skipped {
        eprintln!("skipped series {}: {}", s.series, s.reason);
    }
    let report = &evaluation.report;
    if report.n_series == 0 {
        bail!("no series could be evaluated (see the skipped series above)");
    }
    print!("{}", table(report));
    if let Some(path) = &args.out {
        let json = serde_json::to_string_pretty(report)?;
        std::fs::write(path, json + "\n").with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.series_out {
        write_series_csv(path, &evaluation.per_series)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Writes `outcomes` as CSV, one row each; an undefined MASE is empty.
fn write_series_csv(path: &std::path::Path, outcomes: &[SeriesOutcome]) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_path(path)?;
    out.write_record([
        "series",
        "model",
        "chosen",
        "mae",
        "rmse",
        "smape",
        "mase",
        "coverage_80",
        "coverage_95",
        "within_reorder_point",
        "safety_stock",
    ])?;
    for o in outcomes {
        let s = &o.score;
        let mase = s.mase.map(|m| m.to_string()).unwrap_or_default();
        out.write_record([
            o.series.as_str(),
            o.model.name(),
            o.chosen.name(),
            &s.mae.to_string(),
            &s.rmse.to_string(),
            &s.smape.to_string(),
            &mase,
            &s.coverage_80.to_string(),
            &s.coverage_95.to_string(),
            &s.within_reorder_point.to_string(),
            &s.safety_stock.to_string(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

fn progress_bar(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix:>14} [{bar:40}] {pos}/{len} series-models, {elapsed} elapsed, eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// One model's per-series outcomes (the model that forecast, the scores)
/// and its wall time.
type ModelRun = (
    ModelChoice,
    Vec<Result<(ModelKind, SeriesScore), String>>,
    f64,
);

/// What is held out, forecast and scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Split {
    /// Days forecast.
    pub horizon: usize,
    /// Days held out at the end of every series.
    pub holdout: usize,
    /// The reorder points whose achieved service is measured: their lead
    /// time (at most min(horizon, holdout)) and service level.
    pub reorder: ReorderPolicy,
}

/// The reorder policy of a lead time and a service level, without a review
/// period (only the reorder point and its safety stock are read).
pub fn reorder_policy(lead_time: usize, service_level: f64) -> ReorderPolicy {
    ReorderPolicy {
        lead_time_days: u32::try_from(lead_time).unwrap_or(u32::MAX),
        service_level,
        review_period_days: 0,
    }
}

/// Evaluates `models` on `series` (on the current rayon pool).
pub fn evaluate(
    series: &[(String, DailySeries)],
    models: &[ModelChoice],
    split: Split,
    calendar: &HolidayCalendar,
    progress: &ProgressBar,
) -> Evaluation {
    let (usable, mut skipped) = with_training_days(series, split.holdout);
    let calendar = Arc::new(calendar.clone());
    let mut per_model: Vec<ModelRun> = Vec::new();
    for &choice in models {
        progress.set_prefix(choice.name());
        let start = Instant::now();
        let scores: Vec<Result<(ModelKind, SeriesScore), String>> = usable
            .par_iter()
            .map(|(name, s)| {
                let r = evaluate_series(name, s, choice, split, &calendar);
                progress.inc(1);
                r
            })
            .collect();
        per_model.push((choice, scores, start.elapsed().as_secs_f64()));
    }
    let keep = scored_by_every_model(&per_model, &usable, &mut skipped);
    let mut summaries = ordered_map::OrderedMap::default();
    let mut per_series = Vec::new();
    for (choice, scores, seconds) in per_model {
        let kept: Vec<SeriesOutcome> = scores
            .into_iter()
            .zip(&keep)
            .zip(&usable)
            .filter(|((_, k), _)| **k)
            .filter_map(|((r, _), s)| {
                r.ok().map(|(chosen, score)| SeriesOutcome {
                    series: s.0.clone(),
                    model: choice,
                    chosen,
                    score,
                })
            })
            .collect();
        let scores: Vec<SeriesScore> = kept.iter().map(|o| o.score).collect();
        summaries.push(choice.name(), summarise(&scores, seconds));
        per_series.extend(kept);
    }
    Evaluation {
        report: Report {
            n_series: keep.iter().filter(|k| **k).count(),
            horizon: split.horizon,
            holdout: split.holdout,
            lead_time: split.reorder.lead_time_days as usize,
            service_level: split.reorder.service_level,
            models: summaries,
        },
        per_series,
        skipped,
    }
}

/// The series longer than the holdout, and the others as skipped.
fn with_training_days(
    series: &[(String, DailySeries)],
    holdout: usize,
) -> (Vec<&(String, DailySeries)>, Vec<Skipped>) {
    let (usable, short): (Vec<_>, Vec<_>) = series.iter().partition(|s| s.1.len() > holdout);
    let skipped = short
        .into_iter()
        .map(|(name, s)| Skipped {
            series: name.clone(),
            reason: format!(
                "{} days of history; the {holdout}-day holdout leaves none to train on",
                s.len()
            ),
        })
        .collect();
    (usable, skipped)
}

/// Whether each usable series was scored by every model; each one that
/// was not goes to `skipped` once, with the first model's reason.
fn scored_by_every_model(
    per_model: &[ModelRun],
    usable: &[&(String, DailySeries)],
    skipped: &mut Vec<Skipped>,
) -> Vec<bool> {
    let mut keep = vec![true; usable.len()];
    for (choice, scores, _) in per_model {
        for (i, r) in scores.iter().enumerate() {
            if let Err(why) = r
                && keep[i]
            {
                keep[i] = false;
                skipped.push(Skipped {
                    series: usable[i].0.clone(),
                    reason: format!("model {}: {why}", choice.name()),
                });
            }
        }
    }
    keep
}

/// Holds out the last `holdout` days of `series`, forecasts with `choice`
/// as the service would and scores the first min(horizon, holdout) days;
/// returns the model that forecast and the scores.
pub fn evaluate_series(
    name: &str,
    series: &DailySeries,
    choice: ModelChoice,
    split: Split,
    calendar: &HolidayCalendar,
) -> Result<(ModelKind, SeriesScore), String> {
    let Split {
        horizon,
        holdout,
        reorder,
    } = split;
    let forecasted = holdout_forecast(name, series, choice, horizon, holdout, calendar)?;
    let train_days = series.len() - holdout;
    let k = horizon.min(holdout);
    let actual = &series.units()[train_days..train_days + k];
    let forecast: Vec<f64> = forecasted.points[..k].iter().map(|p| p.value).collect();
    let scored = ScoredDays {
        actual,
        forecast: &forecast,
        intervals: &forecasted.intervals[..k],
        total_errors: &forecasted.total_errors,
    };
    score(&scored, &series.units()[..train_days], &reorder).map(|score| (forecasted.model, score))
}

/// What a series' scored days were, and what was forecast for them.
#[derive(Debug, Clone, Copy)]
pub struct ScoredDays<'a> {
    /// Actual units per scored day.
    pub actual: &'a [f64],
    /// The forecast of each.
    pub forecast: &'a [f64],
    /// Its intervals.
    pub intervals: &'a [Interval],
    /// The error scales of its running totals (at least as many as the
    /// lead time).
    pub total_errors: &'a TotalScales,
}

/// The forecast (with intervals) made from `series` minus its last
/// `holdout` days: the service's own computation on the training part.
pub fn holdout_forecast(
    name: &str,
    series: &DailySeries,
    choice: ModelChoice,
    horizon: usize,
    holdout: usize,
    calendar: &HolidayCalendar,
) -> Result<engine::Forecasted, String> {
    let n = series.len();
    let train_days = n
        .checked_sub(holdout)
        .filter(|&d| d > 0)
        .ok_or_else(|| format!("{n} days cannot hold out {holdout}"))?;
    let training = series
        .truncated(series.date_of(train_days - 1))
        .ok_or_else(|| "empty training part".to_string())?;
    let history = training_history(name, from_first_sale(training, choice), choice, calendar);
    engine::forecast(&history, choice, horizon, calendar).map_err(|e| e.to_string())
}

/// `series` from its first day with sales, keeping at least the days the
/// simplest model of `choice` needs (all of it when nothing sold).
fn from_first_sale(series: DailySeries, choice: ModelChoice) -> DailySeries {
    let need = choice
        .candidates()
        .iter()
        .map(|k| k.min_history_days())
        .min()
        .unwrap_or(1);
    let first_sale = series.units().iter().position(|&u| u > 0.0).unwrap_or(0);
    let start = first_sale.min(series.len().saturating_sub(need));
    if start == 0 {
        return series;
    }
    DailySeries::new(series.date_of(start), series.units()[start..].to_vec())
        .expect("a suffix of a valid series is valid")
}

/// The service's view of a training part. Only the seed model reads the
/// stored feature rows, so they are computed only when it may run.
fn training_history(
    name: &str,
    series: DailySeries,
    choice: ModelChoice,
    calendar: &HolidayCalendar,
) -> SkuHistory {
    let rows = if choice.candidates().contains(&ModelKind::Seed) {
        feature_values(&series, calendar)
    } else {
        Vec::new()
    };
    SkuHistory {
        sku: name.to_owned(),
        watermark: DataWatermark {
            data_through: series.end(),
            version: 1,
        },
        series,
        rows,
    }
}

/// One series' scores from its scored days, its training part (for the
/// MASE scale) and the policy of the reorder point (its lead time cut to
/// the scored days).
pub fn score(
    scored: &ScoredDays<'_>,
    training: &[f64],
    reorder: &ReorderPolicy,
) -> Result<SeriesScore, String> {
    let ScoredDays {
        actual,
        forecast,
        intervals,
        total_errors,
    } = *scored;
    let accuracy = metrics::accuracy(actual, forecast, training).map_err(|e| e.to_string())?;
    let lead = (reorder.lead_time_days as usize).min(actual.len());
    let policy = reorder_policy(lead, reorder.service_level);
    let mut totals = total_errors.clone();
    totals.truncate(lead);
    // Stock on hand and dates do not enter the reorder point.
    let advice = advise(0, NaiveDate::MIN, &forecast[..lead], &totals, &policy)
        .map_err(|e| format!("reorder point: {e}"))?;
    let share = |hit: &dyn Fn(&Interval, f64) -> bool| {
        let hits = intervals
            .iter()
            .zip(actual)
            .filter(|(i, a)| hit(i, **a))
            .count();
        hits as f64 / actual.len() as f64
    };
    Ok(SeriesScore {
        mae: accuracy.mae,
        rmse: accuracy.rmse,
        smape: accuracy.smape,
        mase: accuracy.mase,
        coverage_80: share(&|i, a| i.covers_80(a)),
        coverage_95: share(&|i, a| i.covers_95(a)),
        within_reorder_point: actual[..lead].iter().sum::<f64>() <= advice.reorder_point as f64,
        safety_stock: advice.safety_stock,
    })
}

/// Means over series; MASE over the series where it is defined.
pub fn summarise(scores: &[SeriesScore], seconds: f64) -> ModelSummary {
    let mean = |f: &dyn Fn(&SeriesScore) -> f64| {
        if scores.is_empty() {
            0.0
        } else {
            scores.iter().map(f).sum::<f64>() / scores.len() as f64
        }
    };
    let mut mase: Vec<f64> = scores.iter().filter_map(|s| s.mase).collect();
    mase.sort_by(f64::total_cmp);
    let n = mase.len();
    let median = (n > 0).then(|| {
        if n % 2 == 1 {
            mase[n / 2]
        } else {
            (mase[n / 2 - 1] + mase[n / 2]) / 2.0
        }
    });
    ModelSummary {
        mae: mean(&|s| s.mae),
        rmse: mean(&|s| s.rmse),
        smape: mean(&|s| s.smape),
        mase: (n > 0).then(|| mase.iter().sum::<f64>() / n as f64),
        mase_median: median,
        mase_n_series: n,
        coverage_80: mean(&|s| s.coverage_80),
        coverage_95: mean(&|s| s.coverage_95),
        reorder_service: mean(&|s| f64::from(u8::from(s.within_reorder_point))),
        safety_stock: mean(&|s| s.safety_stock),
        seconds,
    }
}

/// The table printed on stdout.
pub fn table(report: &Report) -> String {
    let mut out = format!(
        "{} series, horizon {}, holdout {} (scored days: {})\n\
         svc: share of series whose {}-day demand stayed within the reorder point \
         set for {}% service; safety: its mean safety stock\n",
        report.n_series,
        report.horizon,
        report.holdout,
        report.horizon.min(report.holdout),
        report.lead_time,
        report.service_level * 100.0
    );
    out.push_str(&format!(
        "{:<16} {:>9} {:>9} {:>8} {:>7} {:>9} {:>7} {:>7} {:>7} {:>7} {:>8} {:>9}\n",
        "model",
        "MAE",
        "RMSE",
        "sMAPE%",
        "MASE",
        "MASE med",
        "n MASE",
        "cov80",
        "cov95",
        "svc",
        "safety",
        "seconds"
    ));
    let opt = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.4}"));
    for (name, m) in report.models.iter() {
        out.push_str(&format!(
            "{:<16} {:>9.4} {:>9.4} {:>8.3} {:>7} {:>9} {:>7} {:>7.3} {:>7.3} {:>7.3} {:>8.2} {:>9.2}\n",
            name,
            m.mae,
            m.rmse,
            m.smape,
            opt(m.mase),
            opt(m.mase_median),
            m.mase_n_series,
            m.coverage_80,
            m.coverage_95,
            m.reorder_service,
            m.safety_stock,
            m.seconds
        ));
    }
    out
}

/// A map that keeps insertion order and serialises as a JSON object, so
/// the models appear in the order they were asked for.
pub mod ordered_map {
    use serde::ser::{Serialize, SerializeMap, Serializer};

    /// Name → value pairs in insertion order.
    #[derive(Debug, Clone, PartialEq)]
    pub struct OrderedMap<V>(Vec<(String, V)>);

    impl<V> Default for OrderedMap<V> {
        fn default() -> Self {
            OrderedMap(Vec::new())
        }
    }

    impl<V> OrderedMap<V> {
        /// Appends a pair.
        pub fn push(&mut self, name: &str, value: V) {
            self.0.push((name.to_owned(), value));
        }

        /// The pairs in order.
        pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
            self.0.iter().map(|(k, v)| (k.as_str(), v))
        }

        /// The value for `name`.
        pub fn get(&self, name: &str) -> Option<&V> {
            self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
        }
    }

    impl<V: Serialize> Serialize for OrderedMap<V> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (k, v) in &self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }
}

#[cfg(test)]
mod tests;
