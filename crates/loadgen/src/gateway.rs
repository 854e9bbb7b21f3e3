//! `icc-loadgen gateway`: the gateway's costs, each against a baseline
//! measured in the same run.
//!
//! 1. PlaceOrder through the gateway (token checked, request id, limits,
//!    forwarding) vs PlaceOrder directly to orders-svc vs the bare echo, at
//!    each concurrency level, the three in rotating order from level to
//!    level so drift over the run affects them alike.
//! 2. Live-inventory fan-out: N watchers on the gateway (all sharing its one
//!    upstream watch) while one client places orders through the gateway at
//!    a steady rate; for every (order, watcher) the time from the order's
//!    acknowledgement (the PlaceOrder answer at the placing client) to its
//!    change event at the watcher, which is negative when the event wins the
//!    race with the answer, and from the commit (the change's commit_time,
//!    same machine, same clock) to the event. The same with the watchers
//!    connected to orders-svc directly, as the baseline, and with one.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_client::AuthServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;
use tonic::{Request, Status};

use crate::bench::{ECHO, PLACE_ORDER};
use crate::echo::EchoTarget;
use crate::load::{Phases, Target, closed_loop, connect_channels};
use crate::machine::{Machine, loadavg};
use crate::orders::{PlaceOrderTarget, ensure_stock, seed_products, typical_request_len};
use crate::procs::{
    ChildProc, GatewaySpec, OrdersSvcSpec, spawn_echo_server, spawn_gateway, spawn_orders_svc,
    wait_serving,
};
use crate::report::{Row, markdown, millis, ratios, sig3, thousands};

/// Name of the through-the-gateway target in reports.
pub const VIA_GATEWAY: &str = "PlaceOrder via gateway";

