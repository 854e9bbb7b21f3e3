//! Domain types of the analytics side (OLAP): the immutable sales-event log,
//! daily sales facts, engineered features and stored forecasts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// What a sales event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesEventKind {
    /// One sold order line.
    Sale,
    /// One line of a cancelled order: negative units, counted against the
    /// business day of the sale it reverses.
    Reversal,
    /// One imported day of past sales (ImportSalesHistory).
    Imported,
}

/// One immutable entry of the sales-event log. Nothing updates or deletes
/// one; its id is deterministic, so storing it twice stores it once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesEvent {
    /// `sale:{order}:{line}`, `reversal:{order}:{line}` or
    /// `import:{source}:{sku}:{day}`.
    pub id: String,
    pub kind: SalesEventKind,
    /// The order behind a sale or reversal.
    pub order_id: Option<String>,
    /// The order line (1-based); 0 for imports.
    pub line_number: i32,
    pub sku: String,
    /// Units sold; negative for a reversal.
    pub units: i64,
    /// Unit price in minor units (0 for imports).
    pub unit_price_minor: i64,
    /// Revenue in minor units; negative for a reversal.
    pub revenue_minor: i64,
    /// +1 for a sale, -1 for a reversal, 0 for an import: the event's effect
    /// on the day's order count.
    pub order_delta: i64,
    /// When it happened (order placed or cancelled; midnight UTC of the day
    /// for imports).
    pub occurred_at: DateTime<Utc>,
    /// The business day the event counts towards.
    pub business_day: NaiveDate,
    /// The change-feed position it came from; `None` for imports.
    pub feed_seq: Option<i64>,
}

/// One SKU's sales on one business day: the sum of its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySales {
    pub day: NaiveDate,
    pub units: i64,
    pub revenue_minor: i64,
    pub order_count: i64,
}

/// What storing a batch of sales events did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedEvents {
    /// Events new to the log (the rest were stored before).
    pub inserted: usize,
    /// Every (sku, business day) the batch touches, new or not, sorted.
    pub touched: Vec<(String, NaiveDate)>,
    /// The stored events of ids the log held before this batch with
    /// other facts ([`SalesEvent::same_facts`]), in batch order: they are
    /// kept, as the log is immutable, and the caller can say so.
    pub conflicting: Vec<SalesEvent>,
}

impl SalesEvent {
    /// Whether `other` counts the same in the daily facts: the same SKU,
    /// day, units, revenue and order count.
    pub fn same_facts(&self, other: &SalesEvent) -> bool {
        (
            &self.sku,
            self.business_day,
            self.units,
            self.revenue_minor,
            self.order_delta,
        ) == (
            &other.sku,
            other.business_day,
            other.units,
            other.revenue_minor,
            other.order_delta,
        )
    }
}

/// The batch without repeated ids (the first of each id wins).
pub fn distinct_events(events: &[SalesEvent]) -> Vec<&SalesEvent> {
    let mut seen = std::collections::HashSet::new();
    events.iter().filter(|e| seen.insert(&e.id)).collect()
}

/// What a rebuild of daily facts found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RebuildReport {
    /// Fact rows recomputed (days with events in the range).
    pub rebuilt: i64,
    /// Stored rows that differed from the recomputation (now corrected),
    /// including rows that should not have existed.
    pub changed: i64,
}

/// The engineered features of one SKU on one day (see icc-analytics).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FeatureValues {
    pub day: NaiveDate,
    /// Units sold on the day (the target).
    pub units: f64,
    pub lag_1: f64,
    pub lag_7: f64,
    pub lag_14: f64,
    pub rolling_mean_7: f64,
    pub trend_index: f64,
    pub is_weekend: f64,
    pub is_holiday: f64,
    /// Days of history before the day.
    pub history_days: i32,
}

/// How fresh a SKU's features are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataWatermark {
    /// The last complete business day behind the features.
    pub data_through: NaiveDate,
    /// Increases whenever the SKU's facts change (the ingest position of
    /// the last change), so a forecast can tell it is stale.
    pub version: i64,
}

/// Row counts of the analytics side.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OlapCounts {
    pub sales_events: i64,
    pub daily_sales: i64,
    pub feature_rows: i64,
}

/// A stored forecast; the store keeps the encoded body opaque.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredForecast {
    pub sku: String,
    /// Model name as requested (e.g. `auto`, `seed`).
    pub model: String,
    pub model_version: String,
    pub watermark: DataWatermark,
    /// Days covered.
    pub horizon_days: i32,
    pub create_time: DateTime<Utc>,
    /// The forecast, encoded by forecast-svc.
    pub body: Vec<u8>,
}
