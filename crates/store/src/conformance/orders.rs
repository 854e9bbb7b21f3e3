//! Orders: place (all or nothing, idempotent), get, list and cancel.

use std::sync::Arc;

use super::support::{
    adjust, all_movements, all_orders, assert_no_orders, create, new_order, new_product, on_hand,
    place,
};
use crate::{
    Adjustment, MovementReason, NewOrder, NewProduct, Order, OrderFilter, OrderLine, OrderStatus,
    ProductPatch, Store, StoreError,
};

/// Each line keeps the product's name and price at the time of the order, in
/// request order; later catalog changes leave the order as it was.
pub async fn place_order_snapshots_price_and_name_per_line(store: Arc<dyn Store>) {
    for (sku, name, price) in [("SNAP-A", "Apple", 250), ("SNAP-B", "Banana", 1_999)] {
        let product = NewProduct {
            name: name.into(),
            unit_price_minor: price,
            ..new_product(sku, 20)
        };
        store.create_product(product).await.expect("create_product");
    }
    let request = NewOrder {
        note: "first order".into(),
        ..new_order("snap-1", &[("SNAP-B", 2), ("SNAP-A", 3)])
    };
    let placed = store.place_order(request).await.expect("place_order");
    assert!(!placed.replayed, "a fresh key is not a replay");
    let order = placed.order;
    let expected_lines = vec![
        OrderLine {
            line_number: 1,
            sku: "SNAP-B".into(),
            product_name: "Banana".into(),
            quantity: 2,
            unit_price_minor: 1_999,
        },
        OrderLine {
            line_number: 2,
            sku: "SNAP-A".into(),
            product_name: "Apple".into(),
            quantity: 3,
            unit_price_minor: 250,
        },
    ];
    assert_eq!(
        order.lines, expected_lines,
        "lines in request order with 1-based numbers and price snapshots"
    );
    assert_eq!(order.total_minor(), 2 * 1_999 + 3 * 250);
    assert_eq!(
        (
            order.status,
            order.idempotency_key.as_str(),
            order.note.as_str()
        ),
        (OrderStatus::Placed, "snap-1", "first order")
    );
    assert_eq!(
        (order.cancel_time, order.cancel_reason.as_str()),
        (None, "")
    );
    assert_eq!(
        store.get_order(&order.id).await.expect("get_order"),
        order,
        "get_order returns the placed order"
    );
    assert_eq!(
        (
            on_hand(&*store, "SNAP-A").await,
            on_hand(&*store, "SNAP-B").await
        ),
        (17, 18)
    );

    for sku in ["SNAP-A", "SNAP-B"] {
        let sale = &all_movements(&*store, sku).await[0];
        let quantity = if sku == "SNAP-A" { 3 } else { 2 };
        assert_eq!(
            (
                sale.reason,
                sale.delta,
                sale.on_hand_after,
                sale.order_id.as_deref()
            ),
            (
                MovementReason::Sale,
                -quantity,
                20 - quantity,
                Some(order.id.as_str())
            ),
            "{sku}: each line is one Sale movement naming the order"
        );
    }

    let patch = ProductPatch {
        name: Some("Green Apple".into()),
        unit_price_minor: Some(999),
        ..Default::default()
    };
    store
        .update_product("SNAP-A", patch)
        .await
        .expect("update_product");
    let later = store.get_order(&order.id).await.expect("get_order");
    assert_eq!(later, order, "catalog changes do not reach placed orders");
    let next = place(&*store, "snap-2", &[("SNAP-A", 1)]).await;
    assert_eq!(
        (
            next.lines[0].product_name.as_str(),
            next.lines[0].unit_price_minor
        ),
        ("Green Apple", 999),
        "new orders snapshot the new price"
    );
}

/// When a later line lacks stock the whole order fails with
/// `InsufficientStock` naming that line's SKU and its available count; no
/// line takes stock, no order is recorded, and the key stays free.
pub async fn place_order_is_all_or_nothing(store: Arc<dyn Store>) {
    create(&*store, "AON-A", 10).await;
    create(&*store, "AON-B", 2).await;
    let request = new_order("aon-1", &[("AON-A", 5), ("AON-B", 3)]);
    let err = expect_err!(
        store.place_order(request.clone()).await,
        StoreError::InsufficientStock { .. },
        "an order whose second line lacks stock"
    );
    assert_eq!(
        err,
        StoreError::InsufficientStock {
            sku: "AON-B".into(),
            requested: 3,
            available: 2
        }
    );
    assert_eq!(
        on_hand(&*store, "AON-A").await,
        10,
        "the first line's stock did not move"
    );
    assert_eq!(on_hand(&*store, "AON-B").await, 2);
    assert_eq!(
        all_movements(&*store, "AON-A").await.len(),
        1,
        "no sale movement for the first line"
    );
    assert_no_orders(&*store).await;

    adjust(&*store, "AON-B", Adjustment::Restock(1)).await;
    let placed = store
        .place_order(request)
        .await
        .expect("place_order after restock");
    assert!(
        !placed.replayed,
        "a failed attempt does not claim the idempotency key"
    );
    assert_eq!(
        (
            on_hand(&*store, "AON-A").await,
            on_hand(&*store, "AON-B").await
        ),
        (5, 0)
    );
}

