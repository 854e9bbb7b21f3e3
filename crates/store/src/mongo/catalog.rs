//! Products and the stock ledger. Writes are transaction bodies (see
//! `txn`); reads run alone.

use chrono::{DateTime, Utc};
use mongodb::ClientSession;
use mongodb::bson::doc;
use mongodb::options::ReturnDocument;

use super::docs::{MovementDoc, ProductDoc, now, to_bson};
use super::errors::{refuse, store_error};
use super::feed::{self, Written};
use super::filters;
use super::read::{all, limit_plus_one, paginate};
use super::schema::Db;
use crate::model::*;
use crate::{StoreError, StoreResult};

fn not_found(sku: &str) -> StoreError {
    StoreError::NotFound(format!("product {sku:?}"))
}

/// A product read inside a transaction.
pub async fn find_product(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
) -> mongodb::error::Result<Option<Product>> {
    let found = db
        .products
        .find_one(filters::by_id(sku))
        .session(&mut *s)
        .await?;
    Ok(found.map(Product::from))
}

async fn product_in(s: &mut ClientSession, db: &Db, sku: &str) -> mongodb::error::Result<Product> {
    match find_product(s, db, sku).await? {
        Some(p) => Ok(p),
        None => refuse(not_found(sku)),
    }
}

pub async fn create_product(
    s: &mut ClientSession,
    db: &Db,
    p: &NewProduct,
) -> mongodb::error::Result<Written<Product>> {
    if find_product(s, db, &p.sku).await?.is_some() {
        return refuse(StoreError::AlreadyExists(format!(
            "product {:?} already exists",
            p.sku
        )));
    }
    let at = now();
    let product = Product {
        sku: p.sku.clone(),
        name: p.name.clone(),
        category: p.category.clone(),
        unit_price_minor: p.unit_price_minor,
        on_hand: p.initial_stock,
        low_stock_threshold: p.low_stock_threshold,
        status: ProductStatus::Active,
        lead_time_days: p.lead_time_days,
        service_level: p.service_level,
        create_time: at,
        update_time: at,
    };
    db.products
        .insert_one(ProductDoc::from(&product))
        .session(&mut *s)
        .await?;
    let a = feed::allocate(s, db, 1).await?;
    let ledger = Ledger {
        reason: MovementReason::Initial,
        order_id: None,
        note: "",
        at,
    };
    let movement = ledger.entry(a.first_movement, &product, p.initial_stock);
    db.movements.insert_one(movement).session(&mut *s).await?;
    let levels = vec![product.level(p.initial_stock)];
    feed::append(s, db, a.seq, ChangeCause::ProductCreated, None, levels, at).await?;
    Ok(Written {
        value: product,
        seq: Some(a.seq),
    })
}

pub async fn get_product(db: &Db, sku: &str) -> StoreResult<Product> {
    db.products
        .find_one(filters::by_id(sku))
        .await
        .map_err(store_error)?
        .map(Product::from)
        .ok_or_else(|| not_found(sku))
}

pub async fn list_products(
    db: &Db,
    f: &ProductFilter,
    page: &PageRequest,
) -> StoreResult<Page<Product>> {
    let cursor = db
        .products
        .find(filters::products(f, page.after.as_deref()))
        .sort(doc! { "_id": 1 })
        .limit(limit_plus_one(page.size))
        .await
        .map_err(store_error)?;
    let items = all(cursor).await.map_err(store_error)?;
    let items = items.into_iter().map(Product::from).collect();
    Ok(paginate(items, page.size, |p: &Product| p.sku.clone()))
}

pub async fn update_product(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
    patch: &ProductPatch,
) -> mongodb::error::Result<Written<Product>> {
    let mut p = product_in(s, db, sku).await?;
    patch.apply(&mut p);
    p.update_time = now();
    db.products
        .update_one(filters::by_id(sku), filters::set_product_fields(&p))
        .session(&mut *s)
        .await?;
    let levels = vec![p.level(0)];
    let seq = feed::record(s, db, ChangeCause::ProductUpdated, levels, p.update_time).await?;
    Ok(Written {
        value: p,
        seq: Some(seq),
    })
}

pub async fn archive_product(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
) -> mongodb::error::Result<Written<Product>> {
    let mut p = product_in(s, db, sku).await?;
    if p.status == ProductStatus::Archived {
        return Ok(Written::unchanged(p));
    }
    p.status = ProductStatus::Archived;
    p.update_time = now();
    let update = doc! { "$set": { "status": "archived", "update_time": to_bson(p.update_time) } };
    db.products
        .update_one(filters::by_id(sku), update)
        .session(&mut *s)
        .await?;
    let levels = vec![p.level(0)];
    let seq = feed::record(s, db, ChangeCause::ProductArchived, levels, p.update_time).await?;
    Ok(Written {
        value: p,
        seq: Some(seq),
    })
}

