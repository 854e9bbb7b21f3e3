//! The analytics side: the sales-event log, daily facts and features.
//!
//! Facts are always recomputed from the log with an aggregation pipeline
//! (never incremented), in the transaction that inserts the events, so a
//! replayed or concurrent batch cannot count an event twice.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use mongodb::ClientSession;
use mongodb::bson::{Bson, doc};

use super::docs::*;
use super::errors::{refuse, store_error};
use super::filters;
use super::read::{all, all_in};
use super::schema::Db;
use crate::olap::*;
use crate::{StoreError, StoreResult};

pub async fn apply_sales_events(
    s: &mut ClientSession,
    db: &Db,
    events: &[SalesEvent],
) -> mongodb::error::Result<AppliedEvents> {
    let batch = distinct_events(events);
    let touched: BTreeSet<(String, NaiveDate)> = events
        .iter()
        .map(|e| (e.sku.clone(), e.business_day))
        .collect();
    let mut applied = AppliedEvents::default();
    if !batch.is_empty() {
        let ids: Vec<&str> = batch.iter().map(|e| e.id.as_str()).collect();
        let stored = db
            .sales_events
            .find(doc! { "_id": { "$in": ids } })
            .session(&mut *s)
            .await?;
        let stored: HashMap<String, SalesEvent> = all_in(stored, s)
            .await?
            .into_iter()
            .map(|d| SalesEvent::try_from(d).map(|e| (e.id.clone(), e)))
            .collect::<Result<_, _>>()
            .map_err(|e| mongodb::error::Error::custom(e.to_string()))?;
        // A stored id is never written again: the log is immutable.
        let mut new = Vec::new();
        for e in batch {
            match stored.get(&e.id) {
                None => new.push(SalesEventDoc::from(e)),
                Some(kept) if !kept.same_facts(e) => applied.conflicting.push(kept.clone()),
                Some(_) => {}
            }
        }
        applied.inserted = new.len();
        if !new.is_empty() {
            db.sales_events.insert_many(new).session(&mut *s).await?;
        }
    }
    recompute_facts(s, db, &touched).await?;
    applied.touched = touched.into_iter().collect();
    Ok(applied)
}

/// Replaces the fact rows of the given (sku, day)s with the aggregate of
/// their events (removing rows of days left without events).
async fn recompute_facts(
    s: &mut ClientSession,
    db: &Db,
    pairs: &BTreeSet<(String, NaiveDate)>,
) -> mongodb::error::Result<()> {
    if pairs.is_empty() {
        return Ok(());
    }
    let pipeline = filters::facts_pipeline(filters::sku_days(pairs, "business_day"));
    let cursor = db
        .sales_events
        .aggregate(pipeline)
        .with_type::<FactDoc>()
        .session(&mut *s)
        .await?;
    let facts: Vec<FactDoc> = all_in(cursor, s).await?;
    db.daily_sales
        .delete_many(filters::sku_days(pairs, "day"))
        .session(&mut *s)
        .await?;
    if !facts.is_empty() {
        db.daily_sales.insert_many(facts).session(&mut *s).await?;
    }
    Ok(())
}

/// Rejects a malformed range before it reaches the server.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> StoreResult<()> {
    if from > to {
        return Err(StoreError::InvalidArgument(format!(
            "empty day range {from}..={to}"
        )));
    }
    Ok(())
}

