//! Fixtures and whole-store checks shared by the conformance cases.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;

use crate::{
    Adjustment, ChangeEvent, LineRequest, MovementReason, NewOrder, NewProduct, Order, OrderFilter,
    Page, PageRequest, Product, ProductFilter, StockAdjustment, StockMovement, Store, StoreResult,
};

/// More pages than any case produces: a listing that goes on longer loops.
const MAX_PAGES: usize = 10_000;

/// Long enough for the clock to move between two writes.
pub(super) async fn pause() {
    tokio::time::sleep(Duration::from_millis(15)).await;
}

/// A product with `initial_stock` units, price 10.00 and threshold 5.
pub(super) fn new_product(sku: &str, initial_stock: i64) -> NewProduct {
    NewProduct {
        sku: sku.to_owned(),
        name: format!("Product {sku}"),
        category: "general".to_owned(),
        unit_price_minor: 1_000,
        initial_stock,
        low_stock_threshold: 5,
        lead_time_days: 7,
        service_level: 0.95,
    }
}

/// Creates [`new_product`]`(sku, initial_stock)`.
pub(super) async fn create(store: &dyn Store, sku: &str, initial_stock: i64) -> Product {
    store
        .create_product(new_product(sku, initial_stock))
        .await
        .unwrap_or_else(|err| panic!("create_product {sku}: {err:?}"))
}

/// An order request with an empty note.
pub(super) fn new_order(key: &str, lines: &[(&str, i64)]) -> NewOrder {
    NewOrder {
        idempotency_key: key.to_owned(),
        lines: lines
            .iter()
            .map(|&(sku, quantity)| LineRequest {
                sku: sku.to_owned(),
                quantity,
            })
            .collect(),
        note: String::new(),
    }
}

/// Places a new (not replayed) order.
pub(super) async fn place(store: &dyn Store, key: &str, lines: &[(&str, i64)]) -> Order {
    let placed = store
        .place_order(new_order(key, lines))
        .await
        .unwrap_or_else(|err| panic!("place_order {key}: {err:?}"));
    assert!(
        !placed.replayed,
        "place_order {key}: a fresh key reported replayed=true"
    );
    placed.order
}

/// A manual adjustment request.
pub(super) fn adjustment(sku: &str, adjustment: Adjustment, key: Option<&str>) -> StockAdjustment {
    StockAdjustment {
        sku: sku.to_owned(),
        adjustment,
        note: format!("{adjustment:?}"),
        idempotency_key: key.map(str::to_owned),
    }
}

/// Applies an adjustment and returns the product and movement.
pub(super) async fn adjust(
    store: &dyn Store,
    sku: &str,
    change: Adjustment,
) -> (Product, StockMovement) {
    store
        .adjust_stock(adjustment(sku, change, None))
        .await
        .unwrap_or_else(|err| panic!("adjust_stock {sku} {change:?}: {err:?}"))
}

/// The product's current stock.
pub(super) async fn on_hand(store: &dyn Store, sku: &str) -> i64 {
    store
        .get_product(sku)
        .await
        .unwrap_or_else(|err| panic!("get_product {sku}: {err:?}"))
        .on_hand
}

/// The SKUs of products, in the order given.
pub(super) fn skus(products: &[Product]) -> Vec<&str> {
    products.iter().map(|p| p.sku.as_str()).collect()
}

/// The ids of orders, in the order given.
pub(super) fn order_ids(orders: &[Order]) -> Vec<&str> {
    orders.iter().map(|o| o.id.as_str()).collect()
}

/// Follows `next` cursors from the first page to the last; returns every
/// page's items. Each page holds at most `size` items and no cursor repeats.
pub(super) async fn collect_pages<T: Debug>(
    size: usize,
    what: &str,
    mut fetch: impl AsyncFnMut(PageRequest) -> StoreResult<Page<T>>,
) -> Vec<Vec<T>> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    let mut cursors = HashSet::new();
    loop {
        let request = PageRequest {
            size,
            after: after.clone(),
        };
        let page = fetch(request)
            .await
            .unwrap_or_else(|err| panic!("{what} after {after:?}: {err:?}"));
        assert!(
            page.items.len() <= size,
            "{what}: a page of {} items exceeds its size {size}",
            page.items.len()
        );
        pages.push(page.items);
        match page.next {
            None => return pages,
            Some(next) => {
                assert!(
                    cursors.insert(next.clone()),
                    "{what}: cursor {next:?} returned twice"
                );
                after = Some(next);
            }
        }
        assert!(
            pages.len() < MAX_PAGES,
            "{what}: more than {MAX_PAGES} pages"
        );
    }
}

