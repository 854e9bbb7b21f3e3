//! The stored documents and their mapping to and from the domain types.
//!
//! Conventions: a natural key is the `_id` where there is one (SKU, order
//! id, username, event id, feed seq); money and quantities are Int64; times
//! are BSON dates (milliseconds, so every time is truncated to the
//! millisecond before it is returned); business days are `YYYY-MM-DD`
//! strings, which sort as days; enums are their snake_case names.

use chrono::{DateTime, NaiveDate, Utc};
use mongodb::bson::{self, Binary, spec::BinarySubtype};
use serde::{Deserialize, Serialize};

use crate::model::*;
use crate::olap::*;
use crate::users::*;
use crate::{StoreError, StoreResult};

/// Now, truncated to the milliseconds BSON stores.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// `t` as BSON stores it.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    from_bson(to_bson(t))
}

pub fn to_bson(t: DateTime<Utc>) -> bson::DateTime {
    bson::DateTime::from_millis(t.timestamp_millis())
}

pub fn from_bson(t: bson::DateTime) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or_default()
}

pub fn day_str(d: NaiveDate) -> String {
    d.to_string()
}

pub fn parse_day(s: &str) -> StoreResult<NaiveDate> {
    s.parse::<NaiveDate>()
        .map_err(|e| StoreError::Internal(format!("stored day {s:?} is unreadable: {e}")))
}

/// What product search matches: SKU and name, lowercased (Unicode), joined
/// by a separator (as the SQLite backend does).
pub fn search_text(sku: &str, name: &str) -> String {
    format!("{}\u{1f}{}", sku.to_lowercase(), name.to_lowercase())
}

/// `products`: one per SKU (`_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDoc {
    #[serde(rename = "_id")]
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit_price_minor: i64,
    pub on_hand: i64,
    pub low_stock_threshold: i64,
    pub status: ProductStatus,
    pub lead_time_days: i32,
    pub service_level: f64,
    pub create_time: bson::DateTime,
    pub update_time: bson::DateTime,
    pub search_text: String,
}

impl From<&Product> for ProductDoc {
    fn from(p: &Product) -> Self {
        ProductDoc {
            sku: p.sku.clone(),
            name: p.name.clone(),
            category: p.category.clone(),
            unit_price_minor: p.unit_price_minor,
            on_hand: p.on_hand,
            low_stock_threshold: p.low_stock_threshold,
            status: p.status,
            lead_time_days: p.lead_time_days,
            service_level: p.service_level,
            create_time: to_bson(p.create_time),
            update_time: to_bson(p.update_time),
            search_text: search_text(&p.sku, &p.name),
        }
    }
}

impl From<ProductDoc> for Product {
    fn from(d: ProductDoc) -> Self {
        Product {
            sku: d.sku,
            name: d.name,
            category: d.category,
            unit_price_minor: d.unit_price_minor,
            on_hand: d.on_hand,
            low_stock_threshold: d.low_stock_threshold,
            status: d.status,
            lead_time_days: d.lead_time_days,
            service_level: d.service_level,
            create_time: from_bson(d.create_time),
            update_time: from_bson(d.update_time),
        }
    }
}

/// `stock_movements`: the ledger; `_id` is the ledger position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementDoc {
    #[serde(rename = "_id")]
    pub id: i64,
    pub sku: String,
    pub delta: i64,
    pub on_hand_after: i64,
    pub reason: MovementReason,
    pub order_id: Option<String>,
    pub note: String,
    /// Absent unless given, so the sparse unique index skips the rest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    pub create_time: bson::DateTime,
}

impl From<MovementDoc> for StockMovement {
    fn from(d: MovementDoc) -> Self {
        StockMovement {
            id: d.id,
            sku: d.sku,
            delta: d.delta,
            on_hand_after: d.on_hand_after,
            reason: d.reason,
            order_id: d.order_id,
            note: d.note,
            create_time: from_bson(d.create_time),
        }
    }
}

/// One line inside an order document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDoc {
    pub line_number: i32,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

/// `orders`: one per order (`_id` is its UUIDv7), lines embedded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub idempotency_key: String,
    /// What a retry with the same key must match ([`NewOrder::fingerprint`]).
    pub fingerprint: String,
    pub status: OrderStatus,
    pub note: String,
    pub create_time: bson::DateTime,
    pub cancel_time: Option<bson::DateTime>,
    pub cancel_reason: String,
    pub lines: Vec<LineDoc>,
}

