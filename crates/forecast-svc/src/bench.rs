//! `forecast-svc bench`: times the seed pipeline the service runs per SKU
//! (features as ingest-svc stores them, the fit on those rows, the 28-day
//! recursive forecast, the rolling-origin backtest behind its intervals)
//! over a CSV of daily series, on one or more threads. scripts/
//! bench_forecast.py runs it next to the same pipeline in pandas +
//! scikit-learn on the same file (docs/benchmarks.md).

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use icc_analytics::{DailySeries, Duplicates, HolidayCalendar};
use icc_store::DataWatermark;

use crate::engine;
use crate::history::{SkuHistory, feature_values};
use crate::models::{ModelChoice, ModelKind};

/// Flags of `forecast-svc bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// CSV with header `date,series,units` (plain text), one row per series
    /// per day, each series' rows in date order.
    #[arg(long)]
    pub data: PathBuf,
    /// Holiday rules file; the built-in calendar when unset.
    #[arg(long)]
    pub holidays: Option<PathBuf>,
    /// Threads; 0 means one per core.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Days forecast (and backtested) per series.
    #[arg(long, default_value_t = 28)]
    pub horizon: usize,
    /// Writes `series,step,value` of every forecast here.
    #[arg(long)]
    pub forecasts_out: Option<PathBuf>,
}

/// Loads the data, runs the pipeline and prints one JSON line.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    let calendar = match &args.holidays {
        None => HolidayCalendar::builtin(),
        Some(p) => HolidayCalendar::parse(&std::fs::read_to_string(p)?)
            .with_context(|| format!("holidays file {}", p.display()))?,
    };
    let load_start = Instant::now();
    let series = load(&args.data)?;
    let load_seconds = load_start.elapsed().as_secs_f64();
    let threads = if args.threads == 0 {
        crate::core::default_workers()
    } else {
        args.threads
    };
    let start = Instant::now();
    let results = pipeline(&series, &calendar, args.horizon, threads);
    let seconds = start.elapsed().as_secs_f64();
    let mut failed = 0usize;
    let mut checksum = 0.0;
    for r in &results {
        match r {
            Ok(values) => checksum += values.iter().sum::<f64>(),
            Err(_) => failed += 1,
        }
    }
    if let Some(path) = &args.forecasts_out {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        writeln!(out, "series,step,value")?;
        for ((name, _), r) in series.iter().zip(&results) {
            if let Ok(values) = r {
                for (step, v) in values.iter().enumerate() {
                    writeln!(out, "{name},{},{v:.17e}", step + 1)?;
                }
            }
        }
    }
    println!(
        "{{\"series\": {}, \"days\": {}, \"threads\": {threads}, \"horizon\": {}, \
         \"seconds\": {seconds:.3}, \"series_per_second\": {:.1}, \"failed\": {failed}, \
         \"load_seconds\": {load_seconds:.3}, \"checksum\": {checksum:.6}}}",
        series.len(),
        series.first().map_or(0, |(_, s)| s.len()),
        args.horizon,
        series.len() as f64 / seconds
    );
    Ok(())
}

/// One series' forecast values, or why there are none.
pub type Outcome = Result<Vec<f64>, crate::Error>;

/// The seed pipeline on every series, `threads` at a time; the forecast
/// values per series, in input order.
pub fn pipeline(
    series: &[(String, DailySeries)],
    calendar: &HolidayCalendar,
    horizon: usize,
    threads: usize,
) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Outcome>>> = series.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, s)) = series.get(i) else {
                        break;
                    };
                    let r = one(name, s, calendar, horizon);
                    *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err(crate::Error::Internal("not run".into())))
        })
        .collect()
}

fn one(
    name: &str,
    series: &DailySeries,
    calendar: &HolidayCalendar,
    horizon: usize,
) -> Result<Vec<f64>, crate::Error> {
    let rows = feature_values(series, calendar);
    let watermark = DataWatermark {
        data_through: series.end(),
        version: 1,
    };
    let history = SkuHistory::from_store(name, rows, Some(watermark))?
        .ok_or_else(|| crate::Error::Internal("empty series".into()))?;
    let f = engine::forecast(
        &history,
        ModelChoice::Model(ModelKind::Seed),
        horizon,
        calendar,
    )?;
    Ok(f.points.iter().map(|p| p.value).collect())
}

/// Reads `date,series,units` rows into gap-filled series, in first-seen
/// order.
pub fn load(path: &Path) -> anyhow::Result<Vec<(String, DailySeries)>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = reader.headers()?.clone();
    if headers.iter().collect::<Vec<_>>() != ["date", "series", "units"] {
        bail!("{}: the header must be date,series,units", path.display());
    }
    let mut order: Vec<String> = Vec::new();
    let mut rows: HashMap<String, Vec<(NaiveDate, f64)>> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1usize;
    while reader.read_record(&mut record)? {
        line += 1;
        let bad = |what: &str| anyhow::anyhow!("{} line {line}: {what}", path.display());
        let date: NaiveDate = record[0].parse().map_err(|_| bad("bad date"))?;
        let units: f64 = record[2].parse().map_err(|_| bad("bad units"))?;
        let name = &record[1];
        match rows.get_mut(name) {
            Some(v) => v.push((date, units)),
            None => {
                order.push(name.to_owned());
                rows.insert(name.to_owned(), vec![(date, units)]);
            }
        }
    }
    order
        .into_iter()
        .map(|name| {
            let obs = rows.remove(&name).unwrap_or_default();
            let end = obs.last().map(|o| o.0).context("a series without rows")?;
            let s = DailySeries::from_observations(&obs, end, Duplicates::Reject)
                .with_context(|| format!("series {name}"))?;
            Ok((name, s))
        })
        .collect()
}
