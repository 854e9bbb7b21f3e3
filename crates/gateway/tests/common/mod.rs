//! In-process test harness: orders-svc and the gateway, each on
//! 127.0.0.1:0, over one fresh SQLite store in a temporary directory; real
//! tonic clients and plain HTTP/1.1 for grpc-web.
//!
//! Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use futures::StreamExt;
use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_client::AuthServiceClient;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request};

/// How long a test waits for anything that should happen promptly.
pub const PATIENCE: Duration = Duration::from_secs(20);
/// The token-signing secret of test gateways.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";
pub const ADMIN: (&str, &str) = ("admin", "admin-password-1");
pub const STAFF: (&str, &str) = ("staff", "staff-password-1");
pub const VIEWER: (&str, &str) = ("viewer", "viewer-password-1");

/// A server running in a background task; dropping it stops the server.
pub type Running = icc_server::testing::Running<anyhow::Result<()>>;

/// Starts orders-svc on `store_url`.
pub async fn start_orders(store_url: &str) -> Running {
    start_orders_on("127.0.0.1:0", store_url).await
}

/// Starts ingest-svc on `store_url`, polling the order feed every
/// `poll_ms`.
pub async fn start_ingest(store_url: &str, poll_ms: u64) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind ingest-svc");
    let addr = listener.local_addr().unwrap();
    let config = ingest_svc::Config::parse_from([
        "ingest-svc",
        "--listen",
        &addr.to_string(),
        "--store-url",
        store_url,
        "--poll-ms",
        &poll_ms.to_string(),
    ]);
    Running::spawn(addr, |stop| ingest_svc::serve(config, listener, stop))
}

/// Starts orders-svc on a given address (to restart it on the same port).
pub async fn start_orders_on(addr: &str, store_url: &str) -> Running {
    let listener = TcpListener::bind(addr).await.expect("bind orders-svc");
    let addr = listener.local_addr().unwrap();
    let config = orders_svc::Config::parse_from([
        "orders-svc",
        "--listen",
        &addr.to_string(),
        "--store-url",
        store_url,
        "--feed-poll-ms",
        "50",
    ]);
    Running::spawn(addr, |stop| orders_svc::serve(config, listener, stop))
}

/// A running gateway and where to reach it.
pub struct Gateway {
    pub server: Running,
    pub addr: SocketAddr,
    pub metrics: SocketAddr,
}

/// Starts a gateway on `store_url` forwarding orders to `orders` (ingest
/// and forecast to an address where nothing listens), with the admin,
/// staff and viewer users, plus `extra` flags.
pub async fn start_gateway(store_url: &str, orders: SocketAddr, extra: &[&str]) -> Gateway {
    start_gateway_with(store_url, &format!("http://{orders}"), extra).await
}

/// [`start_gateway`] with a list of orders-svc addresses (comma-separated).
pub async fn start_gateway_with(store_url: &str, orders: &str, extra: &[&str]) -> Gateway {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind gateway");
    let metrics = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind metrics");
    let addr = listener.local_addr().unwrap();
    let metrics_addr = metrics.local_addr().unwrap();
    let seeds = format!(
        "{}:STAFF:{},{}:VIEWER:{}",
        STAFF.0, STAFF.1, VIEWER.0, VIEWER.1
    );
    let mut args = vec![
        "gateway",
        "--store-url",
        store_url,
        "--orders-upstream",
        orders,
        "--jwt-secret",
        SECRET,
        "--admin-username",
        ADMIN.0,
        "--admin-password",
        ADMIN.1,
        "--seed-users",
        &seeds,
        "--health-interval-ms",
        "100",
    ];
    // Where nothing listens, unless `extra` names the service.
    for flag in ["--ingest-upstream", "--forecast-upstream"] {
        if !extra.contains(&flag) {
            args.extend([flag, "http://127.0.0.1:1"]);
        }
    }
    args.extend_from_slice(extra);
    let config = gateway::Config::parse_from(args);
    Gateway {
        server: Running::spawn(addr, |stop| gateway::serve(config, listener, metrics, stop)),
        addr,
        metrics: metrics_addr,
    }
}

