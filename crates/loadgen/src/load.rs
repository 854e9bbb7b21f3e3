//! The closed loop: N clients, each sending its next request as soon as the
//! previous one is answered, for a warm-up and then a measured window. Every
//! latency of the window goes into an HDR histogram.

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use tokio::task::JoinSet;
use tonic::Status;
use tonic::transport::{Channel, Endpoint};

/// Smallest and largest latency the histograms hold, in nanoseconds; larger
/// values are clamped to the top.
const LOWEST_NS: u64 = 1;
const HIGHEST_NS: u64 = 120_000_000_000;
/// Significant decimal digits kept for every recorded latency.
const SIG_FIGS: u8 = 3;

/// One client's way of making one call.
pub trait Target: Send + 'static {
    /// Makes one call and reports only whether it succeeded.
    fn call(&mut self) -> impl Future<Output = Result<(), Status>> + Send;
}

/// A latency histogram in nanoseconds with the bounds every sample shares.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(LOWEST_NS, HIGHEST_NS, SIG_FIGS)
        .expect("constant histogram bounds are valid")
}

/// What one closed-loop run measured.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Latencies of the successful calls started in the window, in ns.
    pub latencies: Histogram<u64>,
    /// Failed calls started in the window, by gRPC code name.
    pub errors: BTreeMap<String, u64>,
    /// The first failure's status, for the report.
    pub first_error: Option<String>,
    /// From the start of the window to the last answer of a call started in
    /// it (a little more than the window: the last calls finish after it).
    pub elapsed: Duration,
}

impl Sample {
    fn empty() -> Self {
        Sample {
            latencies: new_histogram(),
            errors: BTreeMap::new(),
            first_error: None,
            elapsed: Duration::ZERO,
        }
    }

    /// Successful calls.
    pub fn ok(&self) -> u64 {
        self.latencies.len()
    }

    /// Failed calls.
    pub fn failed(&self) -> u64 {
        self.errors.values().sum()
    }

    fn record(&mut self, latency: Duration, outcome: Result<(), Status>) {
        match outcome {
            Ok(()) => {
                let ns = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
                self.latencies.saturating_record(ns.max(LOWEST_NS));
            }
            Err(status) => {
                *self
                    .errors
                    .entry(format!("{:?}", status.code()))
                    .or_default() += 1;
                if self.first_error.is_none() {
                    self.first_error = Some(format!("{:?}: {}", status.code(), status.message()));
                }
            }
        }
    }

    fn merge(&mut self, other: Sample) {
        self.latencies
            .add(&other.latencies)
            .expect("histograms share their bounds");
        for (code, n) in other.errors {
            *self.errors.entry(code).or_default() += n;
        }
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.elapsed = self.elapsed.max(other.elapsed);
    }
}

/// Timing of one closed-loop run.
#[derive(Debug, Clone, Copy)]
pub struct Phases {
    /// Calls made but not recorded, to open connections and warm caches.
    pub warmup: Duration,
    /// The measured window.
    pub window: Duration,
}

/// Runs every client in a closed loop for `phases.warmup` then
/// `phases.window`, and merges what they measured. Calls started in the
/// window count, whenever they end; each client stops starting calls when
/// the window closes, so the run ends by itself (given request deadlines).
pub async fn closed_loop<T: Target>(clients: Vec<T>, phases: Phases) -> anyhow::Result<Sample> {
    let start = Instant::now();
    let window_start = start + phases.warmup;
    let window_end = window_start + phases.window;
    let mut tasks = JoinSet::new();
    for mut client in clients {
        tasks.spawn(async move {
            let mut sample = Sample::empty();
            let mut last_end = window_start;
            loop {
                let sent = Instant::now();
                if sent >= window_end {
                    break;
                }
                let outcome = client.call().await;
                let done = Instant::now();
                if sent >= window_start {
                    sample.record(done - sent, outcome);
                    last_end = done;
                }
            }
            sample.elapsed = last_end - window_start;
            sample
        });
    }
    let mut total = Sample::empty();
    while let Some(joined) = tasks.join_next().await {
        total.merge(joined?);
    }
    Ok(total)
}

/// Opens `n` channels (one HTTP/2 connection each) to `addr`. Every call
/// gets a deadline of `request_timeout`, so no run can hang on a stuck
/// server.
pub async fn connect_channels(
    addr: SocketAddr,
    n: usize,
    request_timeout: Duration,
) -> anyhow::Result<Vec<Channel>> {
    anyhow::ensure!(
        addr.ip().is_loopback(),
        "refusing to load {addr}: benchmarks send traffic to loopback addresses only"
    );
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(request_timeout);
    let mut channels = Vec::with_capacity(n);
    for _ in 0..n {
        channels.push(endpoint.connect().await?);
    }
    Ok(channels)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Flaky {
        n: u64,
    }

    impl Target for Flaky {
        fn call(&mut self) -> impl Future<Output = Result<(), Status>> + Send {
            self.n += 1;
            let fail = self.n.is_multiple_of(4);
            async move {
                tokio::task::yield_now().await;
                if fail {
                    Err(Status::unavailable("every fourth call fails"))
                } else {
                    Ok(())
                }
            }
        }
    }

    #[tokio::test]
    async fn counts_successes_and_errors_of_the_window_only() {
        let phases = Phases {
            warmup: Duration::from_millis(5),
            window: Duration::from_millis(20),
        };
        let sample = closed_loop(vec![Flaky { n: 0 }, Flaky { n: 0 }], phases)
            .await
            .unwrap();
        assert!(sample.ok() > 0);
        let failed = sample.failed();
        assert_eq!(sample.errors.get("Unavailable"), Some(&failed));
        // Roughly one in four calls fails (window edges cut up to one cycle
        // per client).
        let total = sample.ok() + failed;
        assert!(failed * 4 <= total + 8 && failed * 4 + 8 >= total);
        assert!(sample.first_error.unwrap().starts_with("Unavailable"));
        assert!(sample.elapsed + Duration::from_millis(1) >= phases.window);
    }
}
