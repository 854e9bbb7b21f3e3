//! Concurrent writers on one shared store handle: no oversell, idempotency
//! and cancels hold under races.

use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use tokio::sync::Barrier;

use super::support::{
    adjustment, all_changes, all_movements, all_orders, assert_feed_replays_to_current_stock,
    assert_ledger_consistent, create, new_order, on_hand, place,
};
use crate::{Adjustment, ChangeCause, LineRequest, NewOrder, OrderFilter, Store, StoreError};

/// Concurrent clients in [`concurrent_orders_never_oversell`].
const CLIENTS: usize = 32;
/// Orders each client places, one after another.
const ROUNDS: usize = 3;
/// The contested SKUs and their scarce initial stock.
const HOT: [(&str, i64); 3] = [("HOT-A", 20), ("HOT-B", 15), ("HOT-C", 10)];

/// Runs `tasks` copies of `work(i)` on spawned tasks that start together,
/// and returns their results in task order.
pub(super) async fn race<T, F, Fut>(tasks: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let barrier = Arc::new(Barrier::new(tasks));
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            let barrier = Arc::clone(&barrier);
            let job = work(i);
            tokio::spawn(async move {
                barrier.wait().await;
                job.await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(tasks);
    for handle in handles {
        results.push(handle.await.expect("a racing task panicked"));
    }
    results
}

/// Client `client`'s order in round `round`: two or three lines over the
/// hot SKUs, 1 to 3 units each, in a rotating order.
fn hot_order(client: usize, round: usize) -> NewOrder {
    let lines = if client.is_multiple_of(4) { 3 } else { 2 };
    let start = client + round;
    NewOrder {
        idempotency_key: format!("client-{client}-round-{round}"),
        lines: (0..lines)
            .map(|j| LineRequest {
                sku: HOT[(start + j) % HOT.len()].0.to_owned(),
                quantity: 1 + ((client + round + j) % 3) as i64,
            })
            .collect(),
        note: String::new(),
    }
}

/// 32 clients race multi-line orders for scarce stock: each order is taken
/// whole or refused with `InsufficientStock`, stock never goes negative, the
/// accepted quantities equal the stock taken, the ledgers add up, and the
/// feed holds one event per accepted order.
pub async fn concurrent_orders_never_oversell(store: Arc<dyn Store>) {
    contested_orders(&[store]).await;
}

/// Runs [`CLIENTS`] clients, client `i` on `handles[i % len]`, each placing
/// [`ROUNDS`] orders for the [`HOT`] SKUs, and checks the outcome through the
/// first handle.
pub(super) async fn contested_orders(handles: &[Arc<dyn Store>]) {
    let store = &handles[0];
    for (sku, stock) in HOT {
        create(&**store, sku, stock).await;
    }
    let outcomes = race(CLIENTS, |client| {
        let store = Arc::clone(&handles[client % handles.len()]);
        async move {
            let mut outcomes = Vec::with_capacity(ROUNDS);
            for round in 0..ROUNDS {
                let request = hot_order(client, round);
                outcomes.push((request.clone(), store.place_order(request).await));
            }
            outcomes
        }
    })
    .await;

    let mut taken: BTreeMap<&str, i64> = HOT.iter().map(|&(sku, _)| (sku, 0)).collect();
    let (mut accepted, mut refused) = (HashSet::new(), 0);
    for (request, result) in outcomes.into_iter().flatten() {
        let key = &request.idempotency_key;
        match result {
            Ok(placed) => {
                assert!(
                    !placed.replayed,
                    "{key}: a fresh key reported replayed=true"
                );
                let lines: Vec<(&str, i64)> = placed
                    .order
                    .lines
                    .iter()
                    .map(|l| (l.sku.as_str(), l.quantity))
                    .collect();
                let requested: Vec<(&str, i64)> = request
                    .lines
                    .iter()
                    .map(|l| (l.sku.as_str(), l.quantity))
                    .collect();
                assert_eq!(
                    lines, requested,
                    "{key}: the order holds the requested lines"
                );
                for line in &request.lines {
                    *taken.get_mut(line.sku.as_str()).expect("hot SKU") += line.quantity;
                }
                assert!(
                    accepted.insert(placed.order.id.clone()),
                    "{key}: order id given twice"
                );
            }
            Err(StoreError::InsufficientStock {
                sku,
                requested,
                available,
            }) => {
                let line = request.lines.iter().find(|l| l.sku == sku);
                assert!(
                    line.is_some_and(|l| l.quantity == requested),
                    "{key}: refusal names a line it has not"
                );
                assert!(
                    (0..requested).contains(&available),
                    "{key}: {available} available for {requested} requested"
                );
                refused += 1;
            }
            Err(other) => panic!("{key}: expected an order or InsufficientStock, got {other:?}"),
        }
    }
    assert!(
        !accepted.is_empty() && refused > 0,
        "the race both accepts and refuses orders"
    );

    for (sku, initial) in HOT {
        let now = on_hand(&**store, sku).await;
        assert!(now >= 0, "{sku}: stock went negative: {now}");
        assert_eq!(
            initial - now,
            taken[sku],
            "{sku}: the stock taken equals the accepted quantities"
        );
        assert_ledger_consistent(&**store, sku).await;
    }
    let listed: HashSet<String> = all_orders(&**store, &OrderFilter::default())
        .await
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(
        listed, accepted,
        "list_orders holds exactly the accepted orders"
    );
    let placed_events = all_changes(&**store)
        .await
        .into_iter()
        .filter(|e| e.cause == ChangeCause::OrderPlaced)
        .count();
    assert_eq!(
        placed_events,
        accepted.len(),
        "one OrderPlaced event per accepted order"
    );
    assert_feed_replays_to_current_stock(&**store).await;
}

/// 16 racing requests with one idempotency key make one order: one is the
/// original, the rest replays of it, and stock moves once.
pub async fn concurrent_replays_of_one_key_place_one_order(store: Arc<dyn Store>) {
    create(&*store, "RACE-A", 10).await;
    create(&*store, "RACE-B", 10).await;
    let request = new_order("race-key", &[("RACE-A", 3), ("RACE-B", 2)]);
    let results = race(16, |_| {
        let store = Arc::clone(&store);
        let request = request.clone();
        async move { store.place_order(request).await }
    })
    .await;
    let placed: Vec<_> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|err| panic!("a racing replay failed: {err:?}")))
        .collect();
    let originals = placed.iter().filter(|p| !p.replayed).count();
    assert_eq!(
        originals, 1,
        "exactly one racing request places the order, the rest are replays"
    );
    assert!(
        placed.iter().all(|p| p.order == placed[0].order),
        "every request returns the same order"
    );
    assert_eq!(
        (
            on_hand(&*store, "RACE-A").await,
            on_hand(&*store, "RACE-B").await
        ),
        (7, 8),
        "stock moved once"
    );
    assert_eq!(all_orders(&*store, &OrderFilter::default()).await.len(), 1);
    assert_ledger_consistent(&*store, "RACE-A").await;
    assert_feed_replays_to_current_stock(&*store).await;
}

