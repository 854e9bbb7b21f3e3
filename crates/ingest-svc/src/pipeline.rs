//! The change-feed consumer: feed events -> sales events -> daily facts ->
//! features, then the checkpoint.
//!
//! Delivery is at least once: after a crash the consumer re-reads from its
//! checkpoint. Every effect is idempotent (events have deterministic ids,
//! facts are recomputed from the log, features from the facts), and the
//! checkpoint moves only after the effects are durable, so the results are
//! exactly once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use icc_analytics::HolidayCalendar;
use icc_store::{Store, StoreResult};
use tokio_util::sync::CancellationToken;

use crate::events::{business_day, sales_events};
use crate::features::{compute, epoch};

/// This consumer's name in the checkpoint store.
pub const CONSUMER: &str = "ingest-svc";

/// Shared state of the pipeline, used by the consumer task and the RPCs.
pub struct Pipeline {
    pub(crate) store: Arc<dyn Store>,
    calendar: HolidayCalendar,
    tz: Tz,
    /// When the consumer last committed a checkpoint (this process).
    checkpoint_time: Mutex<Option<DateTime<Utc>>>,
    /// One feature refresh at a time, so the consumer and an import never
    /// interleave their writes of one SKU's rows.
    refreshing: tokio::sync::Mutex<()>,
}

impl Pipeline {
    pub fn new(store: Arc<dyn Store>, calendar: HolidayCalendar, tz: Tz) -> Self {
        Pipeline {
            store,
            calendar,
            tz,
            checkpoint_time: Mutex::new(None),
            refreshing: Default::default(),
        }
    }

    /// Today in the business time zone.
    pub fn today(&self) -> NaiveDate {
        business_day(Utc::now(), self.tz)
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn checkpoint_time(&self) -> Option<DateTime<Utc>> {
        *self
            .checkpoint_time
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Recomputes the features of each SKU from `since` (its earliest
    /// changed day) through yesterday, and its watermark.
    pub async fn refresh_features(&self, changed: BTreeMap<String, NaiveDate>) -> StoreResult<()> {
        let _one_at_a_time = self.refreshing.lock().await;
        let today = self.today();
        let through = today.pred_opt().unwrap_or(today);
        for (sku, changed_from) in changed {
            // Days that completed since the last refresh need rows too.
            let (_, old) = self.store.features(&sku, through, through).await?;
            let since = match old {
                Some(w) if w.data_through < through => {
                    changed_from.min(w.data_through.succ_opt().unwrap_or(through))
                }
                Some(_) => changed_from,
                None => epoch(),
            };
            let facts = self.store.daily_sales(&sku, epoch(), today).await?;
            let Some((rows, watermark)) = compute(&facts, through, &self.calendar)? else {
                continue;
            };
            let rows = rows.into_iter().filter(|r| r.day >= since).collect();
            self.store.put_features(&sku, rows, watermark).await?;
        }
        Ok(())
    }

    /// Processes one batch after `last`; returns the new checkpoint, or
    /// `None` when there was nothing to do.
    async fn step(&self, last: i64, batch: usize) -> StoreResult<Option<i64>> {
        let changes = self.store.changes_after(last, batch).await?;
        let Some(head) = changes.last().map(|c| c.seq) else {
            return Ok(None);
        };
        let events = changes
            .iter()
            .flat_map(|c| sales_events(c, self.tz))
            .collect::<Vec<_>>();
        if !events.is_empty() {
            let applied = self.store.apply_sales_events(events).await?;
            self.refresh_features(earliest_per_sku(applied.touched))
                .await?;
        }
        // Only now, with every effect durable, may the checkpoint move.
        self.store.set_checkpoint(CONSUMER, head).await?;
        *self
            .checkpoint_time
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Utc::now());
        Ok(Some(head))
    }

    /// Consumes the change feed from the stored checkpoint until shutdown.
    pub async fn consume(
        self: Arc<Self>,
        poll: Duration,
        batch: usize,
        shutdown: CancellationToken,
    ) {
        let mut last = loop {
            match self.store.checkpoint(CONSUMER).await {
                Ok(seq) => break seq.unwrap_or(0),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the checkpoint; retrying");
                    tokio::select! { () = shutdown.cancelled() => return, () = tokio::time::sleep(poll) => {} }
                }
            }
        };
        tracing::info!(checkpoint = last, "consuming the change feed");
        while !shutdown.is_cancelled() {
            match self.step(last, batch).await {
                Ok(Some(seq)) => last = seq,
                Ok(None) => tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = self.store.wait_for_changes(last, poll) => {}
                },
                Err(e) => {
                    tracing::warn!(error = %e, checkpoint = last, "pipeline step failed; retrying");
                    tokio::select! { () = shutdown.cancelled() => return, () = tokio::time::sleep(poll) => {} }
                }
            }
        }
    }

    /// Extends every SKU's features as days complete (at start, then every
    /// `every`), so a day without sales still becomes a zero row.
    pub async fn roll_days(self: Arc<Self>, every: Duration, shutdown: CancellationToken) {
        loop {
            if let Err(e) = self.roll_once().await {
                tracing::warn!(error = %e, "cannot extend features to yesterday");
            }
            tokio::select! { () = shutdown.cancelled() => return, () = tokio::time::sleep(every) => {} }
        }
    }

    async fn roll_once(&self) -> StoreResult<()> {
        let through = self.today().pred_opt().unwrap_or_else(|| self.today());
        let mut stale = BTreeMap::new();
        for sku in self.store.sales_skus().await? {
            let (_, watermark) = self.store.features(&sku, through, through).await?;
            match watermark {
                Some(w) if w.data_through >= through => {}
                Some(w) => {
                    stale.insert(sku, w.data_through.succ_opt().unwrap_or(w.data_through));
                }
                None => {
                    stale.insert(sku, epoch());
                }
            }
        }
        if !stale.is_empty() {
            tracing::info!(skus = stale.len(), %through, "extending features");
        }
        self.refresh_features(stale).await
    }
}

/// The earliest touched day of each SKU.
pub fn earliest_per_sku(
    touched: impl IntoIterator<Item = (String, NaiveDate)>,
) -> BTreeMap<String, NaiveDate> {
    let mut earliest: BTreeMap<String, NaiveDate> = BTreeMap::new();
    for (sku, day) in touched {
        earliest
            .entry(sku)
            .and_modify(|d| *d = (*d).min(day))
            .or_insert(day);
    }
    earliest
}
