//! The real gateway binary in front of real services: orders-svc killed
//! with SIGKILL and restarted on the same port behind it (calls fail fast,
//! then work again, and an open watch carries on without a gap), forwarding
//! to ingest-svc and forecast-svc, and a gateway without a signing secret
//! refusing to start.

use std::time::{Duration, Instant};

use futures::StreamExt;
use icc_proto::v1 as pb;
use icc_proto::v1::auth_service_client::AuthServiceClient;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::forecast_service_client::ForecastServiceClient;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::watch_inventory_response::Event;
use icc_tests::{GATEWAY_USERS, Sandbox, authed, bin_dir};
use tonic::Code;
use tonic::transport::Channel;

const PATIENCE: Duration = Duration::from_secs(20);

async fn login(channel: Channel, (user, password): (&str, &str)) -> String {
    AuthServiceClient::new(channel)
        .login(pb::LoginRequest {
            username: user.into(),
            password: password.into(),
        })
        .await
        .expect("login")
        .into_inner()
        .access_token
}

/// Waits (by health Watch) until the gateway serves `service`.
async fn serving(channel: Channel, service: &str) {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus;
    let mut stream = tonic_health::pb::health_client::HealthClient::new(channel)
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
    })
    .await
    .unwrap_or_else(|_| panic!("{service} not serving in time"));
}

