//! OrdersService over gRPC: placing, reading, listing and cancelling orders,
//! idempotency and every bad input.

mod common;

use common::*;
use icc_proto::v1 as pb;
use pb::{MovementReason, OrderStatus};
use prost_types::Timestamp;
use tonic::Code;

async fn get_order(orders: &mut Orders, id: &str) -> pb::Order {
    orders
        .get_order(pb::GetOrderRequest { id: id.into() })
        .await
        .unwrap_or_else(|e| panic!("get order {id}: {e:?}"))
        .into_inner()
        .order
        .unwrap()
}

fn ids(orders: &[pb::Order]) -> Vec<&str> {
    orders.iter().map(|o| o.id.as_str()).collect()
}

/// Three products: A (2.50, 10), B (19.99, 5), C (0.05, 100).
async fn seed(catalog: &mut Catalog) {
    create(catalog, product("A-1", "Apple", "Fruit", 250, 10, 2)).await;
    create(catalog, product("B-1", "Basket", "Home", 1999, 5, 1)).await;
    create(catalog, product("C-1", "Candy", "Sweets", 5, 100, 10)).await;
}

#[tokio::test]
async fn place_order_takes_every_line_and_snapshots_prices() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;

    let placed = orders
        .place_order(pb::PlaceOrderRequest {
            idempotency_key: "order-1".into(),
            lines: lines(&[("B-1", 2), ("A-1", 3), ("C-1", 10)]),
            note: "for the front desk".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!placed.replayed);
    let order = placed.order.unwrap();
    assert!(!order.id.is_empty());
    assert_eq!(order.status, OrderStatus::Placed as i32);
    assert_eq!(order.idempotency_key, "order-1");
    assert_eq!(order.note, "for the front desk");
    assert!(order.create_time.is_some());
    assert!(order.cancel_time.is_none());
    let got: Vec<_> = order
        .lines
        .iter()
        .map(|l| {
            (
                l.line_number,
                l.sku.as_str(),
                l.product_name.as_str(),
                l.quantity,
                l.unit_price_minor,
                l.line_total_minor,
            )
        })
        .collect();
    // Lines in the order given.
    assert_eq!(
        got,
        [
            (1, "B-1", "Basket", 2, 1999, 3998),
            (2, "A-1", "Apple", 3, 250, 750),
            (3, "C-1", "Candy", 10, 5, 50),
        ]
    );
    assert_eq!(order.total_minor, 3998 + 750 + 50);

    // Stock taken, one SALE movement per line naming the order.
    assert_eq!(on_hand(&mut catalog, "A-1").await, 7);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 3);
    assert_eq!(on_hand(&mut catalog, "C-1").await, 90);
    for (sku, quantity, after) in [("A-1", 3, 7), ("B-1", 2, 3), ("C-1", 10, 90)] {
        let m = all_movements(&mut catalog, sku, 10).await;
        assert_eq!(m.len(), 2, "{sku}");
        assert_eq!(
            (
                m[0].reason,
                m[0].delta,
                m[0].on_hand_after,
                m[0].order_id.as_str()
            ),
            (
                MovementReason::Sale as i32,
                -quantity,
                after,
                order.id.as_str()
            ),
            "{sku}"
        );
    }

    // A later price (and name) change does not touch the placed order.
    update(
        &mut catalog,
        product("A-1", "Golden apple", "Fruit", 999, 0, 0),
        &["name", "unit_price_minor"],
    )
    .await;
    let again = get_order(&mut orders, &order.id).await;
    assert_eq!(again, order);
    // A new order takes the new price.
    let later = placed_order(&mut orders, "order-2", &[("A-1", 2)]).await;
    assert_eq!(
        (
            later.lines[0].product_name.as_str(),
            later.lines[0].unit_price_minor,
            later.total_minor
        ),
        ("Golden apple", 999, 1998)
    );
    assert_ne!(later.id, order.id);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 5);
}

