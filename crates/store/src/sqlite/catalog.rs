//! Products and the stock ledger.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params, params_from_iter, types::Value};

use super::rows::{self, MOVEMENT_COLUMNS, PRODUCT_COLUMNS};
use super::{feed, now, sql_error};
use crate::model::*;
use crate::{StoreError, StoreResult};

pub(super) fn create_product(c: &Connection, p: &NewProduct) -> StoreResult<Product> {
    if find_product(c, &p.sku)?.is_some() {
        return Err(StoreError::AlreadyExists(format!(
            "product {:?} already exists",
            p.sku
        )));
    }
    let at = now();
    c.execute(
        "INSERT INTO products (sku, name, category, unit_price_minor, on_hand, low_stock_threshold, status, \
         lead_time_days, service_level, create_time, update_time, search_text) \
         VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
        params![
            p.sku,
            p.name,
            p.category,
            p.unit_price_minor,
            p.low_stock_threshold,
            rows::product_status_str(ProductStatus::Active),
            p.lead_time_days,
            p.service_level,
            at.timestamp_micros(),
            rows::search_text(&p.sku, &p.name)
        ],
    )
    .map_err(sql_error)?;
    let ledger = Ledger {
        reason: MovementReason::Initial,
        order_id: None,
        note: "",
        key: None,
        at,
    };
    let (product, _) = ledger.record(c, &p.sku, p.initial_stock)?;
    feed::append(
        c,
        ChangeCause::ProductCreated,
        None,
        vec![product.level(p.initial_stock)],
        at,
    )?;
    Ok(product)
}

pub(super) fn find_product(c: &Connection, sku: &str) -> StoreResult<Option<Product>> {
    c.prepare_cached(&format!(
        "SELECT {PRODUCT_COLUMNS} FROM products WHERE sku = ?1"
    ))
    .and_then(|mut s| s.query_row([sku], rows::product).optional())
    .map_err(sql_error)
}

pub(super) fn get_product(c: &Connection, sku: &str) -> StoreResult<Product> {
    find_product(c, sku)?.ok_or_else(|| StoreError::NotFound(format!("product {sku:?}")))
}

pub(super) fn list_products(
    c: &Connection,
    f: &ProductFilter,
    page: &PageRequest,
) -> StoreResult<Page<Product>> {
    let mut sql = format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE 1 = 1");
    let mut args: Vec<Value> = Vec::new();
    if let Some(after) = &page.after {
        sql += " AND sku > ?";
        args.push(after.clone().into());
    }
    if let Some(q) = f.query.as_deref().filter(|q| !q.is_empty()) {
        // A literal, Unicode case-insensitive substring test on the
        // lowercased "sku<US>name" kept beside each product.
        sql += " AND instr(search_text, ?) > 0";
        args.push(q.to_lowercase().into());
    }
    if let Some(category) = f.category.as_deref().filter(|c| !c.is_empty()) {
        sql += " AND category = ?";
        args.push(category.to_owned().into());
    }
    if f.low_stock_only {
        sql += " AND on_hand <= low_stock_threshold";
    }
    if !f.include_archived {
        sql += " AND status = 'active'";
    }
    sql += " ORDER BY sku LIMIT ?";
    args.push(limit_plus_one(page.size).into());
    let items = query_all(c, &sql, args, rows::product)?;
    Ok(paginate(items, page.size, |p| p.sku.clone()))
}

pub(super) fn update_product(
    c: &Connection,
    sku: &str,
    patch: &ProductPatch,
) -> StoreResult<Product> {
    let mut p = get_product(c, sku)?;
    patch.apply(&mut p);
    p.update_time = now();
    c.execute(
        "UPDATE products SET name = ?2, category = ?3, unit_price_minor = ?4, low_stock_threshold = ?5, \
         lead_time_days = ?6, service_level = ?7, update_time = ?8, search_text = ?9 WHERE sku = ?1",
        params![
            p.sku,
            p.name,
            p.category,
            p.unit_price_minor,
            p.low_stock_threshold,
            p.lead_time_days,
            p.service_level,
            p.update_time.timestamp_micros(),
            rows::search_text(&p.sku, &p.name)
        ],
    )
    .map_err(sql_error)?;
    feed::append(
        c,
        ChangeCause::ProductUpdated,
        None,
        vec![p.level(0)],
        p.update_time,
    )?;
    Ok(p)
}

pub(super) fn archive_product(c: &Connection, sku: &str) -> StoreResult<Product> {
    let mut p = get_product(c, sku)?;
    if p.status == ProductStatus::Archived {
        return Ok(p);
    }
    p.status = ProductStatus::Archived;
    p.update_time = now();
    c.execute(
        "UPDATE products SET status = ?2, update_time = ?3 WHERE sku = ?1",
        params![
            sku,
            rows::product_status_str(p.status),
            p.update_time.timestamp_micros()
        ],
    )
    .map_err(sql_error)?;
    feed::append(
        c,
        ChangeCause::ProductArchived,
        None,
        vec![p.level(0)],
        p.update_time,
    )?;
    Ok(p)
}

