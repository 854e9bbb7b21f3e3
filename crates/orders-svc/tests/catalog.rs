//! CatalogService over gRPC: products, updates, archiving, stock adjustments
//! and the movement ledger, with every bad input.

mod common;

use common::*;
use icc_proto::v1 as pb;
use pb::{MovementReason, ProductStatus, StockAdjustmentKind as Kind};
use prost_types::FieldMask;
use tonic::Code;

/// One change that turns a valid request (or product) into a bad one: a
/// column of the tables of bad inputs below.
type Spoil<T> = fn(&mut T);

fn query(q: &str) -> pb::ListProductsRequest {
    pb::ListProductsRequest {
        query: q.into(),
        ..Default::default()
    }
}

async fn list(catalog: &mut Catalog, request: pb::ListProductsRequest) -> Vec<String> {
    let mut skus = Vec::new();
    let mut request = request;
    loop {
        let page = catalog
            .list_products(request.clone())
            .await
            .expect("list products")
            .into_inner();
        skus.extend(page.products.into_iter().map(|p| p.sku));
        if page.next_page_token.is_empty() {
            return skus;
        }
        request.page_token = page.next_page_token;
    }
}

#[tokio::test]
async fn create_and_get_product() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut p = product("PASTA-500", "Penne 500g", "Pantry", 249, 40, 10);
    p.lead_time_days = 7;
    p.service_level = 0.95;
    // Read-only fields in the request are ignored.
    p.status = ProductStatus::Archived as i32;
    p.low_stock = true;
    let created = create(&mut catalog, p).await;
    assert_eq!(created.sku, "PASTA-500");
    assert_eq!(created.name, "Penne 500g");
    assert_eq!(created.category, "Pantry");
    assert_eq!(created.unit_price_minor, 249);
    assert_eq!(created.on_hand, 40);
    assert_eq!(created.low_stock_threshold, 10);
    assert_eq!(created.lead_time_days, 7);
    assert_eq!(created.service_level, 0.95);
    assert_eq!(created.status, ProductStatus::Active as i32);
    assert!(!created.low_stock);
    assert!(created.create_time.is_some() && created.update_time.is_some());

    let got = get(&mut catalog, "PASTA-500").await;
    assert_eq!(got, created);

    // The initial stock is recorded as an INITIAL movement.
    let movements = all_movements(&mut catalog, "PASTA-500", 10).await;
    assert_eq!(movements.len(), 1);
    let m = &movements[0];
    assert_eq!(
        (m.sku.as_str(), m.delta, m.on_hand_after, m.reason),
        ("PASTA-500", 40, 40, MovementReason::Initial as i32)
    );
    assert!(m.order_id.is_empty());

    // Low stock is computed: at or below the threshold.
    let low = create(&mut catalog, product("SALT-1", "Salt", "Pantry", 99, 3, 3)).await;
    assert!(low.low_stock);
}

