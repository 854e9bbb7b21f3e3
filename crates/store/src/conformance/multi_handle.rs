//! Several independent handles on one store, as several service processes
//! sharing one database have: writes stay atomic across them, and a waiter
//! sees other handles' commits within its timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::ConformanceStore;
use super::concurrency::contested_orders;
use super::support::{create, place};
use crate::Store;

/// How long past its timeout a waiter may return (generous: CI stalls).
const SLACK: Duration = Duration::from_secs(5);

/// Another handle on `handle`'s store, or `None` after printing why the case
/// is skipped.
async fn second_handle(handle: &ConformanceStore) -> Option<Arc<dyn Store>> {
    let other = handle.reopen().await;
    if other.is_none() {
        eprintln!("skipped: this backend's suite opens no second handle on a store");
    }
    other
}

/// Clients split over two handles race orders for scarce stock: the same
/// promises as on one handle (no oversell, all or nothing, ledgers and feed
/// add up).
pub async fn two_handles_never_oversell(handle: &ConformanceStore) {
    let Some(other) = second_handle(handle).await else {
        return;
    };
    contested_orders(&[handle.store(), other]).await;
}

/// A commit through another handle is visible to a waiter by the time its
/// timeout passes (or sooner).
pub async fn wait_for_changes_sees_other_handles_within_timeout(handle: &ConformanceStore) {
    let Some(other) = second_handle(handle).await else {
        return;
    };
    let store = handle.store();
    create(&*store, "SHARED-1", 5).await;
    let head = store.head_seq().await.expect("head_seq");
    let timeout = Duration::from_secs(1);
    let waiter = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let started = Instant::now();
            store.wait_for_changes(head, timeout).await;
            started.elapsed()
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let order = place(&*other, "shared-1", &[("SHARED-1", 2)]).await;
    let waited = tokio::time::timeout(timeout + SLACK, waiter)
        .await
        .expect("wait_for_changes outlived its timeout by far")
        .expect("waiter task");
    assert!(waited < timeout + SLACK, "wait_for_changes took {waited:?}");
    let events = store.changes_after(head, 10).await.expect("changes_after");
    assert_eq!(
        events.len(),
        1,
        "the other handle's order is in this handle's feed"
    );
    assert_eq!(events[0].order.as_ref(), Some(&order));
    assert_eq!(
        store
            .get_product("SHARED-1")
            .await
            .expect("get_product")
            .on_hand,
        3
    );
}
