//! Manual stock adjustments and the movement ledger.

use std::sync::Arc;

use super::support::{
    adjust, adjustment, all_movements, create, movement_pages, on_hand, page_lengths,
};
use crate::{Adjustment, MovementReason, PageRequest, StockMovement, Store, StoreError};

/// Checks a returned movement against what the adjustment should record.
fn assert_movement(
    m: &StockMovement,
    sku: &str,
    reason: MovementReason,
    delta: i64,
    on_hand_after: i64,
) {
    assert_eq!(
        (
            m.sku.as_str(),
            m.reason,
            m.delta,
            m.on_hand_after,
            m.order_id.as_deref()
        ),
        (sku, reason, delta, on_hand_after, None),
        "movement {m:?}"
    );
}

/// A restock adds its units as one `Restock` movement with the note given.
pub async fn restock_adds_units(store: Arc<dyn Store>) {
    create(&*store, "RS-1", 4).await;
    let (product, movement) = adjust(&*store, "RS-1", Adjustment::Restock(6)).await;
    assert_eq!(product.on_hand, 10, "restock of 6 onto 4");
    assert_movement(&movement, "RS-1", MovementReason::Restock, 6, 10);
    assert_eq!(
        movement.note, "Restock(6)",
        "the movement keeps the adjustment's note"
    );
    let ledger = all_movements(&*store, "RS-1").await;
    assert_eq!(ledger.len(), 2);
    assert_eq!(
        ledger[0], movement,
        "list_movements returns the movement adjust_stock returned"
    );
    assert_eq!(on_hand(&*store, "RS-1").await, 10);
}

/// A cycle count sets on_hand to the count, recording the difference, up or
/// down.
pub async fn cycle_count_sets_on_hand_and_records_the_difference(store: Arc<dyn Store>) {
    create(&*store, "CC-1", 10).await;
    let (product, movement) = adjust(&*store, "CC-1", Adjustment::CycleCount(7)).await;
    assert_eq!(product.on_hand, 7);
    assert_movement(&movement, "CC-1", MovementReason::CycleCount, -3, 7);
    let (product, movement) = adjust(&*store, "CC-1", Adjustment::CycleCount(12)).await;
    assert_eq!(product.on_hand, 12);
    assert_movement(&movement, "CC-1", MovementReason::CycleCount, 5, 12);
    let (product, movement) = adjust(&*store, "CC-1", Adjustment::CycleCount(0)).await;
    assert_eq!(product.on_hand, 0);
    assert_movement(&movement, "CC-1", MovementReason::CycleCount, -12, 0);
    assert_eq!(on_hand(&*store, "CC-1").await, 0);
}

/// A count that matches the stock still records a (zero) movement: the count
/// happened.
pub async fn cycle_count_to_the_same_value_records_a_zero_movement(store: Arc<dyn Store>) {
    create(&*store, "CC-2", 9).await;
    let (product, movement) = adjust(&*store, "CC-2", Adjustment::CycleCount(9)).await;
    assert_eq!(product.on_hand, 9);
    assert_movement(&movement, "CC-2", MovementReason::CycleCount, 0, 9);
    assert_eq!(
        all_movements(&*store, "CC-2").await.len(),
        2,
        "the zero count is in the ledger"
    );
}

/// Damage removes its units as one `Damage` movement, down to zero.
pub async fn damage_removes_units(store: Arc<dyn Store>) {
    create(&*store, "DMG-1", 10).await;
    let (product, movement) = adjust(&*store, "DMG-1", Adjustment::Damage(4)).await;
    assert_eq!(product.on_hand, 6);
    assert_movement(&movement, "DMG-1", MovementReason::Damage, -4, 6);
    let (product, movement) = adjust(&*store, "DMG-1", Adjustment::Damage(6)).await;
    assert_eq!(product.on_hand, 0, "damage may take all the stock");
    assert_movement(&movement, "DMG-1", MovementReason::Damage, -6, 0);
}

/// Damage beyond the stock is `InsufficientStock` with the available count,
/// and changes nothing.
pub async fn damage_beyond_on_hand_is_insufficient_stock(store: Arc<dyn Store>) {
    create(&*store, "DMG-2", 3).await;
    let err = expect_err!(
        store
            .adjust_stock(adjustment("DMG-2", Adjustment::Damage(5), None))
            .await,
        StoreError::InsufficientStock { .. },
        "damage of 5 with 3 in stock"
    );
    assert_eq!(
        err,
        StoreError::InsufficientStock {
            sku: "DMG-2".into(),
            requested: 5,
            available: 3
        }
    );
    assert_eq!(on_hand(&*store, "DMG-2").await, 3);
    assert_eq!(
        all_movements(&*store, "DMG-2").await.len(),
        1,
        "a rejected adjustment records no movement"
    );
}

