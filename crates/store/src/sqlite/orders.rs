//! Orders: placing and cancelling move stock in the same transaction.

use rusqlite::{Connection, OptionalExtension, params, types::Value};

use super::catalog::{Ledger, get_product, limit_plus_one, paginate, query_all};
use super::{feed, micros_to_time, now, rows, sql_error};
use crate::model::*;
use crate::{StoreError, StoreResult};

pub(super) fn place_order(c: &Connection, o: &NewOrder) -> StoreResult<Placed> {
    let fingerprint = o.fingerprint();
    if let Some((id, fp)) = find_by_key(c, &o.idempotency_key)? {
        if fp != fingerprint {
            return Err(StoreError::AlreadyExists(format!(
                "idempotency key {:?} was already used for a different order ({id})",
                o.idempotency_key
            )));
        }
        return Ok(Placed {
            order: get_order(c, &id)?,
            replayed: true,
        });
    }
    let at = now();
    let id = uuid::Uuid::now_v7().to_string();
    let ledger = Ledger {
        reason: MovementReason::Sale,
        order_id: Some(&id),
        note: "",
        key: None,
        at,
    };
    let mut lines = Vec::with_capacity(o.lines.len());
    let mut levels = Vec::with_capacity(o.lines.len());
    for (i, line) in o.lines.iter().enumerate() {
        let product = get_product(c, &line.sku)?;
        if product.status == ProductStatus::Archived {
            return Err(StoreError::FailedPrecondition(format!(
                "product {:?} is archived",
                line.sku
            )));
        }
        if product.on_hand < line.quantity {
            return Err(StoreError::InsufficientStock {
                sku: line.sku.clone(),
                requested: line.quantity,
                available: product.on_hand,
            });
        }
        let (after, _) = ledger.record(c, &line.sku, -line.quantity)?;
        levels.push(after.level(-line.quantity));
        lines.push(OrderLine {
            line_number: i as i32 + 1,
            sku: line.sku.clone(),
            product_name: product.name,
            quantity: line.quantity,
            unit_price_minor: product.unit_price_minor,
        });
    }
    let order = o.placed(id, lines, at)?;
    insert_order(c, &order, &fingerprint)?;
    levels.sort_by(|a, b| a.sku.cmp(&b.sku));
    feed::append(c, ChangeCause::OrderPlaced, Some(&order), levels, at)?;
    Ok(Placed {
        order,
        replayed: false,
    })
}

fn find_by_key(c: &Connection, key: &str) -> StoreResult<Option<(String, String)>> {
    c.prepare_cached("SELECT id, fingerprint FROM orders WHERE idempotency_key = ?1")
        .and_then(|mut s| {
            s.query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
        .map_err(sql_error)
}

fn insert_order(c: &Connection, o: &Order, fingerprint: &str) -> StoreResult<()> {
    c.prepare_cached(
        "INSERT INTO orders (id, idempotency_key, fingerprint, status, note, create_time, cancel_time, \
         cancel_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, '')",
    )
    .and_then(|mut s| {
        s.execute(params![
            o.id,
            o.idempotency_key,
            fingerprint,
            rows::order_status_str(o.status),
            o.note,
            o.create_time.timestamp_micros()
        ])
    })
    .map_err(sql_error)?;
    let mut insert = c
        .prepare_cached(
            "INSERT INTO order_lines (order_id, line_number, sku, product_name, quantity, unit_price_minor) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(sql_error)?;
    for l in &o.lines {
        insert
            .execute(params![
                o.id,
                l.line_number,
                l.sku,
                l.product_name,
                l.quantity,
                l.unit_price_minor
            ])
            .map_err(sql_error)?;
    }
    Ok(())
}

const ORDER_COLUMNS: &str =
    "id, status, idempotency_key, note, create_time, cancel_time, cancel_reason";

fn order_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        status: rows::order_status(&r.get::<_, String>(1)?),
        lines: Vec::new(),
        idempotency_key: r.get(2)?,
        note: r.get(3)?,
        create_time: micros_to_time(r.get(4)?),
        cancel_time: r.get::<_, Option<i64>>(5)?.map(micros_to_time),
        cancel_reason: r.get(6)?,
    })
}