#[tokio::test]
async fn create_product_rejects_bad_input() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let good = || product("GOOD-1", "Good", "Cat", 100, 5, 1);
    // Each case spoils one field of a good product.
    #[rustfmt::skip]
    let cases: [(Spoil<pb::Product>, &[&str]); 14] = [
        (|p| p.sku = String::new(), &["product.sku", "empty"]),
        (|p| p.sku = "bad sku".into(), &["product.sku", "bad sku"]),
        (|p| p.sku = "-leading-dash".into(), &["product.sku", "-leading-dash"]),
        (|p| p.sku = "SKU/1".into(), &["product.sku", "SKU/1"]),
        (|p| p.sku = "Ä-1".into(), &["product.sku"]),
        (|p| p.sku = "A".repeat(65), &["product.sku", "64"]),
        (|p| p.name = "   ".into(), &["product.name"]),
        (|p| p.name = "n".repeat(201), &["product.name", "200"]),
        (|p| p.category = String::new(), &["product.category"]),
        (|p| p.unit_price_minor = -1, &["product.unit_price_minor", "-1"]),
        (|p| p.on_hand = -5, &["product.on_hand", "-5"]),
        (|p| p.low_stock_threshold = -1, &["product.low_stock_threshold"]),
        (|p| p.lead_time_days = -3, &["product.lead_time_days"]),
        (|p| p.service_level = 1.5, &["product.service_level"]),
    ];
    for (spoil, needles) in cases {
        let mut p = good();
        spoil(&mut p);
        let r = catalog
            .create_product(pb::CreateProductRequest { product: Some(p) })
            .await;
        expect_status(r, Code::InvalidArgument, needles);
    }
    expect_status(
        catalog
            .create_product(pb::CreateProductRequest { product: None })
            .await,
        Code::InvalidArgument,
        &["product"],
    );
    // None of the rejected products exists.
    let listed = list(
        &mut catalog,
        pb::ListProductsRequest {
            include_archived: true,
            ..Default::default()
        },
    )
    .await;
    assert!(
        listed.is_empty(),
        "rejected products were stored: {listed:?}"
    );

    // A taken SKU is ALREADY_EXISTS, archived products included.
    create(&mut catalog, good()).await;
    expect_status(
        catalog
            .create_product(pb::CreateProductRequest {
                product: Some(pb::Product {
                    name: "Other".into(),
                    ..good()
                }),
            })
            .await,
        Code::AlreadyExists,
        &["GOOD-1"],
    );
    archive(&mut catalog, "GOOD-1").await;
    expect_status(
        catalog
            .create_product(pb::CreateProductRequest {
                product: Some(good()),
            })
            .await,
        Code::AlreadyExists,
        &["GOOD-1"],
    );
    // The original is untouched.
    let kept = get(&mut catalog, "GOOD-1").await;
    assert_eq!((kept.name.as_str(), kept.on_hand), ("Good", 5));
    assert_eq!(all_movements(&mut catalog, "GOOD-1", 10).await.len(), 1);
}

#[tokio::test]
async fn get_product_errors_name_the_sku() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    for (sku, code, needles) in [
        ("NOPE-7", Code::NotFound, &["NOPE-7"][..]),
        ("", Code::InvalidArgument, &["sku"]),
        ("no spaces", Code::InvalidArgument, &["sku", "no spaces"]),
    ] {
        let r = catalog
            .get_product(pb::GetProductRequest { sku: sku.into() })
            .await;
        expect_status(r, code, needles);
    }
}