#[tokio::test]
async fn order_can_take_the_last_unit() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    place(&mut orders, "all-of-b", &[("B-1", 5)]).await;
    let b = get(&mut catalog, "B-1").await;
    assert_eq!((b.on_hand, b.low_stock), (0, true));
    let r = orders
        .place_order(order_request("one-more", &[("B-1", 1)]))
        .await;
    expect_status(r, Code::FailedPrecondition, &["B-1", "available 0"]);
}

#[tokio::test]
async fn get_order_errors() {
    let server = TestServer::start().await;
    let mut orders = server.orders().await;
    let unknown = "0190f2a4-0000-7000-8000-000000000000";
    for (id, code, needles) in [
        (unknown, Code::NotFound, &[unknown][..]),
        ("", Code::InvalidArgument, &["id"]),
        (&"x".repeat(65), Code::InvalidArgument, &["id"]),
        (
            "not-an-id",
            Code::InvalidArgument,
            &["id", "not an order id"],
        ),
        ("\u{0}", Code::InvalidArgument, &["id", r#""\0""#]),
    ] {
        let r = orders
            .get_order(pb::GetOrderRequest { id: id.into() })
            .await;
        expect_status(r, code, needles);
    }
}

#[tokio::test]
async fn place_order_rejects_bad_input_and_changes_nothing() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    let too_many: Vec<(String, i64)> = (0..101).map(|i| (format!("S-{i}"), 1)).collect();
    let too_many: Vec<(&str, i64)> = too_many.iter().map(|(s, q)| (s.as_str(), *q)).collect();
    let cases: Vec<(pb::PlaceOrderRequest, Code, Vec<&str>)> = vec![
        (
            order_request("", &[("A-1", 1)]),
            Code::InvalidArgument,
            vec!["idempotency_key"],
        ),
        (
            order_request(&"k".repeat(129), &[("A-1", 1)]),
            Code::InvalidArgument,
            vec!["idempotency_key"],
        ),
        (
            order_request("k1", &[]),
            Code::InvalidArgument,
            vec!["lines"],
        ),
        (
            order_request("k1", &too_many),
            Code::InvalidArgument,
            vec!["lines", "101"],
        ),
        (
            order_request("k1", &[("A-1", 1), ("", 1)]),
            Code::InvalidArgument,
            vec!["lines[1].sku", "empty"],
        ),
        (
            order_request("k1", &[("A 1", 1)]),
            Code::InvalidArgument,
            vec!["lines[0].sku", "A 1"],
        ),
        (
            order_request("k1", &[("A-1", 0)]),
            Code::InvalidArgument,
            vec!["lines[0].quantity", "0"],
        ),
        (
            order_request("k1", &[("A-1", 1), ("B-1", -3)]),
            Code::InvalidArgument,
            vec!["lines[1].quantity", "-3"],
        ),
        (
            order_request("k1", &[("A-1", 1_000_001)]),
            Code::InvalidArgument,
            vec!["lines[0].quantity", "1000001"],
        ),
        (
            order_request("k1", &[("A-1", 1), ("B-1", 1), ("A-1", 2)]),
            Code::InvalidArgument,
            vec!["lines[2].sku", "A-1"],
        ),
        (
            pb::PlaceOrderRequest {
                note: "n".repeat(501),
                ..order_request("k1", &[("A-1", 1)])
            },
            Code::InvalidArgument,
            vec!["note"],
        ),
        // Unknown SKU after a good line: NOT_FOUND naming it.
        (
            order_request("k1", &[("A-1", 1), ("NOPE-9", 1)]),
            Code::NotFound,
            vec!["NOPE-9"],
        ),
    ];
    for (request, code, needles) in cases {
        let r = orders.place_order(request.clone()).await;
        expect_status(r, code, &needles);
    }
    assert_eq!(on_hand(&mut catalog, "A-1").await, 10);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 5);
    assert_eq!(all_movements(&mut catalog, "A-1", 10).await.len(), 1);
    assert!(all_orders(&mut orders, Default::default()).await.is_empty());
    // The rejected attempts did not use up key "k1".
    let ok = place(&mut orders, "k1", &[("A-1", 1)]).await;
    assert!(!ok.replayed);
}

