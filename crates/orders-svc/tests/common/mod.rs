//! In-process test harness: an orders-svc server on 127.0.0.1:0 over a fresh
//! SQLite store in a temporary directory, and real tonic clients.
//!
//! Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use icc_proto::v1 as pb;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_server::testing::Running;
use prost_types::FieldMask;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tonic::transport::{Channel, Endpoint};

pub type Catalog = CatalogServiceClient<Channel>;
pub type Orders = OrdersServiceClient<Channel>;
pub type Inventory = InventoryServiceClient<Channel>;
pub type Health = tonic_health::pb::health_client::HealthClient<Channel>;

/// How long a test waits for anything the server should do promptly.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running orders-svc. Dropping it stops the server; the temporary
/// directory holding its store lives as long as the guard.
pub struct TestServer {
    pub addr: SocketAddr,
    server: Running<anyhow::Result<()>>,
    // Declared last: dropped after the server is told to stop.
    _dir: TempDir,
}

impl TestServer {
    /// Binds 127.0.0.1:0 and serves orders-svc on it in a background task.
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let config = orders_svc::Config {
            listen: addr,
            store_url: format!("sqlite://{}", dir.path().join("icc.db").display()),
            feed_poll_ms: 50,
        };
        let server = Running::spawn(addr, |stop| orders_svc::serve(config, listener, stop));
        TestServer {
            addr,
            server,
            _dir: dir,
        }
    }

    /// A new connection (its own HTTP/2 channel) to the server.
    pub async fn channel(&self) -> Channel {
        self.server.channel().await
    }

    /// A connection with small HTTP/2 flow-control windows (16 KiB instead of
    /// 64 KiB), so that a client that stops reading soon pushes back on the
    /// server instead of buffering thousands of messages itself.
    pub async fn tight_channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.addr))
            .expect("endpoint")
            .initial_stream_window_size(Some(16 * 1024))
            .initial_connection_window_size(Some(16 * 1024))
            .connect()
            .await
            .expect("connect with small windows")
    }

    pub async fn catalog(&self) -> Catalog {
        CatalogServiceClient::new(self.channel().await)
    }

    pub async fn orders(&self) -> Orders {
        OrdersServiceClient::new(self.channel().await)
    }

    pub async fn inventory(&self) -> Inventory {
        InventoryServiceClient::new(self.channel().await)
    }

    pub async fn health(&self) -> Health {
        tonic_health::pb::health_client::HealthClient::new(self.channel().await)
    }

    /// Asks the server to shut down gracefully and waits up to `within` for
    /// `serve` to return. Err when it did not return in time.
    pub async fn stop(self, within: Duration) -> Result<anyhow::Result<()>, String> {
        self.server.stop(within).await
    }
}

/// A product to create.
pub fn product(
    sku: &str,
    name: &str,
    category: &str,
    unit_price_minor: i64,
    on_hand: i64,
    low_stock_threshold: i64,
) -> pb::Product {
    pb::Product {
        sku: sku.into(),
        name: name.into(),
        category: category.into(),
        unit_price_minor,
        on_hand,
        low_stock_threshold,
        ..Default::default()
    }
}

/// Creates a product and returns it as stored.
pub async fn create(catalog: &mut Catalog, p: pb::Product) -> pb::Product {
    let sku = p.sku.clone();
    catalog
        .create_product(pb::CreateProductRequest { product: Some(p) })
        .await
        .unwrap_or_else(|e| panic!("create {sku}: {e:?}"))
        .into_inner()
        .product
        .expect("product in response")
}

/// Creates a product with a name, category and price derived from the SKU.
pub async fn create_stocked(catalog: &mut Catalog, sku: &str, on_hand: i64) -> pb::Product {
    create(
        catalog,
        product(sku, &format!("Product {sku}"), "General", 100, on_hand, 0),
    )
    .await
}

pub async fn get(catalog: &mut Catalog, sku: &str) -> pb::Product {
    catalog
        .get_product(pb::GetProductRequest { sku: sku.into() })
        .await
        .unwrap_or_else(|e| panic!("get {sku}: {e:?}"))
        .into_inner()
        .product
        .expect("product in response")
}

pub async fn on_hand(catalog: &mut Catalog, sku: &str) -> i64 {
    get(catalog, sku).await.on_hand
}

/// An update mask naming `paths`.
pub fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| (*p).to_owned()).collect(),
    })
}

/// Updates the fields of `p` named by `paths`; must succeed. Returns the
/// product as stored.
pub async fn update(catalog: &mut Catalog, p: pb::Product, paths: &[&str]) -> pb::Product {
    let sku = p.sku.clone();
    catalog
        .update_product(pb::UpdateProductRequest {
            product: Some(p),
            update_mask: mask(paths),
        })
        .await
        .unwrap_or_else(|e| panic!("update {sku}: {e:?}"))
        .into_inner()
        .product
        .expect("product in response")
}

