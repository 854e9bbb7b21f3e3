//! Child processes of a benchmark run: spawned with their output in log
//! files, killed when dropped (so an error or ctrl-c never leaves one
//! behind), and waited on until grpc.health.v1 says SERVING.
//!
//! A load generator killed with SIGKILL cannot clean up: the echo server
//! still stops (its stdin, a pipe from the parent, closes), but orders-svc
//! keeps running until killed by hand.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tonic::transport::Endpoint;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// A running child process, killed (SIGKILL) when dropped.
#[derive(Debug)]
pub struct ChildProc {
    name: String,
    child: Child,
    log: PathBuf,
    // Held open: the echo server stops when its stdin closes.
    _stdin: Option<ChildStdin>,
}

impl ChildProc {
    /// Spawns `command` with stderr in `log` and stdout piped, and reads
    /// the `<name> listening on <addr>` line a server announces itself with
    /// (icc_server::announce); the rest of stdout is drained.
    async fn spawn_server(
        name: &str,
        mut command: Command,
        log: &Path,
        hold_stdin: bool,
    ) -> anyhow::Result<(Self, SocketAddr)> {
        let log_file = std::fs::File::create(log)
            .with_context(|| format!("cannot create {}", log.display()))?;
        command
            .stderr(log_file)
            .stdout(Stdio::piped())
            .stdin(if hold_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        let stdout = child.stdout.take().context("stdout is not piped")?;
        let mut proc = ChildProc {
            name: name.to_string(),
            _stdin: child.stdin.take(),
            child,
            log: log.to_path_buf(),
        };
        let mut lines = BufReader::new(stdout).lines();
        let announced = tokio::time::timeout(ANNOUNCE_WITHIN, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = announced_addr(&line) {
                    return Ok(Some(addr));
                }
            }
            Ok::<_, std::io::Error>(None)
        })
        .await;
        let addr = match announced {
            Ok(Ok(Some(addr))) => addr,
            Ok(Err(e)) => bail!("cannot read {name}'s stdout: {e}"),
            Ok(Ok(None)) | Err(_) => {
                proc.ensure_running()?;
                bail!("{name} announced no address within {ANNOUNCE_WITHIN:?}");
            }
        };
        anyhow::ensure!(
            addr.ip().is_loopback(),
            "{name} listens on {addr}, not a loopback address"
        );
        // Drain whatever else it prints, so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok((proc, addr))
    }

    /// The child's name in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Fails, with the end of the child's log, if it has exited.
    pub fn ensure_running(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "{} exited ({status}); end of its log {}:\n{}",
                self.name,
                self.log.display(),
                self.log_tail(20)
            );
        }
        Ok(())
    }

    /// The last `lines` lines of the child's log.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Kills the child and reaps it.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = tokio::time::timeout(Duration::from_secs(5), self.child.wait()).await;
    }
}

/// How long a child may take to bind and announce its address.
const ANNOUNCE_WITHIN: Duration = Duration::from_secs(30);

/// The address in a `<name> listening on <addr>` line.
pub fn announced_addr(line: &str) -> Option<SocketAddr> {
    let (_, addr) = line.split_once(" listening on ")?;
    addr.trim().parse().ok()
}

/// Starts `exe echo-server` on a free loopback port (port 0) and reads the
/// address it announces.
pub async fn spawn_echo_server(exe: &Path, log: &Path) -> anyhow::Result<(ChildProc, SocketAddr)> {
    let mut command = Command::new(exe);
    command.args([
        "echo-server",
        "--listen",
        "127.0.0.1:0",
        "--exit-on-stdin-eof",
    ]);
    ChildProc::spawn_server("echo-server", command, log, true).await
}

/// Where and how to start orders-svc.
#[derive(Debug, Clone)]
pub struct OrdersSvcSpec {
    /// The orders-svc binary.
    pub binary: PathBuf,
    /// Its SQLite database file (created fresh).
    pub store_path: PathBuf,
    /// --feed-poll-ms.
    pub feed_poll_ms: u64,
    /// RUST_LOG for the child.
    pub rust_log: String,
}

