//! The hub: one upstream WatchInventory stream, kept as a live picture of
//! every product's stock plus a window of recent changes, and broadcast to
//! every watcher.
//!
//! The state and the broadcast change together under one lock, so a
//! watcher that takes a snapshot and subscribes under that lock sees every
//! change after its snapshot exactly once. When the upstream stream fails,
//! the hub reconnects with `resume_after_seq` = the last seq it applied, so
//! nothing is lost and watchers only see a pause.

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use icc_proto::v1 as pb;
use icc_proto::v1::inventory_service_client::InventoryServiceClient;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tonic::Code;
use tonic::transport::Channel;

/// What the hub broadcasts.
#[derive(Debug)]
pub enum HubEvent {
    /// One change, in feed order.
    Change(Arc<pb::InventoryChange>),
    /// The hub replaced its whole picture (the upstream feed restarted
    /// behind the gateway's position): watchers take a fresh snapshot.
    Reset,
}

/// A resumed watcher's start: the changes it missed, and the live
/// broadcast from the hub's position on.
pub struct Resumed {
    pub replay: Vec<Arc<pb::InventoryChange>>,
    /// The hub's position (the last seq in `replay` or beyond).
    pub head: i64,
    pub live: broadcast::Receiver<Arc<HubEvent>>,
}

/// The hub's picture of the inventory.
#[derive(Default)]
struct State {
    /// A snapshot has arrived: the picture is usable.
    ready: bool,
    /// Feed position the picture reflects.
    seq: i64,
    /// Active products' levels, in SKU order.
    levels: BTreeMap<String, pb::StockLevel>,
    /// Archived products (not in snapshots).
    archived: HashSet<String>,
    /// Recent changes, oldest first.
    recent: VecDeque<Arc<pb::InventoryChange>>,
    /// Every stock change after this seq is in `recent`.
    floor: i64,
}

/// One shared upstream watch.
pub struct Hub {
    state: Mutex<State>,
    events: broadcast::Sender<Arc<HubEvent>>,
    window: usize,
}

