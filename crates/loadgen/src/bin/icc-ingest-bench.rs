//! icc-ingest-bench: the analytics pipeline's throughput and lag.
//!
//! 1. Throughput: with ingest-svc stopped, a backlog of 2-line orders is
//!    placed through orders-svc; then ingest-svc starts and the time until
//!    its checkpoint reaches the feed head gives events per second (sales
//!    events, facts and feature refreshes included, durable commits).
//! 2. Lag: with ingest-svc caught up, orders arrive at a steady rate; for
//!    each, the lag runs from its PlaceOrder acknowledgement to the moment
//!    the pipeline's checkpoint passes its change-feed position (the
//!    checkpoint moves only after the facts are committed, so that is when
//!    the fact is visible). Feed positions come from WatchInventory; the
//!    checkpoint is polled every millisecond.
//!
//! Both services run as child processes on a fresh embedded store, on
//! loopback ports they pick; the run stops by itself.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use hdrhistogram::Histogram;
use icc_loadgen::load::{Phases, closed_loop, connect_channels};
use icc_loadgen::machine::{Machine, loadavg};
use icc_loadgen::orders::{PlaceOrderTarget, seed_products};
use icc_loadgen::procs::announced_addr;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::watch_inventory_response::Event;
use icc_proto::v1::{GetPipelineStatusRequest, GetPipelineStatusResponse, WatchInventoryRequest};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::transport::Channel;

#[derive(Debug, Parser)]
#[command(
    name = "icc-ingest-bench",
    about = "Ingest throughput and order-to-fact lag"
)]
struct Config {
    #[arg(long, default_value = "target/release/orders-svc")]
    orders_svc: PathBuf,
    #[arg(long, default_value = "target/release/ingest-svc")]
    ingest_svc: PathBuf,
    /// Seconds of closed-loop ordering (16 clients) that build the backlog.
    #[arg(long, default_value_t = 5.0)]
    backlog_secs: f64,
    /// Orders per second during the lag phase.
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Seconds of the lag phase.
    #[arg(long, default_value_t = 10.0)]
    lag_secs: f64,
    /// ingest-svc --poll-ms (how late it sees another process's commit).
    #[arg(long, default_value_t = 200)]
    poll_ms: u64,
}

/// Starts a service and reads the address it announces; the child is
/// killed when the returned handle is dropped.
async fn spawn(binary: &Path, args: &[String], log: &Path) -> anyhow::Result<(Child, String)> {
    anyhow::ensure!(
        binary.is_file(),
        "{} not found; build with `cargo build --release`",
        binary.display()
    );
    let mut child = Command::new(binary)
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log)?)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    let mut lines = BufReader::new(child.stdout.take().context("no stdout")?).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await? {
            if let Some(addr) = announced_addr(&line) {
                return Ok(addr);
            }
        }
        bail!("{} exited before listening", binary.display())
    })
    .await??;
    anyhow::ensure!(addr.ip().is_loopback(), "{addr} is not loopback");
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, format!("http://{addr}")))
}

async fn connect(addr: &str) -> anyhow::Result<Channel> {
    Ok(Channel::from_shared(addr.to_owned())?.connect().await?)
}

async fn status(
    ingest: &mut IngestServiceClient<Channel>,
) -> anyhow::Result<GetPipelineStatusResponse> {
    Ok(ingest
        .get_pipeline_status(GetPipelineStatusRequest {})
        .await?
        .into_inner())
}

