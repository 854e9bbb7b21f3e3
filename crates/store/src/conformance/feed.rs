//! The change feed: one event per committed change, in commit order; paging;
//! snapshots; waiting for changes.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::support::{
    adjust, adjustment, all_changes, all_products, create, new_order, new_product, place,
    replay_levels, spawn_orders,
};
use crate::{
    Adjustment, ChangeCause, ChangeEvent, Order, ProductFilter, ProductPatch, StockLevel, Store,
    StoreError,
};

/// How long a prompt wake-up may take at most (generous: CI machines stall).
const PROMPT: Duration = Duration::from_secs(5);

fn level(sku: &str, on_hand: i64, low_stock_threshold: i64, delta: i64) -> StockLevel {
    StockLevel {
        sku: sku.into(),
        on_hand,
        low_stock_threshold,
        delta,
    }
}

/// Checks one event against the change that should have appended it.
fn assert_event(
    event: &ChangeEvent,
    cause: ChangeCause,
    order: Option<&Order>,
    levels: &[StockLevel],
) {
    assert_eq!(event.cause, cause, "event {}: cause", event.seq);
    assert_eq!(
        event.order.as_ref(),
        order,
        "event {} ({cause:?}): attached order",
        event.seq
    );
    assert_eq!(
        event.levels, levels,
        "event {} ({cause:?}): levels",
        event.seq
    );
}

/// A new store has an empty feed, head 0 and an empty snapshot at 0.
pub async fn empty_store_has_empty_feed(store: Arc<dyn Store>) {
    assert_eq!(store.head_seq().await.expect("head_seq"), 0);
    assert!(
        store
            .changes_after(0, 10)
            .await
            .expect("changes_after")
            .is_empty()
    );
    let snapshot = store
        .inventory_snapshot()
        .await
        .expect("inventory_snapshot");
    assert_eq!(
        (snapshot.seq, snapshot.levels.len()),
        (0, 0),
        "an empty store's snapshot"
    );
}

/// Every create, update, adjustment, order, cancel and archive appends one
/// event, at the new head, with its cause, its order (for order events) and
/// the new levels of the products it touched in SKU order.
pub async fn every_change_appends_one_event_in_commit_order(store: Arc<dyn Store>) {
    let mut heads = Vec::new();
    let mut head = async || {
        let seq = store.head_seq().await.expect("head_seq");
        heads.push(seq);
    };
    create(&*store, "FEED-B", 5).await;
    head().await;
    create(&*store, "FEED-A", 10).await;
    head().await;
    let patch = ProductPatch {
        low_stock_threshold: Some(4),
        ..Default::default()
    };
    store
        .update_product("FEED-A", patch)
        .await
        .expect("update_product");
    head().await;
    adjust(&*store, "FEED-B", Adjustment::Restock(3)).await;
    head().await;
    let placed = place(&*store, "feed-1", &[("FEED-B", 2), ("FEED-A", 1)]).await;
    head().await;
    let cancelled = store
        .cancel_order(&placed.id, "feed test")
        .await
        .expect("cancel_order")
        .order;
    head().await;
    adjust(&*store, "FEED-A", Adjustment::CycleCount(10)).await;
    head().await;
    store
        .archive_product("FEED-B")
        .await
        .expect("archive_product");
    head().await;

    let events = all_changes(&*store).await;
    assert_eq!(events.len(), 8, "one event per change: {events:#?}");
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, heads, "each change's event is the new head");
    assert!(seqs[0] > 0, "feed positions start after 0");

    assert_event(
        &events[0],
        ChangeCause::ProductCreated,
        None,
        &[level("FEED-B", 5, 5, 5)],
    );
    assert_event(
        &events[1],
        ChangeCause::ProductCreated,
        None,
        &[level("FEED-A", 10, 5, 10)],
    );
    assert_event(
        &events[2],
        ChangeCause::ProductUpdated,
        None,
        &[level("FEED-A", 10, 4, 0)],
    );
    assert_event(
        &events[3],
        ChangeCause::StockAdjusted,
        None,
        &[level("FEED-B", 8, 5, 3)],
    );
    let sold = [level("FEED-A", 9, 4, -1), level("FEED-B", 6, 5, -2)];
    assert_event(&events[4], ChangeCause::OrderPlaced, Some(&placed), &sold);
    let returned = [level("FEED-A", 10, 4, 1), level("FEED-B", 8, 5, 2)];
    assert_event(
        &events[5],
        ChangeCause::OrderCancelled,
        Some(&cancelled),
        &returned,
    );
    assert_event(
        &events[6],
        ChangeCause::StockAdjusted,
        None,
        &[level("FEED-A", 10, 4, 0)],
    );
    assert_event(
        &events[7],
        ChangeCause::ProductArchived,
        None,
        &[level("FEED-B", 8, 5, 0)],
    );
}

