//! Sandbox for whole-mesh tests: starts the real service binaries (built in
//! the same profile as the tests, by `cargo build --workspace --bins`) on
//! ports the OS picks, on a store in a temporary directory, and kills them
//! when dropped.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tonic::Request;
use tonic::transport::Channel;

/// How long a binary may take to bind its port.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The directory holding the workspace's binaries (next to `deps/`, where
/// this test executable runs from).
pub fn bin_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target profile directory")
        .to_path_buf()
}

/// A temporary store directory shared by the services of one test.
pub struct Sandbox {
    _dir: tempfile::TempDir,
    store_url: String,
}

impl Sandbox {
    pub fn new() -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let store_url = icc_store::conformance::test_store_url(dir.path());
        Ok(Sandbox {
            _dir: dir,
            store_url,
        })
    }

    /// The store URL every service of this sandbox uses: an embedded store
    /// in the temporary directory, or a fresh database on the MongoDB
    /// replica set `MONGODB_URI` names, when set.
    pub fn store_url(&self) -> String {
        self.store_url.clone()
    }

    /// Starts ingest-svc on this sandbox's store.
    pub async fn ingest_svc(&self) -> anyhow::Result<Service> {
        let store = self.store_url();
        Service::start(
            "ingest-svc",
            &[
                "--listen",
                "127.0.0.1:0",
                "--store-url",
                &store,
                "--poll-ms",
                "50",
                "--batch",
                "32",
            ],
        )
        .await
    }

    /// Starts orders-svc on this sandbox's store.
    pub async fn orders_svc(&self) -> anyhow::Result<Service> {
        self.orders_svc_at("127.0.0.1:0").await
    }

    /// Starts orders-svc on a given address (e.g. to restart it on the
    /// port it had).
    pub async fn orders_svc_at(&self, listen: &str) -> anyhow::Result<Service> {
        let store = self.store_url();
        Service::start(
            "orders-svc",
            &[
                "--listen",
                listen,
                "--store-url",
                &store,
                "--feed-poll-ms",
                "50",
            ],
        )
        .await
    }

    /// Starts forecast-svc on this sandbox's store.
    pub async fn forecast_svc(&self) -> anyhow::Result<Service> {
        let store = self.store_url();
        Service::start(
            "forecast-svc",
            &["--listen", "127.0.0.1:0", "--store-url", &store],
        )
        .await
    }

    /// Starts the gateway on this sandbox's store in front of `orders` (and
    /// `ingest`, `forecast` when given; else an address where nothing
    /// listens), with the users [`GATEWAY_USERS`], plus `extra` flags.
    pub async fn gateway(
        &self,
        orders: &Service,
        ingest: Option<&Service>,
        forecast: Option<&Service>,
        extra: &[&str],
    ) -> anyhow::Result<Service> {
        let store = self.store_url();
        let url = |s: Option<&Service>| {
            s.map_or("http://127.0.0.1:1".to_owned(), |s| {
                format!("http://{}", s.addr)
            })
        };
        let (orders, ingest, forecast) = (url(Some(orders)), url(ingest), url(forecast));
        let [admin, staff, viewer] = GATEWAY_USERS;
        let seeds = format!(
            "{}:STAFF:{},{}:VIEWER:{}",
            staff.0, staff.1, viewer.0, viewer.1
        );
        let mut args = vec![
            "--listen",
            "127.0.0.1:0",
            "--metrics-listen",
            "127.0.0.1:0",
            "--store-url",
            &store,
            "--orders-upstream",
            &orders,
            "--ingest-upstream",
            &ingest,
            "--forecast-upstream",
            &forecast,
            "--jwt-secret",
            GATEWAY_JWT_SECRET,
            "--admin-username",
            admin.0,
            "--admin-password",
            admin.1,
            "--seed-users",
            &seeds,
            "--health-interval-ms",
            "100",
        ];
        args.extend_from_slice(extra);
        Service::start("gateway", &args).await
    }
}

/// The token-signing secret of sandbox gateways.
pub const GATEWAY_JWT_SECRET: &str = "sandbox-secret-sandbox-secret-sandbox-0";
/// The users of sandbox gateways, (username, password): admin, staff, viewer.
pub const GATEWAY_USERS: [(&str, &str); 3] = [
    ("admin", "admin-password-1"),
    ("staff", "staff-password-1"),
    ("viewer", "viewer-password-1"),
];

/// A running service process.
pub struct Service {
    name: String,
    child: Child,
    /// `host:port` it listens on.
    pub addr: String,
}

impl Service {
    /// Starts `bin` with `args` and waits for its `listening on` line.
    pub async fn start(bin: &str, args: &[&str]) -> anyhow::Result<Self> {
        let path = bin_dir().join(bin);
        if !path.exists() {
            bail!(
                "{} is missing: run `cargo build --workspace --bins` first",
                path.display()
            );
        }
        let mut child = Command::new(&path)
            .args(args)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("cannot start {}", path.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let marker = format!("{bin} listening on ");
        let addr = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = line.strip_prefix(&marker) {
                    return Ok(addr.to_owned());
                }
            }
            bail!("{bin} exited before listening")
        })
        .await
        .with_context(|| format!("{bin} did not listen within {START_TIMEOUT:?}"))??;
        // Keep draining stdout so the child never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Service {
            name: bin.to_owned(),
            child,
            addr,
        })
    }

    /// A channel to the service.
    pub async fn channel(&self) -> anyhow::Result<Channel> {
        Channel::from_shared(format!("http://{}", self.addr))?
            .connect()
            .await
            .with_context(|| format!("cannot connect to {} at {}", self.name, self.addr))
    }

    /// SIGKILL: no shutdown hooks, no flushing, as in a crash.
    pub async fn kill9(mut self) -> anyhow::Result<()> {
        self.child.start_kill()?;
        self.child.wait().await?;
        Ok(())
    }

    /// SIGTERM, then waits for a clean exit; returns the exit status.
    pub async fn terminate(mut self, within: Duration) -> anyhow::Result<std::process::ExitStatus> {
        let pid = self.child.id().context("already exited")?;
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGTERM,
        )?;
        Ok(tokio::time::timeout(within, self.child.wait())
            .await
            .context("no exit after SIGTERM")??)
    }
}

/// `message` with `authorization: Bearer <token>`, as the gateway wants it.
pub fn authed<T>(message: T, token: &str) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("an ASCII header"),
    );
    request
}