impl OrderDoc {
    pub fn new(o: &Order, fingerprint: String) -> Self {
        OrderDoc {
            id: o.id.clone(),
            idempotency_key: o.idempotency_key.clone(),
            fingerprint,
            status: o.status,
            note: o.note.clone(),
            create_time: to_bson(o.create_time),
            cancel_time: o.cancel_time.map(to_bson),
            cancel_reason: o.cancel_reason.clone(),
            lines: o
                .lines
                .iter()
                .map(|l| LineDoc {
                    line_number: l.line_number,
                    sku: l.sku.clone(),
                    product_name: l.product_name.clone(),
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                })
                .collect(),
        }
    }
}

impl From<OrderDoc> for Order {
    fn from(d: OrderDoc) -> Self {
        Order {
            id: d.id,
            status: d.status,
            lines: d
                .lines
                .into_iter()
                .map(|l| OrderLine {
                    line_number: l.line_number,
                    sku: l.sku,
                    product_name: l.product_name,
                    quantity: l.quantity,
                    unit_price_minor: l.unit_price_minor,
                })
                .collect(),
            idempotency_key: d.idempotency_key,
            note: d.note,
            create_time: from_bson(d.create_time),
            cancel_time: d.cancel_time.map(from_bson),
            cancel_reason: d.cancel_reason,
        }
    }
}

/// `change_feed`: the outbox; `_id` is the feed seq.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedDoc {
    #[serde(rename = "_id")]
    pub seq: i64,
    pub commit_time: bson::DateTime,
    pub cause: ChangeCause,
    pub order: Option<OrderDoc>,
    pub levels: Vec<StockLevel>,
}

impl From<FeedDoc> for ChangeEvent {
    fn from(d: FeedDoc) -> Self {
        ChangeEvent {
            seq: d.seq,
            commit_time: from_bson(d.commit_time),
            cause: d.cause,
            order: d.order.map(Order::from),
            levels: d.levels,
        }
    }
}

/// `users`: one per username (`_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDoc {
    #[serde(rename = "_id")]
    pub username: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub create_time: bson::DateTime,
}

impl From<&UserRecord> for UserDoc {
    fn from(u: &UserRecord) -> Self {
        UserDoc {
            username: u.username.clone(),
            role: u.role,
            password_hash: u.password_hash.clone(),
            disabled: u.disabled,
            create_time: to_bson(u.create_time),
        }
    }
}

impl From<UserDoc> for UserRecord {
    fn from(d: UserDoc) -> Self {
        UserRecord {
            username: d.username,
            role: d.role,
            password_hash: d.password_hash,
            disabled: d.disabled,
            create_time: from_bson(d.create_time),
        }
    }
}

/// `sales_events`: the immutable log; `_id` is the deterministic event id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesEventDoc {
    #[serde(rename = "_id")]
    pub id: String,
    pub kind: SalesEventKind,
    pub order_id: Option<String>,
    pub line_number: i32,
    pub sku: String,
    pub units: i64,
    pub unit_price_minor: i64,
    pub revenue_minor: i64,
    pub order_delta: i64,
    pub occurred_at: bson::DateTime,
    pub business_day: String,
    pub feed_seq: Option<i64>,
}

impl From<&SalesEvent> for SalesEventDoc {
    fn from(e: &SalesEvent) -> Self {
        SalesEventDoc {
            id: e.id.clone(),
            kind: e.kind,
            order_id: e.order_id.clone(),
            line_number: e.line_number,
            sku: e.sku.clone(),
            units: e.units,
            unit_price_minor: e.unit_price_minor,
            revenue_minor: e.revenue_minor,
            order_delta: e.order_delta,
            occurred_at: to_bson(e.occurred_at),
            business_day: day_str(e.business_day),
            feed_seq: e.feed_seq,
        }
    }
}

impl TryFrom<SalesEventDoc> for SalesEvent {
    type Error = StoreError;

    fn try_from(d: SalesEventDoc) -> StoreResult<Self> {
        Ok(SalesEvent {
            business_day: parse_day(&d.business_day)?,
            id: d.id,
            kind: d.kind,
            order_id: d.order_id,
            line_number: d.line_number,
            sku: d.sku,
            units: d.units,
            unit_price_minor: d.unit_price_minor,
            revenue_minor: d.revenue_minor,
            order_delta: d.order_delta,
            occurred_at: from_bson(d.occurred_at),
            feed_seq: d.feed_seq,
        })
    }
}

