//! Change-feed consumers' checkpoints.

use std::sync::Arc;

use crate::Store;

/// A consumer that never stored a position has none.
pub async fn checkpoint_is_none_until_set(store: Arc<dyn Store>) {
    assert_eq!(store.checkpoint("ingest").await.expect("checkpoint"), None);
    store
        .set_checkpoint("ingest", 0)
        .await
        .expect("set_checkpoint");
    assert_eq!(
        store.checkpoint("ingest").await.expect("checkpoint"),
        Some(0),
        "position 0 is a position"
    );
}

/// Storing a position replaces the previous one, and appends no change.
pub async fn set_checkpoint_overwrites(store: Arc<dyn Store>) {
    store
        .set_checkpoint("ingest", 5)
        .await
        .expect("set_checkpoint");
    assert_eq!(
        store.checkpoint("ingest").await.expect("checkpoint"),
        Some(5)
    );
    store
        .set_checkpoint("ingest", 9)
        .await
        .expect("set_checkpoint");
    assert_eq!(
        store.checkpoint("ingest").await.expect("checkpoint"),
        Some(9),
        "the latest position wins"
    );
    assert_eq!(
        store.head_seq().await.expect("head_seq"),
        0,
        "checkpoints are not changes in the feed"
    );
}

/// Each consumer has its own position.
pub async fn checkpoints_are_independent_per_consumer(store: Arc<dyn Store>) {
    store
        .set_checkpoint("ingest", 7)
        .await
        .expect("set_checkpoint");
    store
        .set_checkpoint("watch-cache", 3)
        .await
        .expect("set_checkpoint");
    store
        .set_checkpoint("ingest", 8)
        .await
        .expect("set_checkpoint");
    assert_eq!(
        store.checkpoint("ingest").await.expect("checkpoint"),
        Some(8)
    );
    assert_eq!(
        store.checkpoint("watch-cache").await.expect("checkpoint"),
        Some(3)
    );
    assert_eq!(
        store.checkpoint("forecast").await.expect("checkpoint"),
        None
    );
}