#[tokio::test]
async fn list_products_pages_in_sku_order() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut expected = Vec::new();
    // Created out of order; listed in SKU order.
    for i in (0..23).rev() {
        let sku = format!("P-{i:03}");
        create_stocked(&mut catalog, &sku, i).await;
        expected.push(sku);
    }
    expected.sort();

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = catalog
            .list_products(pb::ListProductsRequest {
                page_size: 5,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(page.products.len() <= 5);
        if !page.next_page_token.is_empty() {
            assert_eq!(page.products.len(), 5, "a short page before the last");
        }
        seen.extend(page.products.into_iter().map(|p| p.sku));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 5);
    assert_eq!(seen, expected);

    // 0 means the default (50): one page with everything.
    let all = catalog
        .list_products(pb::ListProductsRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(all.products.len(), 23);
    assert!(all.next_page_token.is_empty());
    // The bounds themselves are accepted.
    for page_size in [1, 1000] {
        catalog
            .list_products(pb::ListProductsRequest {
                page_size,
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("page_size {page_size}: {e:?}"));
    }
}

#[tokio::test]
async fn list_products_query_matches_sku_and_name_case_insensitively() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    for (sku, name) in [
        ("APL-1", "Green Fruit"),
        ("BAN-1", "Banana"),
        ("CHR-1", "Cherry and APPLE pie"),
        ("xyz-apple", "Mystery"),
        ("JUICE-1", "100% juice"),
        ("A_B", "Underscore"),
        ("AXB", "No underscore"),
    ] {
        create(&mut catalog, product(sku, name, "Food", 100, 5, 0)).await;
    }
    // SKU match, case-insensitive.
    assert_eq!(list(&mut catalog, query("apl")).await, ["APL-1"]);
    // Name or SKU match, either case.
    for q in ["apple", "APPLE", "aPpLe"] {
        assert_eq!(
            list(&mut catalog, query(q)).await,
            ["CHR-1", "xyz-apple"],
            "query {q:?}"
        );
    }
    assert_eq!(list(&mut catalog, query("banana")).await, ["BAN-1"]);
    // LIKE wildcards are matched literally.
    assert_eq!(list(&mut catalog, query("%")).await, ["JUICE-1"]);
    assert_eq!(list(&mut catalog, query("_")).await, ["A_B"]);
    assert!(list(&mut catalog, query("durian")).await.is_empty());
    // Query and paging together.
    let page = catalog
        .list_products(pb::ListProductsRequest {
            query: "a".into(),
            page_size: 2,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.products.len(), 2);
    assert!(!page.next_page_token.is_empty());
    let all_a = list(
        &mut catalog,
        pb::ListProductsRequest {
            query: "a".into(),
            page_size: 2,
            ..Default::default()
        },
    )
    .await;
    // SKU order is byte order: 'P' < 'X' < '_' < 'x'.
    assert_eq!(
        all_a,
        ["APL-1", "AXB", "A_B", "BAN-1", "CHR-1", "xyz-apple"]
    );
}

#[tokio::test]
async fn list_products_category_low_stock_and_archived_filters() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create(&mut catalog, product("D-1", "Milk", "Dairy", 99, 2, 5)).await; // low
    create(&mut catalog, product("D-2", "Cheese", "Dairy", 599, 50, 5)).await;
    create(&mut catalog, product("D-3", "Butter", "Dairy", 299, 5, 5)).await; // low (equal)
    create(&mut catalog, product("B-1", "Bread", "Bakery", 199, 0, 1)).await; // low
    create(&mut catalog, product("B-2", "Bagel", "Bakery", 99, 30, 1)).await;
    create(
        &mut catalog,
        product("X-1", "Dairy free", "dairy", 99, 30, 1),
    )
    .await;
    archive(&mut catalog, "D-3").await;

    let req = |category: &str, low: bool, archived: bool| pb::ListProductsRequest {
        category: category.into(),
        low_stock_only: low,
        include_archived: archived,
        ..Default::default()
    };
    for (category, low, archived, expected) in [
        ("Dairy", false, false, &["D-1", "D-2"][..]),
        ("Dairy", false, true, &["D-1", "D-2", "D-3"]),
        ("Bakery", false, false, &["B-1", "B-2"]),
        ("", true, false, &["B-1", "D-1"]),
        ("", true, true, &["B-1", "D-1", "D-3"]),
        ("Dairy", true, true, &["D-1", "D-3"]),
        ("Produce", false, true, &[]),
        ("", false, false, &["B-1", "B-2", "D-1", "D-2", "X-1"]),
    ] {
        assert_eq!(
            list(&mut catalog, req(category, low, archived)).await,
            expected,
            "category {category:?}, low_stock_only {low}, include_archived {archived}"
        );
    }
    // Every listed low-stock product says so.
    let page = catalog
        .list_products(req("", true, true))
        .await
        .unwrap()
        .into_inner();
    assert!(page.products.iter().all(|p| p.low_stock));
    // A restock takes a product off the low-stock list.
    adjust(&mut catalog, "D-1", Kind::Restock, 10).await;
    assert_eq!(list(&mut catalog, req("", true, false)).await, ["B-1"]);
}

#[tokio::test]
async fn list_products_rejects_bad_paging() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    for i in 0..6 {
        create(
            &mut catalog,
            product(
                &format!("S-{i}"),
                "Item",
                if i % 2 == 0 { "A" } else { "B" },
                1,
                1,
                0,
            ),
        )
        .await;
    }
    for page_size in [-1, 1001, i32::MIN, i32::MAX] {
        expect_status(
            catalog
                .list_products(pb::ListProductsRequest {
                    page_size,
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            &["page_size", &page_size.to_string()],
        );
    }
    // One bad field each; the rest default.
    let cases: [(Spoil<pb::ListProductsRequest>, &str); 3] = [
        (|r| r.query = "q".repeat(201), "query"),
        (|r| r.category = "c".repeat(101), "category"),
        (|r| r.page_token = "not-a-token!".into(), "page_token"),
    ];
    for (spoil, field) in cases {
        let mut request = pb::ListProductsRequest::default();
        spoil(&mut request);
        let r = catalog.list_products(request).await;
        expect_status(r, Code::InvalidArgument, &[field]);
    }
    // A token is bound to the filters it was issued for.
    let first = catalog
        .list_products(pb::ListProductsRequest {
            page_size: 1,
            category: "A".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!first.next_page_token.is_empty());
    for other in [
        pb::ListProductsRequest {
            category: "B".into(),
            ..Default::default()
        },
        pb::ListProductsRequest {
            category: "A".into(),
            query: "S".into(),
            ..Default::default()
        },
        pb::ListProductsRequest {
            category: "A".into(),
            low_stock_only: true,
            ..Default::default()
        },
        pb::ListProductsRequest {
            category: "A".into(),
            include_archived: true,
            ..Default::default()
        },
    ] {
        let r = catalog
            .list_products(pb::ListProductsRequest {
                page_size: 1,
                page_token: first.next_page_token.clone(),
                ..other
            })
            .await;
        expect_status(r, Code::InvalidArgument, &["page_token"]);
    }
    // The same filters with the token carry on, and a different page size is fine.
    let second = catalog
        .list_products(pb::ListProductsRequest {
            page_size: 10,
            category: "A".into(),
            page_token: first.next_page_token,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    let skus: Vec<_> = second.products.iter().map(|p| p.sku.as_str()).collect();
    assert_eq!(skus, ["S-2", "S-4"]);
}

#[tokio::test]
async fn update_product_changes_only_masked_fields() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut p = product("UPD-1", "Old name", "Old cat", 500, 20, 4);
    p.lead_time_days = 3;
    let before = create(&mut catalog, p).await;

    // Every field differs in the request; only the masked ones change.
    let request = pb::Product {
        sku: "UPD-1".into(),
        name: "New name".into(),
        category: "New cat".into(),
        unit_price_minor: 750,
        on_hand: 999,
        low_stock_threshold: 8,
        lead_time_days: 10,
        service_level: 0.9,
        ..Default::default()
    };
    let updated = update(&mut catalog, request.clone(), &["name", "unit_price_minor"]).await;
    assert_eq!(updated.name, "New name");
    assert_eq!(updated.unit_price_minor, 750);
    assert_eq!(updated.category, "Old cat");
    assert_eq!(updated.on_hand, 20);
    assert_eq!(updated.low_stock_threshold, 4);
    assert_eq!(updated.lead_time_days, 3);
    assert_eq!(updated.service_level, 0.0);
    assert_eq!(updated.create_time, before.create_time);
    assert_eq!(get(&mut catalog, "UPD-1").await, updated);

    // The rest, in another call.
    let updated = update(
        &mut catalog,
        request.clone(),
        &[
            "category",
            "low_stock_threshold",
            "lead_time_days",
            "service_level",
        ],
    )
    .await;
    assert_eq!(
        (
            updated.category.as_str(),
            updated.low_stock_threshold,
            updated.lead_time_days,
            updated.service_level,
            updated.on_hand
        ),
        ("New cat", 8, 10, 0.9, 20)
    );
    // No stock movement came from the updates.
    assert_eq!(all_movements(&mut catalog, "UPD-1", 10).await.len(), 1);
    let settled = get(&mut catalog, "UPD-1").await;

    // Bad masks change nothing.
    #[rustfmt::skip]
    let bad_masks: [(Option<FieldMask>, &[&str]); 6] = [
        (mask(&["on_hand"]), &["update_mask", "on_hand", "AdjustStock"]),
        (mask(&["name", "on_hand"]), &["update_mask", "on_hand"]),
        (mask(&["colour"]), &["update_mask", "colour"]),
        (mask(&["sku"]), &["update_mask", "sku"]),
        (mask(&[]), &["update_mask"]),
        (None, &["update_mask"]),
    ];
    for (update_mask, needles) in bad_masks {
        let r = catalog
            .update_product(pb::UpdateProductRequest {
                product: Some(request.clone()),
                update_mask,
            })
            .await;
        expect_status(r, Code::InvalidArgument, needles);
    }
    // Nor do bad values (the SKU included) under a good mask.
    #[rustfmt::skip]
    let bad_values: [(&str, Spoil<pb::Product>, &[&str]); 3] = [
        ("name", |p| p.name = " ".into(), &["product.name"]),
        ("unit_price_minor", |p| p.unit_price_minor = -10, &["product.unit_price_minor", "-10"]),
        ("name", |p| p.sku = String::new(), &["product.sku"]),
    ];
    for (path, spoil, needles) in bad_values {
        let mut product = request.clone();
        spoil(&mut product);
        let r = catalog
            .update_product(pb::UpdateProductRequest {
                product: Some(product),
                update_mask: mask(&[path]),
            })
            .await;
        expect_status(r, Code::InvalidArgument, needles);
    }
    expect_status(
        catalog
            .update_product(pb::UpdateProductRequest {
                product: None,
                update_mask: mask(&["name"]),
            })
            .await,
        Code::InvalidArgument,
        &["product"],
    );
    assert_eq!(get(&mut catalog, "UPD-1").await, settled);

    expect_status(
        catalog
            .update_product(pb::UpdateProductRequest {
                product: Some(pb::Product {
                    sku: "GHOST-1".into(),
                    ..request
                }),
                update_mask: mask(&["name"]),
            })
            .await,
        Code::NotFound,
        &["GHOST-1"],
    );
}

#[tokio::test]
async fn archive_product_hides_it_and_blocks_orders() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    create_stocked(&mut catalog, "ARC-1", 10).await;
    create_stocked(&mut catalog, "KEEP-1", 10).await;

    let archived = archive(&mut catalog, "ARC-1").await;
    assert_eq!(archived.status, ProductStatus::Archived as i32);
    assert_eq!(archived.on_hand, 10);
    // Twice is not an error.
    let again = archive(&mut catalog, "ARC-1").await;
    assert_eq!(again.status, ProductStatus::Archived as i32);
    // Still readable, hidden from default listings.
    assert_eq!(
        get(&mut catalog, "ARC-1").await.status,
        ProductStatus::Archived as i32
    );
    assert_eq!(
        list(&mut catalog, pb::ListProductsRequest::default()).await,
        ["KEEP-1"]
    );

    // Ordering it fails, naming the SKU, and nothing moves (not even the
    // other, orderable line).
    let r = orders
        .place_order(order_request("arc-order", &[("KEEP-1", 2), ("ARC-1", 1)]))
        .await;
    expect_status(r, Code::FailedPrecondition, &["ARC-1", "archived"]);
    assert_eq!(on_hand(&mut catalog, "ARC-1").await, 10);
    assert_eq!(on_hand(&mut catalog, "KEEP-1").await, 10);
    assert!(all_orders(&mut orders, Default::default()).await.is_empty());

    for (sku, code, needles) in [
        ("GHOST-2", Code::NotFound, &["GHOST-2"][..]),
        ("", Code::InvalidArgument, &["sku"]),
    ] {
        let r = catalog
            .archive_product(pb::ArchiveProductRequest { sku: sku.into() })
            .await;
        expect_status(r, code, needles);
    }
}

#[tokio::test]
async fn adjust_stock_restock_cycle_count_and_damage() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "ADJ-1", 10).await;

    let mut check = async |kind: Kind,
                           quantity: i64,
                           note: &str,
                           delta: i64,
                           after: i64,
                           reason: MovementReason| {
        let r = catalog
            .adjust_stock(pb::AdjustStockRequest {
                sku: "ADJ-1".into(),
                kind: kind as i32,
                quantity,
                note: note.into(),
                idempotency_key: String::new(),
            })
            .await
            .unwrap_or_else(|e| panic!("{kind:?} {quantity}: {e:?}"))
            .into_inner();
        let p = r.product.unwrap();
        let m = r.movement.unwrap();
        assert_eq!(p.on_hand, after, "{kind:?}");
        assert_eq!(
            (
                m.sku.as_str(),
                m.delta,
                m.on_hand_after,
                m.reason,
                m.note.as_str()
            ),
            ("ADJ-1", delta, after, reason as i32, note),
            "{kind:?}"
        );
        assert!(m.order_id.is_empty());
        m
    };
    let restock = check(
        Kind::Restock,
        15,
        "truck 42",
        15,
        25,
        MovementReason::Restock,
    )
    .await;
    let count = check(
        Kind::CycleCount,
        21,
        "shelf count",
        -4,
        21,
        MovementReason::CycleCount,
    )
    .await;
    let damage = check(Kind::Damage, 6, "dropped", -6, 15, MovementReason::Damage).await;
    let matched = check(Kind::CycleCount, 15, "", 0, 15, MovementReason::CycleCount).await;
    let zero = check(
        Kind::CycleCount,
        0,
        "empty shelf",
        -15,
        0,
        MovementReason::CycleCount,
    )
    .await;
    assert!(
        restock.id < count.id
            && count.id < damage.id
            && damage.id < matched.id
            && matched.id < zero.id
    );

    // The ledger has all of them, newest first, and sums to on_hand.
    let movements = all_movements(&mut catalog, "ADJ-1", 50).await;
    let reasons: Vec<_> = movements.iter().map(|m| (m.reason, m.delta)).collect();
    assert_eq!(
        reasons,
        [
            (MovementReason::CycleCount as i32, -15),
            (MovementReason::CycleCount as i32, 0),
            (MovementReason::Damage as i32, -6),
            (MovementReason::CycleCount as i32, -4),
            (MovementReason::Restock as i32, 15),
            (MovementReason::Initial as i32, 10),
        ]
    );
    assert_eq!(movements.iter().map(|m| m.delta).sum::<i64>(), 0);
    assert_eq!(on_hand(&mut catalog, "ADJ-1").await, 0);
}

#[tokio::test]
async fn adjust_stock_rejects_bad_input() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "ADJ-2", 7).await;
    let req = |kind: Kind, quantity: i64| pb::AdjustStockRequest {
        sku: "ADJ-2".into(),
        kind: kind as i32,
        quantity,
        ..Default::default()
    };
    let cases: Vec<(pb::AdjustStockRequest, Code, &[&str])> = vec![
        (req(Kind::Unspecified, 5), Code::InvalidArgument, &["kind"]),
        (
            pb::AdjustStockRequest {
                kind: 42,
                ..req(Kind::Restock, 5)
            },
            Code::InvalidArgument,
            &["kind"],
        ),
        (
            req(Kind::Restock, 0),
            Code::InvalidArgument,
            &["quantity", "0"],
        ),
        (
            req(Kind::Restock, -5),
            Code::InvalidArgument,
            &["quantity", "-5"],
        ),
        (req(Kind::Damage, 0), Code::InvalidArgument, &["quantity"]),
        (
            req(Kind::Damage, -1),
            Code::InvalidArgument,
            &["quantity", "-1"],
        ),
        (
            req(Kind::CycleCount, -1),
            Code::InvalidArgument,
            &["quantity", "-1"],
        ),
        (
            req(Kind::Damage, 8),
            Code::FailedPrecondition,
            &["ADJ-2", "available 7"],
        ),
        (
            pb::AdjustStockRequest {
                sku: String::new(),
                ..req(Kind::Restock, 1)
            },
            Code::InvalidArgument,
            &["sku"],
        ),
        (
            pb::AdjustStockRequest {
                sku: "*bad*".into(),
                ..req(Kind::Restock, 1)
            },
            Code::InvalidArgument,
            &["sku", "*bad*"],
        ),
        (
            pb::AdjustStockRequest {
                sku: "GHOST-3".into(),
                ..req(Kind::Restock, 1)
            },
            Code::NotFound,
            &["GHOST-3"],
        ),
        (
            pb::AdjustStockRequest {
                note: "n".repeat(501),
                ..req(Kind::Restock, 1)
            },
            Code::InvalidArgument,
            &["note", "500"],
        ),
        (
            pb::AdjustStockRequest {
                idempotency_key: "k".repeat(129),
                ..req(Kind::Restock, 1)
            },
            Code::InvalidArgument,
            &["idempotency_key"],
        ),
    ];
    for (request, code, needles) in cases {
        let r = catalog.adjust_stock(request.clone()).await;
        expect_status(r, code, needles);
    }
    // Nothing moved.
    assert_eq!(on_hand(&mut catalog, "ADJ-2").await, 7);
    assert_eq!(all_movements(&mut catalog, "ADJ-2", 10).await.len(), 1);
}

