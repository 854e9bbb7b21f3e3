//! What `make run` runs (scripts/run-mesh.sh), end to end on a fresh data
//! directory: the whole mesh comes up with the demo data,
//! the gateway takes the demo logins the script wrote, forecasts come from
//! the demo history, and the mesh stops when whoever started the script is
//! killed with -9 (as `make` might be), leaving no port taken. Every
//! server binds port 0; the script's banner says where each one is.

use std::net::SocketAddr;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_client::AuthServiceClient;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::forecast_service_client::ForecastServiceClient;
use icc_tests::{authed, bin_dir};
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tonic::transport::Channel;

/// Debug binaries seeding a fresh store and importing 540 days of demo
/// history take a while on a loaded 2-core machine.
const START_TIMEOUT: Duration = Duration::from_secs(240);
/// The script looks for its starter once a second and then stops the
/// mesh's processes, each with a graceful drain.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

/// The addresses the script's banner announces: the gateway's, then the
/// metrics', orders-svc's, ingest-svc's and forecast-svc's.
fn announced(banner: &str) -> [SocketAddr; 5] {
    let after = |marker: &str, end: char| -> SocketAddr {
        let rest = &banner[banner
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker:?} in {banner}"))
            + marker.len()..];
        let addr = &rest[..rest.find(end).unwrap_or(rest.len())];
        addr.parse()
            .unwrap_or_else(|e| panic!("{marker}{addr}: {e}"))
    };
    [
        after("Open http://", ' '),
        after("gateway metrics on http://", '/'),
        after("Behind it: orders-svc ", ','),
        after(", ingest-svc ", ','),
        after(", forecast-svc ", ';'),
    ]
}

/// Kills the whole process group when dropped, so a failed test leaves no
/// service running.
struct Group(Pid);

impl Drop for Group {
    fn drop(&mut self) {
        let _ = killpg(self.0, Signal::SIGKILL);
    }
}

/// The value of `KEY=value` in the demo logins file the script wrote.
fn demo_login(data: &Path, key: &str) -> String {
    let logins = std::fs::read_to_string(data.join("demo-logins")).expect("data/demo-logins");
    logins
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("{key} missing from demo-logins: {logins}"))
        .to_owned()
}

async fn connect(addr: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the gateway at {addr}: {e}"))
}

/// `bash -c 'run-mesh.sh; true'` on the data directory `data`, every
/// server on port 0 unless `listen` sets an address, in a process group
/// of its own. bash stands in for make: a parent that is not the script
/// itself (bash would exec a lone command).
fn mesh_command(data: &Path, listen: &[(&str, String)]) -> Command {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/run-mesh.sh");
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(format!("'{}'; true", script.display()))
        .env("ICC_DATA_DIR", data)
        .env("ICC_BIN_DIR", bin_dir())
        .env("ICC_DEMO_INTERVAL_MS", "200")
        .env("RUST_LOG", "warn")
        .process_group(0)
        .stdout(Stdio::piped())
        .kill_on_drop(true);
    for name in [
        "GATEWAY_LISTEN",
        "GATEWAY_METRICS_LISTEN",
        "ORDERS_LISTEN",
        "INGEST_LISTEN",
        "FORECAST_LISTEN",
    ] {
        command.env(name, "127.0.0.1:0");
    }
    for (name, addr) in listen {
        command.env(name, addr);
    }
    command
}

#[tokio::test(flavor = "multi_thread")]
async fn make_run_serves_the_demo_and_stops_with_its_starter() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let mut starter = mesh_command(&data, &[])
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start bash");
    let group = Group(Pid::from_raw(starter.id().expect("a pid") as i32));

    let mut lines = BufReader::new(starter.stdout.take().unwrap()).lines();
    let banner = tokio::time::timeout(START_TIMEOUT, async {
        let mut banner = String::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            banner.push_str(&line);
            banner.push('\n');
            if line.contains("Press Ctrl-C to stop.") {
                return banner;
            }
        }
        panic!("run-mesh.sh ended before the mesh was up (logs in {data:?}): {banner}");
    })
    .await
    .unwrap_or_else(|_| panic!("the mesh was not up within {START_TIMEOUT:?}"));
    let [gateway, metrics, orders, ingest, forecast] = announced(&banner);
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    // The admin and the viewer log in with the passwords the script made.
    let channel = connect(gateway).await;
    let mut auth = AuthServiceClient::new(channel.clone());
    let login = |user: &str, password: String| pb::LoginRequest {
        username: user.into(),
        password,
    };
    let admin = auth
        .login(login("admin", demo_login(&data, "ADMIN_PASSWORD")))
        .await
        .expect("the admin logs in")
        .into_inner();
    assert_eq!(admin.user.unwrap().username, "admin");
    auth.login(login("viewer", demo_login(&data, "VIEWER_PASSWORD")))
        .await
        .expect("the viewer logs in");
    let token = admin.access_token;

    // The demo catalog is there, and its history makes forecasts.
    let products = CatalogServiceClient::new(channel.clone())
        .list_products(authed(
            pb::ListProductsRequest {
                page_size: 100,
                ..Default::default()
            },
            &token,
        ))
        .await
        .expect("ListProducts")
        .into_inner()
        .products;
    assert!(!products.is_empty(), "the demo seeded no products");
    let sku = products[0].sku.clone();
    let forecast_answer = ForecastServiceClient::new(channel)
        .get_forecast(authed(
            pb::GetForecastRequest {
                sku: sku.clone(),
                horizon_days: 14,
                ..Default::default()
            },
            &token,
        ))
        .await
        .unwrap_or_else(|e| panic!("GetForecast {sku}: {e:?}"))
        .into_inner();
    let points = forecast_answer.forecast.expect("a forecast").points;
    assert_eq!(points.len(), 14);
    assert!(
        points.iter().any(|p| p.value > 0.0),
        "{sku}: a demo product with sales history forecasts no demand"
    );

    // make dies without passing on a signal: the mesh must follow.
    let starter_pid = Pid::from_raw(starter.id().unwrap() as i32);
    nix::sys::signal::kill(starter_pid, Signal::SIGKILL).unwrap();
    let status = starter.wait().await.unwrap();
    assert_eq!(status.signal(), Some(Signal::SIGKILL as i32));
    let deadline = Instant::now() + STOP_TIMEOUT;
    for addr in [gateway, metrics, orders, ingest, forecast] {
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            assert!(
                Instant::now() < deadline,
                "{addr} still answers {STOP_TIMEOUT:?} after the script's starter was killed"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    drop(group);
}

#[tokio::test(flavor = "multi_thread")]
async fn make_run_names_a_server_that_cannot_start_and_leaves_nothing_running() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // ingest-svc's address is taken, so it fails after orders-svc started.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = [("INGEST_LISTEN", taken.local_addr().unwrap().to_string())];
    let starter = mesh_command(&data, &listen)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start bash");
    let group = Group(Pid::from_raw(starter.id().expect("a pid") as i32));
    let out = tokio::time::timeout(START_TIMEOUT, starter.wait_with_output())
        .await
        .expect("run-mesh.sh gave up in time")
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ingest-svc did not start (see ") && stderr.contains("ingest-svc.log"),
        "stderr: {stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("is running"),
        "the banner was printed for a mesh that did not start"
    );
    // The script stopped and reaped orders-svc before it exited.
    assert_eq!(
        killpg(group.0, None),
        Err(nix::errno::Errno::ESRCH),
        "a process of the mesh is still running"
    );
}
