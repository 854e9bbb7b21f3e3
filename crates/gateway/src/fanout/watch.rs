//! InventoryService at the gateway: each client's view of the hub.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use icc_proto::v1 as pb;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use icc_proto::v1::inventory_service_server::InventoryService;
use icc_proto::v1::watch_inventory_response::Event;
use icc_server::invalid_argument;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::hub::{Hub, HubEvent};
use crate::auth::signed_in::{RECHECK, while_signed_in};
use crate::auth::{Caller, Directory};
use crate::upstream::{BoxStream, Upstream};

/// Most SKUs one watch may name.
const MAX_SKUS: usize = 1000;

/// Before the hub's first snapshot.
fn not_ready() -> Status {
    Status::unavailable("live inventory is not available yet; try again shortly")
}

/// The gateway's InventoryService.
pub struct Inventory {
    hub: Arc<Hub>,
    upstream: Arc<Upstream>,
    client: InventoryServiceClient<Channel>,
    directory: Arc<Directory>,
    stop: CancellationToken,
}

impl Inventory {
    pub fn new(
        hub: Arc<Hub>,
        upstream: Arc<Upstream>,
        directory: Arc<Directory>,
        max_message_bytes: usize,
        stop: CancellationToken,
    ) -> Self {
        let client = InventoryServiceClient::new(upstream.channel())
            .max_decoding_message_size(max_message_bytes);
        Inventory {
            hub,
            upstream,
            client,
            directory,
            stop,
        }
    }

    /// Opens the watch the request asks for.
    async fn open(
        &self,
        request: Request<pb::WatchInventoryRequest>,
    ) -> Result<BoxStream<pb::WatchInventoryResponse>, Status> {
        let r = request.get_ref();
        if r.skus.len() > MAX_SKUS {
            return Err(invalid_argument("skus", format!("at most {MAX_SKUS} SKUs")));
        }
        for (i, sku) in r.skus.iter().enumerate() {
            icc_server::sku(&format!("skus[{i}]"), sku)?;
        }
        if r.resume_after_seq < 0 {
            return Err(invalid_argument("resume_after_seq", "must not be negative"));
        }
        let skus = (!r.skus.is_empty()).then(|| r.skus.iter().cloned().collect::<HashSet<_>>());
        let mut watch = Watch {
            hub: self.hub.clone(),
            skus,
            live: broadcast::channel(1).1,
            pending: VecDeque::new(),
            last: 0,
            stop: self.stop.clone(),
            done: false,
        };
        if r.resume_after_seq == 0 {
            if !self.hub.is_ready() {
                return Err(not_ready());
            }
            watch.resync();
            return Ok(watch.into_stream());
        }
        if let Some(resumed) = self.hub.resume(r.resume_after_seq) {
            watch.live = resumed.live;
            watch.last = resumed.head;
            watch.pending = resumed
                .replay
                .iter()
                .filter_map(|c| watch.view(c))
                .collect();
            return Ok(watch.into_stream());
        }
        if !self.hub.is_ready() {
            return Err(not_ready());
        }
        // Further back than the window, or ahead of the hub: the service
        // holds every change (and says OUT_OF_RANGE when truly ahead).
        metrics::counter!("icc_gateway_watch_passthrough_total").increment(1);
        let client = self.client.clone();
        let response = self
            .upstream
            .server_stream(request, client, |mut c, r| async move {
                c.watch_inventory(r).await
            })
            .await?;
        Ok(response.into_inner())
    }
}

/// One client's stream: what it still has to send, and where it is.
struct Watch {
    hub: Arc<Hub>,
    /// SKUs the client wants; `None` for all.
    skus: Option<HashSet<String>>,
    live: broadcast::Receiver<Arc<HubEvent>>,
    pending: VecDeque<pb::WatchInventoryResponse>,
    /// The last seq sent (or skipped for this client's filter).
    last: i64,
    stop: CancellationToken,
    done: bool,
}

impl Watch {
    fn wants(&self, sku: &str) -> bool {
        self.skus.as_ref().is_none_or(|s| s.contains(sku))
    }

    /// A change as this client sees it; `None` when none of its SKUs moved.
    fn view(&self, change: &pb::InventoryChange) -> Option<pb::WatchInventoryResponse> {
        let levels: Vec<_> = if self.skus.is_none() {
            change.levels.clone()
        } else {
            change
                .levels
                .iter()
                .filter(|l| self.wants(&l.sku))
                .cloned()
                .collect()
        };
        (!levels.is_empty()).then(|| pb::WatchInventoryResponse {
            event: Some(Event::Change(pb::InventoryChange {
                levels,
                ..change.clone()
            })),
        })
    }

    /// Starts over from a fresh snapshot and subscription.
    fn resync(&mut self) {
        let skus = self.skus.clone();
        let wants = move |sku: &str| skus.as_ref().is_none_or(|s| s.contains(sku));
        if let Some((snapshot, live)) = self.hub.snapshot(wants) {
            self.last = snapshot.seq;
            self.live = live;
            self.pending.clear();
            self.pending.push_back(pb::WatchInventoryResponse {
                event: Some(Event::Snapshot(snapshot)),
            });
        }
    }