/// Polls until the checkpoint reaches the head; returns when it did.
async fn caught_up(
    ingest: &mut IngestServiceClient<Channel>,
) -> anyhow::Result<(Instant, GetPipelineStatusResponse)> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let s = status(ingest).await?;
        if s.head_seq > 0 && s.checkpoint_seq == s.head_seq {
            return Ok((Instant::now(), s));
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "ingest-svc did not catch up: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::parse();
    let machine = Machine::probe();
    let dir = tempfile::tempdir()?;
    let store = format!("sqlite://{}", dir.path().join("icc.db").display());
    let args = |extra: &[&str]| {
        let mut a: Vec<String> = ["--listen", "127.0.0.1:0", "--store-url", &store]
            .map(str::to_owned)
            .to_vec();
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let (_orders, orders_addr) = spawn(
        &config.orders_svc,
        &args(&[]),
        &dir.path().join("orders.log"),
    )
    .await?;
    let skus: Arc<[String]> = seed_products(connect(&orders_addr).await?, 64, 100_000_000)
        .await?
        .into();

    // 1. Throughput: build a backlog with ingest-svc down, then time the catch-up.
    let placed = backlog(&config, &orders_addr, &skus).await?;
    let poll = config.poll_ms.to_string();
    let started = Instant::now();
    let (_ingest, ingest_addr) = spawn(
        &config.ingest_svc,
        &args(&["--poll-ms", &poll]),
        &dir.path().join("ingest.log"),
    )
    .await?;
    let mut ingest = IngestServiceClient::new(connect(&ingest_addr).await?);
    let (done, after_backlog) = caught_up(&mut ingest).await?;
    print_throughput(placed, &after_backlog, done - started);

    // 2. Lag from acknowledgement to visible fact, at a steady rate.
    let lag = lag(&config, &orders_addr, skus, ingest, after_backlog.head_seq).await?;
    print_lag(&config, &lag);
    println!(
        "machine: {} CPUs, {}; load average {} at start, {} at end",
        machine.cpus,
        machine.cpu_model.unwrap_or_default(),
        machine.loadavg_start.unwrap_or_default(),
        loadavg().unwrap_or_default()
    );
    Ok(())
}

/// Places orders for `backlog_secs` with 16 closed-loop clients; returns
/// how many were placed.
async fn backlog(config: &Config, orders_addr: &str, skus: &Arc<[String]>) -> anyhow::Result<u64> {
    let orders_socket = orders_addr.trim_start_matches("http://").parse()?;
    let channels = connect_channels(orders_socket, 16, Duration::from_secs(10)).await?;
    let clients: Vec<_> = channels
        .into_iter()
        .enumerate()
        .map(|(i, c)| PlaceOrderTarget::new(c, skus.clone(), format!("backlog-{i}"), i as u64 + 1))
        .collect();
    let phases = Phases {
        warmup: Duration::ZERO,
        window: Duration::from_secs_f64(config.backlog_secs),
    };
    let backlog = closed_loop(clients, phases).await?;
    anyhow::ensure!(
        backlog.failed() == 0,
        "backlog orders failed: {:?}",
        backlog.first_error
    );
    Ok(backlog.ok())
}

fn print_throughput(placed: u64, after_backlog: &GetPipelineStatusResponse, catch_up: Duration) {
    let events = after_backlog.sales_event_count;
    println!("## Ingest throughput\n");
    println!(
        "| orders | feed events | sales events | catch-up s | sales events/s | feed events/s |"
    );
    println!("|--:|--:|--:|--:|--:|--:|");
    println!(
        "| {} | {} | {} | {:.2} | {:.0} | {:.0} |\n",
        placed,
        after_backlog.head_seq,
        events,
        catch_up.as_secs_f64(),
        events as f64 / catch_up.as_secs_f64(),
        after_backlog.head_seq as f64 / catch_up.as_secs_f64()
    );
}

/// Places orders at `rate` for `lag_secs` and measures, for each, the time
/// from its acknowledgement to the checkpoint passing its feed position.
async fn lag(
    config: &Config,
    orders_addr: &str,
    skus: Arc<[String]>,
    mut ingest: IngestServiceClient<Channel>,
    after_seq: i64,
) -> anyhow::Result<(usize, Histogram<u64>)> {
    let seq_of: Arc<Mutex<HashMap<String, i64>>> = Default::default();
    let mut watch = InventoryServiceClient::new(connect(orders_addr).await?)
        .watch_inventory(WatchInventoryRequest {
            resume_after_seq: after_seq,
            skus: vec![],
        })
        .await?
        .into_inner();
    let watched = seq_of.clone();
    tokio::spawn(async move {
        while let Ok(Some(m)) = watch.message().await {
            if let Some(Event::Change(c)) = m.event {
                watched.lock().unwrap().insert(c.order_id, c.seq);
            }
        }
    });
    let checkpoints: Arc<Mutex<Vec<(Instant, i64)>>> = Default::default();
    let polling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let poller = {
        let (checkpoints, polling, mut client) =
            (checkpoints.clone(), polling.clone(), ingest.clone());
        tokio::spawn(async move {
            let mut last = -1;
            while polling.load(std::sync::atomic::Ordering::Relaxed) {
                if let Ok(s) = status(&mut client).await
                    && s.checkpoint_seq != last
                {
                    last = s.checkpoint_seq;
                    checkpoints.lock().unwrap().push((Instant::now(), last));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    let mut orders = PlaceOrderTarget::new(connect(orders_addr).await?, skus, "lag".into(), 99);
    let mut client =
        icc_proto::v1::orders_service_client::OrdersServiceClient::new(connect(orders_addr).await?);
    let mut acks = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / config.rate));
    let end = Instant::now() + Duration::from_secs_f64(config.lag_secs);
    while Instant::now() < end {
        tick.tick().await;
        let order = client
            .place_order(orders.next_request())
            .await?
            .into_inner()
            .order
            .context("no order")?;
        acks.push((order.id, Instant::now()));
    }
    caught_up(&mut ingest).await?;
    tokio::time::sleep(Duration::from_millis(20)).await;
    polling.store(false, std::sync::atomic::Ordering::Relaxed);
    poller.await?;

    let seq_of = seq_of.lock().unwrap();
    let checkpoints = checkpoints.lock().unwrap();
    let mut lag = Histogram::<u64>::new_with_bounds(1, 600_000_000, 3)?;
    for (id, acked) in &acks {
        let seq = *seq_of
            .get(id)
            .with_context(|| format!("order {id} never appeared on the watch"))?;
        let (visible, _) = checkpoints
            .iter()
            .find(|(_, c)| *c >= seq)
            .with_context(|| format!("the checkpoint never passed order {id}"))?;
        // A fact can become visible before the client reads its ack.
        let micros = visible.saturating_duration_since(*acked).as_micros() as u64;
        lag.record(micros.max(1))?;
    }
    Ok((acks.len(), lag))
}

fn print_lag(config: &Config, (orders, lag): &(usize, Histogram<u64>)) {
    println!(
        "## Order acknowledgement to visible fact (ingest --poll-ms {})\n",
        config.poll_ms
    );
    println!("| orders | rate/s | p50 ms | p99 ms | max ms |");
    println!("|--:|--:|--:|--:|--:|");
    let ms = |q: f64| lag.value_at_quantile(q) as f64 / 1000.0;
    println!(
        "| {} | {:.0} | {:.1} | {:.1} | {:.1} |\n",
        orders,
        config.rate,
        ms(0.5),
        ms(0.99),
        lag.max() as f64 / 1000.0
    );
}
