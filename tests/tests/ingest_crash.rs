//! ingest-svc killed with SIGKILL mid-stream, twice, under a steady order
//! load, and restarted: afterwards there is exactly one sales event per sold
//! line plus one per cancelled line, and the facts equal both a rebuild from
//! the events and a recomputation from the orders themselves.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{Days, Utc};
use icc_proto::date_to_proto;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::*;
use icc_tests::{Sandbox, Service};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

const SKUS: [&str; 5] = ["IC-1", "IC-2", "IC-3", "IC-4", "IC-5"];

async fn load(channel: Channel, client: usize, stop: CancellationToken) {
    let mut orders = OrdersServiceClient::new(channel);
    for n in 0.. {
        if stop.is_cancelled() {
            return;
        }
        let lines = (0..1 + (client + n) % 3)
            .map(|j| OrderLineInput {
                sku: SKUS[(client * 2 + n + j) % SKUS.len()].into(),
                quantity: 1 + (n % 4) as i64,
            })
            .collect();
        let req = PlaceOrderRequest {
            idempotency_key: format!("ic-{client}-{n}"),
            lines,
            note: String::new(),
        };
        let order = orders
            .place_order(req)
            .await
            .expect("orders-svc stays up")
            .into_inner()
            .order
            .unwrap();
        if n % 5 == 0 {
            orders
                .cancel_order(CancelOrderRequest {
                    id: order.id,
                    reason: String::new(),
                })
                .await
                .unwrap();
        }
    }
}

async fn caught_up(ingest: &Service) -> GetPipelineStatusResponse {
    let mut client = IngestServiceClient::new(ingest.channel().await.unwrap());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let s = client
            .get_pipeline_status(GetPipelineStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if s.checkpoint_seq == s.head_seq {
            return s;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "ingest-svc never caught up: {s:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn all_orders(orders: &mut OrdersServiceClient<Channel>) -> Vec<Order> {
    let (mut all, mut token) = (Vec::new(), String::new());
    loop {
        let r = ListOrdersRequest {
            page_size: 1000,
            page_token: token,
            ..Default::default()
        };
        let page = orders.list_orders(r).await.unwrap().into_inner();
        all.extend(page.orders);
        if page.next_page_token.is_empty() {
            return all;
        }
        token = page.next_page_token;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_mid_stream_loses_and_doubles_nothing() {
    let sandbox = Sandbox::new().unwrap();
    let orders_svc = sandbox.orders_svc().await.unwrap();
    let mut ingest = sandbox.ingest_svc().await.unwrap();
    let channel = orders_svc.channel().await.unwrap();
    let mut catalog = CatalogServiceClient::new(channel.clone());
    for sku in SKUS {
        let p = Product {
            sku: sku.into(),
            name: sku.into(),
            category: "c".into(),
            unit_price_minor: 125,
            on_hand: 10_000_000,
            ..Default::default()
        };
        catalog
            .create_product(CreateProductRequest { product: Some(p) })
            .await
            .unwrap();
    }

    let stop = CancellationToken::new();
    let mut load_tasks = Vec::new();
    for client in 0..4 {
        load_tasks.push(tokio::spawn(load(
            orders_svc.channel().await.unwrap(),
            client,
            stop.clone(),
        )));
    }
    for _ in 0..2 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        ingest.kill9().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        ingest = sandbox.ingest_svc().await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.cancel();
    for t in load_tasks {
        t.await.unwrap();
    }

    let status = caught_up(&ingest).await;
    let mut orders = OrdersServiceClient::new(channel);
    let placed = all_orders(&mut orders).await;
    let cancelled: Vec<_> = placed
        .iter()
        .filter(|o| o.status == OrderStatus::Cancelled as i32)
        .collect();
    assert!(
        placed.len() > 50 && !cancelled.is_empty(),
        "too little load: {} orders",
        placed.len()
    );
    let sold_lines: i64 = placed.iter().map(|o| o.lines.len() as i64).sum();
    let reversed_lines: i64 = cancelled.iter().map(|o| o.lines.len() as i64).sum();
    assert_eq!(
        status.sales_event_count,
        sold_lines + reversed_lines,
        "one event per line, one reversal per cancelled line"
    );

    // Facts equal a rebuild from the events...
    let mut client = IngestServiceClient::new(ingest.channel().await.unwrap());
    let (from, to) = (
        Utc::now().date_naive() - Days::new(1),
        Utc::now().date_naive(),
    );
    let rebuild = RebuildFactsRequest {
        sku: String::new(),
        start_date: Some(date_to_proto(from)),
        end_date: Some(date_to_proto(to)),
    };
    assert_eq!(
        client
            .rebuild_facts(rebuild)
            .await
            .unwrap()
            .into_inner()
            .rows_changed,
        0
    );
    // ...and the net units of the orders that still stand.
    let mut expected: HashMap<&str, i64> = HashMap::new();
    for line in placed
        .iter()
        .filter(|o| o.status == OrderStatus::Placed as i32)
        .flat_map(|o| &o.lines)
    {
        *expected.entry(line.sku.as_str()).or_default() += line.quantity;
    }
    for sku in SKUS {
        let r = GetDailySalesRequest {
            sku: sku.into(),
            start_date: Some(date_to_proto(from)),
            end_date: Some(date_to_proto(to)),
        };
        let units: i64 = client
            .get_daily_sales(r)
            .await
            .unwrap()
            .into_inner()
            .days
            .iter()
            .map(|d| d.units)
            .sum();
        assert_eq!(
            units,
            expected.get(sku).copied().unwrap_or(0),
            "{sku}: facts differ from the orders"
        );
    }
}