impl Hub {
    /// A hub whose watchers may lag `buffer` events before they are resent
    /// a snapshot, keeping `window` recent changes for resuming.
    pub fn new(buffer: usize, window: usize) -> Arc<Self> {
        let (events, _) = broadcast::channel(buffer.max(1));
        Arc::new(Hub {
            state: Mutex::new(State::default()),
            events,
            window: window.max(1),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the hub has a picture to serve.
    pub fn is_ready(&self) -> bool {
        self.lock().ready
    }

    /// The feed position of the picture.
    pub fn seq(&self) -> i64 {
        self.lock().seq
    }

    /// A snapshot (filtered by `wants`) and a subscription that starts
    /// right after it; `None` until the first upstream snapshot.
    pub fn snapshot(
        &self,
        wants: impl Fn(&str) -> bool,
    ) -> Option<(pb::InventorySnapshot, broadcast::Receiver<Arc<HubEvent>>)> {
        let state = self.lock();
        if !state.ready {
            return None;
        }
        let snapshot = pb::InventorySnapshot {
            seq: state.seq,
            levels: state
                .levels
                .values()
                .filter(|l| wants(&l.sku) && !state.archived.contains(&l.sku))
                .map(|l| pb::StockLevel {
                    delta: 0,
                    ..l.clone()
                })
                .collect(),
        };
        Some((snapshot, self.events.subscribe()))
    }

    /// The changes after `after` and a subscription that starts right after
    /// them, when the window still holds them; `None` otherwise (not
    /// ready, too old, or ahead of the hub).
    pub fn resume(&self, after: i64) -> Option<Resumed> {
        let state = self.lock();
        if !state.ready || after < state.floor || after > state.seq {
            return None;
        }
        let replay = state
            .recent
            .iter()
            .filter(|c| c.seq > after)
            .cloned()
            .collect();
        Some(Resumed {
            replay,
            head: state.seq,
            live: self.events.subscribe(),
        })
    }

    /// Applies one upstream message and broadcasts its effect.
    pub fn apply(&self, message: pb::WatchInventoryResponse) {
        use pb::watch_inventory_response::Event;
        let mut state = self.lock();
        match message.event {
            Some(Event::Snapshot(s)) => {
                let was_ready = state.ready;
                *state = State {
                    ready: true,
                    seq: s.seq,
                    floor: s.seq,
                    levels: s.levels.into_iter().map(|l| (l.sku.clone(), l)).collect(),
                    ..State::default()
                };
                metrics::gauge!("icc_gateway_inventory_seq").set(s.seq as f64);
                if was_ready {
                    let _ = self.events.send(Arc::new(HubEvent::Reset));
                }
            }
            Some(Event::Change(c)) => {
                if !state.ready || c.seq <= state.seq {
                    return;
                }
                let archived = c.cause == pb::ChangeCause::ProductArchived as i32;
                for level in &c.levels {
                    if archived {
                        state.archived.insert(level.sku.clone());
                    }
                    state.levels.insert(level.sku.clone(), level.clone());
                }
                state.seq = c.seq;
                let change = Arc::new(c);
                state.recent.push_back(change.clone());
                while state.recent.len() > self.window {
                    if let Some(old) = state.recent.pop_front() {
                        state.floor = old.seq;
                    }
                }
                metrics::gauge!("icc_gateway_inventory_seq").set(state.seq as f64);
                // No receivers is fine: nobody is watching.
                let _ = self.events.send(Arc::new(HubEvent::Change(change)));
            }
            None => {}
        }
    }

    /// Forgets the picture's position so that the next upstream watch
    /// starts with a snapshot (which then resets every watcher).
    fn restart_from_snapshot(&self) {
        let mut state = self.lock();
        // Keep serving the old picture until the new snapshot arrives.
        state.floor = i64::MAX;
    }

    /// Where the next upstream watch should start: `resume_after_seq`.
    fn resume_point(&self) -> i64 {
        let state = self.lock();
        if !state.ready || state.floor == i64::MAX {
            0
        } else {
            state.seq
        }
    }
}

/// Shortest and longest pause between upstream reconnection attempts.
const RECONNECT_MIN: Duration = Duration::from_millis(50);
const RECONNECT_MAX: Duration = Duration::from_secs(2);

/// Keeps one upstream watch open until `stop`, feeding `hub`.
pub async fn run(
    hub: Arc<Hub>,
    channel: Channel,
    max_message_bytes: usize,
    stop: CancellationToken,
) {
    let mut client =
        InventoryServiceClient::new(channel).max_decoding_message_size(max_message_bytes);
    let mut backoff = RECONNECT_MIN;
    loop {
        let resume = hub.resume_point();
        let request = pb::WatchInventoryRequest {
            resume_after_seq: resume,
            skus: Vec::new(),
        };
        let opened = tokio::select! {
            () = stop.cancelled() => return,
            r = client.watch_inventory(request) => r,
        };
        match opened {
            Ok(response) => {
                tracing::info!(resume_after_seq = resume, "upstream inventory watch open");
                metrics::gauge!("icc_gateway_upstream_watch_connected").set(1.0);
                let mut stream = response.into_inner();
                loop {
                    let message = tokio::select! {
                        () = stop.cancelled() => return,
                        m = stream.message() => m,
                    };
                    match message {
                        Ok(Some(m)) => {
                            hub.apply(m);
                            backoff = RECONNECT_MIN;
                        }
                        Ok(None) => {
                            tracing::warn!("upstream inventory watch ended; reconnecting");
                            break;
                        }
                        Err(status) => {
                            tracing::warn!(code = ?status.code(), error = status.message(), "upstream inventory watch failed; reconnecting");
                            break;
                        }
                    }
                }
                metrics::gauge!("icc_gateway_upstream_watch_connected").set(0.0);
            }
            Err(status) if status.code() == Code::OutOfRange && resume > 0 => {
                tracing::warn!(
                    resume_after_seq = resume,
                    "the upstream feed is behind the gateway (a new store?); starting over from a snapshot"
                );
                hub.restart_from_snapshot();
                continue;
            }
            Err(status) => {
                tracing::debug!(code = ?status.code(), error = status.message(), "cannot open the upstream inventory watch");
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(RECONNECT_MAX);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use pb::watch_inventory_response::Event;

    use super::*;

    fn level(sku: &str, on_hand: i64, delta: i64) -> pb::StockLevel {
        pb::StockLevel {
            sku: sku.into(),
            on_hand,
            low_stock_threshold: 5,
            delta,
        }
    }

    pub(crate) fn snapshot(seq: i64, levels: Vec<pb::StockLevel>) -> pb::WatchInventoryResponse {
        pb::WatchInventoryResponse {
            event: Some(Event::Snapshot(pb::InventorySnapshot { seq, levels })),
        }
    }

    pub(crate) fn change(
        seq: i64,
        cause: pb::ChangeCause,
        levels: Vec<pb::StockLevel>,
    ) -> pb::WatchInventoryResponse {
        pb::WatchInventoryResponse {
            event: Some(Event::Change(pb::InventoryChange {
                seq,
                cause: cause as i32,
                order_id: String::new(),
                levels,
                commit_time: None,
            })),
        }
    }

    #[test]
    fn snapshots_reflect_changes_and_subscriptions_start_after_them() {
        let hub = Hub::new(16, 4);
        assert!(
            hub.snapshot(|_| true).is_none(),
            "not ready before the first snapshot"
        );
        hub.apply(snapshot(10, vec![level("A", 5, 0), level("B", 7, 0)]));
        hub.apply(change(
            12,
            pb::ChangeCause::OrderPlaced,
            vec![level("A", 3, -2)],
        ));
        let (snap, mut rx) = hub.snapshot(|_| true).unwrap();
        assert_eq!(snap.seq, 12);
        assert_eq!(snap.levels, vec![level("A", 3, 0), level("B", 7, 0)]);
        hub.apply(change(
            13,
            pb::ChangeCause::OrderPlaced,
            vec![level("B", 6, -1)],
        ));
        match &*rx.try_recv().unwrap() {
            HubEvent::Change(c) => assert_eq!(c.seq, 13),
            other => panic!("{other:?}"),
        }
        assert!(
            rx.try_recv().is_err(),
            "nothing before the snapshot is repeated"
        );
        // Duplicates and old changes are ignored.
        hub.apply(change(
            13,
            pb::ChangeCause::OrderPlaced,
            vec![level("B", 0, -6)],
        ));
        assert_eq!(hub.seq(), 13);
        let (snap, _) = hub.snapshot(|s| s == "B").unwrap();
        assert_eq!(snap.levels, vec![level("B", 6, 0)]);
    }

    #[test]
    fn archived_products_leave_snapshots() {
        let hub = Hub::new(16, 4);
        hub.apply(snapshot(1, vec![level("A", 5, 0), level("B", 7, 0)]));
        hub.apply(change(
            2,
            pb::ChangeCause::ProductArchived,
            vec![level("A", 5, 0)],
        ));
        let (snap, _) = hub.snapshot(|_| true).unwrap();
        assert_eq!(snap.levels, vec![level("B", 7, 0)]);
    }

    #[test]
    fn resumes_within_the_window_only() {
        let hub = Hub::new(16, 3);
        hub.apply(snapshot(10, vec![level("A", 100, 0)]));
        for seq in [11, 13, 14, 16, 17] {
            hub.apply(change(
                seq,
                pb::ChangeCause::OrderPlaced,
                vec![level("A", 100 - seq, -1)],
            ));
        }
        // The window holds 14, 16, 17: every change after 13 is known.
        let r = hub.resume(13).unwrap();
        assert_eq!(
            r.replay.iter().map(|c| c.seq).collect::<Vec<_>>(),
            [14, 16, 17]
        );
        assert_eq!(r.head, 17);
        let r = hub.resume(15).unwrap();
        assert_eq!(r.replay.iter().map(|c| c.seq).collect::<Vec<_>>(), [16, 17]);
        assert!(hub.resume(17).unwrap().replay.is_empty());
        assert!(hub.resume(12).is_none(), "older than the window");
        assert!(hub.resume(18).is_none(), "ahead of the hub");
    }

    #[test]
    fn a_new_upstream_snapshot_resets_watchers() {
        let hub = Hub::new(16, 3);
        hub.apply(snapshot(50, vec![level("A", 1, 0)]));
        let (_, mut rx) = hub.snapshot(|_| true).unwrap();
        hub.restart_from_snapshot();
        assert_eq!(hub.resume_point(), 0);
        assert!(hub.is_ready(), "the old picture is served meanwhile");
        hub.apply(snapshot(3, vec![level("A", 9, 0)]));
        assert!(matches!(&*rx.try_recv().unwrap(), HubEvent::Reset));
        assert_eq!(hub.resume_point(), 3);
    }
}
