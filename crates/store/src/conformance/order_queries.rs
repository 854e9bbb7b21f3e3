//! Reading orders: get, and listings newest first with paging and filters.

use std::sync::Arc;

use super::support::{all_orders, create, order_ids, order_pages, page_lengths, pause, place};
use crate::{Order, OrderFilter, OrderStatus, PageRequest, Store, StoreError};

/// Reading an unknown order is `NotFound`.
pub async fn get_order_of_unknown_id_is_not_found(store: Arc<dyn Store>) {
    create(&*store, "GET-1", 5).await;
    place(&*store, "get-1", &[("GET-1", 1)]).await;
    expect_err!(
        store.get_order("no-such-order").await,
        StoreError::NotFound(_),
        "get_order of an unknown id"
    );
}

/// Orders list newest first; the pages visit each order once, and the page
/// that ends the listing has no cursor.
pub async fn list_orders_pages_newest_first(store: Arc<dyn Store>) {
    create(&*store, "LIST-1", 100).await;
    let mut placed = Vec::new();
    for i in 0..7 {
        placed.push(place(&*store, &format!("list-{i}"), &[("LIST-1", 1)]).await);
    }
    placed.reverse();
    let pages = order_pages(&*store, &OrderFilter::default(), 3).await;
    assert_eq!(page_lengths(&pages), [3, 3, 1], "7 orders in pages of 3");
    let listed: Vec<Order> = pages.into_iter().flatten().collect();
    assert_eq!(
        order_ids(&listed),
        order_ids(&placed),
        "newest first, each once"
    );
    assert_eq!(listed, placed, "listed orders are the placed orders");
    let pages = order_pages(&*store, &OrderFilter::default(), 7).await;
    assert_eq!(
        page_lengths(&pages),
        [7],
        "a page that ends the listing has no next cursor"
    );

    let resumed = store
        .list_orders(
            &OrderFilter::default(),
            &PageRequest {
                size: 2,
                after: Some(placed[2].id.clone()),
            },
        )
        .await
        .expect("list_orders after an order id");
    assert_eq!(
        order_ids(&resumed.items),
        order_ids(&placed[3..5]),
        "the cursor is the last order id seen"
    );
}

/// The status filter selects placed or cancelled orders.
pub async fn list_orders_filters_by_status(store: Arc<dyn Store>) {
    create(&*store, "STAT-1", 100).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            place(&*store, &format!("stat-{i}"), &[("STAT-1", 1)])
                .await
                .id,
        );
    }
    for i in [1, 3] {
        store
            .cancel_order(&ids[i], "test")
            .await
            .expect("cancel_order");
    }
    let by_status = async |status| {
        let filter = OrderFilter {
            status,
            ..Default::default()
        };
        let orders = all_orders(&*store, &filter).await;
        orders.into_iter().map(|o| o.id).collect::<Vec<_>>()
    };
    let newest_first = |picks: &[usize]| {
        picks
            .iter()
            .rev()
            .map(|&i| ids[i].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        by_status(Some(OrderStatus::Placed)).await,
        newest_first(&[0, 2, 4])
    );
    assert_eq!(
        by_status(Some(OrderStatus::Cancelled)).await,
        newest_first(&[1, 3])
    );
    assert_eq!(by_status(None).await, newest_first(&[0, 1, 2, 3, 4]));
}

/// `from` selects orders placed at or after it, `to` those placed before it.
pub async fn list_orders_filters_by_time(store: Arc<dyn Store>) {
    create(&*store, "TIME-1", 100).await;
    let mut orders = Vec::new();
    for i in 0..4 {
        pause().await;
        let placed = place(&*store, &format!("time-{i}"), &[("TIME-1", 1)]).await;
        orders.push(store.get_order(&placed.id).await.expect("get_order"));
    }
    let times: Vec<_> = orders.iter().map(|o| o.create_time).collect();
    assert!(
        times.windows(2).all(|w| w[0] < w[1]),
        "orders placed apart have increasing create_time: {times:?}"
    );
    let ids = |picks: &[usize]| {
        picks
            .iter()
            .rev()
            .map(|&i| orders[i].id.clone())
            .collect::<Vec<_>>()
    };
    let cases = [
        (Some(times[1]), None, ids(&[1, 2, 3])),
        (None, Some(times[2]), ids(&[0, 1])),
        (Some(times[1]), Some(times[3]), ids(&[1, 2])),
        (Some(times[2]), Some(times[2]), vec![]),
    ];
    for (from, to, expected) in cases {
        let filter = OrderFilter {
            from,
            to,
            ..Default::default()
        };
        let listed: Vec<String> = all_orders(&*store, &filter)
            .await
            .into_iter()
            .map(|o| o.id)
            .collect();
        assert_eq!(listed, expected, "from {from:?} to {to:?}");
    }
    let filter = OrderFilter {
        status: Some(OrderStatus::Placed),
        from: Some(times[3]),
        to: None,
    };
    assert_eq!(
        all_orders(&*store, &filter).await.len(),
        1,
        "status and time filters combine"
    );
}
