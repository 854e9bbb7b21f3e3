//! The pipeline end to end, in process: orders placed through orders-svc
//! become sales events, facts and features; cancellations become reversals;
//! a replay from zero changes nothing.

mod common;

use std::time::Duration;

use common::*;
use icc_proto::v1::*;
use icc_store::SalesEventKind;

async fn facts(
    ingest: &mut icc_proto::v1::ingest_service_client::IngestServiceClient<
        tonic::transport::Channel,
    >,
    sku: &str,
) -> Vec<DailySales> {
    let r = GetDailySalesRequest {
        sku: sku.into(),
        start_date: date(today() - chrono::Days::new(2)),
        end_date: date(today()),
    };
    ingest.get_daily_sales(r).await.unwrap().into_inner().days
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn orders_show_up_in_facts_and_cancellations_as_reversals() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut orders, mut ingest) = (
        mesh.catalog().await,
        mesh.orders_client().await,
        mesh.ingest_client().await,
    );
    create(&mut catalog, "A", 250, 100).await;
    create(&mut catalog, "B", 99, 100).await;

    place(&mut orders, "o1", &[("A", 2), ("B", 1)]).await;
    let second = place(&mut orders, "o2", &[("A", 3)]).await;
    // Bounded wait: the facts must appear within a few poll intervals.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let days = facts(&mut ingest, "A").await;
        if days.last().unwrap().units == 5 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "facts did not appear: {days:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let a = facts(&mut ingest, "A").await;
    assert_eq!(a.len(), 3, "gap-filled: one row per day of the range");
    assert_eq!((a[0].units, a[1].units), (0, 0));
    assert_eq!(
        (a[2].units, a[2].revenue_minor, a[2].order_count),
        (5, 1250, 2)
    );

    orders
        .cancel_order(CancelOrderRequest {
            id: second.id.clone(),
            reason: "test".into(),
        })
        .await
        .unwrap();
    mesh.caught_up().await;
    let a = facts(&mut ingest, "A").await;
    assert_eq!(
        (a[2].units, a[2].revenue_minor, a[2].order_count),
        (2, 500, 1)
    );
    let b = facts(&mut ingest, "B").await;
    assert_eq!(
        (b[2].units, b[2].revenue_minor, b[2].order_count),
        (1, 99, 1)
    );

    // The log: one event per sold line, one reversal per cancelled line.
    let store = mesh.store().await;
    let events = store.sales_events(None, today(), today()).await.unwrap();
    let mut kinds: Vec<_> = events
        .iter()
        .map(|e| (e.id.clone(), e.kind, e.units))
        .collect();
    kinds.sort_by(|a, b| a.0.cmp(&b.0));
    let id = |p: &str, o: &Order, l: i32| format!("{p}:{}:{l}", o.id);
    assert_eq!(kinds.len(), 4);
    assert!(kinds.contains(&(id("reversal", &second, 1), SalesEventKind::Reversal, -3)));
    assert!(kinds.contains(&(id("sale", &second, 1), SalesEventKind::Sale, 3)));

    // Facts equal a rebuild from the events.
    let rebuilt = ingest
        .rebuild_facts(RebuildFactsRequest {
            sku: String::new(),
            start_date: date(today()),
            end_date: date(today()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!((rebuilt.rows_rebuilt, rebuilt.rows_changed), (2, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replay_from_zero_changes_nothing() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut orders) = (mesh.catalog().await, mesh.orders_client().await);
    for sku in ["R1", "R2", "R3"] {
        create(&mut catalog, sku, 100, 1000).await;
    }
    for i in 0..30 {
        let o = place(
            &mut orders,
            &format!("r{i}"),
            &[("R1", 1 + i % 3), ("R2", 2)],
        )
        .await;
        if i % 7 == 0 {
            orders
                .cancel_order(CancelOrderRequest {
                    id: o.id,
                    reason: String::new(),
                })
                .await
                .unwrap();
        }
    }
    let before = mesh.caught_up().await;
    let store = mesh.store().await;
    let range = (today() - chrono::Days::new(1), today());
    let snapshot = |store: std::sync::Arc<dyn icc_store::Store>| async move {
        let mut all = Vec::new();
        for sku in ["R1", "R2", "R3"] {
            all.push(store.daily_sales(sku, range.0, range.1).await.unwrap());
        }
        (all, store.olap_counts().await.unwrap())
    };
    let (facts_before, counts_before) = snapshot(store).await;

    // Rewind the checkpoint to zero and restart ingest-svc: every event is
    // delivered again.
    let Mesh {
        dir: _dir,
        url,
        orders: orders_server,
        ingest,
    } = mesh;
    ingest.stop().await;
    let store = icc_store::open(&url).await.unwrap();
    store
        .set_checkpoint(ingest_svc::pipeline::CONSUMER, 0)
        .await
        .unwrap();
    drop(store);
    let ingest = start_ingest(&url).await;
    let after = caught_up(
        &mut icc_proto::v1::ingest_service_client::IngestServiceClient::new(ingest.channel().await),
    )
    .await;
    assert_eq!(after.checkpoint_seq, before.checkpoint_seq);

    let store = icc_store::open(&url).await.unwrap();
    let (facts_after, counts_after) = snapshot(store).await;
    assert_eq!(facts_after, facts_before, "a replay changed the facts");
    assert_eq!(counts_after, counts_before, "a replay added rows");
    assert_eq!(
        counts_after.sales_events,
        30 * 2 + 5 * 2,
        "60 sold lines and 10 reversed lines"
    );
    ingest.stop().await;
    orders_server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn status_reports_lag_and_counts() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut orders) = (mesh.catalog().await, mesh.orders_client().await);
    create(&mut catalog, "S", 100, 10).await;
    place(&mut orders, "s1", &[("S", 1)]).await;
    let status = mesh.caught_up().await;
    assert_eq!(status.head_seq, 2, "product created + order placed");
    assert_eq!((status.lag_events, status.lag_seconds), (0, 0.0));
    assert_eq!((status.sales_event_count, status.daily_sales_count), (1, 1));
    assert!(status.checkpoint_time.is_some());
}