#[tokio::test]
async fn not_enough_stock_says_how_much_and_applies_nothing() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    // A-1 and C-1 could be taken; B-1 (5 in stock) cannot.
    let r = orders
        .place_order(order_request(
            "short",
            &[("A-1", 4), ("C-1", 50), ("B-1", 6)],
        ))
        .await;
    expect_status(r, Code::FailedPrecondition, &["B-1", "available 5"]);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 10);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 5);
    assert_eq!(on_hand(&mut catalog, "C-1").await, 100);
    for sku in ["A-1", "B-1", "C-1"] {
        let m = all_movements(&mut catalog, sku, 10).await;
        assert_eq!(m.len(), 1, "{sku} has movements from a failed order: {m:?}");
    }
    assert!(all_orders(&mut orders, Default::default()).await.is_empty());

    // The first short SKU is named.
    let r = orders
        .place_order(order_request("short-2", &[("A-1", 11), ("B-1", 6)]))
        .await;
    expect_status(r, Code::FailedPrecondition, &["A-1", "available 10"]);

    // The failed key can be used for a good order afterwards.
    let ok = place(&mut orders, "short", &[("B-1", 5)]).await;
    assert!(!ok.replayed);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 0);
}

#[tokio::test]
async fn retried_place_order_returns_the_same_order_and_moves_stock_once() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    let request = pb::PlaceOrderRequest {
        idempotency_key: "retry-me".into(),
        lines: lines(&[("A-1", 2), ("B-1", 1)]),
        note: "n".into(),
    };
    let first = orders
        .place_order(request.clone())
        .await
        .unwrap()
        .into_inner();
    assert!(!first.replayed);
    // Even after a price change, the retry returns the original order.
    update(
        &mut catalog,
        product("A-1", "x", "x", 1, 0, 0),
        &["unit_price_minor"],
    )
    .await;
    for _ in 0..3 {
        let retry = orders
            .place_order(request.clone())
            .await
            .unwrap()
            .into_inner();
        assert!(retry.replayed);
        assert_eq!(retry.order, first.order);
    }
    assert_eq!(on_hand(&mut catalog, "A-1").await, 8);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 4);
    assert_eq!(all_movements(&mut catalog, "A-1", 10).await.len(), 2);
    assert_eq!(all_orders(&mut orders, Default::default()).await.len(), 1);

    // The same key with different lines is ALREADY_EXISTS and moves nothing.
    for different in [
        order_request("retry-me", &[("A-1", 3), ("B-1", 1)]),
        order_request("retry-me", &[("A-1", 2)]),
        order_request("retry-me", &[("A-1", 2), ("B-1", 1), ("C-1", 1)]),
        order_request("retry-me", &[("C-1", 1)]),
    ] {
        let r = orders.place_order(different).await;
        expect_status(r, Code::AlreadyExists, &["retry-me"]);
    }
    assert_eq!(on_hand(&mut catalog, "A-1").await, 8);
    assert_eq!(on_hand(&mut catalog, "C-1").await, 100);
    assert_eq!(all_orders(&mut orders, Default::default()).await.len(), 1);

    // After a cancel, a retry returns the (cancelled) order and takes nothing.
    let id = first.order.as_ref().unwrap().id.clone();
    cancel(&mut orders, &id, "changed mind").await;
    assert_eq!(on_hand(&mut catalog, "A-1").await, 10);
    let retry = orders.place_order(request).await.unwrap().into_inner();
    assert!(retry.replayed);
    let order = retry.order.unwrap();
    assert_eq!(order.id, id);
    assert_eq!(order.status, OrderStatus::Cancelled as i32);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 10);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 5);
}