pub async fn sales_events(
    db: &Db,
    sku: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<SalesEvent>> {
    let mut filter = doc! { "business_day": filters::day_range(from, to) };
    if let Some(sku) = sku {
        filter.insert("sku", sku);
    }
    let cursor = db
        .sales_events
        .find(filter)
        .sort(doc! { "business_day": 1, "_id": 1 })
        .await
        .map_err(store_error)?;
    let docs = all(cursor).await.map_err(store_error)?;
    docs.into_iter().map(SalesEvent::try_from).collect()
}

pub async fn daily_sales(
    db: &Db,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<Vec<DailySales>> {
    let cursor = db
        .daily_sales
        .find(doc! { "sku": sku, "day": filters::day_range(from, to) })
        .sort(doc! { "day": 1 })
        .await
        .map_err(store_error)?;
    let docs = all(cursor).await.map_err(store_error)?;
    docs.iter().map(FactDoc::fact).collect()
}

/// Every SKU with a fact row (every SKU with events has one), in order.
pub async fn sales_skus(db: &Db) -> StoreResult<Vec<String>> {
    let skus = db
        .daily_sales
        .distinct("sku", doc! {})
        .await
        .map_err(store_error)?;
    let mut skus: Vec<String> = strings(skus);
    skus.sort();
    Ok(skus)
}

fn strings(values: Vec<Bson>) -> Vec<String> {
    values
        .into_iter()
        .filter_map(|v| match v {
            Bson::String(s) => Some(s),
            _ => None,
        })
        .collect()
}

/// SKUs with events or fact rows in the range: the SKUs a rebuild visits.
pub async fn rebuild_skus(db: &Db, from: NaiveDate, to: NaiveDate) -> StoreResult<Vec<String>> {
    let range = filters::day_range(from, to);
    let from_events = db
        .sales_events
        .distinct("sku", doc! { "business_day": range.clone() })
        .await
        .map_err(store_error)?;
    let from_facts = db
        .daily_sales
        .distinct("sku", doc! { "day": range })
        .await
        .map_err(store_error)?;
    let skus: BTreeSet<String> = strings(from_events)
        .into_iter()
        .chain(strings(from_facts))
        .collect();
    Ok(skus.into_iter().collect())
}

/// What a rebuild of one SKU must change.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FactDiff {
    pub report: RebuildReport,
    /// Days whose stored row is wrong or should not exist.
    pub remove: Vec<NaiveDate>,
    /// Rows to write (recomputed rows that differ or are missing).
    pub write: Vec<DailySales>,
}

/// Compares recomputed and stored rows of one SKU (both in day order).
pub fn diff_facts(recomputed: &[DailySales], stored: &[DailySales]) -> FactDiff {
    let mut diff = FactDiff {
        report: RebuildReport {
            rebuilt: recomputed.len() as i64,
            changed: 0,
        },
        ..FactDiff::default()
    };
    let stored_by_day: std::collections::BTreeMap<NaiveDate, &DailySales> =
        stored.iter().map(|f| (f.day, f)).collect();
    let recomputed_days: BTreeSet<NaiveDate> = recomputed.iter().map(|f| f.day).collect();
    for fact in recomputed {
        match stored_by_day.get(&fact.day) {
            Some(old) if *old == fact => {}
            Some(_) => {
                diff.remove.push(fact.day);
                diff.write.push(*fact);
            }
            None => diff.write.push(*fact),
        }
    }
    let extra: Vec<NaiveDate> = stored_by_day
        .keys()
        .filter(|d| !recomputed_days.contains(d))
        .copied()
        .collect();
    // As on SQLite: each recomputed row that was wrong or missing, and each
    // stored row that should not exist.
    diff.report.changed = (diff.write.len() + extra.len()) as i64;
    diff.remove.extend(extra);
    diff.remove.sort();
    diff
}

/// Rebuilds one SKU's facts in `from..=to` from its events (a transaction
/// body).
pub async fn rebuild_sku(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> mongodb::error::Result<RebuildReport> {
    let range = filters::day_range(from, to);
    let pipeline = filters::facts_pipeline(doc! { "sku": sku, "business_day": range.clone() });
    let cursor = db
        .sales_events
        .aggregate(pipeline)
        .with_type::<FactDoc>()
        .session(&mut *s)
        .await?;
    let recomputed = facts_of(all_in(cursor, s).await?)?;
    let cursor = db
        .daily_sales
        .find(doc! { "sku": sku, "day": range })
        .sort(doc! { "day": 1 })
        .session(&mut *s)
        .await?;
    let stored = facts_of(all_in(cursor, s).await?)?;
    let diff = diff_facts(&recomputed, &stored);
    if !diff.remove.is_empty() {
        let days: Vec<String> = diff.remove.iter().map(|d| day_str(*d)).collect();
        db.daily_sales
            .delete_many(doc! { "sku": sku, "day": { "$in": days } })
            .session(&mut *s)
            .await?;
    }
    if !diff.write.is_empty() {
        let rows: Vec<FactDoc> = diff.write.iter().map(|f| FactDoc::new(sku, f)).collect();
        db.daily_sales.insert_many(rows).session(&mut *s).await?;
    }
    Ok(diff.report)
}

fn facts_of(docs: Vec<FactDoc>) -> mongodb::error::Result<Vec<DailySales>> {
    match docs.iter().map(FactDoc::fact).collect() {
        Ok(facts) => Ok(facts),
        Err(e) => refuse(e),
    }
}

/// The rows to store: one per day, the last given for a day winning.
pub fn feature_rows(sku: &str, rows: &[FeatureValues]) -> Vec<FeatureDoc> {
    let mut by_day = std::collections::BTreeMap::new();
    for row in rows {
        by_day.insert(row.day, FeatureDoc::new(sku, row));
    }
    by_day.into_values().collect()
}

pub async fn put_features(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
    rows: &[FeatureValues],
    watermark: DataWatermark,
) -> mongodb::error::Result<()> {
    let rows = feature_rows(sku, rows);
    if !rows.is_empty() {
        let days: Vec<&str> = rows.iter().map(|r| r.day.as_str()).collect();
        db.features
            .delete_many(doc! { "sku": sku, "day": { "$in": days } })
            .session(&mut *s)
            .await?;
        db.features.insert_many(rows).session(&mut *s).await?;
    }
    let mark = WatermarkDoc {
        sku: sku.to_owned(),
        data_through: day_str(watermark.data_through),
        version: watermark.version,
    };
    db.watermarks
        .replace_one(filters::by_id(sku), mark)
        .upsert(true)
        .session(&mut *s)
        .await?;
    Ok(())
}

pub async fn features(
    db: &Db,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> StoreResult<(Vec<FeatureValues>, Option<DataWatermark>)> {
    let cursor = db
        .features
        .find(doc! { "sku": sku, "day": filters::day_range(from, to) })
        .sort(doc! { "day": 1 })
        .await
        .map_err(store_error)?;
    let rows = all(cursor).await.map_err(store_error)?;
    let rows = rows
        .iter()
        .map(FeatureDoc::values)
        .collect::<StoreResult<_>>()?;
    let watermark = db
        .watermarks
        .find_one(filters::by_id(sku))
        .await
        .map_err(store_error)?
        .map(|w| w.watermark())
        .transpose()?;
    Ok((rows, watermark))
}

pub async fn olap_counts(db: &Db) -> StoreResult<OlapCounts> {
    let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
    Ok(OlapCounts {
        sales_events: count(
            db.sales_events
                .count_documents(doc! {})
                .await
                .map_err(store_error)?,
        ),
        daily_sales: count(
            db.daily_sales
                .count_documents(doc! {})
                .await
                .map_err(store_error)?,
        ),
        feature_rows: count(
            db.features
                .count_documents(doc! {})
                .await
                .map_err(store_error)?,
        ),
    })
}

pub async fn put_forecast(db: &Db, f: &StoredForecast) -> StoreResult<()> {
    db.forecasts
        .replace_one(
            doc! { "sku": &f.sku, "model": &f.model },
            ForecastDoc::from(f),
        )
        .upsert(true)
        .await
        .map_err(store_error)?;
    Ok(())
}

pub async fn forecast(db: &Db, sku: &str, model: &str) -> StoreResult<Option<StoredForecast>> {
    db.forecasts
        .find_one(doc! { "sku": sku, "model": model })
        .await
        .map_err(store_error)?
        .map(StoredForecast::try_from)
        .transpose()
}