/// An order naming an unknown SKU is `NotFound`, naming it, and takes no
/// stock.
pub async fn place_order_with_unknown_sku_is_not_found(store: Arc<dyn Store>) {
    create(&*store, "UNK-A", 10).await;
    let err = expect_err!(
        store
            .place_order(new_order("unk-1", &[("UNK-A", 1), ("UNK-MISSING", 1)]))
            .await,
        StoreError::NotFound(_),
        "an order naming an unknown SKU"
    );
    assert!(
        err.to_string().contains("UNK-MISSING"),
        "the error names the SKU: {err}"
    );
    assert_eq!(on_hand(&*store, "UNK-A").await, 10);
    assert_eq!(all_movements(&*store, "UNK-A").await.len(), 1);
    assert_no_orders(&*store).await;
}

/// An order whose total does not fit in 64-bit minor units is
/// `InvalidArgument` and takes no stock: every line's price times quantity
/// fits, their sum does not.
pub async fn place_order_whose_total_overflows_is_invalid(store: Arc<dyn Store>) {
    let price = i64::MAX / 4;
    for sku in ["BIG-A", "BIG-B"] {
        store
            .create_product(NewProduct {
                unit_price_minor: price,
                ..new_product(sku, 10)
            })
            .await
            .expect("create_product");
    }
    let err = expect_err!(
        store
            .place_order(new_order("big-1", &[("BIG-A", 3), ("BIG-B", 3)]))
            .await,
        StoreError::InvalidArgument(_),
        "an order whose total overflows"
    );
    assert!(
        err.to_string().contains("total"),
        "the error says why: {err}"
    );
    assert_eq!(on_hand(&*store, "BIG-A").await, 10);
    assert_eq!(on_hand(&*store, "BIG-B").await, 10);
    assert_no_orders(&*store).await;
    let placed = store
        .place_order(new_order("big-1", &[("BIG-A", 3)]))
        .await
        .expect("the key was not claimed; one line fits");
    assert_eq!(placed.order.total_minor(), 3 * price);
}

/// Two lines of one SKU together cannot take more than its stock: the order
/// is refused (for lack of stock, or as invalid) and nothing moves.
pub async fn place_order_with_duplicate_sku_lines_never_oversells(store: Arc<dyn Store>) {
    create(&*store, "TWICE-1", 4).await;
    let result = store
        .place_order(new_order("twice-1", &[("TWICE-1", 3), ("TWICE-1", 2)]))
        .await;
    assert!(
        matches!(
            result,
            Err(StoreError::InsufficientStock { .. } | StoreError::InvalidArgument(_))
        ),
        "lines of 3 and 2 of one SKU with 4 in stock: expected InsufficientStock or InvalidArgument, got {result:?}"
    );
    assert_eq!(on_hand(&*store, "TWICE-1").await, 4);
    assert_eq!(all_movements(&*store, "TWICE-1").await.len(), 1);
    assert_no_orders(&*store).await;
}

/// Placing again with the same key returns the same order, flagged as a
/// replay, and takes stock once.
pub async fn place_order_replay_returns_same_order(store: Arc<dyn Store>) {
    create(&*store, "REP-A", 10).await;
    create(&*store, "REP-B", 10).await;
    let request = new_order("rep-1", &[("REP-A", 2), ("REP-B", 1)]);
    let first = store
        .place_order(request.clone())
        .await
        .expect("place_order");
    assert!(!first.replayed);
    for attempt in 1..=2 {
        let again = store
            .place_order(request.clone())
            .await
            .expect("place_order replay");
        assert!(
            again.replayed,
            "attempt {attempt}: the same key is a replay"
        );
        assert_eq!(
            again.order, first.order,
            "attempt {attempt}: a replay returns the same order"
        );
    }
    assert_eq!(
        (
            on_hand(&*store, "REP-A").await,
            on_hand(&*store, "REP-B").await
        ),
        (8, 9),
        "stock moved once"
    );
    assert_eq!(
        all_movements(&*store, "REP-A").await.len(),
        2,
        "one sale movement"
    );
    assert_eq!(
        all_orders(&*store, &OrderFilter::default()).await.len(),
        1,
        "one order"
    );
}