/// Refused requests, replays and no-op repeats append nothing.
pub async fn failed_and_idempotent_operations_append_nothing(store: Arc<dyn Store>) {
    create(&*store, "NOP-A", 5).await;
    create(&*store, "NOP-B", 5).await;
    create(&*store, "NOP-GONE", 5).await;
    store
        .archive_product("NOP-GONE")
        .await
        .expect("archive_product");
    let order = place(&*store, "nop-1", &[("NOP-A", 1)]).await;
    store
        .cancel_order(&order.id, "test")
        .await
        .expect("cancel_order");
    let restock = adjustment("NOP-B", Adjustment::Restock(1), Some("nop-restock"));
    store
        .adjust_stock(restock.clone())
        .await
        .expect("adjust_stock");
    let head = store.head_seq().await.expect("head_seq");

    let results: Vec<(&str, Result<(), StoreError>)> = vec![
        (
            "duplicate create",
            store
                .create_product(new_product("NOP-A", 1))
                .await
                .map(drop),
        ),
        (
            "unknown update",
            store
                .update_product("NOP-X", ProductPatch::default())
                .await
                .map(drop),
        ),
        (
            "unknown archive",
            store.archive_product("NOP-X").await.map(drop),
        ),
        (
            "repeated archive",
            store.archive_product("NOP-GONE").await.map(drop),
        ),
        (
            "damage beyond stock",
            store
                .adjust_stock(adjustment("NOP-B", Adjustment::Damage(50), None))
                .await
                .map(drop),
        ),
        (
            "unknown adjust",
            store
                .adjust_stock(adjustment("NOP-X", Adjustment::Restock(1), None))
                .await
                .map(drop),
        ),
        (
            "adjust replay",
            store.adjust_stock(restock.clone()).await.map(drop),
        ),
        (
            "adjust key conflict",
            store
                .adjust_stock(adjustment(
                    "NOP-B",
                    Adjustment::Restock(2),
                    Some("nop-restock"),
                ))
                .await
                .map(drop),
        ),
        (
            "short order",
            store
                .place_order(new_order("nop-2", &[("NOP-A", 1), ("NOP-B", 99)]))
                .await
                .map(drop),
        ),
        (
            "unknown order line",
            store
                .place_order(new_order("nop-3", &[("NOP-A", 1), ("NOP-X", 1)]))
                .await
                .map(drop),
        ),
        (
            "archived order line",
            store
                .place_order(new_order("nop-4", &[("NOP-GONE", 1)]))
                .await
                .map(drop),
        ),
        (
            "order replay",
            store
                .place_order(new_order("nop-1", &[("NOP-A", 1)]))
                .await
                .map(drop),
        ),
        (
            "order key conflict",
            store
                .place_order(new_order("nop-1", &[("NOP-A", 2)]))
                .await
                .map(drop),
        ),
        (
            "repeated cancel",
            store.cancel_order(&order.id, "again").await.map(drop),
        ),
        (
            "unknown cancel",
            store.cancel_order("no-such-order", "test").await.map(drop),
        ),
    ];
    for (what, result) in &results {
        let ok = matches!(
            *what,
            "repeated archive" | "adjust replay" | "order replay" | "repeated cancel"
        );
        assert_eq!(result.is_ok(), ok, "{what}: {result:?}");
        let now = store.head_seq().await.expect("head_seq");
        assert_eq!(now, head, "{what} appended a change");
    }
    assert!(
        store
            .changes_after(head, 10)
            .await
            .expect("changes_after")
            .is_empty()
    );
}

/// `changes_after` returns at most `limit` events after the given position;
/// reading in small batches yields the same events as one big read.
pub async fn changes_after_pages_with_limit(store: Arc<dyn Store>) {
    for i in 0..5 {
        create(&*store, &format!("PAGE-{i}"), i).await;
    }
    let all = store.changes_after(0, 100).await.expect("changes_after");
    assert_eq!(all.len(), 5);
    assert_eq!(
        store.changes_after(0, 2).await.expect("changes_after"),
        all[..2]
    );
    assert_eq!(
        store
            .changes_after(all[1].seq, 2)
            .await
            .expect("changes_after"),
        all[2..4]
    );
    assert_eq!(
        store
            .changes_after(all[3].seq, 2)
            .await
            .expect("changes_after"),
        all[4..]
    );
    assert_eq!(
        store
            .changes_after(all[1].seq, 100)
            .await
            .expect("changes_after"),
        all[2..]
    );
    assert!(
        store
            .changes_after(all[4].seq, 2)
            .await
            .expect("changes_after")
            .is_empty(),
        "nothing after the head"
    );
    assert_eq!(
        all_changes(&*store).await,
        all,
        "batches of 16 read the same feed"
    );
}