#[tokio::test]
async fn adjust_stock_idempotency_key_moves_stock_once() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "IDEM-1", 10).await;
    create_stocked(&mut catalog, "IDEM-2", 10).await;
    let request = pb::AdjustStockRequest {
        sku: "IDEM-1".into(),
        kind: Kind::Restock as i32,
        quantity: 5,
        note: "delivery 9".into(),
        idempotency_key: "delivery-9".into(),
    };
    let first = catalog
        .adjust_stock(request.clone())
        .await
        .unwrap()
        .into_inner();
    let retry = catalog
        .adjust_stock(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        first.movement, retry.movement,
        "the retry returns the first movement"
    );
    assert_eq!(retry.product.unwrap().on_hand, 15);
    assert_eq!(on_hand(&mut catalog, "IDEM-1").await, 15);
    let restocks = count_movements(&mut catalog, "IDEM-1", 10, MovementReason::Restock).await;
    assert_eq!(restocks, 1);

    // The same key for a different adjustment is ALREADY_EXISTS.
    for different in [
        pb::AdjustStockRequest {
            quantity: 6,
            ..request.clone()
        },
        pb::AdjustStockRequest {
            kind: Kind::Damage as i32,
            ..request.clone()
        },
        pb::AdjustStockRequest {
            sku: "IDEM-2".into(),
            ..request.clone()
        },
    ] {
        let r = catalog.adjust_stock(different).await;
        expect_status(r, Code::AlreadyExists, &["delivery-9"]);
    }
    assert_eq!(on_hand(&mut catalog, "IDEM-1").await, 15);
    assert_eq!(on_hand(&mut catalog, "IDEM-2").await, 10);
    assert_eq!(all_movements(&mut catalog, "IDEM-1", 10).await.len(), 2);
    assert_eq!(all_movements(&mut catalog, "IDEM-2", 10).await.len(), 1);
}

