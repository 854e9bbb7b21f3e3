//! The change-feed outbox and consumer checkpoints.
//!
//! Every OLTP transaction that changes something takes the next seq from the
//! `counters` document and inserts one `change_feed` document with that seq
//! as its `_id`, in the same transaction as the change. Incrementing one
//! document serialises the writers (a concurrent transaction that touches it
//! gets a write conflict and is retried), as SQLite's single writer does, so
//! seqs are gap-free and in commit order, and a reader sees a prefix of the
//! feed.

use chrono::{DateTime, Utc};
use mongodb::ClientSession;
use mongodb::bson::{Bson, Document, doc};
use mongodb::options::ReturnDocument;

use super::docs::{CheckpointDoc, FeedDoc, OrderDoc, ProductDoc, now, to_bson};
use super::errors::{refuse, store_error};
use super::filters;
use super::read::{all, all_in};
use super::schema::{Db, OLTP_COUNTER};
use crate::model::*;
use crate::{StoreError, StoreResult};

/// A write's result and the feed seq it appended, if it changed anything.
pub struct Written<T> {
    pub value: T,
    pub seq: Option<i64>,
}

impl<T> Written<T> {
    /// A call that changed nothing (a replay, a repeated archive).
    pub fn unchanged(value: T) -> Self {
        Written { value, seq: None }
    }
}

/// Positions taken for one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allocation {
    /// The feed seq of the transaction's event.
    pub seq: i64,
    /// The ledger id of its first movement (the rest follow).
    pub first_movement: i64,
}

/// Reads an integer field written as Int64 (or Int32 by hand).
pub fn int_field(d: &Document, key: &str) -> Option<i64> {
    match d.get(key)? {
        Bson::Int64(v) => Some(*v),
        Bson::Int32(v) => Some(i64::from(*v)),
        _ => None,
    }
}

/// The positions of one transaction with `movements` ledger entries.
pub fn allocation(counter: &Document, movements: i64) -> StoreResult<Allocation> {
    match (
        int_field(counter, "feed_seq"),
        int_field(counter, "movement_id"),
    ) {
        (Some(seq), Some(last)) => Ok(Allocation {
            seq,
            first_movement: last - movements + 1,
        }),
        _ => Err(StoreError::Internal(format!(
            "the counters document is malformed: {counter}"
        ))),
    }
}

/// Takes the next feed seq and `movements` ledger ids. Call it last in a
/// transaction, after the checks that may refuse it: the counter document
/// is what serialises writers, so it is held for as short a time as can be.
pub async fn allocate(
    s: &mut ClientSession,
    db: &Db,
    movements: i64,
) -> mongodb::error::Result<Allocation> {
    let counter = db
        .counters
        .find_one_and_update(doc! { "_id": OLTP_COUNTER }, filters::allocate(movements))
        .upsert(true)
        .return_document(ReturnDocument::After)
        .session(&mut *s)
        .await?;
    match counter.map(|c| allocation(&c, movements)) {
        Some(Ok(a)) => Ok(a),
        Some(Err(e)) => refuse(e),
        None => refuse(StoreError::Internal(
            "the counters upsert returned nothing".into(),
        )),
    }
}

/// Appends the transaction's event at `seq`.
pub async fn append(
    s: &mut ClientSession,
    db: &Db,
    seq: i64,
    cause: ChangeCause,
    order: Option<OrderDoc>,
    mut levels: Vec<StockLevel>,
    at: DateTime<Utc>,
) -> mongodb::error::Result<()> {
    levels.sort_by(|a, b| a.sku.cmp(&b.sku));
    let event = FeedDoc {
        seq,
        commit_time: to_bson(at),
        cause,
        order,
        levels,
    };
    db.feed.insert_one(event).session(&mut *s).await?;
    Ok(())
}

/// Allocates a seq (and no movement) and appends one event: for changes
/// that move no stock.
pub async fn record(
    s: &mut ClientSession,
    db: &Db,
    cause: ChangeCause,
    levels: Vec<StockLevel>,
    at: DateTime<Utc>,
) -> mongodb::error::Result<i64> {
    let a = allocate(s, db, 0).await?;
    append(s, db, a.seq, cause, None, levels, at).await?;
    Ok(a.seq)
}

/// The newest seq in the outbox, 0 when empty.
pub async fn head_seq(db: &Db, session: Option<&mut ClientSession>) -> mongodb::error::Result<i64> {
    let feed = db.feed.clone_with_type::<Document>();
    let newest = feed
        .find_one(doc! {})
        .sort(doc! { "_id": -1 })
        .projection(doc! { "_id": 1 });
    let newest = match session {
        Some(s) => newest.session(s).await?,
        None => newest.await?,
    };
    Ok(newest.and_then(|d| int_field(&d, "_id")).unwrap_or(0))
}

pub async fn changes_after(db: &Db, after: i64, limit: usize) -> StoreResult<Vec<ChangeEvent>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let cursor = db
        .feed
        .find(doc! { "_id": { "$gt": after } })
        .sort(doc! { "_id": 1 })
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .await
        .map_err(store_error)?;
    let docs = all(cursor).await.map_err(store_error)?;
    Ok(docs.into_iter().map(ChangeEvent::from).collect())
}

/// The head and every active product's level, read from one snapshot (the
/// body of a read-only transaction).
pub async fn inventory_snapshot(
    s: &mut ClientSession,
    db: &Db,
) -> mongodb::error::Result<InventorySnapshot> {
    let seq = head_seq(db, Some(&mut *s)).await?;
    let cursor = db
        .products
        .find(doc! { "status": "active" })
        .sort(doc! { "_id": 1 })
        .session(&mut *s)
        .await?;
    let products: Vec<ProductDoc> = all_in(cursor, s).await?;
    let levels = products
        .into_iter()
        .map(|p| Product::from(p).level(0))
        .collect();
    Ok(InventorySnapshot { seq, levels })
}

pub async fn checkpoint(db: &Db, consumer: &str) -> StoreResult<Option<i64>> {
    let found = db
        .checkpoints
        .find_one(filters::by_id(consumer))
        .await
        .map_err(store_error)?;
    Ok(found.map(|c| c.seq))
}

pub async fn set_checkpoint(db: &Db, consumer: &str, seq: i64) -> StoreResult<()> {
    let stored = CheckpointDoc {
        consumer: consumer.to_owned(),
        seq,
        update_time: to_bson(now()),
    };
    db.checkpoints
        .replace_one(filters::by_id(consumer), stored)
        .upsert(true)
        .await
        .map_err(store_error)?;
    Ok(())
}
