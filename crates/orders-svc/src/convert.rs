//! Domain types to their protobuf messages.

use icc_proto::timestamp_to_proto;
use icc_proto::v1 as pb;
use icc_store as store;

pub fn product(p: &store::Product) -> pb::Product {
    pb::Product {
        sku: p.sku.clone(),
        name: p.name.clone(),
        category: p.category.clone(),
        unit_price_minor: p.unit_price_minor,
        on_hand: p.on_hand,
        low_stock_threshold: p.low_stock_threshold,
        status: match p.status {
            store::ProductStatus::Active => pb::ProductStatus::Active,
            store::ProductStatus::Archived => pb::ProductStatus::Archived,
        } as i32,
        lead_time_days: p.lead_time_days,
        service_level: p.service_level,
        low_stock: p.is_low_stock(),
        create_time: Some(timestamp_to_proto(p.create_time)),
        update_time: Some(timestamp_to_proto(p.update_time)),
    }
}

pub fn movement(m: &store::StockMovement) -> pb::StockMovement {
    use store::MovementReason as R;
    let reason = match m.reason {
        R::Initial => pb::MovementReason::Initial,
        R::Restock => pb::MovementReason::Restock,
        R::CycleCount => pb::MovementReason::CycleCount,
        R::Damage => pb::MovementReason::Damage,
        R::Sale => pb::MovementReason::Sale,
        R::Cancellation => pb::MovementReason::Cancellation,
    };
    pb::StockMovement {
        id: m.id,
        sku: m.sku.clone(),
        delta: m.delta,
        on_hand_after: m.on_hand_after,
        reason: reason as i32,
        order_id: m.order_id.clone().unwrap_or_default(),
        note: m.note.clone(),
        create_time: Some(timestamp_to_proto(m.create_time)),
    }
}

pub fn order_status(s: store::OrderStatus) -> pb::OrderStatus {
    match s {
        store::OrderStatus::Placed => pb::OrderStatus::Placed,
        store::OrderStatus::Cancelled => pb::OrderStatus::Cancelled,
    }
}

pub fn order(o: &store::Order) -> pb::Order {
    pb::Order {
        id: o.id.clone(),
        status: order_status(o.status) as i32,
        lines: o
            .lines
            .iter()
            .map(|l| pb::OrderLine {
                line_number: l.line_number,
                sku: l.sku.clone(),
                product_name: l.product_name.clone(),
                quantity: l.quantity,
                unit_price_minor: l.unit_price_minor,
                line_total_minor: l.total_minor(),
            })
            .collect(),
        total_minor: o.total_minor(),
        idempotency_key: o.idempotency_key.clone(),
        note: o.note.clone(),
        create_time: Some(timestamp_to_proto(o.create_time)),
        cancel_time: o.cancel_time.map(timestamp_to_proto),
        cancel_reason: o.cancel_reason.clone(),
    }
}

pub fn stock_level(l: &store::StockLevel) -> pb::StockLevel {
    pb::StockLevel {
        sku: l.sku.clone(),
        on_hand: l.on_hand,
        low_stock_threshold: l.low_stock_threshold,
        delta: l.delta,
    }
}

pub fn change_cause(c: store::ChangeCause) -> pb::ChangeCause {
    use store::ChangeCause as C;
    match c {
        C::ProductCreated => pb::ChangeCause::ProductCreated,
        C::ProductUpdated => pb::ChangeCause::ProductUpdated,
        C::ProductArchived => pb::ChangeCause::ProductArchived,
        C::StockAdjusted => pb::ChangeCause::StockAdjusted,
        C::OrderPlaced => pb::ChangeCause::OrderPlaced,
        C::OrderCancelled => pb::ChangeCause::OrderCancelled,
    }
}