/// `daily_sales`: one per (sku, day), the sum of that day's events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactDoc {
    pub sku: String,
    pub day: String,
    pub units: i64,
    pub revenue_minor: i64,
    pub order_count: i64,
}

impl FactDoc {
    pub fn new(sku: &str, f: &DailySales) -> Self {
        FactDoc {
            sku: sku.to_owned(),
            day: day_str(f.day),
            units: f.units,
            revenue_minor: f.revenue_minor,
            order_count: f.order_count,
        }
    }

    pub fn fact(&self) -> StoreResult<DailySales> {
        Ok(DailySales {
            day: parse_day(&self.day)?,
            units: self.units,
            revenue_minor: self.revenue_minor,
            order_count: self.order_count,
        })
    }
}

/// `features`: one per (sku, day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureDoc {
    pub sku: String,
    pub day: String,
    pub units: f64,
    pub lag_1: f64,
    pub lag_7: f64,
    pub lag_14: f64,
    pub rolling_mean_7: f64,
    pub trend_index: f64,
    pub is_weekend: f64,
    pub is_holiday: f64,
    pub history_days: i32,
}

impl FeatureDoc {
    pub fn new(sku: &str, f: &FeatureValues) -> Self {
        FeatureDoc {
            sku: sku.to_owned(),
            day: day_str(f.day),
            units: f.units,
            lag_1: f.lag_1,
            lag_7: f.lag_7,
            lag_14: f.lag_14,
            rolling_mean_7: f.rolling_mean_7,
            trend_index: f.trend_index,
            is_weekend: f.is_weekend,
            is_holiday: f.is_holiday,
            history_days: f.history_days,
        }
    }

    pub fn values(&self) -> StoreResult<FeatureValues> {
        Ok(FeatureValues {
            day: parse_day(&self.day)?,
            units: self.units,
            lag_1: self.lag_1,
            lag_7: self.lag_7,
            lag_14: self.lag_14,
            rolling_mean_7: self.rolling_mean_7,
            trend_index: self.trend_index,
            is_weekend: self.is_weekend,
            is_holiday: self.is_holiday,
            history_days: self.history_days,
        })
    }
}

/// `feature_watermarks`: one per SKU (`_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatermarkDoc {
    #[serde(rename = "_id")]
    pub sku: String,
    pub data_through: String,
    pub version: i64,
}

impl WatermarkDoc {
    pub fn watermark(&self) -> StoreResult<DataWatermark> {
        Ok(DataWatermark {
            data_through: parse_day(&self.data_through)?,
            version: self.version,
        })
    }
}

/// `forecasts`: one per (sku, model); the body stays opaque bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDoc {
    pub sku: String,
    pub model: String,
    pub model_version: String,
    pub data_through: String,
    pub data_version: i64,
    pub horizon_days: i32,
    pub create_time: bson::DateTime,
    pub body: Binary,
}

impl From<&StoredForecast> for ForecastDoc {
    fn from(f: &StoredForecast) -> Self {
        ForecastDoc {
            sku: f.sku.clone(),
            model: f.model.clone(),
            model_version: f.model_version.clone(),
            data_through: day_str(f.watermark.data_through),
            data_version: f.watermark.version,
            horizon_days: f.horizon_days,
            create_time: to_bson(f.create_time),
            body: Binary {
                subtype: BinarySubtype::Generic,
                bytes: f.body.clone(),
            },
        }
    }
}

impl TryFrom<ForecastDoc> for StoredForecast {
    type Error = StoreError;

    fn try_from(d: ForecastDoc) -> StoreResult<Self> {
        Ok(StoredForecast {
            watermark: DataWatermark {
                data_through: parse_day(&d.data_through)?,
                version: d.data_version,
            },
            sku: d.sku,
            model: d.model,
            model_version: d.model_version,
            horizon_days: d.horizon_days,
            create_time: from_bson(d.create_time),
            body: d.body.bytes,
        })
    }
}

/// `checkpoints`: one per consumer (`_id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointDoc {
    #[serde(rename = "_id")]
    pub consumer: String,
    pub seq: i64,
    pub update_time: bson::DateTime,
}