/// Lengths of pages.
pub(super) fn page_lengths<T>(pages: &[Vec<T>]) -> Vec<usize> {
    pages.iter().map(Vec::len).collect()
}

/// Every product the filter selects, page by page.
pub(super) async fn product_pages(
    store: &dyn Store,
    filter: &ProductFilter,
    size: usize,
) -> Vec<Vec<Product>> {
    collect_pages(size, "list_products", async |page| {
        store.list_products(filter, &page).await
    })
    .await
}

/// Every product the filter selects.
pub(super) async fn all_products(store: &dyn Store, filter: &ProductFilter) -> Vec<Product> {
    product_pages(store, filter, 4)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Every order the filter selects, page by page.
pub(super) async fn order_pages(
    store: &dyn Store,
    filter: &OrderFilter,
    size: usize,
) -> Vec<Vec<Order>> {
    collect_pages(size, "list_orders", async |page| {
        store.list_orders(filter, &page).await
    })
    .await
}

/// Every order the filter selects.
pub(super) async fn all_orders(store: &dyn Store, filter: &OrderFilter) -> Vec<Order> {
    order_pages(store, filter, 4)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// Asserts that the store holds no order (after a refused placement).
pub(super) async fn assert_no_orders(store: &dyn Store) {
    let orders = all_orders(store, &OrderFilter::default()).await;
    assert!(orders.is_empty(), "no order is recorded: {orders:?}");
}

/// A product's movements page by page, newest first.
pub(super) async fn movement_pages(
    store: &dyn Store,
    sku: &str,
    size: usize,
) -> Vec<Vec<StockMovement>> {
    collect_pages(size, "list_movements", async |page| {
        store.list_movements(sku, &page).await
    })
    .await
}

/// A product's movements, newest first.
pub(super) async fn all_movements(store: &dyn Store, sku: &str) -> Vec<StockMovement> {
    movement_pages(store, sku, 3)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// The whole change feed, read in batches; seq strictly increases and the
/// last event is at the head.
pub(super) async fn all_changes(store: &dyn Store) -> Vec<ChangeEvent> {
    const BATCH: usize = 16;
    let mut events: Vec<ChangeEvent> = Vec::new();
    loop {
        let after = events.last().map_or(0, |e| e.seq);
        let batch = store
            .changes_after(after, BATCH)
            .await
            .expect("changes_after");
        assert!(
            batch.len() <= BATCH,
            "changes_after({after}, {BATCH}) returned {} events",
            batch.len()
        );
        if batch.is_empty() {
            break;
        }
        for event in batch {
            assert!(
                event.seq > after,
                "changes_after({after}) returned seq {}",
                event.seq
            );
            if let Some(prev) = events.last() {
                assert!(
                    event.seq > prev.seq,
                    "feed seq {} follows seq {}",
                    event.seq,
                    prev.seq
                );
            }
            events.push(event);
        }
    }
    let head = store.head_seq().await.expect("head_seq");
    assert_eq!(
        head,
        events.last().map_or(0, |e| e.seq),
        "head_seq is the seq of the last event"
    );
    events
}

/// Invariant 1 for one product: the ledger, oldest first, starts with the
/// `Initial` movement, each movement's `on_hand_after` is the running sum of
/// deltas and never negative, each reason has its sign and order link, and
/// the sum is the product's `on_hand`.
pub(super) async fn assert_ledger_consistent(store: &dyn Store, sku: &str) {
    let product = store
        .get_product(sku)
        .await
        .unwrap_or_else(|err| panic!("get_product {sku}: {err:?}"));
    let newest_first = all_movements(store, sku).await;
    for pair in newest_first.windows(2) {
        assert!(
            pair[0].id > pair[1].id,
            "{sku}: movements must be newest first with distinct ids, got id {} before id {}",
            pair[0].id,
            pair[1].id
        );
    }
    let mut running = 0;
    for (i, m) in newest_first.iter().rev().enumerate() {
        assert_eq!(
            m.sku, sku,
            "list_movements({sku}) returned movement {} of {}",
            m.id, m.sku
        );
        assert_eq!(
            i == 0,
            m.reason == MovementReason::Initial,
            "{sku}: the first movement, and only it, is Initial: {m:?}"
        );
        running += m.delta;
        assert_eq!(
            m.on_hand_after, running,
            "{sku}: movement {} on_hand_after is not the running sum of deltas",
            m.id
        );
        assert!(
            running >= 0,
            "{sku}: stock went negative at movement {}: {m:?}",
            m.id
        );
        let sign_ok = match m.reason {
            MovementReason::Initial => m.delta >= 0,
            MovementReason::Restock | MovementReason::Cancellation => m.delta > 0,
            MovementReason::Damage | MovementReason::Sale => m.delta < 0,
            MovementReason::CycleCount => true,
        };
        assert!(
            sign_ok,
            "{sku}: movement has the wrong sign for its reason: {m:?}"
        );
        let order_reason = matches!(
            m.reason,
            MovementReason::Sale | MovementReason::Cancellation
        );
        assert_eq!(
            m.order_id.is_some(),
            order_reason,
            "{sku}: only sales and cancellations name an order: {m:?}"
        );
    }
    assert!(
        !newest_first.is_empty(),
        "{sku}: a product has at least its Initial movement"
    );
    assert_eq!(
        product.on_hand, running,
        "{sku}: on_hand is not the sum of its movements"
    );
}

/// Replays the whole feed: every level's `on_hand` is the previous level of
/// its SKU plus its `delta` (so the feed is in commit order), levels are in
/// strict SKU order, and the last level of each product is its stock now.
pub(super) async fn assert_feed_replays_to_current_stock(store: &dyn Store) {
    let levels = replay_levels(&all_changes(store).await, i64::MAX);
    let products = all_products(
        store,
        &ProductFilter {
            include_archived: true,
            ..Default::default()
        },
    )
    .await;
    for product in &products {
        assert_eq!(
            levels.get(&product.sku).map(|level| level.0),
            Some(product.on_hand),
            "{}: the feed's last level is not the product's stock",
            product.sku
        );
    }
    assert_eq!(
        levels.len(),
        products.len(),
        "the feed names products that do not exist"
    );
}

/// Each SKU's (on_hand, active) after the events with `seq <= upto`,
/// checking each level against the one before.
pub(super) fn replay_levels(events: &[ChangeEvent], upto: i64) -> BTreeMap<String, (i64, bool)> {
    let mut levels: BTreeMap<String, (i64, bool)> = BTreeMap::new();
    for event in events.iter().take_while(|e| e.seq <= upto) {
        for pair in event.levels.windows(2) {
            assert!(
                pair[0].sku < pair[1].sku,
                "event {}: levels are not in strict SKU order",
                event.seq
            );
        }
        for level in &event.levels {
            let before = levels.get(&level.sku).map_or(0, |l| l.0);
            assert_eq!(
                before + level.delta,
                level.on_hand,
                "event {} ({:?}): {} went from {before} by {} to {}",
                event.seq,
                event.cause,
                level.sku,
                level.delta,
                level.on_hand
            );
            let active = event.cause != crate::ChangeCause::ProductArchived
                && levels.get(&level.sku).is_none_or(|l| l.1);
            levels.insert(level.sku.clone(), (level.on_hand, active));
        }
    }
    levels
}

/// Spawns `tasks` tasks that each place `orders` one-unit orders with a line
/// for every SKU in `skus`, expecting each to succeed.
pub(super) fn spawn_orders(
    store: &Arc<dyn Store>,
    tasks: usize,
    orders: usize,
    skus: &[&str],
) -> Vec<tokio::task::JoinHandle<()>> {
    let lines: Vec<(String, i64)> = skus.iter().map(|&sku| (sku.to_owned(), 1)).collect();
    (0..tasks)
        .map(|task| {
            let store = Arc::clone(store);
            let lines = lines.clone();
            tokio::spawn(async move {
                for i in 0..orders {
                    let lines: Vec<(&str, i64)> =
                        lines.iter().map(|(sku, n)| (sku.as_str(), *n)).collect();
                    place(&*store, &format!("writer-{task}-{i}"), &lines).await;
                }
            })
        })
        .collect()
}
