//! Products: create, get, list, update and archive.

use std::sync::Arc;

use super::support::{
    all_movements, assert_no_orders, create, new_order, new_product, on_hand, pause,
};
use crate::{MovementReason, NewProduct, Product, ProductPatch, ProductStatus, Store, StoreError};

/// A created product has the requested fields, reads back as returned, and
/// its initial stock is one `Initial` movement.
pub async fn create_product_records_initial_movement(store: Arc<dyn Store>) {
    let request = NewProduct {
        sku: "TEA-001".into(),
        name: "Green Tea".into(),
        category: "drinks".into(),
        unit_price_minor: 450,
        initial_stock: 12,
        low_stock_threshold: 3,
        lead_time_days: 5,
        service_level: 0.9,
    };
    let created = store
        .create_product(request.clone())
        .await
        .expect("create_product");
    let expected = Product {
        sku: request.sku,
        name: request.name,
        category: request.category,
        unit_price_minor: 450,
        on_hand: 12,
        low_stock_threshold: 3,
        status: ProductStatus::Active,
        lead_time_days: 5,
        service_level: 0.9,
        create_time: created.create_time,
        update_time: created.update_time,
    };
    assert_eq!(
        created, expected,
        "create_product returns the product as requested"
    );
    assert!(
        created.create_time <= created.update_time,
        "update_time precedes create_time: {created:?}"
    );
    let stored = store.get_product("TEA-001").await.expect("get_product");
    assert_eq!(
        stored, created,
        "get_product returns the product create_product returned"
    );

    let movements = all_movements(&*store, "TEA-001").await;
    assert_eq!(
        movements.len(),
        1,
        "a new product has exactly one movement: {movements:?}"
    );
    let initial = &movements[0];
    assert_eq!(
        (
            initial.sku.as_str(),
            initial.reason,
            initial.delta,
            initial.on_hand_after,
            initial.order_id.as_deref()
        ),
        ("TEA-001", MovementReason::Initial, 12, 12, None),
        "the initial stock is one Initial movement: {initial:?}"
    );
}

/// A product created with no stock still gets its (zero) `Initial` movement.
pub async fn create_product_without_stock_records_zero_initial_movement(store: Arc<dyn Store>) {
    let created = create(&*store, "EMPTY-1", 0).await;
    assert_eq!(created.on_hand, 0);
    let movements = all_movements(&*store, "EMPTY-1").await;
    assert_eq!(
        movements.len(),
        1,
        "a new product has exactly one movement: {movements:?}"
    );
    assert_eq!(
        (
            movements[0].reason,
            movements[0].delta,
            movements[0].on_hand_after
        ),
        (MovementReason::Initial, 0, 0),
        "a product without stock starts with a zero Initial movement"
    );
}

/// A taken SKU is `AlreadyExists`, even when its product is archived, and the
/// existing product and its ledger are left as they were.
pub async fn create_product_rejects_duplicate_sku(store: Arc<dyn Store>) {
    let first = create(&*store, "DUP-1", 4).await;
    let impostor = NewProduct {
        name: "Impostor".into(),
        ..new_product("DUP-1", 99)
    };
    expect_err!(
        store.create_product(impostor.clone()).await,
        StoreError::AlreadyExists(_),
        "create_product of a taken SKU"
    );
    let archived = store
        .archive_product("DUP-1")
        .await
        .expect("archive_product");
    expect_err!(
        store.create_product(impostor).await,
        StoreError::AlreadyExists(_),
        "create_product of an archived product's SKU"
    );
    let now = store.get_product("DUP-1").await.expect("get_product");
    assert_eq!(now, archived, "a rejected create changes nothing");
    assert_eq!((now.name.as_str(), now.on_hand), (first.name.as_str(), 4));
    assert_eq!(
        all_movements(&*store, "DUP-1").await.len(),
        1,
        "a rejected create records no movement"
    );
}

/// Reading an unknown SKU is `NotFound`, naming the SKU.
pub async fn get_product_of_unknown_sku_is_not_found(store: Arc<dyn Store>) {
    create(&*store, "KNOWN-1", 1).await;
    let err = expect_err!(
        store.get_product("NOPE-1").await,
        StoreError::NotFound(_),
        "get_product of an unknown SKU"
    );
    assert!(
        err.to_string().contains("NOPE-1"),
        "the error names the SKU: {err}"
    );
}