/// `icc-loadgen gateway` flags.
#[derive(Debug, Clone, clap::Args, Serialize, Deserialize)]
pub struct GatewayConfig {
    /// The orders-svc binary to start.
    #[arg(long, default_value = "target/release/orders-svc")]
    pub orders_svc: PathBuf,
    /// The gateway binary to start.
    #[arg(long, default_value = "target/release/gateway")]
    pub gateway: PathBuf,
    /// Concurrent clients, one closed-loop run per level and target.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    pub levels: Vec<usize>,
    /// Measured seconds per level and target.
    #[arg(long, default_value_t = 10.0)]
    pub duration_secs: f64,
    /// Unmeasured warm-up seconds before each measured window.
    #[arg(long, default_value_t = 2.0)]
    pub warmup_secs: f64,
    /// Products to seed; each order takes 1 unit of 2 of them.
    #[arg(long, default_value_t = 64)]
    pub products: usize,
    /// Units of stock per product, topped up before every PlaceOrder run.
    #[arg(long, default_value_t = 100_000_000)]
    pub stock: i64,
    /// Deadline of every call, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pub request_timeout_ms: u64,
    /// Watchers of the fan-out measurement (0 skips it).
    #[arg(long, default_value_t = 1000)]
    pub watchers: usize,
    /// HTTP/2 connections the watchers share.
    #[arg(long, default_value_t = 20)]
    pub watcher_channels: usize,
    /// Orders per second placed during the fan-out measurement.
    #[arg(long, default_value_t = 20.0)]
    pub fanout_rate: f64,
    /// Seconds of orders during the fan-out measurement.
    #[arg(long, default_value_t = 10.0)]
    pub fanout_secs: f64,
    /// RUST_LOG of the child servers.
    #[arg(long, default_value = "warn")]
    pub child_rust_log: String,
    /// Directory for the temporary store and logs (default: the system's
    /// temporary directory).
    #[arg(long)]
    pub work_dir: Option<PathBuf>,
    /// Also write the full report as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// One fan-out measurement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FanoutRow {
    /// Where the watchers were connected.
    pub target: String,
    pub watchers: usize,
    /// Orders placed (and acknowledged) while they watched.
    pub orders: usize,
    /// Change events received, over all watchers.
    pub deliveries: u64,
    /// Order events some watcher never received (expected 0).
    pub missing: u64,
    /// Events that arrived before their order's acknowledgement.
    pub before_ack: u64,
    /// Acknowledgement to event, in ms (negative: the event came first).
    pub ack_p50_ms: f64,
    pub ack_p99_ms: f64,
    /// Commit to event, in ms.
    pub commit_p50_ms: f64,
    pub commit_p99_ms: f64,
    pub commit_max_ms: f64,
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GatewayReport {
    pub config: GatewayConfig,
    pub machine: Machine,
    pub rows: Vec<Row>,
    pub fanout: Vec<FanoutRow>,
}

/// Entry point of `icc-loadgen gateway`.
pub async fn gateway_main(config: GatewayConfig) -> anyhow::Result<()> {
    let report = tokio::select! {
        report = run(config.clone()) => report?,
        _ = crate::procs::shutdown_signal() => anyhow::bail!("interrupted; child servers killed"),
    };
    println!("{}", render(&report));
    if let Some(path) = &config.json {
        std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("cannot write {}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Adds `authorization: Bearer <token>` to every call.
#[derive(Clone)]
pub struct Bearer(MetadataValue<Ascii>);

impl Bearer {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        Ok(Bearer(format!("Bearer {token}").parse()?))
    }
}

impl Interceptor for Bearer {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        Ok(request)
    }
}

type AuthedOrders = OrdersServiceClient<InterceptedService<Channel, Bearer>>;

/// PlaceOrder through the gateway: the same requests as the direct target,
/// with a token.
struct GatewayPlaceOrder {
    requests: PlaceOrderTarget,
    client: AuthedOrders,
}

impl Target for GatewayPlaceOrder {
    fn call(&mut self) -> impl std::future::Future<Output = Result<(), Status>> + Send {
        let request = self.requests.next_request();
        async move { self.client.place_order(request).await.map(|_| ()) }
    }
}

/// Random hex, for the run's secret and passwords.
fn random_hex(bytes: usize) -> anyhow::Result<String> {
    use std::io::Read;
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

async fn login(channel: Channel, user: &str, password: &str) -> anyhow::Result<String> {
    Ok(AuthServiceClient::new(channel)
        .login(pb::LoginRequest {
            username: user.into(),
            password: password.into(),
        })
        .await
        .with_context(|| format!("cannot log in as {user}"))?
        .into_inner()
        .access_token)
}

/// The children of a run; field order is drop order.
struct Mesh {
    echo: ChildProc,
    gateway: ChildProc,
    orders: ChildProc,
    _dir: tempfile::TempDir,
}

/// Where the children listen, and what every measurement shares.
struct Bench {
    echo: SocketAddr,
    orders: SocketAddr,
    gateway: SocketAddr,
    /// A direct connection to orders-svc for seeding and restocking.
    admin: Channel,
    skus: Arc<[String]>,
    staff_token: String,
    viewer_token: String,
    /// Makes this run's idempotency keys unique.
    run_id: u128,
    timeout: Duration,
}

/// Runs both measurements; progress on stderr.
pub async fn run(config: GatewayConfig) -> anyhow::Result<GatewayReport> {
    check(&config)?;
    let mut machine = Machine::probe();
    let (mut mesh, bench) = start(&config).await?;
    let rows = bench.rpc_rows(&config, &mut mesh).await?;
    let fanout = if config.watchers > 0 {
        bench.fanout_rows(&config, &mut mesh).await?
    } else {
        Vec::new()
    };
    machine.loadavg_end = loadavg();
    drop(bench);
    let Mesh {
        echo,
        gateway,
        orders,
        _dir,
    } = mesh;
    echo.stop().await;
    gateway.stop().await;
    orders.stop().await;
    Ok(GatewayReport {
        config,
        machine,
        rows,
        fanout,
    })
}

fn check(config: &GatewayConfig) -> anyhow::Result<()> {
    anyhow::ensure!(
        !config.levels.is_empty() && config.levels.iter().all(|&c| c > 0),
        "--levels must list positive numbers"
    );
    anyhow::ensure!(
        config.duration_secs > 0.0,
        "--duration-secs must be positive"
    );
    anyhow::ensure!(config.fanout_rate > 0.0, "--fanout-rate must be positive");
    Ok(())
}

/// Starts echo-server, orders-svc and the gateway (with a staff and a
/// viewer user of random passwords), seeds the products and logs in.
async fn start(config: &GatewayConfig) -> anyhow::Result<(Mesh, Bench)> {
    let dir = match &config.work_dir {
        Some(d) => tempfile::Builder::new()
            .prefix("icc-loadgen-")
            .tempdir_in(d)?,
        None => tempfile::Builder::new().prefix("icc-loadgen-").tempdir()?,
    };
    let exe = std::env::current_exe().context("cannot find the icc-loadgen executable")?;
    let (echo, echo_addr) = spawn_echo_server(&exe, &dir.path().join("echo-server.log")).await?;
    let store_path = dir.path().join("icc.db");
    let (orders, orders_addr) = spawn_orders_svc(
        &OrdersSvcSpec {
            binary: config.orders_svc.clone(),
            store_path: store_path.clone(),
            feed_poll_ms: 200,
            rust_log: config.child_rust_log.clone(),
        },
        &dir.path().join("orders-svc.log"),
    )
    .await?;
    let (staff, viewer) = (random_hex(12)?, random_hex(12)?);
    let (gateway, gateway_addr) = spawn_gateway(
        &GatewaySpec {
            binary: config.gateway.clone(),
            store_path,
            orders: orders_addr,
            jwt_secret: random_hex(32)?,
            admin_password: random_hex(12)?,
            seed_users: format!("bench-staff:STAFF:{staff},bench-viewer:VIEWER:{viewer}"),
            rust_log: config.child_rust_log.clone(),
        },
        &dir.path().join("gateway.log"),
    )
    .await?;
    let mut mesh = Mesh {
        echo,
        gateway,
        orders,
        _dir: dir,
    };
    let ready = Duration::from_secs(30);
    wait_serving(&mut mesh.echo, echo_addr, ready).await?;
    wait_serving(&mut mesh.orders, orders_addr, ready).await?;
    wait_serving(&mut mesh.gateway, gateway_addr, ready).await?;
    eprintln!("echo-server on {echo_addr}, orders-svc on {orders_addr}, gateway on {gateway_addr}");

    let timeout = Duration::from_millis(config.request_timeout_ms);
    let admin = connect_channels(orders_addr, 1, timeout).await?.remove(0);
    let skus: Arc<[String]> = seed_products(admin.clone(), config.products, config.stock)
        .await?
        .into();
    let to_gateway = connect_channels(gateway_addr, 1, timeout).await?.remove(0);
    let staff_token = login(to_gateway.clone(), "bench-staff", &staff).await?;
    let viewer_token = login(to_gateway, "bench-viewer", &viewer).await?;
    let bench = Bench {
        echo: echo_addr,
        orders: orders_addr,
        gateway: gateway_addr,
        admin,
        skus,
        staff_token,
        viewer_token,
        run_id: SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis(),
        timeout,
    };
    Ok((mesh, bench))
}

impl Bench {
    /// A fresh idempotency key of this run.
    fn key(&self, tag: &str, level: usize, c: usize) -> String {
        format!("gw-{}-{tag}{level}-{c}", self.run_id)
    }

    /// Measurement 1: the three targets at every level, in rotating order.
    async fn rpc_rows(&self, config: &GatewayConfig, mesh: &mut Mesh) -> anyhow::Result<Vec<Row>> {
        let payload = typical_request_len(&self.key("d", 64, 63)).saturating_sub(2);
        let phases = Phases {
            warmup: Duration::from_secs_f64(config.warmup_secs),
            window: Duration::from_secs_f64(config.duration_secs),
        };
        let mut rows = Vec::new();
        for (i, &level) in config.levels.iter().enumerate() {
            let mut order = [ECHO, PLACE_ORDER, VIA_GATEWAY];
            order.rotate_left(i % 3);
            for target in order {
                let seed = (self.run_id as u64) ^ ((level as u64) << 32);
                let sample = match target {
                    ECHO => {
                        let chans = connect_channels(self.echo, level, self.timeout).await?;
                        let clients = chans
                            .into_iter()
                            .map(|c| EchoTarget::new(c, payload))
                            .collect();
                        closed_loop(clients, phases).await?
                    }
                    PLACE_ORDER => {
                        ensure_stock(self.admin.clone(), &self.skus, config.stock, 2 * i).await?;
                        let chans = connect_channels(self.orders, level, self.timeout).await?;
                        let clients = chans
                            .into_iter()
                            .enumerate()
                            .map(|(c, ch)| {
                                PlaceOrderTarget::new(
                                    ch,
                                    self.skus.clone(),
                                    self.key("d", level, c),
                                    seed ^ c as u64,
                                )
                            })
                            .collect();
                        closed_loop(clients, phases).await?
                    }
                    _ => {
                        ensure_stock(self.admin.clone(), &self.skus, config.stock, 2 * i + 1)
                            .await?;
                        let bearer = Bearer::new(&self.staff_token)?;
                        let chans = connect_channels(self.gateway, level, self.timeout).await?;
                        let clients = chans
                            .into_iter()
                            .enumerate()
                            .map(|(c, ch)| GatewayPlaceOrder {
                                requests: PlaceOrderTarget::new(
                                    ch.clone(),
                                    self.skus.clone(),
                                    self.key("g", level, c),
                                    seed ^ (c as u64) << 16,
                                ),
                                client: OrdersServiceClient::with_interceptor(ch, bearer.clone()),
                            })
                            .collect();
                        closed_loop(clients, phases).await?
                    }
                };
                mesh.echo.ensure_running()?;
                mesh.orders.ensure_running()?;
                mesh.gateway.ensure_running()?;
                let row = Row::new(target, level, level, &sample);
                eprintln!(
                    "{:>4} clients {:<24} {:>8.0} req/s  p50 {:>8.1} us  p99 {:>8.1} us  errors {}{}",
                    level,
                    target,
                    row.throughput_rps,
                    row.p50_us,
                    row.p99_us,
                    row.errors,
                    sample
                        .first_error
                        .as_deref()
                        .map(|e| format!(" ({e})"))
                        .unwrap_or_default()
                );
                rows.push(row);
            }
        }
        Ok(rows)
    }

    /// Measurement 2: fan-out to many watchers on the gateway, on
    /// orders-svc directly, and to one watcher on the gateway.
    async fn fanout_rows(
        &self,
        config: &GatewayConfig,
        mesh: &mut Mesh,
    ) -> anyhow::Result<Vec<FanoutRow>> {
        ensure_stock(self.admin.clone(), &self.skus, config.stock, 1000).await?;
        let viewer = Some(self.viewer_token.as_str());
        let mut fanout = Vec::new();
        for (n, (target, addr, token, watchers)) in [
            ("gateway", self.gateway, viewer, config.watchers),
            ("orders-svc direct", self.orders, None, config.watchers),
            ("gateway", self.gateway, viewer, 1),
        ]
        .into_iter()
        .enumerate()
        {
            // Fresh idempotency keys per measurement (a reused key replays
            // the old order: no commit, no event).
            let ch = connect_channels(self.gateway, 1, self.timeout)
                .await?
                .remove(0);
            let requests = PlaceOrderTarget::new(
                ch.clone(),
                self.skus.clone(),
                format!("gw-{}-f{n}", self.run_id),
                7,
            );
            let client = OrdersServiceClient::with_interceptor(ch, Bearer::new(&self.staff_token)?);
            let row = measure_fanout(
                target,
                addr,
                token,
                watchers,
                config.watcher_channels.min(watchers),
                (requests, client),
                config.fanout_rate,
                Duration::from_secs_f64(config.fanout_secs),
                self.timeout,
            )
            .await?;
            eprintln!(
                "fan-out {:<18} {:>5} watchers  {} orders  {} deliveries  missing {}  ack->event p50 {} p99 {} ms ({} before the ack)  commit->event p50 {} p99 {} max {} ms",
                row.target,
                row.watchers,
                row.orders,
                row.deliveries,
                row.missing,
                sig3(row.ack_p50_ms),
                sig3(row.ack_p99_ms),
                row.before_ack,
                sig3(row.commit_p50_ms),
                sig3(row.commit_p99_ms),
                sig3(row.commit_max_ms),
            );
            mesh.orders.ensure_running()?;
            mesh.gateway.ensure_running()?;
            fanout.push(row);
        }
        Ok(fanout)
    }
}

/// Opens `watchers` watches on `addr`, places orders through the gateway
/// at `rate` per second for `span`, and measures acknowledgement-to-event
/// latency at every watcher.
#[allow(clippy::too_many_arguments)]
async fn measure_fanout(
    target: &str,
    addr: SocketAddr,
    token: Option<&str>,
    watchers: usize,
    channels: usize,
    (mut requests, mut client): (PlaceOrderTarget, AuthedOrders),
    rate: f64,
    span: Duration,
    timeout: Duration,
) -> anyhow::Result<FanoutRow> {
    let chans = connect_channels(addr, channels.max(1), timeout).await?;
    // The watchers learn how many orders to expect when the placing ends.
    let (expect_tx, expect_rx) = watch::channel(None::<usize>);
    let mut tasks = tokio::task::JoinSet::new();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(watchers);
    for w in 0..watchers {
        let mut request = Request::new(pb::WatchInventoryRequest::default());
        if let Some(t) = token {
            request
                .metadata_mut()
                .insert("authorization", format!("Bearer {t}").parse()?);
        }
        let inventory = InventoryServiceClient::new(chans[w % chans.len()].clone());
        tasks.spawn(watch_orders(
            inventory,
            request,
            expect_rx.clone(),
            ready_tx.clone(),
        ));
    }
    drop(ready_tx);
    for _ in 0..watchers {
        ready_rx
            .recv()
            .await
            .context("a watcher failed before its snapshot")?;
    }

    let mut acks: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let end = Instant::now() + span;
    while Instant::now() < end {
        tick.tick().await;
        let placed = client
            .place_order(requests.next_request())
            .await
            .context("PlaceOrder during the fan-out measurement")?;
        let at = Instant::now();
        let id = placed.into_inner().order.context("no order")?.id;
        acks.insert(id, at);
    }
    let _ = expect_tx.send(Some(acks.len()));

    let mut latencies = Latencies::default();
    let collect = async {
        while let Some(joined) = tasks.join_next().await {
            latencies.add_watcher(&acks, joined??);
        }
        anyhow::Ok(())
    };
    tokio::time::timeout(Duration::from_secs(60), collect)
        .await
        .context("watchers did not receive every order within 60 s")??;
    Ok(latencies.row(target, watchers, acks.len()))
}

/// One watcher: the snapshot (then it says it is ready), then every
/// order's change until it has as many as `expect` says were placed.
async fn watch_orders(
    mut inventory: InventoryServiceClient<Channel>,
    request: Request<pb::WatchInventoryRequest>,
    mut expect: watch::Receiver<Option<usize>>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> anyhow::Result<Vec<Arrival>> {
    let mut stream = inventory.watch_inventory(request).await?.into_inner();
    let mut arrivals: Vec<Arrival> = Vec::new();
    stream.message().await?.context("the watch ended at once")?;
    let _ = ready.send(()).await;
    loop {
        let enough = expect.borrow().is_some_and(|n| arrivals.len() >= n);
        if enough {
            break;
        }
        tokio::select! {
            m = stream.message() => match m? {
                Some(pb::WatchInventoryResponse { event: Some(pb::watch_inventory_response::Event::Change(c)) }) => {
                    if !c.order_id.is_empty() {
                        arrivals.push(Arrival {
                            at: Instant::now(),
                            wall: SystemTime::now(),
                            commit: c.commit_time.map(|t| (t.seconds, t.nanos)),
                            order_id: c.order_id,
                        });
                    }
                }
                Some(_) => {}
                None => break,
            },
            changed = expect.changed() => {
                if changed.is_err() { break; }
            }
        }
    }
    Ok(arrivals)
}

/// Delivery latencies gathered over every watcher, in nanoseconds.
#[derive(Default)]
struct Latencies {
    /// From the order's acknowledgement to its event (negative: before it).
    from_ack: Vec<i64>,
    /// From the change's commit_time to its event, by the wall clock.
    from_commit: Vec<i64>,
    /// Orders a watcher never received.
    missing: u64,
    /// Events that arrived before their order's acknowledgement.
    before_ack: u64,
}

impl Latencies {
    /// Adds one watcher's arrivals of the orders in `acks`.
    fn add_watcher(&mut self, acks: &HashMap<String, Instant>, arrivals: Vec<Arrival>) {
        let mut seen = 0;
        for a in arrivals {
            let Some(ack) = acks.get(&a.order_id) else {
                continue;
            };
            seen += 1;
            let signed = if a.at >= *ack {
                (a.at - *ack).as_nanos() as i64
            } else {
                self.before_ack += 1;
                -((*ack - a.at).as_nanos() as i64)
            };
            self.from_ack.push(signed);
            if let Some((seconds, nanos)) = a.commit {
                let commit = UNIX_EPOCH + Duration::new(seconds as u64, nanos as u32);
                let ns = a
                    .wall
                    .duration_since(commit)
                    .map_or(0, |d| d.as_nanos() as i64);
                self.from_commit.push(ns);
            }
        }
        self.missing += (acks.len() - seen.min(acks.len())) as u64;
    }

    fn row(mut self, target: &str, watchers: usize, orders: usize) -> FanoutRow {
        self.from_ack.sort_unstable();
        self.from_commit.sort_unstable();
        let ms = |v: &[i64], q: f64| {
            if v.is_empty() {
                f64::NAN
            } else {
                v[((v.len() - 1) as f64 * q).round() as usize] as f64 / 1e6
            }
        };
        FanoutRow {
            target: target.to_string(),
            watchers,
            orders,
            deliveries: self.from_ack.len() as u64,
            missing: self.missing,
            before_ack: self.before_ack,
            ack_p50_ms: ms(&self.from_ack, 0.5),
            ack_p99_ms: ms(&self.from_ack, 0.99),
            commit_p50_ms: ms(&self.from_commit, 0.5),
            commit_p99_ms: ms(&self.from_commit, 0.99),
            commit_max_ms: ms(&self.from_commit, 1.0),
        }
    }
}

/// One order's change event at one watcher.
struct Arrival {
    order_id: String,
    at: Instant,
    wall: SystemTime,
    /// The change's commit_time: seconds and nanos since the epoch.
    commit: Option<(i64, i32)>,
}

/// The report as text: conditions, the PlaceOrder table (with ratios to
/// echo and the gateway's added latency), and the fan-out table.
pub fn render(r: &GatewayReport) -> String {
    let mut out = format!(
        "{} CPUs ({}); load {} -> {}; {} s warm-up + {} s per run\n\n",
        r.machine.cpus,
        r.machine.cpu_model.as_deref().unwrap_or("unknown CPU"),
        r.machine.loadavg_start.as_deref().unwrap_or("?"),
        r.machine.loadavg_end.as_deref().unwrap_or("?"),
        r.config.warmup_secs,
        r.config.duration_secs,
    );
    out.push_str(&markdown(&r.rows, &ratios(&r.rows, ECHO)));
    out.push_str(
        "\n| clients | gateway adds, p50 | gateway adds, p99 | req/s via gateway / direct |\n",
    );
    out.push_str(
        "|--------:|------------------:|------------------:|---------------------------:|\n",
    );
    for direct in r.rows.iter().filter(|x| x.target == PLACE_ORDER) {
        if let Some(via) = r
            .rows
            .iter()
            .find(|x| x.target == VIA_GATEWAY && x.concurrency == direct.concurrency)
        {
            out.push_str(&format!(
                "| {} | {} ms | {} ms | {} |\n",
                direct.concurrency,
                millis(via.p50_us - direct.p50_us),
                millis(via.p99_us - direct.p99_us),
                sig3(via.throughput_rps / direct.throughput_rps),
            ));
        }
    }
    if !r.fanout.is_empty() {
        out.push_str("\n| watchers on | watchers | orders | deliveries | missing | ack -> event p50 ms | p99 ms | events before the ack | commit -> event p50 ms | p99 ms | max ms |\n");
        out.push_str("|-------------|---------:|-------:|-----------:|--------:|------:|------:|------:|------:|------:|------:|\n");
        for f in &r.fanout {
            out.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                f.target,
                thousands(f.watchers as u64),
                f.orders,
                thousands(f.deliveries),
                f.missing,
                sig3(f.ack_p50_ms),
                sig3(f.ack_p99_ms),
                thousands(f.before_ack),
                sig3(f.commit_p50_ms),
                sig3(f.commit_p99_ms),
                sig3(f.commit_max_ms),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{Sample, new_histogram};

    fn row(target: &str, clients: usize, latency_us: u64) -> Row {
        let mut latencies = new_histogram();
        for _ in 0..100 {
            latencies.record(latency_us * 1_000).unwrap();
        }
        let sample = Sample {
            latencies,
            errors: Default::default(),
            first_error: None,
            elapsed: Duration::from_secs(1),
        };
        Row::new(target, clients, clients, &sample)
    }

    #[test]
    fn the_report_shows_what_the_gateway_adds() {
        let config = GatewayConfig {
            orders_svc: "o".into(),
            gateway: "g".into(),
            levels: vec![1],
            duration_secs: 1.0,
            warmup_secs: 0.0,
            products: 2,
            stock: 10,
            request_timeout_ms: 1,
            watchers: 1000,
            watcher_channels: 20,
            fanout_rate: 20.0,
            fanout_secs: 1.0,
            child_rust_log: "warn".into(),
            work_dir: None,
            json: None,
        };
        let report = GatewayReport {
            config,
            machine: Machine::probe(),
            rows: vec![
                row(ECHO, 1, 100),
                row(PLACE_ORDER, 1, 700),
                row(VIA_GATEWAY, 1, 1000),
            ],
            fanout: vec![FanoutRow {
                target: "gateway".into(),
                watchers: 1000,
                orders: 200,
                deliveries: 200_000,
                missing: 0,
                before_ack: 12,
                ack_p50_ms: 0.5,
                ack_p99_ms: 2.0,
                commit_p50_ms: 1.5,
                commit_p99_ms: 9.0,
                commit_max_ms: 20.0,
            }],
        };
        let text = render(&report);
        assert!(text.contains("| 1 | 0.300 ms |"), "{text}");
        assert!(text.contains("| PlaceOrder via gateway / echo |"), "{text}");
        assert!(
            text.contains("| gateway | 1,000 | 200 | 200,000 | 0 |"),
            "{text}"
        );
    }
}