#[tokio::test]
async fn cancel_order_restores_stock_exactly_once() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    let order = placed_order(&mut orders, "to-cancel", &[("A-1", 3), ("B-1", 2)]).await;
    let other = placed_order(&mut orders, "to-keep", &[("A-1", 1)]).await;
    assert_eq!(on_hand(&mut catalog, "A-1").await, 6);

    let cancelled = cancel(&mut orders, &order.id, "customer called").await;
    assert!(!cancelled.already_cancelled);
    let c = cancelled.order.unwrap();
    assert_eq!(c.id, order.id);
    assert_eq!(c.status, OrderStatus::Cancelled as i32);
    assert_eq!(c.cancel_reason, "customer called");
    assert!(c.cancel_time.is_some());
    assert_eq!(c.lines, order.lines);
    assert_eq!(c.total_minor, order.total_minor);
    assert_eq!(get_order(&mut orders, &order.id).await, c);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 9);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 5);
    for (sku, quantity, after) in [("A-1", 3, 9), ("B-1", 2, 5)] {
        let m = all_movements(&mut catalog, sku, 10).await;
        assert_eq!(
            (
                m[0].reason,
                m[0].delta,
                m[0].on_hand_after,
                m[0].order_id.as_str()
            ),
            (
                MovementReason::Cancellation as i32,
                quantity,
                after,
                order.id.as_str()
            ),
            "{sku}"
        );
    }

    // Twice: unchanged, nothing moves.
    let again = cancel(&mut orders, &order.id, "another reason").await;
    assert!(again.already_cancelled);
    assert_eq!(again.order.unwrap(), c);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 9);
    assert_eq!(on_hand(&mut catalog, "B-1").await, 5);
    let cancellations =
        count_movements(&mut catalog, "A-1", 10, MovementReason::Cancellation).await;
    assert_eq!(cancellations, 1);
    // The other order is untouched (found by any spelling of its id).
    assert_eq!(
        get_order(&mut orders, &other.id).await.status,
        OrderStatus::Placed as i32
    );
    let shouted = get_order(&mut orders, &other.id.to_uppercase()).await;
    assert_eq!(shouted.id, other.id);

    // Bad input.
    let unknown = "0190f2a4-0000-7000-8000-00000000dead";
    let too_long = "r".repeat(501);
    for (id, reason, code, needles) in [
        (unknown, "", Code::NotFound, &[unknown][..]),
        ("", "", Code::InvalidArgument, &["id"]),
        (&other.id, &too_long, Code::InvalidArgument, &["reason"]),
    ] {
        let r = orders
            .cancel_order(pb::CancelOrderRequest {
                id: id.into(),
                reason: reason.into(),
            })
            .await;
        expect_status(r, code, needles);
    }
    assert_eq!(
        get_order(&mut orders, &other.id).await.status,
        OrderStatus::Placed as i32
    );
}

#[tokio::test]
async fn cancelling_an_archived_products_order_restores_its_stock() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    let order = placed_order(&mut orders, "arch", &[("A-1", 4)]).await;
    archive(&mut catalog, "A-1").await;
    let cancelled = cancel(&mut orders, &order.id, "").await;
    assert!(!cancelled.already_cancelled);
    assert_eq!(on_hand(&mut catalog, "A-1").await, 10);
}