/// Adjusting an unknown SKU is `NotFound`.
pub async fn adjust_stock_of_unknown_sku_is_not_found(store: Arc<dyn Store>) {
    let err = expect_err!(
        store
            .adjust_stock(adjustment("NOPE-4", Adjustment::Restock(1), None))
            .await,
        StoreError::NotFound(_),
        "adjust_stock of an unknown SKU"
    );
    assert!(
        err.to_string().contains("NOPE-4"),
        "the error names the SKU: {err}"
    );
}

/// A repeated idempotency key returns the first movement and the product as
/// it is now, and moves stock once.
pub async fn adjust_stock_replay_returns_first_movement(store: Arc<dyn Store>) {
    create(&*store, "IDEM-1", 5).await;
    let request = adjustment("IDEM-1", Adjustment::Restock(10), Some("restock-42"));
    let (first_product, first) = store
        .adjust_stock(request.clone())
        .await
        .expect("adjust_stock");
    assert_eq!(first_product.on_hand, 15);
    adjust(&*store, "IDEM-1", Adjustment::Damage(2)).await;

    let (product, replayed) = store
        .adjust_stock(request)
        .await
        .expect("adjust_stock replay");
    assert_eq!(replayed, first, "a replay returns the first movement");
    assert_eq!(
        product.on_hand, 13,
        "a replay returns the product as it is now and moves no stock"
    );
    assert_eq!(on_hand(&*store, "IDEM-1").await, 13);
    assert_eq!(
        all_movements(&*store, "IDEM-1").await.len(),
        3,
        "initial, restock and damage; no replayed movement"
    );
}

/// An idempotency key reused for a different adjustment is `AlreadyExists`
/// and changes nothing.
pub async fn adjust_stock_key_reuse_with_different_adjustment_is_already_exists(
    store: Arc<dyn Store>,
) {
    create(&*store, "IDEM-2", 5).await;
    store
        .adjust_stock(adjustment("IDEM-2", Adjustment::Restock(5), Some("key-1")))
        .await
        .expect("adjust_stock");
    for other in [
        Adjustment::Restock(6),
        Adjustment::Damage(5),
        Adjustment::CycleCount(5),
    ] {
        expect_err!(
            store
                .adjust_stock(adjustment("IDEM-2", other, Some("key-1")))
                .await,
            StoreError::AlreadyExists(_),
            "key-1 reused for {other:?}"
        );
    }
    assert_eq!(on_hand(&*store, "IDEM-2").await, 10);
    assert_eq!(all_movements(&*store, "IDEM-2").await.len(), 2);
}

/// Movements list newest first; pages follow the cursor without gaps, the
/// cursor is the last movement id, and ids increase in commit order across
/// products.
pub async fn list_movements_pages_newest_first(store: Arc<dyn Store>) {
    create(&*store, "MOV-1", 1).await;
    create(&*store, "MOV-2", 1).await;
    let mut ids = Vec::new();
    for units in 1..=6 {
        let (_, movement) = adjust(&*store, "MOV-1", Adjustment::Restock(units)).await;
        ids.push(movement.id);
    }
    let pages = movement_pages(&*store, "MOV-1", 4).await;
    assert_eq!(page_lengths(&pages), [4, 3], "7 movements in pages of 4");
    let listed: Vec<StockMovement> = pages.into_iter().flatten().collect();
    let deltas: Vec<i64> = listed.iter().map(|m| m.delta).collect();
    assert_eq!(deltas, [6, 5, 4, 3, 2, 1, 1], "newest first, each once");
    let initial = listed.last().expect("movements");
    let other_initial = &all_movements(&*store, "MOV-2").await[0];
    assert!(
        initial.id < other_initial.id && other_initial.id < ids[0],
        "movement ids increase in commit order across products"
    );

    let resumed = store
        .list_movements(
            "MOV-1",
            &PageRequest {
                size: 2,
                after: Some(ids[3].to_string()),
            },
        )
        .await
        .expect("list_movements after an id");
    let deltas: Vec<i64> = resumed.items.iter().map(|m| m.delta).collect();
    assert_eq!(deltas, [3, 2], "the cursor is the last movement id seen");
}

/// A cursor that is not a movement id is `InvalidArgument`.
pub async fn list_movements_rejects_malformed_cursor(store: Arc<dyn Store>) {
    create(&*store, "MOV-3", 1).await;
    expect_err!(
        store
            .list_movements(
                "MOV-3",
                &PageRequest {
                    size: 10,
                    after: Some("not-a-cursor".into())
                }
            )
            .await,
        StoreError::InvalidArgument(_),
        "list_movements with a malformed cursor"
    );
}
