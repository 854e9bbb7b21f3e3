//! Forwarding, against a scripted fake orders-svc: the request id reaches
//! the service, reads are retried and writes are not, deadlines hold,
//! statuses are cleaned, calls are balanced over several addresses, a
//! service that is down answers UNAVAILABLE at once, load is shed, and the
//! metrics endpoint tells about all of it.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use icc_proto::v1 as pb;
use icc_proto::v1::catalog_service_server::{CatalogService, CatalogServiceServer};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Code, Request, Response, Status, Streaming};

/// What the fake saw.
#[derive(Default)]
struct Seen {
    reads: AtomicUsize,
    writes: AtomicUsize,
}

/// A CatalogService whose GetProduct does what the SKU says.
struct Fake {
    seen: Arc<Seen>,
    /// Told when a `slow` call has arrived.
    arrived: mpsc::UnboundedSender<()>,
    /// Name returned in products, to tell two fakes apart.
    name: &'static str,
}

type R<T> = Result<Response<T>, Status>;

#[tonic::async_trait]
impl CatalogService for Fake {
    async fn get_product(
        &self,
        request: Request<pb::GetProductRequest>,
    ) -> R<pb::GetProductResponse> {
        let n = self.seen.reads.fetch_add(1, Ordering::SeqCst);
        let id = request
            .metadata()
            .get("x-request-id")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let sku = request.into_inner().sku;
        match sku.as_str() {
            "flaky" if n < 2 => return Err(Status::unavailable("warming up at 10.1.2.3")),
            "slow" => {
                let _ = self.arrived.send(());
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            "secret" => {
                return Err(Status::internal(
                    "sqlite: disk I/O error at /var/lib/icc.db",
                ));
            }
            "gone" => return Err(Status::not_found("product \"gone\" not found")),
            _ => {}
        }
        Ok(Response::new(pb::GetProductResponse {
            product: Some(pb::Product {
                sku,
                name: format!("{}|{id}", self.name),
                ..Default::default()
            }),
        }))
    }

    async fn adjust_stock(&self, _: Request<pb::AdjustStockRequest>) -> R<pb::AdjustStockResponse> {
        self.seen.writes.fetch_add(1, Ordering::SeqCst);
        Err(Status::unavailable("write path down"))
    }

    async fn create_product(
        &self,
        _: Request<pb::CreateProductRequest>,
    ) -> R<pb::CreateProductResponse> {
        Err(Status::unimplemented(""))
    }

    async fn list_products(
        &self,
        _: Request<pb::ListProductsRequest>,
    ) -> R<pb::ListProductsResponse> {
        Ok(Response::new(pb::ListProductsResponse::default()))
    }

    async fn update_product(
        &self,
        _: Request<pb::UpdateProductRequest>,
    ) -> R<pb::UpdateProductResponse> {
        Err(Status::unimplemented(""))
    }

    async fn archive_product(
        &self,
        _: Request<pb::ArchiveProductRequest>,
    ) -> R<pb::ArchiveProductResponse> {
        Err(Status::unimplemented(""))
    }

    async fn list_stock_movements(
        &self,
        _: Request<pb::ListStockMovementsRequest>,
    ) -> R<pb::ListStockMovementsResponse> {
        Err(Status::unimplemented(""))
    }

    async fn import_products(
        &self,
        _: Request<Streaming<pb::ImportProductsRequest>>,
    ) -> R<pb::ImportProductsResponse> {
        Err(Status::unimplemented(""))
    }
}

struct FakeServer {
    addr: SocketAddr,
    seen: Arc<Seen>,
    arrived: mpsc::UnboundedReceiver<()>,
}

async fn fake(name: &'static str) -> FakeServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let (tx, arrived) = mpsc::unbounded_channel();
    let service = CatalogServiceServer::new(Fake {
        seen: seen.clone(),
        arrived: tx,
        name,
    });
    let (_, health) = tonic_health::server::health_reporter();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(health)
            .add_service(service)
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );
    FakeServer {
        addr,
        seen,
        arrived,
    }
}

/// A gateway (and its users' store) in front of `orders` addresses.
struct Front {
    gateway: Gateway,
    _dir: tempfile::TempDir,
}