    async fn next(&mut self) -> Option<Result<pb::WatchInventoryResponse, Status>> {
        loop {
            if let Some(message) = self.pending.pop_front() {
                return Some(Ok(message));
            }
            if self.done {
                return None;
            }
            let received = tokio::select! {
                () = self.stop.cancelled() => {
                    self.done = true;
                    return Some(Err(Status::unavailable("the gateway is shutting down; resume from your last seq")));
                }
                r = self.live.recv() => r,
            };
            match received {
                Ok(event) => match &*event {
                    HubEvent::Change(change) if change.seq > self.last => {
                        self.last = change.seq;
                        if let Some(message) = self.view(change) {
                            return Some(Ok(message));
                        }
                    }
                    HubEvent::Change(_) => {}
                    HubEvent::Reset => self.resync(),
                },
                // This client fell more than the buffer behind: it gets a
                // fresh snapshot and carries on.
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "a slow watcher gets a fresh snapshot");
                    metrics::counter!("icc_gateway_watch_resyncs_total").increment(1);
                    self.resync();
                }
                Err(broadcast::error::RecvError::Closed) => {
                    self.done = true;
                    return Some(Err(Status::unavailable(
                        "live inventory stopped; resume from your last seq",
                    )));
                }
            }
        }
    }

    fn into_stream(self) -> BoxStream<pb::WatchInventoryResponse> {
        Box::pin(futures::stream::unfold(self, |mut w| async move {
            w.next().await.map(|item| (item, w))
        }))
    }
}

#[tonic::async_trait]
impl InventoryService for Inventory {
    type WatchInventoryStream = BoxStream<pb::WatchInventoryResponse>;

    /// The watch, ended with UNAUTHENTICATED if its caller is signed out
    /// (disabled, deleted, a changed password or an expired token) while
    /// it is open.
    async fn watch_inventory(
        &self,
        request: Request<pb::WatchInventoryRequest>,
    ) -> Result<Response<Self::WatchInventoryStream>, Status> {
        let caller = request.extensions().get::<Caller>().cloned();
        let stream = self.open(request).await?;
        Ok(Response::new(match caller {
            Some(caller) => while_signed_in(stream, caller, self.directory.clone(), RECHECK),
            // Only a gateway without the authorize layer (its unit tests).
            None => stream,
        }))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use futures::StreamExt;

    use super::super::hub::tests::{change, snapshot};
    use super::*;

    fn level(sku: &str, on_hand: i64) -> pb::StockLevel {
        pb::StockLevel {
            sku: sku.into(),
            on_hand,
            low_stock_threshold: 0,
            delta: -1,
        }
    }

    fn watch(hub: &Arc<Hub>, skus: Option<&[&str]>) -> BoxStream<pb::WatchInventoryResponse> {
        let mut w = Watch {
            hub: hub.clone(),
            skus: skus.map(|s| s.iter().map(|s| s.to_string()).collect()),
            live: broadcast::channel(1).1,
            pending: VecDeque::new(),
            last: 0,
            stop: CancellationToken::new(),
            done: false,
        };
        w.resync();
        w.into_stream()
    }

    async fn next(s: &mut BoxStream<pb::WatchInventoryResponse>) -> Event {
        tokio::time::timeout(Duration::from_secs(5), s.next())
            .await
            .expect("an event within 5 s")
            .expect("stream open")
            .expect("no error")
            .event
            .unwrap()
    }

    #[tokio::test]
    async fn a_slow_watcher_gets_a_fresh_snapshot_and_never_holds_up_others() {
        let hub = Hub::new(4, 100);
        hub.apply(snapshot(1, vec![level("A", 1000), level("B", 1000)]));
        let mut slow = watch(&hub, None);
        let mut fast = watch(&hub, Some(&["A"]));
        assert!(matches!(next(&mut slow).await, Event::Snapshot(_)));
        assert!(matches!(next(&mut fast).await, Event::Snapshot(_)));
        // Twenty changes; the fast watcher reads each as it comes, the slow
        // one reads nothing.
        for seq in 2..22 {
            let sku = if seq % 2 == 0 { "A" } else { "B" };
            hub.apply(change(
                seq,
                pb::ChangeCause::OrderPlaced,
                vec![level(sku, 1000 - seq)],
            ));
            if sku == "A" {
                match next(&mut fast).await {
                    Event::Change(c) => assert_eq!((c.seq, c.levels[0].sku.as_str()), (seq, "A")),
                    other => panic!("{other:?}"),
                }
            }
        }
        // The slow one fell 20 behind a buffer of 4: a snapshot at the head,
        // then changes from there.
        match next(&mut slow).await {
            Event::Snapshot(s) => {
                assert_eq!(s.seq, 21);
                assert_eq!(s.levels[0].on_hand, 1000 - 20);
                assert_eq!(s.levels[1].on_hand, 1000 - 21);
            }
            other => panic!("{other:?}"),
        }
        hub.apply(change(
            22,
            pb::ChangeCause::OrderPlaced,
            vec![level("B", 1)],
        ));
        match next(&mut slow).await {
            Event::Change(c) => assert_eq!(c.seq, 22),
            other => panic!("{other:?}"),
        }
    }
}
