//! Plain domain types that cross the storage traits. No SQL, no BSON: each
//! backend maps these onto its own representation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a product can be sold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    /// Can be ordered.
    Active,
    /// Hidden from sale; history kept.
    Archived,
}

/// One stock-keeping unit with its current stock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    pub category: String,
    /// Sale price in minor units.
    pub unit_price_minor: i64,
    /// Units in stock; equals the sum of the product's movements.
    pub on_hand: i64,
    pub low_stock_threshold: i64,
    pub status: ProductStatus,
    /// Supplier lead time in days; 0 means the forecast default.
    pub lead_time_days: i32,
    /// Target service level in (0, 1); 0 means the forecast default.
    pub service_level: f64,
    pub create_time: DateTime<Utc>,
    pub update_time: DateTime<Utc>,
}

impl Product {
    /// At or below the low-stock threshold.
    pub fn is_low_stock(&self) -> bool {
        self.on_hand <= self.low_stock_threshold
    }

    /// The product's entry in an inventory snapshot or change.
    pub fn level(&self, delta: i64) -> StockLevel {
        StockLevel {
            sku: self.sku.clone(),
            on_hand: self.on_hand,
            low_stock_threshold: self.low_stock_threshold,
            delta,
        }
    }
}

/// A product to create; its initial stock becomes an `Initial` movement.
#[derive(Debug, Clone, PartialEq)]
pub struct NewProduct {
    pub sku: String,
    pub name: String,
    pub category: String,
    pub unit_price_minor: i64,
    pub initial_stock: i64,
    pub low_stock_threshold: i64,
    pub lead_time_days: i32,
    pub service_level: f64,
}

/// Fields of a product to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductPatch {
    pub name: Option<String>,
    pub category: Option<String>,
    pub unit_price_minor: Option<i64>,
    pub low_stock_threshold: Option<i64>,
    pub lead_time_days: Option<i32>,
    pub service_level: Option<f64>,
}

impl ProductPatch {
    /// Applies the patched fields to `product` (the one place both backends
    /// use, so a new field cannot be forgotten in one of them).
    pub fn apply(&self, product: &mut Product) {
        let p = product;
        if let Some(v) = &self.name {
            p.name = v.clone();
        }
        if let Some(v) = &self.category {
            p.category = v.clone();
        }
        if let Some(v) = self.unit_price_minor {
            p.unit_price_minor = v;
        }
        if let Some(v) = self.low_stock_threshold {
            p.low_stock_threshold = v;
        }
        if let Some(v) = self.lead_time_days {
            p.lead_time_days = v;
        }
        if let Some(v) = self.service_level {
            p.service_level = v;
        }
    }
}

/// Filters of a product listing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductFilter {
    /// Case-insensitive substring of SKU or name.
    pub query: Option<String>,
    pub category: Option<String>,
    pub low_stock_only: bool,
    pub include_archived: bool,
}

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementReason {
    Initial,
    Restock,
    CycleCount,
    Damage,
    Sale,
    Cancellation,
}

/// One entry of the append-only stock ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StockMovement {
    /// Ledger position, increasing in commit order across products.
    pub id: i64,
    pub sku: String,
    pub delta: i64,
    pub on_hand_after: i64,
    pub reason: MovementReason,
    /// The order behind a sale or cancellation.
    pub order_id: Option<String>,
    pub note: String,
    pub create_time: DateTime<Utc>,
}

/// A manual stock change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// Goods received: add this many units (> 0).
    Restock(i64),
    /// A physical count: on_hand becomes this (>= 0).
    CycleCount(i64),
    /// Goods lost: remove this many units (> 0, at most on_hand).
    Damage(i64),
}

impl Adjustment {
    /// The ledger reason this adjustment is recorded with.
    pub fn reason(self) -> MovementReason {
        match self {
            Adjustment::Restock(_) => MovementReason::Restock,
            Adjustment::CycleCount(_) => MovementReason::CycleCount,
            Adjustment::Damage(_) => MovementReason::Damage,
        }
    }
}

/// A manual stock adjustment request.
#[derive(Debug, Clone, PartialEq)]
pub struct StockAdjustment {
    pub sku: String,
    pub adjustment: Adjustment,
    pub note: String,
    /// Makes retries safe when set.
    pub idempotency_key: Option<String>,
}

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Placed,
    Cancelled,
}

/// One line of a placed order, with its price snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    /// 1-based position in the order.
    pub line_number: i32,
    pub sku: String,
    pub product_name: String,
    pub quantity: i64,
    pub unit_price_minor: i64,
}

impl OrderLine {
    /// quantity x price; saturates instead of overflowing (stores refuse
    /// orders whose exact total does not fit, see [`Order::checked_total`]).
    pub fn total_minor(&self) -> i64 {
        self.quantity.saturating_mul(self.unit_price_minor)
    }
}

/// A multi-line order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub idempotency_key: String,
    pub note: String,
    pub create_time: DateTime<Utc>,
    pub cancel_time: Option<DateTime<Utc>>,
    pub cancel_reason: String,
}

impl Order {
    /// Sum of the line totals; saturates instead of overflowing.
    pub fn total_minor(&self) -> i64 {
        self.lines
            .iter()
            .fold(0_i64, |sum, l| sum.saturating_add(l.total_minor()))
    }

