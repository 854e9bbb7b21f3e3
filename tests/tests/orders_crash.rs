//! orders-svc killed with SIGKILL under a steady order load, then restarted
//! on the same store: every acknowledged order survives, no order is half
//! applied, retries with the same keys place each order exactly once, and
//! on_hand still equals the sum of the movements.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::{
    CreateProductRequest, GetOrderRequest, GetProductRequest, ListOrdersRequest,
    ListStockMovementsRequest, OrderLineInput, PlaceOrderRequest, Product, WatchInventoryRequest,
};
use icc_tests::Sandbox;
use tonic::transport::Channel;

const SKUS: [&str; 4] = ["CR-1", "CR-2", "CR-3", "CR-4"];
const INITIAL: i64 = 1_000_000;
const CLIENTS: usize = 8;

fn request(client: usize, n: usize) -> PlaceOrderRequest {
    // Deterministic variety: 1 to 3 lines, 1 to 5 units.
    let lines = (0..1 + (client + n) % 3)
        .map(|j| OrderLineInput {
            sku: SKUS[(client + n + j) % SKUS.len()].into(),
            quantity: 1 + ((n + j) % 5) as i64,
        })
        .collect();
    PlaceOrderRequest {
        idempotency_key: format!("crash-{client}-{n}"),
        lines,
        note: String::new(),
    }
}

#[derive(Default)]
struct Log {
    /// Every request sent, acknowledged or not.
    attempted: Vec<PlaceOrderRequest>,
    /// Acknowledged: key -> order id.
    acked: HashMap<String, String>,
}

async fn load(channel: Channel, client: usize, log: Arc<Mutex<Log>>) {
    let mut orders = OrdersServiceClient::new(channel);
    for n in 0.. {
        let req = request(client, n);
        log.lock().unwrap().attempted.push(req.clone());
        match orders.place_order(req.clone()).await {
            Ok(r) => {
                let id = r.into_inner().order.unwrap().id;
                log.lock().unwrap().acked.insert(req.idempotency_key, id);
            }
            Err(_) => return, // the server died
        }
    }
}

async fn on_hand(catalog: &mut CatalogServiceClient<Channel>, sku: &str) -> i64 {
    let p = catalog
        .get_product(GetProductRequest { sku: sku.into() })
        .await
        .unwrap()
        .into_inner();
    p.product.unwrap().on_hand
}

async fn movement_sum(catalog: &mut CatalogServiceClient<Channel>, sku: &str) -> i64 {
    let (mut sum, mut token) = (0, String::new());
    loop {
        let req = ListStockMovementsRequest {
            sku: sku.into(),
            page_size: 1000,
            page_token: token,
        };
        let page = catalog
            .list_stock_movements(req)
            .await
            .unwrap()
            .into_inner();
        sum += page.movements.iter().map(|m| m.delta).sum::<i64>();
        if page.next_page_token.is_empty() {
            return sum;
        }
        token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_orders_survive_sigkill_and_retries_place_each_once() {
    let sandbox = Sandbox::new().unwrap();
    let first = sandbox.orders_svc().await.unwrap();
    let channel = first.channel().await.unwrap();
    let mut catalog = CatalogServiceClient::new(channel.clone());
    for sku in SKUS {
        let product = Product {
            sku: sku.into(),
            name: sku.into(),
            category: "crash".into(),
            unit_price_minor: 100,
            on_hand: INITIAL,
            ..Default::default()
        };
        catalog
            .create_product(CreateProductRequest {
                product: Some(product),
            })
            .await
            .unwrap();
    }

    let log = Arc::new(Mutex::new(Log::default()));
    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let channel = first.channel().await.unwrap();
        tasks.push(tokio::spawn(load(channel, client, log.clone())));
    }
    // Let the load run, then crash the server mid-stream.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    first.kill9().await.unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let log = Arc::try_unwrap(log).ok().unwrap().into_inner().unwrap();
    assert!(
        log.acked.len() > 20,
        "too little load before the kill: {} orders",
        log.acked.len()
    );
    assert!(
        log.attempted.len() > log.acked.len(),
        "the kill interrupted nothing"
    );

    let second = sandbox.orders_svc().await.unwrap();
    let channel = second.channel().await.unwrap();
    let mut orders = OrdersServiceClient::new(channel.clone());
    let mut catalog = CatalogServiceClient::new(channel);

    // Every acknowledged order is durable.
    for id in log.acked.values() {
        orders
            .get_order(GetOrderRequest { id: id.clone() })
            .await
            .unwrap_or_else(|e| panic!("acked order {id} lost: {e}"));
    }
    // Retrying every request, acknowledged or not, places each exactly once.
    let mut replayed = 0;
    for req in &log.attempted {
        let r = orders.place_order(req.clone()).await.unwrap().into_inner();
        let order = r.order.unwrap();
        if let Some(id) = log.acked.get(&req.idempotency_key) {
            assert!(
                r.replayed,
                "acked order {} placed again",
                req.idempotency_key
            );
            assert_eq!(&order.id, id);
        }
        replayed += usize::from(r.replayed);
        let want: Vec<_> = req
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.quantity))
            .collect();
        let got: Vec<_> = order
            .lines
            .iter()
            .map(|l| (l.sku.clone(), l.quantity))
            .collect();
        assert_eq!(
            want, got,
            "order {} has other lines than requested",
            req.idempotency_key
        );
    }
    assert!(replayed >= log.acked.len());

    // The store holds exactly one order per key, and stock moved by exactly
    // the ordered quantities.
    let (mut listed, mut token) = (Vec::new(), String::new());
    loop {
        let page = orders
            .list_orders(ListOrdersRequest {
                page_size: 1000,
                page_token: token,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        listed.extend(page.orders);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(
        listed.len(),
        log.attempted.len(),
        "one order per attempted key"
    );
    let mut sold: HashMap<String, i64> = HashMap::new();
    for line in listed.iter().flat_map(|o| &o.lines) {
        *sold.entry(line.sku.clone()).or_default() += line.quantity;
    }
    for sku in SKUS {
        let now = on_hand(&mut catalog, sku).await;
        assert_eq!(
            INITIAL - now,
            sold.get(sku).copied().unwrap_or(0),
            "{sku}: stock moved by other than the orders"
        );
        assert_eq!(
            now,
            movement_sum(&mut catalog, sku).await,
            "{sku}: on_hand != sum of movements"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_drains_and_exits_cleanly_with_a_watch_open() {
    let sandbox = Sandbox::new().unwrap();
    let svc = sandbox.orders_svc().await.unwrap();
    let mut inventory = InventoryServiceClient::new(svc.channel().await.unwrap());
    let mut stream = inventory
        .watch_inventory(WatchInventoryRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(stream.message().await.unwrap().is_some(), "no snapshot");

    let status = svc.terminate(Duration::from_secs(10)).await.unwrap();
    assert!(status.success(), "orders-svc exited with {status}");
    // The open stream ended: with UNAVAILABLE, or just closed.
    match stream.message().await {
        Ok(None) => {}
        Err(s) => assert_eq!(s.code(), tonic::Code::Unavailable, "{s}"),
        Ok(Some(m)) => panic!("unexpected message after shutdown: {m:?}"),
    }
}