async fn front(orders: &[SocketAddr], extra: &[&str]) -> Front {
    let dir = tempfile::tempdir().unwrap();
    let store_url = format!("sqlite://{}", dir.path().join("icc.db").display());
    let list = orders
        .iter()
        .map(|a| format!("http://{a}"))
        .collect::<Vec<_>>()
        .join(",");
    let gateway = start_gateway_with(&store_url, &list, extra).await;
    Front { gateway, _dir: dir }
}

fn get(sku: &str, token: &str) -> Request<pb::GetProductRequest> {
    authed(pb::GetProductRequest { sku: sku.into() }, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn request_ids_retries_deadlines_and_clean_statuses() {
    let upstream = fake("one").await;
    let front = front(&[upstream.addr], &["--upstream-timeout-ms", "400"]).await;
    let channel = connect(front.gateway.addr).await;
    let admin = login(channel.clone(), ADMIN.0, ADMIN.1).await;
    let mut client = catalog(channel.clone());

    // The client's request id reaches the service and comes back.
    let mut request = get("any", &admin);
    request
        .metadata_mut()
        .insert("x-request-id", "test-id-123".parse().unwrap());
    let response = client.get_product(request).await.unwrap();
    assert_eq!(
        response.metadata().get("x-request-id").unwrap(),
        "test-id-123"
    );
    assert_eq!(
        response.into_inner().product.unwrap().name,
        "one|test-id-123"
    );
    // Without one, the gateway makes one up and passes that on.
    let response = client.get_product(get("any", &admin)).await.unwrap();
    let id = response
        .metadata()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(
        response.into_inner().product.unwrap().name,
        format!("one|{id}")
    );

    // A read that finds the service unavailable is retried (twice here).
    let before = upstream.seen.reads.load(Ordering::SeqCst);
    upstream.seen.reads.store(0, Ordering::SeqCst);
    let flaky = client.get_product(get("flaky", &admin)).await;
    assert!(flaky.is_ok(), "{flaky:?}");
    assert_eq!(upstream.seen.reads.load(Ordering::SeqCst), 3);
    upstream.seen.reads.store(before, Ordering::SeqCst);

    // A write is never retried, and the answer names no internals.
    let write = client
        .adjust_stock(authed(pb::AdjustStockRequest::default(), &admin))
        .await
        .unwrap_err();
    assert_eq!(write.code(), Code::Unavailable);
    assert_eq!(
        write.message(),
        "the orders service is unavailable; try again shortly"
    );
    assert_eq!(upstream.seen.writes.load(Ordering::SeqCst), 1);

    // Internal failures are plain INTERNAL; user errors pass as written.
    let secret = client.get_product(get("secret", &admin)).await.unwrap_err();
    assert_eq!(
        (secret.code(), secret.message()),
        (Code::Internal, "internal error")
    );
    let gone = client.get_product(get("gone", &admin)).await.unwrap_err();
    assert_eq!(
        (gone.code(), gone.message()),
        (Code::NotFound, "product \"gone\" not found")
    );

    // The gateway's deadline (400 ms here), and the client's when shorter.
    let started = Instant::now();
    let slow = client.get_product(get("slow", &admin)).await.unwrap_err();
    assert_eq!(slow.code(), Code::DeadlineExceeded, "{slow:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let mut hurried = get("slow", &admin);
    hurried.set_timeout(Duration::from_millis(100));
    let started = Instant::now();
    let e = client.get_product(hurried).await.unwrap_err();
    assert!(
        matches!(e.code(), Code::DeadlineExceeded | Code::Cancelled),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(350),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_are_balanced_over_several_addresses() {
    let a = fake("a").await;
    let b = fake("b").await;
    let front = front(&[a.addr, b.addr], &[]).await;
    let channel = connect(front.gateway.addr).await;
    let admin = login(channel.clone(), ADMIN.0, ADMIN.1).await;
    let mut client = catalog(channel);
    let mut names = std::collections::BTreeSet::new();
    for _ in 0..40 {
        let p = client
            .get_product(get("any", &admin))
            .await
            .unwrap()
            .into_inner()
            .product
            .unwrap();
        names.insert(p.name.split('|').next().unwrap().to_owned());
    }
    assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a", "b"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_that_is_down_answers_unavailable_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store_url = format!("sqlite://{}", dir.path().join("icc.db").display());
    // Nothing listens on port 1.
    let gateway = start_gateway(&store_url, "127.0.0.1:1".parse().unwrap(), &[]).await;
    let channel = connect(gateway.addr).await;
    let viewer = login(channel.clone(), VIEWER.0, VIEWER.1).await;
    for _ in 0..3 {
        let started = Instant::now();
        let e = catalog(channel.clone())
            .list_products(authed(pb::ListProductsRequest::default(), &viewer))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::Unavailable);
        assert_eq!(
            e.message(),
            "the orders service is unavailable; try again shortly"
        );
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }
    let e = inventory(channel.clone())
        .watch_inventory(authed(pb::WatchInventoryRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unavailable);
    // ingest-svc and forecast-svc are not running either.
    let e = icc_proto::v1::ingest_service_client::IngestServiceClient::new(channel.clone())
        .get_pipeline_status(authed(pb::GetPipelineStatusRequest {}, &viewer))
        .await
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            Code::Unavailable,
            "the ingest service is unavailable; try again shortly"
        )
    );
    let e = icc_proto::v1::forecast_service_client::ForecastServiceClient::new(channel)
        .list_reorder_advice(authed(pb::ListReorderAdviceRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::Unavailable);
}

#[tokio::test(flavor = "multi_thread")]
async fn load_is_shed_and_slow_calls_time_out() {
    let mut upstream = fake("one").await;
    let front = front(
        &[upstream.addr],
        &[
            "--max-concurrent-requests",
            "2",
            "--request-timeout-ms",
            "3000",
            "--upstream-timeout-ms",
            "60000",
        ],
    )
    .await;
    let channel = connect(front.gateway.addr).await;
    let admin = login(channel.clone(), ADMIN.0, ADMIN.1).await;
    // Two slow calls fill the gateway.
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut client = catalog(channel.clone());
        let request = get("slow", &admin);
        slow.push(tokio::spawn(
            async move { client.get_product(request).await },
        ));
        upstream.arrived.recv().await.unwrap();
    }
    // A third is refused at once.
    let started = Instant::now();
    let shed = catalog(channel.clone())
        .get_product(get("any", &admin))
        .await
        .unwrap_err();
    assert_eq!(shed.code(), Code::ResourceExhausted, "{shed:?}");
    assert!(started.elapsed() < Duration::from_millis(500));
    // The slow ones end at the gateway's request timeout.
    for call in slow {
        let e = call.await.unwrap().unwrap_err();
        assert_eq!(e.code(), Code::DeadlineExceeded, "{e:?}");
    }
    // And capacity is back.
    assert!(
        catalog(channel)
            .get_product(get("any", &admin))
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_tell_requests_codes_latency_streams_and_upstreams() {
    let mesh = Mesh::start(&[]).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let channel = mesh.channel().await;
    catalog(channel.clone())
        .list_products(authed(pb::ListProductsRequest::default(), &viewer))
        .await
        .unwrap();
    let denied = orders(channel.clone())
        .cancel_order(authed(pb::CancelOrderRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let watch = inventory(channel.clone())
        .watch_inventory(authed(pb::WatchInventoryRequest::default(), &viewer))
        .await
        .unwrap();
    let closed = inventory(channel)
        .watch_inventory(authed(pb::WatchInventoryRequest::default(), &viewer))
        .await
        .unwrap();
    drop(closed);
    let watch_cancelled = r#"icc_gateway_requests_total{method="/icc.v1.InventoryService/WatchInventory",code="CANCELLED"} 1"#;
    let mut body = String::new();
    for _ in 0..100 {
        body = http_get(mesh.gateway.metrics, "/metrics").await;
        if body.contains(watch_cancelled) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A client closing its watch is counted, but not as an error.
    assert!(body.contains(watch_cancelled), "{body}");
    assert!(
        !body.contains(
            r#"icc_gateway_errors_total{method="/icc.v1.InventoryService/WatchInventory""#
        ),
        "{body}"
    );
    for expected in [
        r#"icc_gateway_requests_total{method="/icc.v1.CatalogService/ListProducts",code="OK"}"#,
        r#"icc_gateway_errors_total{method="/icc.v1.OrdersService/CancelOrder",code="PERMISSION_DENIED"}"#,
        r#"icc_gateway_request_duration_seconds_bucket{method="/icc.v1.CatalogService/ListProducts",le="0.005"}"#,
        r#"icc_gateway_open_streams{method="/icc.v1.InventoryService/WatchInventory"}"#,
        r#"icc_gateway_upstream_up{upstream="orders"} 1"#,
        r#"icc_gateway_upstream_calls_total{upstream="orders",code="OK"}"#,
        "icc_gateway_upstream_watch_connected 1",
        // Described, and at 0 before anything has happened.
        "# HELP icc_gateway_requests_total gRPC calls finished",
        "# HELP icc_gateway_request_duration_seconds",
        "icc_gateway_shed_total 0",
        "icc_gateway_watch_resyncs_total 0",
    ] {
        assert!(body.contains(expected), "{expected} missing from:\n{body}");
    }
    // The token never shows up anywhere.
    assert!(!body.contains(&viewer));
    drop(watch);
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_follow_the_ingest_pipeline() {
    let dir = tempfile::tempdir().unwrap();
    let store_url = format!("sqlite://{}", dir.path().join("icc.db").display());
    let orders_svc = start_orders(&store_url).await;
    let ingest = start_ingest(&store_url, 50).await;
    let ingest_url = format!("http://{}", ingest.addr);
    let gateway = start_gateway(
        &store_url,
        orders_svc.addr,
        &["--ingest-upstream", &ingest_url],
    )
    .await;
    let gauge = |name: &'static str| async move {
        let body = http_get(gateway.metrics, "/metrics").await;
        let prefix = format!("{name} ");
        body.lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    let deadline = Instant::now() + PATIENCE;
    let settles = |name: &'static str, value: f64| async move {
        while gauge(name).await != Some(value) {
            assert!(
                Instant::now() < deadline,
                "{name} never {value}: {:?}",
                gauge(name).await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    settles("icc_gateway_ingest_checkpoint_seq", 0.0).await;

    // A product and three orders: four changes on the feed.
    let channel = connect(orders_svc.addr).await;
    catalog(channel.clone())
        .create_product(pb::CreateProductRequest {
            product: Some(pb::Product {
                sku: "LAG-1".into(),
                name: "Lag".into(),
                category: "Test".into(),
                unit_price_minor: 100,
                on_hand: 50,
                ..Default::default()
            }),
        })
        .await
        .unwrap();
    for n in 0..3 {
        orders(channel.clone())
            .place_order(pb::PlaceOrderRequest {
                idempotency_key: format!("lag-{n}"),
                lines: vec![pb::OrderLineInput {
                    sku: "LAG-1".into(),
                    quantity: 1,
                }],
                note: String::new(),
            })
            .await
            .unwrap();
    }
    // The gauges follow the service's own status once it has caught up.
    let mut ingest_client =
        icc_proto::v1::ingest_service_client::IngestServiceClient::new(connect(ingest.addr).await);
    let status = loop {
        let status = ingest_client
            .get_pipeline_status(pb::GetPipelineStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.lag_events == 0 && status.checkpoint_seq >= 4 {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "ingest never caught up: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    settles(
        "icc_gateway_ingest_checkpoint_seq",
        status.checkpoint_seq as f64,
    )
    .await;
    settles("icc_gateway_ingest_lag_events", 0.0).await;
    settles("icc_gateway_ingest_lag_seconds", 0.0).await;
    let body = http_get(gateway.metrics, "/metrics").await;
    assert!(
        body.contains("# HELP icc_gateway_ingest_lag_events"),
        "{body}"
    );
}

async fn http_get(addr: SocketAddr, path: &str) -> String {
    use http_body_util::{BodyExt, Empty};
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(connection);
    let request = http::Request::get(path)
        .header("host", "metrics")
        .body(Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}