    /// The exact total, or `None` when it does not fit in an i64.
    pub fn checked_total(lines: &[OrderLine]) -> Option<i64> {
        lines.iter().try_fold(0_i64, |sum, l| {
            sum.checked_add(l.quantity.checked_mul(l.unit_price_minor)?)
        })
    }
}

/// One requested line of a new order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRequest {
    pub sku: String,
    pub quantity: i64,
}

/// A new order: all lines or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub idempotency_key: String,
    pub lines: Vec<LineRequest>,
    pub note: String,
}

impl NewOrder {
    /// What must match for a retry with the same idempotency key to count as
    /// the same request.
    pub fn fingerprint(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("{}x{}", l.sku, l.quantity))
            .collect();
        format!("{}|{}", lines.join(","), self.note)
    }

    /// The order this request places, with its priced `lines`; refused
    /// when the exact total does not fit in 64-bit minor units.
    pub fn placed(
        &self,
        id: String,
        lines: Vec<OrderLine>,
        at: DateTime<Utc>,
    ) -> crate::StoreResult<Order> {
        if Order::checked_total(&lines).is_none() {
            return Err(crate::StoreError::InvalidArgument(
                "the order total does not fit in 64-bit minor units".into(),
            ));
        }
        Ok(Order {
            id,
            status: OrderStatus::Placed,
            lines,
            idempotency_key: self.idempotency_key.clone(),
            note: self.note.clone(),
            create_time: at,
            cancel_time: None,
            cancel_reason: String::new(),
        })
    }
}

/// Result of placing an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub order: Order,
    /// The idempotency key matched an earlier order, returned unchanged.
    pub replayed: bool,
}

/// Result of cancelling an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancelled {
    pub order: Order,
    /// The order was already cancelled; nothing changed.
    pub already_cancelled: bool,
}

/// Filters of an order listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub to: Option<DateTime<Utc>>,
}

/// A page request: at most `size` items after the `after` cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub size: usize,
    /// The cursor of the last item of the previous page.
    pub after: Option<String>,
}

impl PageRequest {
    pub fn first(size: usize) -> Self {
        PageRequest { size, after: None }
    }
}

/// A page of items and the cursor of the next page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor to pass as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
}

/// One product's stock in a snapshot or a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub sku: String,
    pub on_hand: i64,
    pub low_stock_threshold: i64,
    /// Signed change that produced this level; 0 in snapshots.
    pub delta: i64,
}

/// What committed a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeCause {
    ProductCreated,
    ProductUpdated,
    ProductArchived,
    StockAdjusted,
    OrderPlaced,
    OrderCancelled,
}

/// One committed transaction in the change feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEvent {
    /// Feed position: strictly increasing in commit order; the resume token.
    pub seq: i64,
    pub commit_time: DateTime<Utc>,
    pub cause: ChangeCause,
    /// The order for `OrderPlaced` and `OrderCancelled`.
    pub order: Option<Order>,
    /// New levels of the products touched, in SKU order.
    pub levels: Vec<StockLevel>,
}

/// A consistent view of every active product's stock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventorySnapshot {
    /// Feed position the snapshot reflects.
    pub seq: i64,
    /// Active products in SKU order.
    pub levels: Vec<StockLevel>,
}

/// Checks every backend makes before writing, so that invariants hold even
/// for callers that skipped validation.
pub(crate) mod checks {
    use super::*;
    use crate::{StoreError, StoreResult};

    fn non_negative(field: &str, v: i64) -> StoreResult<()> {
        if v < 0 {
            return Err(StoreError::InvalidArgument(format!(
                "{field} must not be negative, got {v}"
            )));
        }
        Ok(())
    }

    pub(crate) fn new_product(p: &NewProduct) -> StoreResult<()> {
        non_negative("unit_price_minor", p.unit_price_minor)?;
        non_negative("initial_stock", p.initial_stock)?;
        non_negative("low_stock_threshold", p.low_stock_threshold)
    }

    pub(crate) fn patch(p: &ProductPatch) -> StoreResult<()> {
        p.unit_price_minor
            .map_or(Ok(()), |v| non_negative("unit_price_minor", v))?;
        p.low_stock_threshold
            .map_or(Ok(()), |v| non_negative("low_stock_threshold", v))
    }

    pub(crate) fn adjustment(a: &StockAdjustment) -> StoreResult<()> {
        match a.adjustment {
            Adjustment::Restock(q) | Adjustment::Damage(q) if q <= 0 => Err(
                StoreError::InvalidArgument(format!("quantity must be positive, got {q}")),
            ),
            Adjustment::CycleCount(q) => non_negative("counted quantity", q),
            _ => Ok(()),
        }
    }

    pub(crate) fn new_order(o: &NewOrder) -> StoreResult<()> {
        if o.lines.is_empty() {
            return Err(StoreError::InvalidArgument(
                "an order needs at least one line".into(),
            ));
        }
        match o.lines.iter().find(|l| l.quantity <= 0) {
            Some(l) => Err(StoreError::InvalidArgument(format!(
                "quantity for {} must be positive, got {}",
                l.sku, l.quantity
            ))),
            None => Ok(()),
        }
    }
}
