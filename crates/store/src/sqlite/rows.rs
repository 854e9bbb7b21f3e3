//! Mapping between rows and domain types.

use rusqlite::Row;

use super::micros_to_time;
use crate::model::*;

/// Columns read by [`product`], in order.
pub(super) const PRODUCT_COLUMNS: &str = "sku, name, category, unit_price_minor, on_hand, low_stock_threshold, \
     status, lead_time_days, service_level, create_time, update_time";

pub(super) fn product(row: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        sku: row.get(0)?,
        name: row.get(1)?,
        category: row.get(2)?,
        unit_price_minor: row.get(3)?,
        on_hand: row.get(4)?,
        low_stock_threshold: row.get(5)?,
        status: product_status(&row.get::<_, String>(6)?),
        lead_time_days: row.get(7)?,
        service_level: row.get(8)?,
        create_time: micros_to_time(row.get(9)?),
        update_time: micros_to_time(row.get(10)?),
    })
}

/// Columns read by [`movement`], in order.
pub(super) const MOVEMENT_COLUMNS: &str =
    "id, sku, delta, on_hand_after, reason, order_id, note, create_time";

pub(super) fn movement(row: &Row<'_>) -> rusqlite::Result<StockMovement> {
    Ok(StockMovement {
        id: row.get(0)?,
        sku: row.get(1)?,
        delta: row.get(2)?,
        on_hand_after: row.get(3)?,
        reason: movement_reason(&row.get::<_, String>(4)?),
        order_id: row.get(5)?,
        note: row.get(6)?,
        create_time: micros_to_time(row.get(7)?),
    })
}

pub(super) fn product_status_str(s: ProductStatus) -> &'static str {
    match s {
        ProductStatus::Active => "active",
        ProductStatus::Archived => "archived",
    }
}

fn product_status(s: &str) -> ProductStatus {
    if s == "archived" {
        ProductStatus::Archived
    } else {
        ProductStatus::Active
    }
}

pub(super) fn order_status_str(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Placed => "placed",
        OrderStatus::Cancelled => "cancelled",
    }
}

pub(super) fn order_status(s: &str) -> OrderStatus {
    if s == "cancelled" {
        OrderStatus::Cancelled
    } else {
        OrderStatus::Placed
    }
}

pub(super) fn movement_reason_str(r: MovementReason) -> &'static str {
    match r {
        MovementReason::Initial => "initial",
        MovementReason::Restock => "restock",
        MovementReason::CycleCount => "cycle_count",
        MovementReason::Damage => "damage",
        MovementReason::Sale => "sale",
        MovementReason::Cancellation => "cancellation",
    }
}

fn movement_reason(s: &str) -> MovementReason {
    match s {
        "initial" => MovementReason::Initial,
        "restock" => MovementReason::Restock,
        "cycle_count" => MovementReason::CycleCount,
        "damage" => MovementReason::Damage,
        "sale" => MovementReason::Sale,
        _ => MovementReason::Cancellation,
    }
}

/// What product search matches: SKU and name, lowercased (Unicode), with a
/// separator no query can contain across.
pub(super) fn search_text(sku: &str, name: &str) -> String {
    format!("{}\u{1f}{}", sku.to_lowercase(), name.to_lowercase())
}