fn order(key: &str, quantity: i64) -> pb::PlaceOrderRequest {
    pb::PlaceOrderRequest {
        idempotency_key: key.into(),
        lines: vec![pb::OrderLineInput {
            sku: "CRASH-1".into(),
            quantity,
        }],
        note: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn orders_svc_killed_and_restarted_behind_the_gateway() {
    let sandbox = Sandbox::new().unwrap();
    let orders_svc = sandbox.orders_svc().await.unwrap();
    let port = orders_svc.addr.clone();
    let gateway = sandbox
        .gateway(&orders_svc, None, None, &["--upstream-timeout-ms", "3000"])
        .await
        .unwrap();
    let channel = gateway.channel().await.unwrap();
    let [admin, staff, viewer] = GATEWAY_USERS;
    let (admin, staff, viewer) = (
        login(channel.clone(), admin).await,
        login(channel.clone(), staff).await,
        login(channel.clone(), viewer).await,
    );
    CatalogServiceClient::new(channel.clone())
        .create_product(authed(
            pb::CreateProductRequest {
                product: Some(pb::Product {
                    sku: "CRASH-1".into(),
                    name: "Crash test".into(),
                    category: "Test".into(),
                    unit_price_minor: 100,
                    on_hand: 100,
                    low_stock_threshold: 5,
                    ..Default::default()
                }),
            },
            &admin,
        ))
        .await
        .unwrap();
    serving(channel.clone(), "icc.v1.InventoryService").await;
    let mut orders = OrdersServiceClient::new(channel.clone());
    orders
        .place_order(authed(order("crash-1", 2), &staff))
        .await
        .unwrap();
    let mut watch = InventoryServiceClient::new(channel.clone())
        .watch_inventory(authed(pb::WatchInventoryRequest::default(), &viewer))
        .await
        .unwrap()
        .into_inner();
    let next = async |watch: &mut tonic::Streaming<pb::WatchInventoryResponse>| {
        tokio::time::timeout(PATIENCE, watch.next())
            .await
            .expect("an event in time")
            .expect("open")
            .expect("no error")
            .event
            .unwrap()
    };
    let Event::Snapshot(snapshot) = next(&mut watch).await else {
        panic!("no snapshot")
    };
    // The snapshot is a consistent past state: under load the gateway's
    // upstream watch may not have seen the order yet, and then the order's
    // change is the next event.
    let (mut seen, mut on_hand) = (snapshot.seq, snapshot.levels[0].on_hand);
    if on_hand == 100 {
        let Event::Change(c) = next(&mut watch).await else {
            panic!("no change after a snapshot taken before the order")
        };
        (seen, on_hand) = (c.seq, c.levels[0].on_hand);
    }
    assert_eq!(on_hand, 98);

    // SIGKILL: every call fails fast with a plain UNAVAILABLE.
    orders_svc.kill9().await.unwrap();
    for _ in 0..3 {
        let started = Instant::now();
        let read = CatalogServiceClient::new(channel.clone())
            .list_products(authed(pb::ListProductsRequest::default(), &viewer))
            .await
            .unwrap_err();
        let write = orders
            .place_order(authed(order("crash-down", 1), &staff))
            .await
            .unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        for e in [read, write] {
            assert_eq!(e.code(), Code::Unavailable, "{e:?}");
            assert_eq!(
                e.message(),
                "the orders service is unavailable; try again shortly"
            );
        }
    }

    // Back on the same port: the same gateway works again, and the open
    // watch continues where it was, with no new snapshot.
    let _orders_svc = sandbox.orders_svc_at(&port).await.unwrap();
    let products = CatalogServiceClient::new(channel.clone())
        .list_products(authed(pb::ListProductsRequest::default(), &viewer))
        .await
        .expect("reads work again")
        .into_inner();
    assert_eq!(products.products[0].on_hand, 98);
    let placed = orders
        .place_order(authed(order("crash-2", 5), &staff))
        .await
        .expect("writes work again")
        .into_inner()
        .order
        .unwrap();
    match next(&mut watch).await {
        Event::Change(c) => {
            assert!(c.seq > seen);
            assert_eq!(c.order_id, placed.id);
            assert_eq!(c.levels[0].on_hand, 93);
        }
        other => panic!("{other:?}"),
    }
    gateway.terminate(PATIENCE).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn forwards_to_ingest_and_forecast() {
    let sandbox = Sandbox::new().unwrap();
    let orders_svc = sandbox.orders_svc().await.unwrap();
    let ingest = sandbox.ingest_svc().await.unwrap();
    let forecast = sandbox.forecast_svc().await.unwrap();
    let gateway = sandbox
        .gateway(&orders_svc, Some(&ingest), Some(&forecast), &[])
        .await
        .unwrap();
    let channel = gateway.channel().await.unwrap();
    let [admin, staff, viewer] = GATEWAY_USERS;
    let viewer = login(channel.clone(), viewer).await;
    let staff = login(channel.clone(), staff).await;
    let admin = login(channel.clone(), admin).await;
    serving(channel.clone(), "icc.v1.IngestService").await;
    serving(channel.clone(), "icc.v1.ForecastService").await;

    let status = IngestServiceClient::new(channel.clone())
        .get_pipeline_status(authed(pb::GetPipelineStatusRequest {}, &viewer))
        .await
        .expect("pipeline status through the gateway")
        .into_inner();
    assert!(status.head_seq >= status.checkpoint_seq);
    // A precise error from ingest-svc passes through as written.
    let e = IngestServiceClient::new(channel.clone())
        .get_daily_sales(authed(pb::GetDailySalesRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    // Ingest writes are the admin's.
    let e = IngestServiceClient::new(channel.clone())
        .rebuild_facts(authed(pb::RebuildFactsRequest::default(), &staff))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    let rebuilt = IngestServiceClient::new(channel.clone())
        .rebuild_facts(authed(pb::RebuildFactsRequest::default(), &admin))
        .await;
    assert!(
        !matches!(
            rebuilt.as_ref().map_err(|e| e.code()),
            Err(Code::PermissionDenied | Code::Unauthenticated | Code::Unavailable)
        ),
        "{rebuilt:?}"
    );

    let advice = ForecastServiceClient::new(channel.clone())
        .list_reorder_advice(authed(pb::ListReorderAdviceRequest::default(), &viewer))
        .await
        .expect("reorder advice through the gateway");
    assert!(
        advice.into_inner().advice.is_empty(),
        "no products, no advice"
    );
    // ForecastAll is STAFF's; the viewer may not.
    let e = ForecastServiceClient::new(channel.clone())
        .forecast_all(authed(pb::ForecastAllRequest::default(), &viewer))
        .await
        .unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    let stream = ForecastServiceClient::new(channel)
        .forecast_all(authed(
            pb::ForecastAllRequest {
                horizon_days: 7,
                ..Default::default()
            },
            &staff,
        ))
        .await;
    let stream = stream.expect("ForecastAll opens for staff").into_inner();
    let ended: Vec<_> = tokio::time::timeout(PATIENCE, stream.collect::<Vec<_>>())
        .await
        .expect("an empty catalog forecasts quickly");
    assert!(ended.iter().all(|r| r.is_ok()), "{ended:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gateway_without_a_signing_secret_refuses_to_start() {
    let out = tokio::process::Command::new(bin_dir().join("gateway"))
        .args(["--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"])
        .env_remove("ICC_JWT_SECRET")
        .output()
        .await
        .expect("run the gateway");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ICC_JWT_SECRET is not set"), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("listening"),
        "it must not start listening"
    );
}
