//! Orders: placing and cancelling move stock in the same transaction as
//! the order, its ledger entries and its feed event.

use mongodb::ClientSession;
use mongodb::bson::doc;
use mongodb::options::ReturnDocument;

use super::catalog::{Ledger, find_product, move_stock};
use super::docs::{OrderDoc, now};
use super::errors::{refuse, store_error};
use super::feed::{self, Written};
use super::filters;
use super::read::{all, limit_plus_one, paginate};
use super::schema::Db;
use crate::model::*;
use crate::{StoreError, StoreResult};

pub async fn place_order(
    s: &mut ClientSession,
    db: &Db,
    o: &NewOrder,
) -> mongodb::error::Result<Written<Placed>> {
    let fingerprint = o.fingerprint();
    let earlier = db
        .orders
        .find_one(doc! { "idempotency_key": &o.idempotency_key })
        .session(&mut *s)
        .await?;
    if let Some(earlier) = earlier {
        if earlier.fingerprint != fingerprint {
            return refuse(StoreError::AlreadyExists(format!(
                "idempotency key {:?} was already used for a different order ({})",
                o.idempotency_key, earlier.id
            )));
        }
        return Ok(Written::unchanged(Placed {
            order: earlier.into(),
            replayed: true,
        }));
    }
    let at = now();
    let id = uuid::Uuid::now_v7().to_string();
    let mut lines = Vec::with_capacity(o.lines.len());
    let mut taken = Vec::with_capacity(o.lines.len());
    for (i, line) in o.lines.iter().enumerate() {
        let after = take_stock(s, db, line, at).await?;
        lines.push(OrderLine {
            line_number: i as i32 + 1,
            sku: line.sku.clone(),
            product_name: after.name.clone(),
            quantity: line.quantity,
            unit_price_minor: after.unit_price_minor,
        });
        taken.push(after);
    }
    let order = o.placed(id, lines, at).or_else(refuse)?;
    let stored = OrderDoc::new(&order, fingerprint);
    let alloc = feed::allocate(s, db, order.lines.len() as i64).await?;
    let ledger = Ledger {
        reason: MovementReason::Sale,
        order_id: Some(&order.id),
        note: "",
        at,
    };
    let movements = order.lines.iter().zip(&taken).zip(alloc.first_movement..);
    let movements: Vec<_> = movements
        .map(|((line, after), id)| ledger.entry(id, after, -line.quantity))
        .collect();
    db.movements.insert_many(movements).session(&mut *s).await?;
    db.orders
        .insert_one(stored.clone())
        .session(&mut *s)
        .await?;
    let levels = order
        .lines
        .iter()
        .zip(&taken)
        .map(|(line, after)| after.level(-line.quantity))
        .collect();
    feed::append(
        s,
        db,
        alloc.seq,
        ChangeCause::OrderPlaced,
        Some(stored),
        levels,
        at,
    )
    .await?;
    Ok(Written {
        value: Placed {
            order,
            replayed: false,
        },
        seq: Some(alloc.seq),
    })
}

/// Takes one line's stock with a conditional update (active, enough
/// stock), so stock never goes negative; on a miss, says why.
async fn take_stock(
    s: &mut ClientSession,
    db: &Db,
    line: &LineRequest,
    at: chrono::DateTime<chrono::Utc>,
) -> mongodb::error::Result<Product> {
    let after = db
        .products
        .find_one_and_update(
            filters::take_stock(&line.sku, line.quantity),
            filters::move_stock(-line.quantity, at),
        )
        .return_document(ReturnDocument::After)
        .session(&mut *s)
        .await?;
    if let Some(after) = after {
        return Ok(after.into());
    }
    let refusal = match find_product(s, db, &line.sku).await? {
        None => StoreError::NotFound(format!("product {:?}", line.sku)),
        Some(p) if p.status == ProductStatus::Archived => {
            StoreError::FailedPrecondition(format!("product {:?} is archived", line.sku))
        }
        Some(p) => StoreError::InsufficientStock {
            sku: line.sku.clone(),
            requested: line.quantity,
            available: p.on_hand,
        },
    };
    refuse(refusal)
}

pub async fn get_order(db: &Db, id: &str) -> StoreResult<Order> {
    db.orders
        .find_one(filters::by_id(id))
        .await
        .map_err(store_error)?
        .map(Order::from)
        .ok_or_else(|| StoreError::NotFound(format!("order {id:?}")))
}

pub async fn list_orders(db: &Db, f: &OrderFilter, page: &PageRequest) -> StoreResult<Page<Order>> {
    let cursor = db
        .orders
        .find(filters::orders(f, page.after.as_deref()))
        .sort(doc! { "_id": -1 })
        .limit(limit_plus_one(page.size))
        .await
        .map_err(store_error)?;
    let items = all(cursor).await.map_err(store_error)?;
    let items = items.into_iter().map(Order::from).collect();
    Ok(paginate(items, page.size, |o: &Order| o.id.clone()))
}

pub async fn cancel_order(
    s: &mut ClientSession,
    db: &Db,
    id: &str,
    reason: &str,
) -> mongodb::error::Result<Written<Cancelled>> {
    let Some(stored) = db
        .orders
        .find_one(filters::by_id(id))
        .session(&mut *s)
        .await?
    else {
        return refuse(StoreError::NotFound(format!("order {id:?}")));
    };
    if stored.status == OrderStatus::Cancelled {
        return Ok(Written::unchanged(Cancelled {
            order: stored.into(),
            already_cancelled: true,
        }));
    }
    let at = now();
    let mut returned = Vec::with_capacity(stored.lines.len());
    for line in &stored.lines {
        returned.push(move_stock(s, db, &line.sku, line.quantity, at).await?);
    }
    let updated = db
        .orders
        .update_one(filters::cancel(id), filters::cancel_update(at, reason))
        .session(&mut *s)
        .await?;
    if updated.modified_count != 1 {
        return refuse(StoreError::Internal(format!(
            "order {id:?} changed under its cancel"
        )));
    }
    let alloc = feed::allocate(s, db, stored.lines.len() as i64).await?;
    let ledger = Ledger {
        reason: MovementReason::Cancellation,
        order_id: Some(id),
        note: reason,
        at,
    };
    let movements: Vec<_> = stored
        .lines
        .iter()
        .zip(&returned)
        .zip(alloc.first_movement..)
        .map(|((line, after), mid)| ledger.entry(mid, after, line.quantity))
        .collect();
    db.movements.insert_many(movements).session(&mut *s).await?;
    let levels = stored
        .lines
        .iter()
        .zip(&returned)
        .map(|(line, after)| after.level(line.quantity))
        .collect();
    let mut cancelled = stored;
    cancelled.status = OrderStatus::Cancelled;
    cancelled.cancel_time = Some(super::docs::to_bson(at));
    cancelled.cancel_reason = reason.to_owned();
    feed::append(
        s,
        db,
        alloc.seq,
        ChangeCause::OrderCancelled,
        Some(cancelled.clone()),
        levels,
        at,
    )
    .await?;
    Ok(Written {
        value: Cancelled {
            order: cancelled.into(),
            already_cancelled: false,
        },
        seq: Some(alloc.seq),
    })
}