fn with_lines(c: &Connection, mut order: Order) -> StoreResult<Order> {
    let mut stmt = c
        .prepare_cached(
            "SELECT line_number, sku, product_name, quantity, unit_price_minor FROM order_lines \
             WHERE order_id = ?1 ORDER BY line_number",
        )
        .map_err(sql_error)?;
    let lines = stmt
        .query_map([&order.id], |r| {
            Ok(OrderLine {
                line_number: r.get(0)?,
                sku: r.get(1)?,
                product_name: r.get(2)?,
                quantity: r.get(3)?,
                unit_price_minor: r.get(4)?,
            })
        })
        .map_err(sql_error)?;
    order.lines = lines.collect::<Result<_, _>>().map_err(sql_error)?;
    Ok(order)
}

pub(super) fn get_order(c: &Connection, id: &str) -> StoreResult<Order> {
    let order = c
        .prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"))
        .and_then(|mut s| s.query_row([id], order_row).optional())
        .map_err(sql_error)?
        .ok_or_else(|| StoreError::NotFound(format!("order {id:?}")))?;
    with_lines(c, order)
}

pub(super) fn list_orders(
    c: &Connection,
    f: &OrderFilter,
    page: &PageRequest,
) -> StoreResult<Page<Order>> {
    let mut sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(after) = &page.after {
        sql += " AND id < ?";
        args.push(after.clone().into());
    }
    if let Some(status) = f.status {
        sql += " AND status = ?";
        args.push(rows::order_status_str(status).to_owned().into());
    }
    if let Some(from) = f.from {
        sql += " AND create_time >= ?";
        args.push(from.timestamp_micros().into());
    }
    if let Some(to) = f.to {
        sql += " AND create_time < ?";
        args.push(to.timestamp_micros().into());
    }
    sql += " ORDER BY id DESC LIMIT ?";
    args.push(limit_plus_one(page.size).into());
    let orders = query_all(c, &sql, args, order_row)?;
    let page = paginate(orders, page.size, |o| o.id.clone());
    let items = page
        .items
        .into_iter()
        .map(|o| with_lines(c, o))
        .collect::<StoreResult<_>>()?;
    Ok(Page {
        items,
        next: page.next,
    })
}

pub(super) fn cancel_order(c: &Connection, id: &str, reason: &str) -> StoreResult<Cancelled> {
    let mut order = get_order(c, id)?;
    if order.status == OrderStatus::Cancelled {
        return Ok(Cancelled {
            order,
            already_cancelled: true,
        });
    }
    let at = now();
    let ledger = Ledger {
        reason: MovementReason::Cancellation,
        order_id: Some(id),
        note: reason,
        key: None,
        at,
    };
    let mut levels = Vec::with_capacity(order.lines.len());
    for line in &order.lines {
        let (after, _) = ledger.record(c, &line.sku, line.quantity)?;
        levels.push(after.level(line.quantity));
    }
    c.execute(
        "UPDATE orders SET status = ?2, cancel_time = ?3, cancel_reason = ?4 WHERE id = ?1",
        params![
            id,
            rows::order_status_str(OrderStatus::Cancelled),
            at.timestamp_micros(),
            reason
        ],
    )
    .map_err(sql_error)?;
    order.status = OrderStatus::Cancelled;
    order.cancel_time = Some(at);
    order.cancel_reason = reason.to_owned();
    levels.sort_by(|a, b| a.sku.cmp(&b.sku));
    feed::append(c, ChangeCause::OrderCancelled, Some(&order), levels, at)?;
    Ok(Cancelled {
        order,
        already_cancelled: false,
    })
}
