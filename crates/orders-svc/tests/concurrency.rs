//! Many clients at once: no overselling, exact accounting, one order per
//! idempotency key, one restore per cancelled order.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use icc_proto::v1 as pb;
use pb::MovementReason;
use tonic::Code;

const CLIENTS: usize = 32;
const ORDERS_PER_CLIENT: usize = 8;
/// Scarce stock: far less than the clients ask for in all.
const STOCK: [(&str, i64); 4] = [("SC-A", 40), ("SC-B", 30), ("SC-C", 20), ("SC-D", 12)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_orders_never_oversell() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    for (sku, stock) in STOCK {
        create(&mut catalog, product(sku, sku, "Scarce", 100, stock, 0)).await;
    }

    // Every client on its own connection.
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(server.orders().await);
    }
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(c, mut orders)| {
            tokio::spawn(async move {
                let mut rng = Lcg::new(c as u64 + 1);
                let mut outcomes = Vec::new();
                for n in 0..ORDERS_PER_CLIENT {
                    // 2 or 3 distinct SKUs, 1 to 4 units each.
                    let first = rng.below(4) as usize;
                    let count = 2 + rng.below(2) as usize;
                    let order_lines: Vec<(&str, i64)> = (0..count)
                        .map(|k| (STOCK[(first + k) % 4].0, 1 + rng.below(4) as i64))
                        .collect();
                    let request = order_request(&format!("c{c}-o{n}"), &order_lines);
                    let result = orders.place_order(request.clone()).await;
                    outcomes.push((request, result.map(|r| r.into_inner())));
                }
                outcomes
            })
        })
        .collect();

    let mut taken: BTreeMap<&str, i64> = STOCK.iter().map(|(s, _)| (*s, 0)).collect();
    let mut accepted = HashSet::new();
    let mut rejected = 0;
    for task in tasks {
        for (request, result) in task.await.expect("client task") {
            match result {
                Ok(placed) => {
                    assert!(!placed.replayed);
                    let order = placed.order.unwrap();
                    assert!(accepted.insert(order.id.clone()), "duplicate order id");
                    let asked: Vec<_> = request
                        .lines
                        .iter()
                        .map(|l| (l.sku.as_str(), l.quantity))
                        .collect();
                    let got: Vec<_> = order
                        .lines
                        .iter()
                        .map(|l| (l.sku.as_str(), l.quantity))
                        .collect();
                    assert_eq!(asked, got);
                    for line in &order.lines {
                        *taken.get_mut(line.sku.as_str()).unwrap() += line.quantity;
                    }
                }
                Err(status) => {
                    rejected += 1;
                    assert_eq!(
                        status.code(),
                        Code::FailedPrecondition,
                        "unexpected rejection: {status:?}"
                    );
                    assert!(
                        status.message().contains("available"),
                        "{:?}",
                        status.message()
                    );
                    assert!(
                        request
                            .lines
                            .iter()
                            .any(|l| status.message().contains(&l.sku)),
                        "the rejection names none of the order's SKUs: {:?}",
                        status.message()
                    );
                }
            }
        }
    }
    assert!(!accepted.is_empty(), "no order was accepted");
    assert!(
        rejected > 0,
        "stock was not scarce: every order was accepted"
    );
    assert_eq!(accepted.len() + rejected, CLIENTS * ORDERS_PER_CLIENT);

    for (sku, initial) in STOCK {
        let now = on_hand(&mut catalog, sku).await;
        assert!(now >= 0, "{sku} went negative: {now}");
        assert_eq!(
            initial - now,
            taken[sku],
            "{sku}: the stock decrease differs from the accepted quantities"
        );
        // on_hand equals the sum of the ledger, read through paging.
        let movements = all_movements(&mut catalog, sku, 7).await;
        assert_eq!(movements.iter().map(|m| m.delta).sum::<i64>(), now, "{sku}");
        assert!(movements.windows(2).all(|w| w[0].id > w[1].id));
        // Every movement's running total is consistent and never negative.
        let mut running = 0;
        for m in movements.iter().rev() {
            running += m.delta;
            assert_eq!(m.on_hand_after, running, "{sku}: {m:?}");
            assert!(m.on_hand_after >= 0);
        }
        // Sales come only from accepted orders.
        for m in &movements {
            if m.reason == MovementReason::Sale as i32 {
                assert!(
                    accepted.contains(&m.order_id),
                    "{sku}: a sale of an unknown order"
                );
            }
        }
    }
    let mut orders = server.orders().await;
    let listed = all_orders(
        &mut orders,
        pb::ListOrdersRequest {
            page_size: 25,
            ..Default::default()
        },
    )
    .await;
    let listed: HashSet<_> = listed.into_iter().map(|o| o.id).collect();
    assert_eq!(
        listed, accepted,
        "listed orders differ from the accepted ones"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_of_one_key_place_one_order() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "RT-A", 100).await;
    create_stocked(&mut catalog, "RT-B", 100).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let mut orders = server.orders().await;
        tasks.push(tokio::spawn(async move {
            orders
                .place_order(order_request("same-key", &[("RT-A", 3), ("RT-B", 2)]))
                .await
                .map(|r| r.into_inner())
        }));
    }
    let mut ids = HashSet::new();
    let mut fresh = 0;
    for task in tasks {
        let placed = task.await.unwrap().expect("a retry failed");
        ids.insert(placed.order.unwrap().id);
        fresh += usize::from(!placed.replayed);
    }
    assert_eq!(ids.len(), 1, "one key made several orders: {ids:?}");
    assert_eq!(fresh, 1, "replayed=false must be answered exactly once");
    assert_eq!(on_hand(&mut catalog, "RT-A").await, 97);
    assert_eq!(on_hand(&mut catalog, "RT-B").await, 98);
    assert_eq!(all_movements(&mut catalog, "RT-A", 50).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_cancels_restore_once() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    create_stocked(&mut catalog, "CC-A", 10).await;
    let order = placed_order(&mut orders, "cc", &[("CC-A", 4)]).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let mut orders = server.orders().await;
        let id = order.id.clone();
        tasks.push(tokio::spawn(async move {
            orders
                .cancel_order(pb::CancelOrderRequest {
                    id,
                    reason: "race".into(),
                })
                .await
                .map(|r| r.into_inner())
        }));
    }
    let mut first_time = 0;
    for task in tasks {
        let cancelled = task.await.unwrap().expect("a cancel failed");
        first_time += usize::from(!cancelled.already_cancelled);
    }
    assert_eq!(first_time, 1);
    assert_eq!(on_hand(&mut catalog, "CC-A").await, 10);
    let restores = count_movements(&mut catalog, "CC-A", 50, MovementReason::Cancellation).await;
    assert_eq!(restores, 1);
}