/// 16 racing cancels of one order return its stock once: one reports the
/// cancel, the rest `already_cancelled`.
pub async fn concurrent_cancels_restore_stock_once(store: Arc<dyn Store>) {
    create(&*store, "RACE-C", 10).await;
    let order = place(&*store, "race-cancel", &[("RACE-C", 4)]).await;
    let results = race(16, |i| {
        let store = Arc::clone(&store);
        let id = order.id.clone();
        async move { store.cancel_order(&id, &format!("canceller {i}")).await }
    })
    .await;
    let cancelled: Vec<_> = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|err| panic!("a racing cancel failed: {err:?}")))
        .collect();
    let firsts = cancelled.iter().filter(|c| !c.already_cancelled).count();
    assert_eq!(
        firsts, 1,
        "exactly one racing cancel cancels, the rest see already_cancelled"
    );
    assert!(
        cancelled.iter().all(|c| c.order == cancelled[0].order),
        "every cancel returns the same order"
    );
    assert_eq!(
        on_hand(&*store, "RACE-C").await,
        10,
        "stock restored exactly once"
    );
    assert_eq!(
        all_movements(&*store, "RACE-C").await.len(),
        3,
        "initial, sale and one cancellation"
    );
    assert_ledger_consistent(&*store, "RACE-C").await;
    let cancels = all_changes(&*store)
        .await
        .into_iter()
        .filter(|e| e.cause == ChangeCause::OrderCancelled)
        .count();
    assert_eq!(cancels, 1, "one OrderCancelled event");
}

/// 16 racing adjustments with one idempotency key record one movement and
/// move stock once.
pub async fn concurrent_adjustment_replays_move_stock_once(store: Arc<dyn Store>) {
    create(&*store, "RACE-D", 1).await;
    let request = adjustment("RACE-D", Adjustment::Restock(5), Some("race-restock"));
    let results = race(16, |_| {
        let store = Arc::clone(&store);
        let request = request.clone();
        async move { store.adjust_stock(request).await }
    })
    .await;
    let movements: Vec<_> = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|err| panic!("a racing adjustment failed: {err:?}"))
                .1
        })
        .collect();
    assert!(
        movements.iter().all(|m| *m == movements[0]),
        "every request returns the one movement"
    );
    assert_eq!(on_hand(&*store, "RACE-D").await, 6, "stock moved once");
    assert_eq!(
        all_movements(&*store, "RACE-D").await.len(),
        2,
        "initial and one restock"
    );
    assert_ledger_consistent(&*store, "RACE-D").await;
}