/// A snapshot holds every active product's level (delta 0) in SKU order, at
/// the head of the feed.
pub async fn inventory_snapshot_matches_products_at_head(store: Arc<dyn Store>) {
    for (sku, stock) in [("SNAPSHOT-C", 3), ("SNAPSHOT-A", 9), ("SNAPSHOT-B", 4)] {
        create(&*store, sku, stock).await;
    }
    store
        .archive_product("SNAPSHOT-B")
        .await
        .expect("archive_product");
    place(&*store, "snapshot-1", &[("SNAPSHOT-A", 2)]).await;
    let patch = ProductPatch {
        low_stock_threshold: Some(1),
        ..Default::default()
    };
    store
        .update_product("SNAPSHOT-C", patch)
        .await
        .expect("update_product");

    let snapshot = store
        .inventory_snapshot()
        .await
        .expect("inventory_snapshot");
    assert_eq!(
        snapshot.seq,
        store.head_seq().await.expect("head_seq"),
        "the snapshot is at the head"
    );
    let products = all_products(&*store, &ProductFilter::default()).await;
    let expected: Vec<StockLevel> = products.iter().map(|p| p.level(0)).collect();
    assert_eq!(
        snapshot.levels, expected,
        "active products' levels in SKU order"
    );
    assert_eq!(
        snapshot.levels,
        [level("SNAPSHOT-A", 7, 5, 0), level("SNAPSHOT-C", 3, 1, 0)]
    );

    adjust(&*store, "SNAPSHOT-C", Adjustment::Restock(2)).await;
    let later = store
        .inventory_snapshot()
        .await
        .expect("inventory_snapshot");
    assert!(
        later.seq > snapshot.seq,
        "a later snapshot is at a later position"
    );
    assert_eq!(later.levels[1], level("SNAPSHOT-C", 5, 1, 0));
}

/// Snapshots taken while orders commit are each exactly the feed replayed up
/// to their position: stock and position are read atomically.
pub async fn inventory_snapshot_is_atomic_under_concurrent_orders(store: Arc<dyn Store>) {
    create(&*store, "ATOM-A", 200).await;
    create(&*store, "ATOM-B", 200).await;
    let writers = spawn_orders(&store, 4, 10, &["ATOM-A", "ATOM-B"]);
    let mut snapshots = Vec::new();
    for _ in 0..20 {
        snapshots.push(
            store
                .inventory_snapshot()
                .await
                .expect("inventory_snapshot"),
        );
        tokio::task::yield_now().await;
    }
    for writer in writers {
        writer.await.expect("writer task");
    }
    let events = all_changes(&*store).await;
    for snapshot in snapshots {
        let replayed: BTreeMap<String, (i64, bool)> = replay_levels(&events, snapshot.seq);
        let expected: Vec<(String, i64)> = replayed
            .into_iter()
            .filter(|(_, (_, active))| *active)
            .map(|(sku, (on_hand, _))| (sku, on_hand))
            .collect();
        let got: Vec<(String, i64)> = snapshot
            .levels
            .iter()
            .map(|l| (l.sku.clone(), l.on_hand))
            .collect();
        assert_eq!(
            got, expected,
            "snapshot at seq {} is not the feed replayed to it",
            snapshot.seq
        );
    }
}

/// A waiter wakes promptly, well before its timeout, when a change commits
/// through the same handle.
pub async fn wait_for_changes_wakes_on_commit(store: Arc<dyn Store>) {
    create(&*store, "WAIT-1", 5).await;
    let head = store.head_seq().await.expect("head_seq");
    let waiter = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            store.wait_for_changes(head, Duration::from_secs(30)).await;
            Instant::now()
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let committed = Instant::now();
    place(&*store, "wait-1", &[("WAIT-1", 1)]).await;
    let woke = tokio::time::timeout(PROMPT * 2, waiter)
        .await
        .expect("wait_for_changes did not wake on a commit")
        .expect("waiter task");
    let delay = woke.saturating_duration_since(committed);
    assert!(
        delay < PROMPT,
        "wait_for_changes woke {delay:?} after the commit"
    );
    let events = store.changes_after(head, 10).await.expect("changes_after");
    assert_eq!(events.len(), 1, "the waiter finds the new event");
}

/// A waiter already behind the head returns at once.
pub async fn wait_for_changes_returns_at_once_when_behind(store: Arc<dyn Store>) {
    create(&*store, "WAIT-2", 5).await;
    let started = Instant::now();
    tokio::time::timeout(
        PROMPT * 2,
        store.wait_for_changes(0, Duration::from_secs(30)),
    )
    .await
    .expect("wait_for_changes with events pending did not return");
    assert!(
        started.elapsed() < PROMPT,
        "wait_for_changes took {:?} with events pending",
        started.elapsed()
    );
}

/// With nothing committed, a waiter returns once its timeout has passed.
pub async fn wait_for_changes_times_out_when_idle(store: Arc<dyn Store>) {
    create(&*store, "WAIT-3", 5).await;
    let head = store.head_seq().await.expect("head_seq");
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    tokio::time::timeout(timeout + PROMPT, store.wait_for_changes(head, timeout))
        .await
        .expect("wait_for_changes outlived its timeout by far");
    let waited = started.elapsed();
    assert!(
        waited >= timeout,
        "wait_for_changes returned after {waited:?}, before its {timeout:?} timeout"
    );
}
