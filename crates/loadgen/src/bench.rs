//! `icc-loadgen run`: the PlaceOrder vs bare echo benchmark.
//!
//! Starts an echo server and a fresh orders-svc (SQLite store in a temporary
//! directory) as child processes, seeds products with ample stock, then at
//! each concurrency level runs the closed loop against both targets, in
//! alternating order from level to level so drift over the run (a noisy
//! neighbour, a growing database) affects both alike.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::echo::EchoTarget;
use crate::load::{Phases, Sample, closed_loop, connect_channels};
use crate::machine::{FsyncProbe, Machine, fsync_probe, loadavg};
use crate::orders::{PlaceOrderTarget, ensure_stock, seed_products, typical_request_len};
use crate::procs::{ChildProc, OrdersSvcSpec, spawn_echo_server, spawn_orders_svc, wait_serving};
use crate::report::{Ratio, Row, markdown, ratios};

/// Name of the baseline target in reports.
pub const ECHO: &str = "echo";
/// Name of the orders-svc target in reports.
pub const PLACE_ORDER: &str = "PlaceOrder";

/// `icc-loadgen run` flags.
#[derive(Debug, Clone, clap::Args, Serialize, Deserialize)]
pub struct RunConfig {
    /// The orders-svc binary to start.
    #[arg(long, default_value = "target/release/orders-svc")]
    pub orders_svc: PathBuf,
    /// Concurrent clients, one closed-loop run per level and target.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub levels: Vec<usize>,
    /// Measured seconds per level and target.
    #[arg(long, default_value_t = 10.0)]
    pub duration_secs: f64,
    /// Unmeasured warm-up seconds before each measured window.
    #[arg(long, default_value_t = 2.0)]
    pub warmup_secs: f64,
    /// HTTP/2 connections per level (clients share them round-robin);
    /// default: one per client.
    #[arg(long)]
    pub channels: Option<usize>,
    /// Products to seed; each order takes 1 unit of 2 of them.
    #[arg(long, default_value_t = 64)]
    pub products: usize,
    /// Units of stock per product, topped up before every PlaceOrder run.
    #[arg(long, default_value_t = 100_000_000)]
    pub stock: i64,
    /// Echo payload bytes; default: sized so an EchoRequest is as long as
    /// a typical PlaceOrderRequest of this run.
    #[arg(long)]
    pub echo_payload_bytes: Option<usize>,
    /// Deadline of every call, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// orders-svc --feed-poll-ms.
    #[arg(long, default_value_t = 200)]
    pub feed_poll_ms: u64,
    /// RUST_LOG of the child servers (orders-svc logs nothing per request
    /// at info).
    #[arg(long, default_value = "info")]
    pub child_rust_log: String,
    /// Directory for the temporary store and logs (default: the system's
    /// temporary directory). Put it on the disk you mean to measure: the
    /// store's commits are fsync-bound.
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Appends-and-fsyncs of the disk probe (0 skips it).
    #[arg(long, default_value_t = 200)]
    pub fsync_samples: usize,
    /// Also write the full report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub config: RunConfig,
    pub machine: Machine,
    /// Append-4-KiB-and-fdatasync latency in the store's directory.
    pub fsync: Option<FsyncProbe>,
    /// Encoded request sizes in bytes.
    pub place_order_request_bytes: usize,
    pub echo_request_bytes: usize,
    pub rows: Vec<Row>,
    pub ratios: Vec<Ratio>,
}