/// Starts orders-svc on a free loopback port (port 0) and reads the address
/// it announces.
pub async fn spawn_orders_svc(
    spec: &OrdersSvcSpec,
    log: &Path,
) -> anyhow::Result<(ChildProc, SocketAddr)> {
    anyhow::ensure!(
        spec.binary.is_file(),
        "orders-svc binary {} not found; build it with `cargo build --release -p orders-svc` or pass --orders-svc",
        spec.binary.display()
    );
    let mut command = Command::new(&spec.binary);
    command
        .args(["--listen", "127.0.0.1:0", "--store-url"])
        .arg(format!("sqlite://{}", spec.store_path.display()))
        .arg("--feed-poll-ms")
        .arg(spec.feed_poll_ms.to_string())
        .env("RUST_LOG", &spec.rust_log)
        .env_remove("ORDERS_LISTEN")
        .env_remove("ICC_STORE_URL")
        .env_remove("ORDERS_FEED_POLL_MS");
    ChildProc::spawn_server("orders-svc", command, log, false).await
}

/// Where and how to start the gateway.
#[derive(Debug, Clone)]
pub struct GatewaySpec {
    /// The gateway binary.
    pub binary: PathBuf,
    /// The store its users live in (orders-svc's).
    pub store_path: PathBuf,
    /// orders-svc's address.
    pub orders: SocketAddr,
    /// ICC_JWT_SECRET (at least 32 bytes).
    pub jwt_secret: String,
    /// Password of the first admin, `bench-admin`.
    pub admin_password: String,
    /// ICC_SEED_USERS: `name:ROLE:password,...`.
    pub seed_users: String,
    /// RUST_LOG for the child.
    pub rust_log: String,
}

/// Starts the gateway on free loopback ports (port 0) in front of
/// orders-svc (ingest and forecast pointed where nothing listens) and reads
/// the address it announces. Secrets go in its environment, not its
/// command line; calls in flight are not limited below what a benchmark
/// opens at once.
pub async fn spawn_gateway(
    spec: &GatewaySpec,
    log: &Path,
) -> anyhow::Result<(ChildProc, SocketAddr)> {
    anyhow::ensure!(
        spec.binary.is_file(),
        "gateway binary {} not found; build it with `cargo build --release -p gateway` or pass --gateway",
        spec.binary.display()
    );
    let mut command = Command::new(&spec.binary);
    command
        .args([
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
            "--ingest-upstream",
            "http://127.0.0.1:1",
            "--forecast-upstream",
            "http://127.0.0.1:1",
            "--max-concurrent-requests",
            "65536",
            "--store-url",
        ])
        .arg(format!("sqlite://{}", spec.store_path.display()))
        .arg("--orders-upstream")
        .arg(format!("http://{}", spec.orders))
        .env("RUST_LOG", &spec.rust_log)
        .env("ICC_JWT_SECRET", &spec.jwt_secret)
        .env("ICC_ADMIN_USERNAME", "bench-admin")
        .env("ICC_ADMIN_PASSWORD", &spec.admin_password)
        .env("ICC_SEED_USERS", &spec.seed_users)
        .env_remove("GATEWAY_LISTEN")
        .env_remove("ICC_STORE_URL");
    ChildProc::spawn_server("gateway", command, log, false).await
}

/// Waits until the server at `addr` answers grpc.health.v1 Check (overall
/// status) with SERVING, failing early if `proc` exits.
pub async fn wait_serving(
    proc: &mut ChildProc,
    addr: SocketAddr,
    within: Duration,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_millis(500))
        .timeout(Duration::from_secs(2));
    let mut last = String::from("not tried");
    while Instant::now() < deadline {
        proc.ensure_running()?;
        match endpoint.connect().await {
            Ok(channel) => {
                let check = HealthClient::new(channel)
                    .check(HealthCheckRequest {
                        service: String::new(),
                    })
                    .await;
                match check {
                    Ok(r) if r.get_ref().status == ServingStatus::Serving as i32 => return Ok(()),
                    Ok(r) => last = format!("status {:?}", r.get_ref().status()),
                    Err(e) => last = format!("health check failed: {e}"),
                }
            }
            Err(e) => last = format!("cannot connect: {e}"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!(
        "{} at {addr} not SERVING within {within:?} ({last}); end of its log:\n{}",
        proc.name(),
        proc.log_tail(20)
    )
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_announced_addresses() {
        assert_eq!(
            announced_addr("orders-svc listening on 127.0.0.1:4321"),
            Some("127.0.0.1:4321".parse().unwrap())
        );
        assert_eq!(announced_addr("some log line"), None);
        assert_eq!(announced_addr("x listening on nowhere"), None);
    }
}
