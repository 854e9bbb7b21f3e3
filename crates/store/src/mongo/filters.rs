//! Filters, updates and aggregation pipelines, built as plain documents so
//! they can be tested without a server.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use mongodb::bson::{Bson, Document, doc};

use super::docs::{day_str, search_text, to_bson};
use crate::model::*;

/// The `_id` of a product, order, user...
pub fn by_id(id: impl Into<Bson>) -> Document {
    doc! { "_id": id.into() }
}

/// Products matching a listing's filters, after the cursor SKU.
pub fn products(f: &ProductFilter, after: Option<&str>) -> Document {
    let mut filter = Document::new();
    if let Some(after) = after {
        filter.insert("_id", doc! { "$gt": after });
    }
    let mut exprs: Vec<Bson> = Vec::new();
    if let Some(q) = f.query.as_deref().filter(|q| !q.is_empty()) {
        // A literal substring test ($literal: a query starting with `$` is
        // not a field path) on the lowercased "sku<US>name".
        exprs.push(
            doc! { "$gte": [ { "$indexOfCP": [ "$search_text", { "$literal": q.to_lowercase() } ] }, 0 ] }
                .into(),
        );
    }
    if let Some(category) = f.category.as_deref().filter(|c| !c.is_empty()) {
        filter.insert("category", category);
    }
    if f.low_stock_only {
        exprs.push(doc! { "$lte": [ "$on_hand", "$low_stock_threshold" ] }.into());
    }
    if !f.include_archived {
        filter.insert("status", "active");
    }
    match exprs.len() {
        0 => {}
        1 => {
            filter.insert("$expr", exprs.remove(0));
        }
        _ => {
            filter.insert("$expr", doc! { "$and": exprs });
        }
    }
    filter
}

/// The stock decrement of one order line: only an active product with
/// enough stock matches, so stock never goes negative even under races.
pub fn take_stock(sku: &str, quantity: i64) -> Document {
    doc! { "_id": sku, "status": "active", "on_hand": { "$gte": quantity } }
}

/// A product whose stock can move by `delta` without going negative.
pub fn can_move_stock(sku: &str, delta: i64) -> Document {
    doc! { "_id": sku, "on_hand": { "$gte": delta.min(0).saturating_neg() } }
}

/// Moves stock by `delta` and stamps the change.
pub fn move_stock(delta: i64, at: DateTime<Utc>) -> Document {
    doc! { "$inc": { "on_hand": delta }, "$set": { "update_time": to_bson(at) } }
}

/// Writes the patchable fields of `p` (and its search text and time).
pub fn set_product_fields(p: &Product) -> Document {
    doc! { "$set": {
        "name": &p.name,
        "category": &p.category,
        "unit_price_minor": p.unit_price_minor,
        "low_stock_threshold": p.low_stock_threshold,
        "lead_time_days": p.lead_time_days,
        "service_level": p.service_level,
        "update_time": to_bson(p.update_time),
        "search_text": search_text(&p.sku, &p.name),
    } }
}

/// Takes the next feed seq and `movements` ledger ids in one increment.
pub fn allocate(movements: i64) -> Document {
    doc! { "$inc": { "feed_seq": 1_i64, "movement_id": movements } }
}

/// A product's movements before the cursor id, for a newest-first page.
pub fn movements(sku: &str, before: i64) -> Document {
    doc! { "sku": sku, "_id": { "$lt": before } }
}

/// Orders matching a listing's filters, before the cursor id.
pub fn orders(f: &OrderFilter, before: Option<&str>) -> Document {
    let mut filter = Document::new();
    if let Some(before) = before {
        filter.insert("_id", doc! { "$lt": before });
    }
    if let Some(status) = f.status {
        filter.insert("status", order_status_str(status));
    }
    // Stored times are whole milliseconds, so `>= from` is `>= ceil(from)`
    // and `< to` is `< ceil(to)` (truncating would take in an order placed
    // just before `from` and leave out one placed just before `to`).
    let mut time = Document::new();
    if let Some(from) = f.from {
        time.insert("$gte", ceil_millis(from));
    }
    if let Some(to) = f.to {
        time.insert("$lt", ceil_millis(to));
    }
    if !time.is_empty() {
        filter.insert("create_time", time);
    }
    filter
}

/// The first whole millisecond at or after `t`.
pub fn ceil_millis(t: DateTime<Utc>) -> mongodb::bson::DateTime {
    let floor = to_bson(t);
    if t.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        floor
    } else {
        mongodb::bson::DateTime::from_millis(floor.timestamp_millis().saturating_add(1))
    }
}

/// Marks a placed order cancelled; matches nothing once it is cancelled.
pub fn cancel(id: &str) -> Document {
    doc! { "_id": id, "status": order_status_str(OrderStatus::Placed) }
}

pub fn cancel_update(at: DateTime<Utc>, reason: &str) -> Document {
    doc! { "$set": {
        "status": order_status_str(OrderStatus::Cancelled),
        "cancel_time": to_bson(at),
        "cancel_reason": reason,
    } }
}

pub fn order_status_str(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Placed => "placed",
        OrderStatus::Cancelled => "cancelled",
    }
}

/// Days `from..=to` of one field.
pub fn day_range(from: NaiveDate, to: NaiveDate) -> Document {
    doc! { "$gte": day_str(from), "$lte": day_str(to) }
}

/// The (sku, day) pairs given, as `{$or: [{sku, <day_field>: {$in}}]}`.
pub fn sku_days(pairs: &BTreeSet<(String, NaiveDate)>, day_field: &str) -> Document {
    let mut by_sku: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (sku, day) in pairs {
        by_sku.entry(sku).or_default().push(day_str(*day));
    }
    let any: Vec<Document> = by_sku
        .into_iter()
        .map(|(sku, days)| doc! { "sku": sku, day_field: { "$in": days } })
        .collect();
    doc! { "$or": any }
}

/// Recomputes fact rows from the events that `matching` selects: the sum of
/// units, revenue and order deltas per (sku, business day), shaped as
/// `daily_sales` documents. Never an increment: a replay cannot count twice.
pub fn facts_pipeline(matching: Document) -> Vec<Document> {
    vec![
        doc! { "$match": matching },
        doc! { "$group": {
            "_id": { "sku": "$sku", "day": "$business_day" },
            "units": { "$sum": "$units" },
            "revenue_minor": { "$sum": "$revenue_minor" },
            "order_count": { "$sum": "$order_delta" },
        } },
        doc! { "$project": {
            "_id": 0,
            "sku": "$_id.sku",
            "day": "$_id.day",
            "units": 1,
            "revenue_minor": 1,
            "order_count": 1,
        } },
        doc! { "$sort": { "sku": 1, "day": 1 } },
    ]
}

/// The change stream behind `wait_for_changes`: inserts into the outbox,
/// trimmed to what the driver needs to resume (`_id`, `operationType`,
/// `ns`) and the new seq (`documentKey`).
pub fn feed_watch_pipeline() -> Vec<Document> {
    vec![
        doc! { "$match": { "operationType": "insert" } },
        doc! { "$project": { "operationType": 1, "ns": 1, "documentKey": 1 } },
    ]
}
