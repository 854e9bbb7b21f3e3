//! Wakes `wait_for_changes` when any process commits: one change stream per
//! store handle on the `change_feed` collection, publishing each new seq.
//!
//! The stream is only a wake-up signal; the outbox is the history. So the
//! watcher keeps no resume token: whenever the stream fails and cannot be
//! resumed by the driver (history lost, invalidated, server gone) it opens a
//! new one and re-reads the head from the outbox after opening it, so no
//! commit can fall between the two. Meanwhile waiters still return at their
//! timeout and re-read the feed, as the trait allows.

use std::time::Duration;

use mongodb::Collection;
use mongodb::bson::Document;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::feed::{head_seq, int_field};
use super::filters;
use super::schema::Db;

/// First wait before reopening a failed stream; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Raises the published head to `seq` (never lowers it).
pub fn publish(head: &watch::Sender<i64>, seq: i64) {
    head.send_if_modified(|h| {
        if seq > *h {
            *h = seq;
            true
        } else {
            false
        }
    });
}

/// The watcher task; aborted when the store handle is dropped.
pub struct Watcher(JoinHandle<()>);

impl Drop for Watcher {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Watcher {
    pub fn spawn(db: Db, head: watch::Sender<i64>) -> Self {
        Watcher(tokio::spawn(async move {
            let mut backoff = FIRST_BACKOFF;
            loop {
                let mut opened = false;
                match follow(&db, &head, &mut opened).await {
                    Ok(()) => tracing::info!("the change stream on the feed ended; reopening"),
                    Err(e) => {
                        tracing::warn!(error = %e, retry_in = ?backoff, "change stream on the feed failed");
                        // Meanwhile, catch up by reading the head.
                        if let Ok(seq) = head_seq(&db, None).await {
                            publish(&head, seq);
                        }
                    }
                }
                if opened {
                    backoff = FIRST_BACKOFF;
                }
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }))
    }
}

/// Follows the outbox until the stream ends (Ok) or fails (Err).
async fn follow(
    db: &Db,
    head: &watch::Sender<i64>,
    opened: &mut bool,
) -> mongodb::error::Result<()> {
    let feed: Collection<Document> = db.feed.clone_with_type();
    let mut stream = feed
        .watch()
        .pipeline(filters::feed_watch_pipeline())
        .await?;
    *opened = true;
    // After opening: whatever committed before is in the head, whatever
    // commits after is in the stream.
    publish(head, head_seq(db, None).await?);
    while stream.is_alive() {
        if let Some(event) = stream.next_if_any().await?
            && let Some(seq) = event
                .document_key
                .as_ref()
                .and_then(|k| int_field(k, "_id"))
        {
            publish(head, seq);
        }
    }
    Ok(())
}
