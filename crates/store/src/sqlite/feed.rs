//! The change-feed outbox and consumer checkpoints.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::catalog::query_all;
use super::{micros_to_time, now, rows, sql_error};
use crate::model::*;
use crate::{StoreError, StoreResult};

/// What the outbox row stores; seq and commit time are columns.
#[derive(Serialize, Deserialize)]
struct StoredEvent {
    cause: ChangeCause,
    order: Option<Order>,
    levels: Vec<StockLevel>,
}

/// Appends one event; called inside the transaction that made the change.
pub(super) fn append(
    c: &Connection,
    cause: ChangeCause,
    order: Option<&Order>,
    levels: Vec<StockLevel>,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
    let event = StoredEvent {
        cause,
        order: order.cloned(),
        levels,
    };
    let json = serde_json::to_string(&event).map_err(|e| StoreError::Internal(e.to_string()))?;
    c.prepare_cached("INSERT INTO change_feed (commit_time, event) VALUES (?1, ?2)")
        .and_then(|mut s| s.execute(params![at.timestamp_micros(), json]))
        .map_err(sql_error)?;
    Ok(c.last_insert_rowid())
}

pub(super) fn head_seq(c: &Connection) -> StoreResult<i64> {
    c.query_row("SELECT COALESCE(MAX(seq), 0) FROM change_feed", [], |r| {
        r.get(0)
    })
    .map_err(sql_error)
}

pub(super) fn changes_after(
    c: &Connection,
    after: i64,
    limit: usize,
) -> StoreResult<Vec<ChangeEvent>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let raw: Vec<(i64, i64, String)> = query_all(
        c,
        "SELECT seq, commit_time, event FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?",
        vec![after.into(), limit.into()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    raw.into_iter()
        .map(|(seq, at, json)| {
            let e: StoredEvent = serde_json::from_str(&json).map_err(|err| {
                StoreError::Internal(format!("change {seq} is unreadable: {err}"))
            })?;
            Ok(ChangeEvent {
                seq,
                commit_time: micros_to_time(at),
                cause: e.cause,
                order: e.order,
                levels: e.levels,
            })
        })
        .collect()
}

pub(super) fn inventory_snapshot(c: &Connection) -> StoreResult<InventorySnapshot> {
    // One read transaction: the head and the levels come from the same
    // database snapshot.
    c.execute_batch("BEGIN DEFERRED").map_err(sql_error)?;
    let result = (|| {
        let seq = head_seq(c)?;
        let levels = query_all(
            c,
            "SELECT sku, on_hand, low_stock_threshold FROM products WHERE status = ? ORDER BY sku",
            vec![
                rows::product_status_str(ProductStatus::Active)
                    .to_owned()
                    .into(),
            ],
            |r| {
                Ok(StockLevel {
                    sku: r.get(0)?,
                    on_hand: r.get(1)?,
                    low_stock_threshold: r.get(2)?,
                    delta: 0,
                })
            },
        )?;
        Ok(InventorySnapshot { seq, levels })
    })();
    c.execute_batch("COMMIT").map_err(sql_error)?;
    result
}

pub(super) fn checkpoint(c: &Connection, consumer: &str) -> StoreResult<Option<i64>> {
    c.prepare_cached("SELECT seq FROM checkpoints WHERE consumer = ?1")
        .and_then(|mut s| s.query_row([consumer], |r| r.get(0)).optional())
        .map_err(sql_error)
}

pub(super) fn set_checkpoint(c: &Connection, consumer: &str, seq: i64) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO checkpoints (consumer, seq, update_time) VALUES (?1, ?2, ?3) \
         ON CONFLICT (consumer) DO UPDATE SET seq = excluded.seq, update_time = excluded.update_time",
    )
    .and_then(|mut s| s.execute(params![consumer, seq, now().timestamp_micros()]))
    .map_err(sql_error)?;
    Ok(())
}