/// A key reused for different lines or a different note (see
/// `NewOrder::fingerprint`) is `AlreadyExists`, and nothing moves.
pub async fn place_order_key_reuse_with_different_request_is_already_exists(store: Arc<dyn Store>) {
    create(&*store, "KEY-A", 10).await;
    create(&*store, "KEY-B", 10).await;
    place(&*store, "key-1", &[("KEY-A", 2)]).await;
    let others = [
        new_order("key-1", &[("KEY-A", 3)]),
        new_order("key-1", &[("KEY-B", 2)]),
        new_order("key-1", &[("KEY-A", 2), ("KEY-B", 1)]),
        NewOrder {
            note: "different".into(),
            ..new_order("key-1", &[("KEY-A", 2)])
        },
    ];
    for other in others {
        expect_err!(
            store.place_order(other.clone()).await,
            StoreError::AlreadyExists(_),
            "key-1 reused for {}",
            other.fingerprint()
        );
    }
    assert_eq!(
        (
            on_hand(&*store, "KEY-A").await,
            on_hand(&*store, "KEY-B").await
        ),
        (8, 10)
    );
    assert_eq!(all_orders(&*store, &OrderFilter::default()).await.len(), 1);
}

/// Replaying the key of a cancelled order returns it, cancelled, and takes no
/// stock again.
pub async fn place_order_replay_after_cancel_returns_cancelled_order(store: Arc<dyn Store>) {
    create(&*store, "RAC-1", 5).await;
    let request = new_order("rac-1", &[("RAC-1", 2)]);
    let placed = store
        .place_order(request.clone())
        .await
        .expect("place_order");
    let cancelled = store
        .cancel_order(&placed.order.id, "changed mind")
        .await
        .expect("cancel_order");
    let again = store
        .place_order(request)
        .await
        .expect("place_order replay after cancel");
    assert!(again.replayed, "the key still names the cancelled order");
    assert_eq!(
        again.order, cancelled.order,
        "a replay returns the order as it is now"
    );
    assert_eq!(
        on_hand(&*store, "RAC-1").await,
        5,
        "the replay takes no stock"
    );
}

/// Cancelling returns every line's stock once, as `Cancellation` movements;
/// cancelling again reports `already_cancelled` and changes nothing.
pub async fn cancel_order_restores_stock_once(store: Arc<dyn Store>) {
    create(&*store, "CAN-A", 10).await;
    create(&*store, "CAN-B", 10).await;
    let order = place(&*store, "can-1", &[("CAN-A", 4), ("CAN-B", 1)]).await;
    let cancelled = store
        .cancel_order(&order.id, "customer request")
        .await
        .expect("cancel_order");
    assert!(!cancelled.already_cancelled);
    let expected = Order {
        status: OrderStatus::Cancelled,
        cancel_time: cancelled.order.cancel_time,
        cancel_reason: "customer request".into(),
        ..order.clone()
    };
    assert_eq!(
        cancelled.order, expected,
        "a cancel changes status, cancel_time and reason only"
    );
    assert!(
        cancelled
            .order
            .cancel_time
            .is_some_and(|t| t >= order.create_time),
        "cancel_time is set"
    );
    assert_eq!(
        store.get_order(&order.id).await.expect("get_order"),
        cancelled.order
    );
    assert_eq!(
        (
            on_hand(&*store, "CAN-A").await,
            on_hand(&*store, "CAN-B").await
        ),
        (10, 10)
    );
    for (sku, quantity) in [("CAN-A", 4), ("CAN-B", 1)] {
        let restored = &all_movements(&*store, sku).await[0];
        assert_eq!(
            (
                restored.reason,
                restored.delta,
                restored.on_hand_after,
                restored.order_id.as_deref()
            ),
            (
                MovementReason::Cancellation,
                quantity,
                10,
                Some(order.id.as_str())
            ),
            "{sku}: each line is returned by one Cancellation movement naming the order"
        );
    }

    let again = store
        .cancel_order(&order.id, "again")
        .await
        .expect("cancel_order again");
    assert!(
        again.already_cancelled,
        "a second cancel reports already_cancelled"
    );
    assert_eq!(
        again.order, cancelled.order,
        "a second cancel changes nothing, not even the reason"
    );
    assert_eq!(
        (
            on_hand(&*store, "CAN-A").await,
            on_hand(&*store, "CAN-B").await
        ),
        (10, 10)
    );
    assert_eq!(
        all_movements(&*store, "CAN-A").await.len(),
        3,
        "initial, sale and one cancellation"
    );
}

/// Cancelling an unknown order is `NotFound`.
pub async fn cancel_order_of_unknown_id_is_not_found(store: Arc<dyn Store>) {
    expect_err!(
        store.cancel_order("no-such-order", "test").await,
        StoreError::NotFound(_),
        "cancel_order of an unknown id"
    );
}
