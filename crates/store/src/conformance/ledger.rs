//! Invariant 1: stock is never negative and on_hand equals the sum of the
//! product's movements.

use std::sync::Arc;

use super::support::{
    adjust, adjustment, all_movements, assert_feed_replays_to_current_stock,
    assert_ledger_consistent, create, new_order, new_product, on_hand, place,
};
use crate::{Adjustment, NewOrder, Store, StoreError};

/// After a mix of sales, cancellations, adjustments and refused requests,
/// every product's ledger adds up to its stock, never dips below zero, and
/// the feed replays to the same stock.
pub async fn on_hand_equals_sum_of_movements_after_mixed_workload(store: Arc<dyn Store>) {
    create(&*store, "MIX-1", 20).await;
    create(&*store, "MIX-2", 5).await;
    create(&*store, "MIX-3", 0).await;
    adjust(&*store, "MIX-3", Adjustment::Restock(10)).await;
    let first = place(&*store, "mix-1", &[("MIX-1", 7), ("MIX-2", 5)]).await;
    place(&*store, "mix-2", &[("MIX-3", 4), ("MIX-1", 1)]).await;
    let refused = store
        .place_order(new_order("mix-3", &[("MIX-1", 1), ("MIX-2", 1)]))
        .await;
    assert!(
        matches!(refused, Err(StoreError::InsufficientStock { .. })),
        "MIX-2 is sold out: {refused:?}"
    );
    store
        .cancel_order(&first.id, "returned")
        .await
        .expect("cancel_order");
    store
        .cancel_order(&first.id, "returned twice")
        .await
        .expect("cancel_order again");
    adjust(&*store, "MIX-1", Adjustment::Damage(3)).await;
    adjust(&*store, "MIX-2", Adjustment::CycleCount(7)).await;
    adjust(&*store, "MIX-2", Adjustment::CycleCount(7)).await;
    let refused = store
        .adjust_stock(adjustment("MIX-3", Adjustment::Damage(100), None))
        .await;
    assert!(
        matches!(refused, Err(StoreError::InsufficientStock { .. })),
        "damage beyond stock: {refused:?}"
    );
    place(&*store, "mix-4", &[("MIX-2", 7), ("MIX-3", 6)]).await;
    store
        .place_order(new_order("mix-4", &[("MIX-2", 7), ("MIX-3", 6)]))
        .await
        .expect("replay");
    store
        .archive_product("MIX-3")
        .await
        .expect("archive_product");

    let expected = [("MIX-1", 20 - 7 - 1 + 7 - 3), ("MIX-2", 0), ("MIX-3", 0)];
    for (sku, stock) in expected {
        assert_eq!(on_hand(&*store, sku).await, stock, "{sku}");
        assert_ledger_consistent(&*store, sku).await;
    }
    assert_feed_replays_to_current_stock(&*store).await;
}

/// Quantities that would break the ledger's meaning or drive stock negative
/// (negative initial stock, a non-positive restock, damage or order line, a
/// negative count, an order without lines) are `InvalidArgument` and change
/// nothing.
pub async fn invalid_quantities_are_rejected_without_effect(store: Arc<dyn Store>) {
    create(&*store, "BAD-1", 5).await;
    let head = store.head_seq().await.expect("head_seq");
    let mut outcomes: Vec<(String, Result<(), StoreError>)> = Vec::new();

    let result = store
        .create_product(new_product("BAD-2", -1))
        .await
        .map(drop);
    outcomes.push(("create_product with initial stock -1".into(), result));
    let adjustments = [
        Adjustment::Restock(0),
        Adjustment::Restock(-2),
        Adjustment::Damage(0),
        Adjustment::Damage(-2),
        Adjustment::CycleCount(-1),
    ];
    for change in adjustments {
        let result = store
            .adjust_stock(adjustment("BAD-1", change, None))
            .await
            .map(drop);
        outcomes.push((format!("adjust_stock {change:?}"), result));
    }
    let orders = [
        new_order("bad-zero", &[("BAD-1", 0)]),
        new_order("bad-negative", &[("BAD-1", -3)]),
        new_order("bad-mixed", &[("BAD-1", 1), ("BAD-1", -1)]),
        NewOrder {
            idempotency_key: "bad-empty".into(),
            lines: Vec::new(),
            note: String::new(),
        },
    ];
    for order in orders {
        let result = store.place_order(order.clone()).await.map(drop);
        outcomes.push((format!("place_order {:?}", order.fingerprint()), result));
    }

    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|(_, result)| !matches!(result, Err(StoreError::InvalidArgument(_))))
        .map(|(what, result)| format!("{what}: {result:?}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "expected InvalidArgument from each of:\n  {}",
        wrong.join("\n  ")
    );
    expect_err!(
        store.get_product("BAD-2").await,
        StoreError::NotFound(_),
        "a refused product is not created"
    );
    assert_eq!(on_hand(&*store, "BAD-1").await, 5);
    assert_eq!(
        all_movements(&*store, "BAD-1").await.len(),
        1,
        "refused requests record no movement"
    );
    assert_eq!(
        store.head_seq().await.expect("head_seq"),
        head,
        "refused requests append no change"
    );
}
