//! Results: one row per (concurrency, target), ratios of each target to the
//! baseline at the same concurrency, rendered as markdown tables or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::load::Sample;

/// What one target measured at one concurrency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Target name, e.g. `echo` or `PlaceOrder`.
    pub target: String,
    /// Concurrent clients in the closed loop.
    pub concurrency: usize,
    /// HTTP/2 connections the clients shared.
    pub channels: usize,
    /// Successful calls in the window.
    pub ok: u64,
    /// Failed calls in the window.
    pub errors: u64,
    /// Failed calls by gRPC code.
    pub error_codes: BTreeMap<String, u64>,
    /// The first failure, if any.
    pub first_error: Option<String>,
    /// Seconds from the window's start to its last answer.
    pub elapsed_s: f64,
    /// Successful calls per second.
    pub throughput_rps: f64,
    /// Latency of successful calls, in microseconds.
    pub mean_us: f64,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

impl Row {
    /// Summarises a sample.
    pub fn new(target: &str, concurrency: usize, channels: usize, sample: &Sample) -> Row {
        let h = &sample.latencies;
        let us = |ns: u64| ns as f64 / 1_000.0;
        let elapsed_s = sample.elapsed.as_secs_f64();
        let ok = sample.ok();
        Row {
            target: target.to_string(),
            concurrency,
            channels,
            ok,
            errors: sample.failed(),
            error_codes: sample.errors.clone(),
            first_error: sample.first_error.clone(),
            elapsed_s,
            throughput_rps: if elapsed_s > 0.0 {
                ok as f64 / elapsed_s
            } else {
                0.0
            },
            mean_us: if ok > 0 { h.mean() / 1_000.0 } else { 0.0 },
            p50_us: us(h.value_at_quantile(0.50)),
            p90_us: us(h.value_at_quantile(0.90)),
            p99_us: us(h.value_at_quantile(0.99)),
            max_us: us(h.max()),
        }
    }
}

/// A target compared with the baseline at one concurrency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ratio {
    pub concurrency: usize,
    pub target: String,
    pub baseline: String,
    /// target req/s divided by baseline req/s.
    pub throughput: f64,
    /// target p50 divided by baseline p50.
    pub p50: f64,
    /// target p99 divided by baseline p99.
    pub p99: f64,
}

/// Ratios of every non-baseline row to the baseline row of its concurrency.
pub fn ratios(rows: &[Row], baseline: &str) -> Vec<Ratio> {
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    rows.iter()
        .filter(|r| r.target != baseline)
        .filter_map(|r| {
            let base = rows
                .iter()
                .find(|b| b.target == baseline && b.concurrency == r.concurrency)?;
            Some(Ratio {
                concurrency: r.concurrency,
                target: r.target.clone(),
                baseline: baseline.to_string(),
                throughput: div(r.throughput_rps, base.throughput_rps),
                p50: div(r.p50_us, base.p50_us),
                p99: div(r.p99_us, base.p99_us),
            })
        })
        .collect()
}

/// The results table, then the ratio table, in markdown.
pub fn markdown(rows: &[Row], ratios: &[Ratio]) -> String {
    let mut out = String::new();
    out.push_str("| clients | target | req/s | p50 ms | p99 ms | errors |\n");
    out.push_str("|--------:|--------|------:|-------:|-------:|-------:|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.concurrency,
            r.target,
            thousands(r.throughput_rps.round() as u64),
            millis(r.p50_us),
            millis(r.p99_us),
            thousands(r.errors),
        );
    }
    if !ratios.is_empty() {
        out.push('\n');
        out.push_str("| clients | ratio | req/s | p50 | p99 |\n");
        out.push_str("|--------:|-------|------:|----:|----:|\n");
        for q in ratios {
            let _ = writeln!(
                out,
                "| {} | {} / {} | {} | {} | {} |",
                q.concurrency,
                q.target,
                q.baseline,
                sig3(q.throughput),
                sig3(q.p50),
                sig3(q.p99),
            );
        }
    }
    out
}

/// A whole number with commas between thousands: 12345 -> "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Microseconds shown as milliseconds with about three significant digits.
pub fn millis(us: f64) -> String {
    let ms = us / 1_000.0;
    if ms < 10.0 {
        format!("{ms:.3}")
    } else if ms < 100.0 {
        format!("{ms:.2}")
    } else {
        format!("{ms:.1}")
    }
}

/// A ratio with three significant digits ("n/a" when undefined).
pub fn sig3(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let magnitude = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    let decimals = (2 - magnitude).max(0) as usize;
    format!("{x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::load::new_histogram;

    fn sample(latencies_us: &[u64], errors: u64, elapsed: Duration) -> Sample {
        let mut h = new_histogram();
        for us in latencies_us {
            h.record(us * 1_000).unwrap();
        }
        let mut errs = BTreeMap::new();
        if errors > 0 {
            errs.insert("Unavailable".to_string(), errors);
        }
        Sample {
            latencies: h,
            errors: errs,
            first_error: None,
            elapsed,
        }
    }

    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() <= expected * 1e-3,
            "{actual} is not within 0.1% of {expected}"
        );
    }

    #[test]
    fn rows_take_throughput_and_percentiles_from_the_histogram() {
        let lat: Vec<u64> = (1..=100).collect();
        let row = Row::new("echo", 4, 4, &sample(&lat, 3, Duration::from_secs(2)));
        assert_eq!(row.ok, 100);
        assert_eq!(row.errors, 3);
        assert_eq!(row.throughput_rps, 50.0);
        // Three significant digits: within 0.1%.
        close(row.p50_us, 50.0);
        close(row.p99_us, 99.0);
        close(row.max_us, 100.0);
    }

    #[test]
    fn ratios_pair_each_target_with_the_baseline_at_its_concurrency() {
        let echo = Row::new("echo", 1, 1, &sample(&[100; 10], 0, Duration::from_secs(1)));
        let echo16 = Row::new(
            "echo",
            16,
            16,
            &sample(&[200; 40], 0, Duration::from_secs(1)),
        );
        let place = Row::new(
            "PlaceOrder",
            1,
            1,
            &sample(&[400; 5], 1, Duration::from_secs(1)),
        );
        let rows = vec![echo, place, echo16];
        let q = ratios(&rows, "echo");
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].concurrency, 1);
        close(q[0].throughput, 0.5);
        close(q[0].p50, 4.0);

        let table = markdown(&rows, &q);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(
            lines[0],
            "| clients | target | req/s | p50 ms | p99 ms | errors |"
        );
        assert_eq!(lines[2], "| 1 | echo | 10 | 0.100 | 0.100 | 0 |");
        assert_eq!(lines[3], "| 1 | PlaceOrder | 5 | 0.400 | 0.400 | 1 |");
        assert_eq!(lines[4], "| 16 | echo | 40 | 0.200 | 0.200 | 0 |");
        assert_eq!(lines[8], "| 1 | PlaceOrder / echo | 0.500 | 4.00 | 4.00 |");
    }

    #[test]
    fn numbers_are_formatted_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(millis(87.0), "0.087");
        assert_eq!(millis(12_346.0), "12.35");
        assert_eq!(millis(123_456.0), "123.5");
        assert_eq!(sig3(0.0412), "0.0412");
        assert_eq!(sig3(31.24), "31.2");
        assert_eq!(sig3(1.0), "1.00");
        assert_eq!(sig3(1234.0), "1234");
        assert_eq!(sig3(f64::NAN), "n/a");
    }
}