#[tokio::test]
async fn list_stock_movements_newest_first_with_paging() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create_stocked(&mut catalog, "MOV-1", 10).await;
    create_stocked(&mut catalog, "MOV-2", 3).await;
    for i in 1..=12 {
        adjust(&mut catalog, "MOV-1", Kind::Restock, i).await;
    }
    adjust(&mut catalog, "MOV-2", Kind::Damage, 1).await;

    let mut pages = Vec::new();
    let mut token = String::new();
    loop {
        let page = catalog
            .list_stock_movements(pb::ListStockMovementsRequest {
                sku: "MOV-1".into(),
                page_size: 5,
                page_token: token.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        pages.push(page.movements);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [5, 5, 3]);
    let all: Vec<_> = pages.concat();
    assert!(
        all.windows(2).all(|w| w[0].id > w[1].id),
        "not newest first"
    );
    assert!(all.iter().all(|m| m.sku == "MOV-1"));
    let deltas: Vec<_> = all.iter().map(|m| m.delta).collect();
    assert_eq!(deltas, [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 10]);
    assert_eq!(all.last().unwrap().reason, MovementReason::Initial as i32);
    // on_hand_after is a running sum, and the newest equals on_hand.
    let mut running = 0;
    for m in all.iter().rev() {
        running += m.delta;
        assert_eq!(m.on_hand_after, running);
    }
    assert_eq!(on_hand(&mut catalog, "MOV-1").await, running);
    assert_eq!(running, 10 + 78);

    // Bad input.
    for page_size in [-1, 1001] {
        expect_status(
            catalog
                .list_stock_movements(pb::ListStockMovementsRequest {
                    sku: "MOV-1".into(),
                    page_size,
                    page_token: String::new(),
                })
                .await,
            Code::InvalidArgument,
            &["page_size"],
        );
    }
    let first = catalog
        .list_stock_movements(pb::ListStockMovementsRequest {
            sku: "MOV-1".into(),
            page_size: 1,
            page_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    expect_status(
        catalog
            .list_stock_movements(pb::ListStockMovementsRequest {
                sku: "MOV-2".into(),
                page_size: 1,
                page_token: first.next_page_token,
            })
            .await,
        Code::InvalidArgument,
        &["page_token"],
    );
    for (sku, code, needles) in [
        ("GHOST-4", Code::NotFound, &["GHOST-4"][..]),
        ("", Code::InvalidArgument, &["sku"]),
    ] {
        let r = catalog
            .list_stock_movements(pb::ListStockMovementsRequest {
                sku: sku.into(),
                ..Default::default()
            })
            .await;
        expect_status(r, code, needles);
    }
}

/// The contract says "case-insensitive substring", with no ASCII-only
/// exception; retail names often carry accents.
#[tokio::test]
async fn list_products_query_is_case_insensitive_beyond_ascii() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    create(
        &mut catalog,
        product("ECL-1", "Éclair au café", "Bakery", 300, 5, 0),
    )
    .await;
    create(
        &mut catalog,
        product("CRM-1", "CRÈME BRÛLÉE", "Bakery", 450, 5, 0),
    )
    .await;
    assert_eq!(list(&mut catalog, query("Éclair")).await, ["ECL-1"]);
    assert_eq!(list(&mut catalog, query("éclair")).await, ["ECL-1"]);
    assert_eq!(list(&mut catalog, query("CAFÉ")).await, ["ECL-1"]);
    assert_eq!(list(&mut catalog, query("crème")).await, ["CRM-1"]);
}
