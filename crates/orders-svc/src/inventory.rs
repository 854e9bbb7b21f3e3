//! InventoryService: the live inventory stream.
//!
//! One [`FeedHub`] per process tails the store's change feed and broadcasts
//! each event. Every watcher first catches up from the store (the source of
//! truth), then follows the broadcast; a watcher that falls behind the
//! broadcast buffer, or sees a gap, simply catches up from the store again.
//! So a slow client costs only itself, and nobody misses a change.

use std::sync::Arc;
use std::time::Duration;

use icc_proto::timestamp_to_proto;
use icc_proto::v1 as pb;
use icc_proto::v1::inventory_service_server::InventoryService;
use icc_server::{invalid_argument, store_status};
use icc_store::{ChangeEvent, Store};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};

use crate::{convert, validate};

/// Events kept for watchers that are momentarily behind.
const BROADCAST_CAPACITY: usize = 4096;
/// Messages buffered per watcher before its task waits for the client.
const CLIENT_BUFFER: usize = 64;
/// How long a failing watch waits to hand its final status to the client.
const FINAL_STATUS_WAIT: Duration = Duration::from_secs(1);
/// Events read from the store per catch-up query.
const CATCH_UP_BATCH: usize = 512;

/// Tails the change feed once per process and broadcasts every event.
pub struct FeedHub {
    events: broadcast::Sender<Arc<ChangeEvent>>,
}

impl FeedHub {
    /// Starts tailing from the current head. `poll` bounds how late a commit
    /// by another process is seen; this process's commits wake it at once.
    pub async fn start(
        store: Arc<dyn Store>,
        poll: Duration,
        shutdown: CancellationToken,
    ) -> Result<Arc<Self>, Status> {
        let head = store.head_seq().await.map_err(store_status)?;
        let (events, _) = broadcast::channel(BROADCAST_CAPACITY);
        let hub = Arc::new(FeedHub {
            events: events.clone(),
        });
        tokio::spawn(tail(store, head, poll, events, shutdown));
        Ok(hub)
    }

    fn subscribe(&self) -> broadcast::Receiver<Arc<ChangeEvent>> {
        self.events.subscribe()
    }
}

async fn tail(
    store: Arc<dyn Store>,
    mut last: i64,
    poll: Duration,
    events: broadcast::Sender<Arc<ChangeEvent>>,
    shutdown: CancellationToken,
) {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = store.wait_for_changes(last, poll) => {}
        }
        match store.changes_after(last, CATCH_UP_BATCH).await {
            Ok(batch) => {
                for event in batch {
                    last = event.seq;
                    // No receivers is fine: nobody is watching.
                    let _ = events.send(Arc::new(event));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the change feed; retrying");
                tokio::time::sleep(poll).await;
            }
        }
    }
}

/// The inventory service.
pub struct Inventory {
    store: Arc<dyn Store>,
    hub: Arc<FeedHub>,
    shutdown: CancellationToken,
}

impl Inventory {
    pub fn new(store: Arc<dyn Store>, hub: Arc<FeedHub>, shutdown: CancellationToken) -> Self {
        Inventory {
            store,
            hub,
            shutdown,
        }
    }
}

type Sink = mpsc::Sender<Result<pb::WatchInventoryResponse, Status>>;

/// One watcher's state: what it wants and the last seq it was sent.
struct Watcher {
    store: Arc<dyn Store>,
    skus: Vec<String>,
    last: i64,
    sink: Sink,
    shutdown: CancellationToken,
}

impl Watcher {
    fn wants(&self, sku: &str) -> bool {
        self.skus.is_empty() || self.skus.iter().any(|s| s == sku)
    }

    /// Sends one message; gives up when the client is gone or the server is
    /// shutting down (a client that stopped reading must not hold it up).
    async fn send(&self, event: pb::watch_inventory_response::Event) -> Result<(), Closed> {
        let message = Ok(pb::WatchInventoryResponse { event: Some(event) });
        tokio::select! {
            sent = self.sink.send(message) => sent.map_err(|_| Closed),
            () = self.shutdown.cancelled() => Err(Closed),
        }
    }

    async fn send_snapshot(&mut self) -> Result<(), Stop> {
        let snapshot = self
            .store
            .inventory_snapshot()
            .await
            .map_err(|e| Stop::Fail(store_status(e)))?;
        let levels = snapshot
            .levels
            .iter()
            .filter(|l| self.wants(&l.sku))
            .map(convert::stock_level)
            .collect();
        self.send(pb::watch_inventory_response::Event::Snapshot(
            pb::InventorySnapshot {
                seq: snapshot.seq,
                levels,
            },
        ))
        .await?;
        self.last = snapshot.seq;
        Ok(())
    }