/// Archives a product; must succeed. Returns the product as stored.
pub async fn archive(catalog: &mut Catalog, sku: &str) -> pb::Product {
    catalog
        .archive_product(pb::ArchiveProductRequest { sku: sku.into() })
        .await
        .unwrap_or_else(|e| panic!("archive {sku}: {e:?}"))
        .into_inner()
        .product
        .expect("product in response")
}

/// Every movement of a product, newest first, read page by page.
pub async fn all_movements(
    catalog: &mut Catalog,
    sku: &str,
    page_size: i32,
) -> Vec<pb::StockMovement> {
    let mut all = Vec::new();
    let mut page_token = String::new();
    for _ in 0..100_000 {
        let page = catalog
            .list_stock_movements(pb::ListStockMovementsRequest {
                sku: sku.into(),
                page_size,
                page_token: page_token.clone(),
            })
            .await
            .unwrap_or_else(|e| panic!("list movements of {sku}: {e:?}"))
            .into_inner();
        assert!(
            page.movements.len() <= page_size as usize,
            "a page of {} movements for page_size {page_size}",
            page.movements.len()
        );
        all.extend(page.movements);
        if page.next_page_token.is_empty() {
            return all;
        }
        page_token = page.next_page_token;
    }
    panic!("movement paging of {sku} never ended");
}

/// How many of a product's movements (read `page_size` at a time) have `reason`.
pub async fn count_movements(
    catalog: &mut Catalog,
    sku: &str,
    page_size: i32,
    reason: pb::MovementReason,
) -> usize {
    all_movements(catalog, sku, page_size)
        .await
        .iter()
        .filter(|m| m.reason == reason as i32)
        .count()
}

/// Every order matching `request`'s filters, newest first, page by page.
pub async fn all_orders(orders: &mut Orders, mut request: pb::ListOrdersRequest) -> Vec<pb::Order> {
    let mut all = Vec::new();
    for _ in 0..100_000 {
        let page = orders
            .list_orders(request.clone())
            .await
            .unwrap_or_else(|e| panic!("list orders: {e:?}"))
            .into_inner();
        if request.page_size > 0 {
            assert!(page.orders.len() <= request.page_size as usize);
        }
        all.extend(page.orders);
        if page.next_page_token.is_empty() {
            return all;
        }
        request.page_token = page.next_page_token;
    }
    panic!("order paging never ended");
}

pub fn lines(lines: &[(&str, i64)]) -> Vec<pb::OrderLineInput> {
    lines
        .iter()
        .map(|(sku, quantity)| pb::OrderLineInput {
            sku: (*sku).into(),
            quantity: *quantity,
        })
        .collect()
}

pub fn order_request(key: &str, order_lines: &[(&str, i64)]) -> pb::PlaceOrderRequest {
    pb::PlaceOrderRequest {
        idempotency_key: key.into(),
        lines: lines(order_lines),
        note: String::new(),
    }
}

/// Places an order that must succeed.
pub async fn place(
    orders: &mut Orders,
    key: &str,
    order_lines: &[(&str, i64)],
) -> pb::PlaceOrderResponse {
    orders
        .place_order(order_request(key, order_lines))
        .await
        .unwrap_or_else(|e| panic!("place order {key}: {e:?}"))
        .into_inner()
}

/// Places an order that must succeed and returns the order.
pub async fn placed_order(
    orders: &mut Orders,
    key: &str,
    order_lines: &[(&str, i64)],
) -> pb::Order {
    place(orders, key, order_lines)
        .await
        .order
        .expect("order in response")
}

pub async fn cancel(orders: &mut Orders, id: &str, reason: &str) -> pb::CancelOrderResponse {
    orders
        .cancel_order(pb::CancelOrderRequest {
            id: id.into(),
            reason: reason.into(),
        })
        .await
        .unwrap_or_else(|e| panic!("cancel {id}: {e:?}"))
        .into_inner()
}

pub async fn adjust(
    catalog: &mut Catalog,
    sku: &str,
    kind: pb::StockAdjustmentKind,
    quantity: i64,
) -> pb::AdjustStockResponse {
    catalog
        .adjust_stock(pb::AdjustStockRequest {
            sku: sku.into(),
            kind: kind as i32,
            quantity,
            ..Default::default()
        })
        .await
        .unwrap_or_else(|e| panic!("adjust {sku}: {e:?}"))
        .into_inner()
}

#[allow(unused_imports)] // not every test binary checks a status
pub use icc_server::testing::expect_status;

/// A small deterministic generator (no dependency on `rand` needed).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(seed: u64) -> Self {
        Lcg(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}