/// orders-svc and a gateway in front of it, on one store.
pub struct Mesh {
    pub orders: Running,
    pub gateway: Gateway,
    pub store_url: String,
    // Declared last: dropped after the servers are told to stop.
    pub dir: TempDir,
}

impl Mesh {
    pub async fn start(extra: &[&str]) -> Mesh {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store_url = format!("sqlite://{}", dir.path().join("icc.db").display());
        let orders = start_orders(&store_url).await;
        let gateway = start_gateway(&store_url, orders.addr, extra).await;
        Mesh {
            orders,
            gateway,
            store_url,
            dir,
        }
    }

    /// A new connection to the gateway.
    pub async fn channel(&self) -> Channel {
        connect(self.gateway.addr).await
    }

    /// Logs in through the gateway and returns the token.
    pub async fn login(&self, (user, password): (&str, &str)) -> String {
        login(self.channel().await, user, password).await
    }

    /// Waits until the gateway's live inventory is being served (its health
    /// for InventoryService turns SERVING).
    pub async fn inventory_ready(&self) {
        serving(self.channel().await, "icc.v1.InventoryService").await;
    }
}

/// A connection to `addr`; the server is already listening.
pub async fn connect(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .expect("connect")
}

/// Waits (by health Watch, not polling) until `service` is SERVING.
pub async fn serving(channel: Channel, service: &str) {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    use tonic_health::pb::health_client::HealthClient;
    let mut stream = HealthClient::new(channel)
        .watch(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .expect("health watch")
        .into_inner();
    tokio::time::timeout(PATIENCE, async {
        while let Some(r) = stream.next().await {
            if r.expect("health").status == ServingStatus::Serving as i32 {
                return;
            }
        }
        panic!("health watch of {service} ended");
    })
    .await
    .unwrap_or_else(|_| panic!("{service} not SERVING within {PATIENCE:?}"));
}

pub async fn login(channel: Channel, user: &str, password: &str) -> String {
    AuthServiceClient::new(channel)
        .login(pb::LoginRequest {
            username: user.into(),
            password: password.into(),
        })
        .await
        .unwrap_or_else(|s| panic!("login {user}: {s:?}"))
        .into_inner()
        .access_token
}

/// `message` with `authorization: Bearer <token>`.
pub fn authed<T>(message: T, token: &str) -> Request<T> {
    let mut r = Request::new(message);
    r.metadata_mut().insert(
        "authorization",
        MetadataValue::try_from(format!("Bearer {token}")).unwrap(),
    );
    r
}

pub fn catalog(channel: Channel) -> CatalogServiceClient<Channel> {
    CatalogServiceClient::new(channel)
}

pub fn orders(channel: Channel) -> OrdersServiceClient<Channel> {
    OrdersServiceClient::new(channel)
}

pub fn inventory(channel: Channel) -> InventoryServiceClient<Channel> {
    InventoryServiceClient::new(channel)
}

/// Creates products `prefix-000..` with `on_hand` each, as the admin.
pub async fn seed_products(mesh: &Mesh, prefix: &str, count: usize, on_hand: i64) -> Vec<String> {
    let token = mesh.login(ADMIN).await;
    let mut client = catalog(mesh.channel().await);
    let mut skus = Vec::new();
    for i in 0..count {
        let sku = format!("{prefix}-{i:03}");
        client
            .create_product(authed(
                pb::CreateProductRequest {
                    product: Some(pb::Product {
                        sku: sku.clone(),
                        name: format!("Product {sku}"),
                        category: "Test".into(),
                        unit_price_minor: 100,
                        on_hand,
                        low_stock_threshold: 1,
                        ..Default::default()
                    }),
                },
                &token,
            ))
            .await
            .unwrap_or_else(|s| panic!("create {sku}: {s:?}"));
        skus.push(sku);
    }
    skus
}

/// The code of a result, OK for success.
pub fn code<T>(r: &Result<T, tonic::Status>) -> Code {
    match r {
        Ok(_) => Code::Ok,
        Err(s) => s.code(),
    }
}