    async fn send_change(&mut self, e: &ChangeEvent) -> Result<(), Closed> {
        let levels: Vec<_> = e
            .levels
            .iter()
            .filter(|l| self.wants(&l.sku))
            .map(convert::stock_level)
            .collect();
        if !levels.is_empty() {
            self.send(pb::watch_inventory_response::Event::Change(
                pb::InventoryChange {
                    seq: e.seq,
                    cause: convert::change_cause(e.cause) as i32,
                    order_id: e.order.as_ref().map(|o| o.id.clone()).unwrap_or_default(),
                    levels,
                    commit_time: Some(timestamp_to_proto(e.commit_time)),
                },
            ))
            .await?;
        }
        self.last = e.seq;
        Ok(())
    }

    /// Sends everything the store has after `last`.
    async fn catch_up(&mut self) -> Result<(), Stop> {
        loop {
            let batch = self
                .store
                .changes_after(self.last, CATCH_UP_BATCH)
                .await
                .map_err(|e| Stop::Fail(store_status(e)))?;
            if batch.is_empty() {
                return Ok(());
            }
            for e in &batch {
                self.send_change(e).await?;
            }
        }
    }

    /// Follows the broadcast until the client leaves or the server stops.
    async fn follow(&mut self, mut live: broadcast::Receiver<Arc<ChangeEvent>>) -> Stop {
        loop {
            if let Err(stop) = self.catch_up().await {
                return stop;
            }
            loop {
                let received = tokio::select! {
                    () = self.shutdown.cancelled() => return Stop::Fail(Status::unavailable("the server is shutting down")),
                    () = self.sink.closed() => return Stop::Closed,
                    r = live.recv() => r,
                };
                match received {
                    Ok(e) if e.seq <= self.last => continue,
                    Ok(e) if e.seq == self.last + 1 => {
                        if self.send_change(&e).await.is_err() {
                            return Stop::Closed;
                        }
                    }
                    // A gap, or this watcher lagged behind the buffer: the
                    // store has every event, so catch up from it.
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => {
                        return Stop::Fail(Status::unavailable("the change feed stopped"));
                    }
                }
            }
        }
    }
}

/// The client went away.
struct Closed;

/// Why a watch ended.
enum Stop {
    Closed,
    Fail(Status),
}

impl From<Closed> for Stop {
    fn from(_: Closed) -> Self {
        Stop::Closed
    }
}

#[tonic::async_trait]
impl InventoryService for Inventory {
    type WatchInventoryStream = ReceiverStream<Result<pb::WatchInventoryResponse, Status>>;

    async fn watch_inventory(
        &self,
        request: Request<pb::WatchInventoryRequest>,
    ) -> Result<Response<Self::WatchInventoryStream>, Status> {
        let r = request.into_inner();
        let skus = r
            .skus
            .iter()
            .enumerate()
            .map(|(i, s)| validate::sku(&format!("skus[{i}]"), s))
            .collect::<Result<Vec<_>, _>>()?;
        if r.resume_after_seq < 0 {
            return Err(invalid_argument("resume_after_seq", "must not be negative"));
        }
        // Subscribe before reading the store, so nothing committed in
        // between can fall through.
        let live = self.hub.subscribe();
        if r.resume_after_seq > 0 {
            let head = self.store.head_seq().await.map_err(store_status)?;
            if r.resume_after_seq > head {
                return Err(Status::out_of_range(format!(
                    "resume_after_seq: {} is ahead of the feed head {head}",
                    r.resume_after_seq
                )));
            }
        }
        let (sink, stream) = mpsc::channel(CLIENT_BUFFER);
        let mut watcher = Watcher {
            store: self.store.clone(),
            skus,
            last: r.resume_after_seq,
            sink,
            shutdown: self.shutdown.clone(),
        };
        tokio::spawn(async move {
            let stop = if r.resume_after_seq == 0 {
                match watcher.send_snapshot().await {
                    Ok(()) => watcher.follow(live).await,
                    Err(stop) => stop,
                }
            } else {
                watcher.follow(live).await
            };
            if let Stop::Fail(status) = stop {
                // Best effort: a client that stopped reading gets no status.
                let _ =
                    tokio::time::timeout(FINAL_STATUS_WAIT, watcher.sink.send(Err(status))).await;
            }
        });
        Ok(Response::new(ReceiverStream::new(stream)))
    }
}