/// A patch changes the fields it names and nothing else; `update_time` moves
/// forward and `create_time` and stock stay.
pub async fn update_product_changes_only_patched_fields(store: Arc<dyn Store>) {
    let created = create(&*store, "UPD-1", 8).await;
    pause().await;
    let renamed = store
        .update_product(
            "UPD-1",
            ProductPatch {
                name: Some("Renamed".into()),
                ..Default::default()
            },
        )
        .await
        .expect("update_product name");
    let expected = Product {
        name: "Renamed".into(),
        update_time: renamed.update_time,
        ..created.clone()
    };
    assert_eq!(renamed, expected, "a name patch changes only the name");
    assert!(
        renamed.update_time > created.update_time,
        "update_time moves forward on update"
    );

    pause().await;
    let patch = ProductPatch {
        name: None,
        category: Some("tools".into()),
        unit_price_minor: Some(1_234),
        low_stock_threshold: Some(9),
        lead_time_days: Some(21),
        service_level: Some(0.99),
    };
    let patched = store
        .update_product("UPD-1", patch)
        .await
        .expect("update_product");
    let expected = Product {
        category: "tools".into(),
        unit_price_minor: 1_234,
        low_stock_threshold: 9,
        lead_time_days: 21,
        service_level: 0.99,
        update_time: patched.update_time,
        ..renamed.clone()
    };
    assert_eq!(
        patched, expected,
        "every patched field changes, the name stays"
    );
    assert!(
        patched.update_time > renamed.update_time,
        "update_time moves forward on update"
    );
    assert_eq!(
        store.get_product("UPD-1").await.expect("get_product"),
        patched,
        "the update is stored"
    );
    assert_eq!(
        all_movements(&*store, "UPD-1").await.len(),
        1,
        "an update moves no stock"
    );
}

/// Updating an unknown SKU is `NotFound`.
pub async fn update_product_of_unknown_sku_is_not_found(store: Arc<dyn Store>) {
    let patch = ProductPatch {
        name: Some("Ghost".into()),
        ..Default::default()
    };
    let err = expect_err!(
        store.update_product("NOPE-2", patch).await,
        StoreError::NotFound(_),
        "update_product of an unknown SKU"
    );
    assert!(
        err.to_string().contains("NOPE-2"),
        "the error names the SKU: {err}"
    );
}

/// Archiving marks the product archived and keeps its stock; archiving again
/// changes nothing.
pub async fn archive_product_is_idempotent(store: Arc<dyn Store>) {
    create(&*store, "ARC-1", 3).await;
    let archived = store
        .archive_product("ARC-1")
        .await
        .expect("archive_product");
    assert_eq!(
        (archived.status, archived.on_hand),
        (ProductStatus::Archived, 3)
    );
    let stored = store.get_product("ARC-1").await.expect("get_product");
    assert_eq!(
        stored, archived,
        "get_product reads an archived product as archive_product returned it"
    );

    pause().await;
    let again = store
        .archive_product("ARC-1")
        .await
        .expect("archive_product again");
    assert_eq!(
        again, archived,
        "archiving an archived product changes nothing, not even update_time"
    );
    assert_eq!(
        store.get_product("ARC-1").await.expect("get_product"),
        archived
    );
    assert_eq!(
        all_movements(&*store, "ARC-1").await.len(),
        1,
        "archiving moves no stock"
    );
}

/// Archiving an unknown SKU is `NotFound`.
pub async fn archive_product_of_unknown_sku_is_not_found(store: Arc<dyn Store>) {
    expect_err!(
        store.archive_product("NOPE-3").await,
        StoreError::NotFound(_),
        "archive_product of an unknown SKU"
    );
}

/// An order naming an archived product is `FailedPrecondition`, naming the
/// SKU, and takes no stock from any line.
pub async fn archived_product_cannot_be_ordered(store: Arc<dyn Store>) {
    create(&*store, "SELL-1", 10).await;
    create(&*store, "GONE-2", 10).await;
    store
        .archive_product("GONE-2")
        .await
        .expect("archive_product");
    let err = expect_err!(
        store
            .place_order(new_order("order-archived", &[("SELL-1", 2), ("GONE-2", 1)]))
            .await,
        StoreError::FailedPrecondition(_),
        "place_order with an archived product"
    );
    assert!(
        err.to_string().contains("GONE-2"),
        "the error names the archived SKU: {err}"
    );
    assert_eq!(
        on_hand(&*store, "SELL-1").await,
        10,
        "no stock moves for the other line"
    );
    assert_eq!(on_hand(&*store, "GONE-2").await, 10);
    assert_eq!(all_movements(&*store, "SELL-1").await.len(), 1);
    assert_no_orders(&*store).await;
}