pub(super) fn adjust_stock(
    c: &Connection,
    a: &StockAdjustment,
) -> StoreResult<(Product, StockMovement)> {
    let fingerprint = format!("{}|{:?}|{}", a.sku, a.adjustment, a.note);
    if let Some(key) = &a.idempotency_key
        && let Some(done) = replay_adjustment(c, key, &fingerprint)?
    {
        return Ok((get_product(c, &done.sku)?, done));
    }
    let product = get_product(c, &a.sku)?;
    let delta = match a.adjustment {
        Adjustment::Restock(q) => q,
        Adjustment::CycleCount(counted) => counted - product.on_hand,
        Adjustment::Damage(q) if q > product.on_hand => {
            return Err(StoreError::InsufficientStock {
                sku: a.sku.clone(),
                requested: q,
                available: product.on_hand,
            });
        }
        Adjustment::Damage(q) => -q,
    };
    let at = now();
    let key = a
        .idempotency_key
        .as_deref()
        .map(|k| (k, fingerprint.as_str()));
    let ledger = Ledger {
        reason: a.adjustment.reason(),
        order_id: None,
        note: &a.note,
        key,
        at,
    };
    let (product, movement) = ledger.record(c, &a.sku, delta)?;
    feed::append(
        c,
        ChangeCause::StockAdjusted,
        None,
        vec![product.level(delta)],
        at,
    )?;
    Ok((product, movement))
}

/// The movement an idempotency key already produced, if the request matches.
fn replay_adjustment(
    c: &Connection,
    key: &str,
    fingerprint: &str,
) -> StoreResult<Option<StockMovement>> {
    let found: Option<(String, StockMovement)> = c
        .prepare_cached(&format!(
            "SELECT {MOVEMENT_COLUMNS}, fingerprint FROM stock_movements WHERE idempotency_key = ?1"
        ))
        .and_then(|mut s| {
            s.query_row([key], |r| {
                Ok((
                    r.get::<_, Option<String>>(8)?.unwrap_or_default(),
                    rows::movement(r)?,
                ))
            })
            .optional()
        })
        .map_err(sql_error)?;
    match found {
        None => Ok(None),
        Some((fp, m)) if fp == fingerprint => Ok(Some(m)),
        Some(_) => Err(StoreError::AlreadyExists(format!(
            "idempotency key {key:?} was already used for a different adjustment"
        ))),
    }
}

pub(super) fn list_movements(
    c: &Connection,
    sku: &str,
    page: &PageRequest,
) -> StoreResult<Page<StockMovement>> {
    get_product(c, sku)?;
    let after = match &page.after {
        None => i64::MAX,
        Some(cursor) => cursor
            .parse()
            .map_err(|_| StoreError::InvalidArgument(format!("bad movement cursor {cursor:?}")))?,
    };
    let sql = format!(
        "SELECT {MOVEMENT_COLUMNS} FROM stock_movements WHERE sku = ? AND id < ? ORDER BY id DESC LIMIT ?"
    );
    let args: Vec<Value> = vec![
        sku.to_owned().into(),
        after.into(),
        limit_plus_one(page.size).into(),
    ];
    let items = query_all(c, &sql, args, rows::movement)?;
    Ok(paginate(items, page.size, |m| m.id.to_string()))
}

/// How a batch of stock movements is recorded.
pub(super) struct Ledger<'a> {
    pub reason: MovementReason,
    pub order_id: Option<&'a str>,
    pub note: &'a str,
    /// Idempotency key and request fingerprint of a manual adjustment.
    pub key: Option<(&'a str, &'a str)>,
    pub at: DateTime<Utc>,
}

impl Ledger<'_> {
    /// Moves a product's stock by `delta` and appends the movement; the
    /// schema's CHECK keeps on_hand from going negative even if a caller's
    /// own check were wrong.
    pub(super) fn record(
        &self,
        c: &Connection,
        sku: &str,
        delta: i64,
    ) -> StoreResult<(Product, StockMovement)> {
        let at = self.at.timestamp_micros();
        c.prepare_cached(
            "UPDATE products SET on_hand = on_hand + ?2, update_time = ?3 WHERE sku = ?1",
        )
        .and_then(|mut s| s.execute(params![sku, delta, at]))
        .map_err(sql_error)?;
        let product = get_product(c, sku)?;
        c.prepare_cached(
            "INSERT INTO stock_movements (sku, delta, on_hand_after, reason, order_id, note, idempotency_key, \
             fingerprint, create_time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .and_then(|mut s| {
            s.execute(params![
                sku,
                delta,
                product.on_hand,
                rows::movement_reason_str(self.reason),
                self.order_id,
                self.note,
                self.key.map(|k| k.0),
                self.key.map(|k| k.1),
                at
            ])
        })
        .map_err(sql_error)?;
        let movement = StockMovement {
            id: c.last_insert_rowid(),
            sku: sku.to_owned(),
            delta,
            on_hand_after: product.on_hand,
            reason: self.reason,
            order_id: self.order_id.map(str::to_owned),
            note: self.note.to_owned(),
            create_time: self.at,
        };
        Ok((product, movement))
    }
}

/// Runs a query with dynamic arguments and maps every row.
pub(super) fn query_all<T>(
    c: &Connection,
    sql: &str,
    args: Vec<Value>,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = c.prepare_cached(sql).map_err(sql_error)?;
    let rows = stmt
        .query_map(params_from_iter(args), map)
        .map_err(sql_error)?;
    rows.collect::<Result<_, _>>().map_err(sql_error)
}

/// `LIMIT` one past the page size, to learn whether another page follows.
pub(super) fn limit_plus_one(size: usize) -> i64 {
    i64::try_from(size)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1)
}

/// Cuts a `size + 1` result to a page and sets the next cursor.
pub(super) fn paginate<T>(
    mut items: Vec<T>,
    size: usize,
    cursor: impl Fn(&T) -> String,
) -> Page<T> {
    let next = if items.len() > size {
        items.truncate(size);
        items.last().map(cursor)
    } else {
        None
    };
    Page { items, next }
}