/// Entry point of `icc-loadgen run`: runs, prints the tables on stdout and
/// writes the JSON if asked. On ctrl-c or SIGTERM the run is dropped, which
/// kills the children.
pub async fn run_main(config: RunConfig) -> anyhow::Result<()> {
    let report = tokio::select! {
        report = run(config.clone()) => report?,
        _ = crate::procs::shutdown_signal() => anyhow::bail!("interrupted; child servers killed"),
    };
    println!("{}", summary(&report));
    println!("{}", markdown(&report.rows, &report.ratios));
    if let Some(path) = &config.json {
        let json = serde_json::to_string_pretty(&report)?;
        std::fs::write(path, json + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// One line about the run's conditions, for the top of the output.
fn summary(r: &Report) -> String {
    let fsync = r.fsync.as_ref().map_or("not probed".to_string(), |f| {
        format!("p50 {:.0} us, p99 {:.0} us", f.p50_us, f.p99_us)
    });
    format!(
        "{} CPUs ({}); load {} -> {}; fsync {}; requests: PlaceOrder {} B, echo {} B; {} s warm-up + {} s per run\n",
        r.machine.cpus,
        r.machine.cpu_model.as_deref().unwrap_or("unknown CPU"),
        r.machine.loadavg_start.as_deref().unwrap_or("?"),
        r.machine.loadavg_end.as_deref().unwrap_or("?"),
        fsync,
        r.place_order_request_bytes,
        r.echo_request_bytes,
        r.config.warmup_secs,
        r.config.duration_secs,
    )
}

/// The children of a run. Field order is drop order: the servers are
/// killed before their scratch directory is removed.
struct Mesh {
    echo: ChildProc,
    orders: ChildProc,
    _dir: tempfile::TempDir,
}

impl Mesh {
    /// Starts the echo server and orders-svc (its store in `dir`) and waits
    /// until both serve; returns their addresses too.
    async fn start(
        config: &RunConfig,
        dir: tempfile::TempDir,
    ) -> anyhow::Result<(Mesh, std::net::SocketAddr, std::net::SocketAddr)> {
        let exe = std::env::current_exe().context("cannot find the icc-loadgen executable")?;
        let (echo, echo_addr) =
            spawn_echo_server(&exe, &dir.path().join("echo-server.log")).await?;
        let spec = OrdersSvcSpec {
            binary: config.orders_svc.clone(),
            store_path: dir.path().join("icc.db"),
            feed_poll_ms: config.feed_poll_ms,
            rust_log: config.child_rust_log.clone(),
        };
        let (orders, orders_addr) =
            spawn_orders_svc(&spec, &dir.path().join("orders-svc.log")).await?;
        let mut mesh = Mesh {
            echo,
            orders,
            _dir: dir,
        };
        let ready = Duration::from_secs(30);
        wait_serving(&mut mesh.echo, echo_addr, ready).await?;
        wait_serving(&mut mesh.orders, orders_addr, ready).await?;
        eprintln!("echo-server on {echo_addr}, orders-svc on {orders_addr}");
        Ok((mesh, echo_addr, orders_addr))
    }
}

impl RunConfig {
    /// Rejects settings the run cannot use, naming the flag.
    fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(!self.levels.is_empty(), "--levels is empty");
        anyhow::ensure!(
            self.levels.iter().all(|&c| c > 0),
            "every level must be at least 1"
        );
        anyhow::ensure!(self.duration_secs > 0.0, "--duration-secs must be positive");
        anyhow::ensure!(
            self.warmup_secs >= 0.0,
            "--warmup-secs must not be negative"
        );
        anyhow::ensure!(self.channels != Some(0), "--channels must be at least 1");
        Ok(())
    }
}

/// Runs the benchmark and returns the report; prints progress on stderr.
pub async fn run(config: RunConfig) -> anyhow::Result<Report> {
    config.check()?;
    let mut machine = Machine::probe();

    let dir = match &config.work_dir {
        Some(d) => tempfile::Builder::new()
            .prefix("icc-loadgen-")
            .tempdir_in(d)?,
        None => tempfile::Builder::new().prefix("icc-loadgen-").tempdir()?,
    };
    let fsync = if config.fsync_samples > 0 {
        let (path, n) = (dir.path().to_path_buf(), config.fsync_samples);
        Some(tokio::task::spawn_blocking(move || fsync_probe(&path, n)).await??)
    } else {
        None
    };

    let (mut mesh, echo_addr, orders_addr) = Mesh::start(&config, dir).await?;
    let timeout = Duration::from_millis(config.request_timeout_ms);
    let admin = connect_channels(orders_addr, 1, timeout).await?.remove(0);
    let skus: Arc<[String]> = seed_products(admin.clone(), config.products, config.stock)
        .await?
        .into();
    eprintln!(
        "seeded {} products with {} units each",
        skus.len(),
        config.stock
    );

    let run_id = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis();
    let max_level = config.levels.iter().max().copied().unwrap_or(1);
    let place_bytes = typical_request_len(&key_prefix(run_id, max_level, max_level - 1));
    // An EchoRequest adds a tag and a length to its payload.
    let payload = config
        .echo_payload_bytes
        .unwrap_or_else(|| place_bytes.saturating_sub(2));
    let echo_bytes = crate::echo::request_len(payload);

    let phases = Phases {
        warmup: Duration::from_secs_f64(config.warmup_secs),
        window: Duration::from_secs_f64(config.duration_secs),
    };
    let mut rows = Vec::new();
    for (i, &level) in config.levels.iter().enumerate() {
        let channels = config.channels.unwrap_or(level).min(level);
        let order = if i % 2 == 0 {
            [ECHO, PLACE_ORDER]
        } else {
            [PLACE_ORDER, ECHO]
        };
        for target in order {
            let sample = if target == ECHO {
                let chans = connect_channels(echo_addr, channels, timeout).await?;
                let clients = (0..level)
                    .map(|c| EchoTarget::new(chans[c % channels].clone(), payload))
                    .collect();
                closed_loop(clients, phases).await?
            } else {
                let added = ensure_stock(admin.clone(), &skus, config.stock, i).await?;
                if added > 0 {
                    eprintln!("restocked {added} units");
                }
                let chans = connect_channels(orders_addr, channels, timeout).await?;
                let clients = (0..level)
                    .map(|c| {
                        PlaceOrderTarget::new(
                            chans[c % channels].clone(),
                            skus.clone(),
                            key_prefix(run_id, level, c),
                            (run_id as u64) ^ ((level as u64) << 32) ^ c as u64,
                        )
                    })
                    .collect();
                closed_loop(clients, phases).await?
            };
            mesh.echo.ensure_running()?;
            mesh.orders.ensure_running()?;
            let row = Row::new(target, level, channels, &sample);
            eprintln!("{}", progress(&row, &sample));
            rows.push(row);
        }
    }
    machine.loadavg_end = loadavg();
    drop(admin);
    let Mesh { echo, orders, _dir } = mesh;
    echo.stop().await;
    orders.stop().await;
    drop(_dir);

    let ratios = ratios(&rows, ECHO);
    Ok(Report {
        config,
        machine,
        fsync,
        place_order_request_bytes: place_bytes,
        echo_request_bytes: echo_bytes,
        rows,
        ratios,
    })
}

/// Idempotency-key prefix of one client of one level: unique in the run.
fn key_prefix(run_id: u128, level: usize, client: usize) -> String {
    format!("bench-{run_id}-c{level}-{client}")
}

fn progress(row: &Row, sample: &Sample) -> String {
    let mut line = format!(
        "{:>4} clients {:<10} {:>9.0} req/s  p50 {:>8.1} us  p99 {:>8.1} us  ok {}  errors {}",
        row.concurrency, row.target, row.throughput_rps, row.p50_us, row.p99_us, row.ok, row.errors
    );
    if let Some(e) = &sample.first_error {
        line.push_str(&format!(" (first: {e})"));
    }
    line
}