#[tokio::test]
async fn list_orders_newest_first_with_filters_and_paging() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    let mut placed = Vec::new();
    for i in 0..7 {
        placed.push(placed_order(&mut orders, &format!("list-{i}"), &[("C-1", i + 1)]).await);
    }
    // Order ids are sortable by creation time.
    assert!(placed.windows(2).all(|w| w[0].id < w[1].id));
    cancel(&mut orders, &placed[1].id, "").await;
    cancel(&mut orders, &placed[4].id, "").await;
    let newest_first: Vec<&str> = placed.iter().rev().map(|o| o.id.as_str()).collect();

    // Paging through all of them, newest first.
    let mut pages = Vec::new();
    let mut token = String::new();
    loop {
        let page = orders
            .list_orders(pb::ListOrdersRequest {
                page_size: 3,
                page_token: token.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        pages.push(page.orders);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let all = pages.concat();
    assert_eq!(ids(&all), newest_first);
    // Listed orders carry their lines.
    assert_eq!(all[0].lines.len(), 1);
    assert_eq!(all[0].lines[0].quantity, 7);

    // Status filters, with paging.
    let by_status = |status: OrderStatus, page_size| pb::ListOrdersRequest {
        status: status as i32,
        page_size,
        ..Default::default()
    };
    let placed_only = all_orders(&mut orders, by_status(OrderStatus::Placed, 2)).await;
    assert_eq!(
        ids(&placed_only),
        [6, 5, 3, 2, 0].map(|i| placed[i].id.as_str())
    );
    assert!(
        placed_only
            .iter()
            .all(|o| o.status == OrderStatus::Placed as i32)
    );
    let cancelled = all_orders(&mut orders, by_status(OrderStatus::Cancelled, 1)).await;
    assert_eq!(ids(&cancelled), [4, 1].map(|i| placed[i].id.as_str()));
    let any = all_orders(&mut orders, by_status(OrderStatus::Unspecified, 0)).await;
    assert_eq!(any.len(), 7);

    // Time filters: from is inclusive, to is exclusive.
    let t = |i: usize| placed[i].create_time;
    let from3 = all_orders(
        &mut orders,
        pb::ListOrdersRequest {
            create_time_from: t(3),
            page_size: 2,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ids(&from3), [6, 5, 4, 3].map(|i| placed[i].id.as_str()));
    let to3 = all_orders(
        &mut orders,
        pb::ListOrdersRequest {
            create_time_to: t(3),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ids(&to3), [2, 1, 0].map(|i| placed[i].id.as_str()));
    let window = all_orders(
        &mut orders,
        pb::ListOrdersRequest {
            create_time_from: t(1),
            create_time_to: t(5),
            status: OrderStatus::Placed as i32,
            page_size: 1,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(ids(&window), [3, 2].map(|i| placed[i].id.as_str()));
}

#[tokio::test]
async fn list_orders_rejects_bad_input() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    seed(&mut catalog).await;
    for i in 0..3 {
        place(&mut orders, &format!("bad-list-{i}"), &[("C-1", 1)]).await;
    }
    for page_size in [-1, 1001] {
        expect_status(
            orders
                .list_orders(pb::ListOrdersRequest {
                    page_size,
                    ..Default::default()
                })
                .await,
            Code::InvalidArgument,
            &["page_size", &page_size.to_string()],
        );
    }
    let first = orders
        .list_orders(pb::ListOrdersRequest {
            page_size: 1,
            status: OrderStatus::Placed as i32,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!first.next_page_token.is_empty());
    // The token belongs to the status=PLACED listing.
    for other in [
        pb::ListOrdersRequest::default(),
        pb::ListOrdersRequest {
            status: OrderStatus::Cancelled as i32,
            ..Default::default()
        },
        pb::ListOrdersRequest {
            status: OrderStatus::Placed as i32,
            create_time_from: Some(Timestamp {
                seconds: 0,
                nanos: 0,
            }),
            ..Default::default()
        },
    ] {
        let r = orders
            .list_orders(pb::ListOrdersRequest {
                page_size: 1,
                page_token: first.next_page_token.clone(),
                ..other
            })
            .await;
        expect_status(r, Code::InvalidArgument, &["page_token"]);
    }
    // Bad filters; the rest default.
    for (page_token, status, field) in [("garbage", 0, "page_token"), ("", 9, "status")] {
        let r = orders
            .list_orders(pb::ListOrdersRequest {
                page_token: page_token.into(),
                status,
                ..Default::default()
            })
            .await;
        expect_status(r, Code::InvalidArgument, &[field]);
    }
    let ts = |seconds, nanos| Some(Timestamp { seconds, nanos });
    for (create_time_from, create_time_to, field) in [
        (ts(2_000_000_000, 0), ts(1_000_000_000, 0), "create_time_to"),
        (ts(0, 2_000_000_000), None, "create_time_from"),
        (None, ts(i64::MAX, 0), "create_time_to"),
    ] {
        let r = orders
            .list_orders(pb::ListOrdersRequest {
                create_time_from,
                create_time_to,
                ..Default::default()
            })
            .await;
        expect_status(r, Code::InvalidArgument, &[field]);
    }
}

/// Every input below is within the documented limits (price up to 10^12
/// minor units, quantity up to 10^6, 100 lines), yet ten such lines total
/// 10^19 minor units, more than an int64 total_minor can hold. The server
/// must answer with a precise error and take nothing, and never panic.
#[tokio::test]
async fn order_total_beyond_int64_is_rejected_without_panicking() {
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let mut orders = server.orders().await;
    let mut order_lines = Vec::new();
    for i in 0..10 {
        let sku = format!("LUX-{i}");
        create(
            &mut catalog,
            product(&sku, "Luxury", "Lux", 1_000_000_000_000, 1_000_000, 0),
        )
        .await;
        order_lines.push((sku, 1_000_000));
    }
    let order_lines: Vec<(&str, i64)> = order_lines.iter().map(|(s, q)| (s.as_str(), *q)).collect();
    let r = orders.place_order(order_request("lux", &order_lines)).await;
    match &r {
        Ok(placed) => panic!(
            "an order worth 10^19 minor units was accepted with total_minor {:?}",
            placed.get_ref().order.as_ref().map(|o| o.total_minor)
        ),
        Err(status) => assert!(
            matches!(
                status.code(),
                Code::InvalidArgument | Code::FailedPrecondition
            ),
            "expected a precise error, got {status:?}"
        ),
    }
    // Nothing taken, and every listing still works.
    assert_eq!(on_hand(&mut catalog, "LUX-0").await, 1_000_000);
    let listed = orders.list_orders(pb::ListOrdersRequest::default()).await;
    let listed = listed.expect("ListOrders fails after the oversized order");
    assert!(listed.into_inner().orders.is_empty());
}

/// A page is bounded by page_size (at most 1000), but orders can be big: 100
/// lines, each with a 64-character SKU and a 200-character product name.
/// Every request below is valid, so listing them must work, if need be with
/// a page shorter than page_size (the server may return fewer items).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_orders_of_large_orders_fits_in_a_response() {
    const ORDERS: usize = 152;
    let server = TestServer::start().await;
    let mut catalog = server.catalog().await;
    let skus: Vec<String> = (0..100)
        .map(|i| format!("{i:03}{}", "S".repeat(61)))
        .collect();
    for sku in &skus {
        create(
            &mut catalog,
            product(sku, &"N".repeat(200), "Big", 1, 1_000_000, 0),
        )
        .await;
    }
    let mut tasks = Vec::new();
    for c in 0..8 {
        let mut orders = server.orders().await;
        let skus = skus.clone();
        tasks.push(tokio::spawn(async move {
            for n in (c..ORDERS).step_by(8) {
                let order_lines: Vec<(&str, i64)> = skus.iter().map(|s| (s.as_str(), 1)).collect();
                place(&mut orders, &format!("big-{n}"), &order_lines).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let mut orders = server.orders().await;
    let r = orders
        .list_orders(pb::ListOrdersRequest {
            page_size: 1000,
            ..Default::default()
        })
        .await;
    let page = r.expect("a valid ListOrders failed").into_inner();
    assert!(!page.orders.is_empty());
    let all = all_orders(
        &mut orders,
        pb::ListOrdersRequest {
            page_size: 1000,
            ..Default::default()
        },
    )
    .await;
    assert_eq!(all.len(), ORDERS);
}