/// What must match for a retried adjustment to count as the same request.
pub fn adjustment_fingerprint(a: &StockAdjustment) -> String {
    format!("{}|{:?}|{}", a.sku, a.adjustment, a.note)
}

pub async fn adjust_stock(
    s: &mut ClientSession,
    db: &Db,
    a: &StockAdjustment,
) -> mongodb::error::Result<Written<(Product, StockMovement)>> {
    let fingerprint = adjustment_fingerprint(a);
    if let Some(key) = &a.idempotency_key {
        let done = db
            .movements
            .find_one(doc! { "idempotency_key": key })
            .session(&mut *s)
            .await?;
        match done {
            Some(m) if m.fingerprint.as_deref() == Some(fingerprint.as_str()) => {
                let product = product_in(s, db, &m.sku).await?;
                return Ok(Written::unchanged((product, m.into())));
            }
            Some(_) => {
                return refuse(StoreError::AlreadyExists(format!(
                    "idempotency key {key:?} was already used for a different adjustment"
                )));
            }
            None => {}
        }
    }
    let product = product_in(s, db, &a.sku).await?;
    let delta = match a.adjustment {
        Adjustment::Restock(q) => q,
        Adjustment::CycleCount(counted) => counted - product.on_hand,
        Adjustment::Damage(q) if q > product.on_hand => {
            return refuse(StoreError::InsufficientStock {
                sku: a.sku.clone(),
                requested: q,
                available: product.on_hand,
            });
        }
        Adjustment::Damage(q) => -q,
    };
    let at = now();
    let after = move_stock(s, db, &a.sku, delta, at).await?;
    let alloc = feed::allocate(s, db, 1).await?;
    let ledger = Ledger {
        reason: a.adjustment.reason(),
        order_id: None,
        note: &a.note,
        at,
    };
    let mut movement = ledger.entry(alloc.first_movement, &after, delta);
    movement.idempotency_key = a.idempotency_key.clone();
    movement.fingerprint = a.idempotency_key.as_ref().map(|_| fingerprint);
    db.movements
        .insert_one(movement.clone())
        .session(&mut *s)
        .await?;
    let levels = vec![after.level(delta)];
    feed::append(
        s,
        db,
        alloc.seq,
        ChangeCause::StockAdjusted,
        None,
        levels,
        at,
    )
    .await?;
    Ok(Written {
        value: (after, movement.into()),
        seq: Some(alloc.seq),
    })
}

/// Moves a product's stock by `delta`, refusing to take it below zero, and
/// returns the product as it is afterwards.
pub async fn move_stock(
    s: &mut ClientSession,
    db: &Db,
    sku: &str,
    delta: i64,
    at: DateTime<Utc>,
) -> mongodb::error::Result<Product> {
    let after = db
        .products
        .find_one_and_update(
            filters::can_move_stock(sku, delta),
            filters::move_stock(delta, at),
        )
        .return_document(ReturnDocument::After)
        .session(&mut *s)
        .await?;
    match after {
        Some(p) => Ok(p.into()),
        None => match find_product(s, db, sku).await? {
            None => refuse(not_found(sku)),
            Some(p) => refuse(StoreError::InsufficientStock {
                sku: sku.to_owned(),
                requested: delta.saturating_neg(),
                available: p.on_hand,
            }),
        },
    }
}

pub async fn list_movements(
    db: &Db,
    sku: &str,
    page: &PageRequest,
) -> StoreResult<Page<StockMovement>> {
    get_product(db, sku).await?;
    let before = match &page.after {
        None => i64::MAX,
        Some(cursor) => cursor
            .parse()
            .map_err(|_| StoreError::InvalidArgument(format!("bad movement cursor {cursor:?}")))?,
    };
    let cursor = db
        .movements
        .find(filters::movements(sku, before))
        .sort(doc! { "_id": -1 })
        .limit(limit_plus_one(page.size))
        .await
        .map_err(store_error)?;
    let items = all(cursor).await.map_err(store_error)?;
    let items = items.into_iter().map(StockMovement::from).collect();
    Ok(paginate(items, page.size, |m: &StockMovement| {
        m.id.to_string()
    }))
}

/// How the movements of one transaction are recorded.
pub struct Ledger<'a> {
    pub reason: MovementReason,
    pub order_id: Option<&'a str>,
    pub note: &'a str,
    pub at: DateTime<Utc>,
}

impl Ledger<'_> {
    /// The movement `id` that took `product` (as it is afterwards) by
    /// `delta`.
    pub fn entry(&self, id: i64, product: &Product, delta: i64) -> MovementDoc {
        MovementDoc {
            id,
            sku: product.sku.clone(),
            delta,
            on_hand_after: product.on_hand,
            reason: self.reason,
            order_id: self.order_id.map(str::to_owned),
            note: self.note.to_owned(),
            idempotency_key: None,
            fingerprint: None,
            create_time: to_bson(self.at),
        }
    }
}
