//! Schema migrations, applied in order at open and tracked by
//! `PRAGMA user_version`. Append new migrations; never edit an applied one.

use rusqlite::{Connection, TransactionBehavior};

use super::sql_error;
use crate::StoreResult;

/// Each entry migrates the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: OLTP tables, the change-feed outbox and consumer checkpoints.
    r#"
    CREATE TABLE products (
        sku                 TEXT PRIMARY KEY,
        name                TEXT NOT NULL,
        category            TEXT NOT NULL,
        unit_price_minor    INTEGER NOT NULL CHECK (unit_price_minor >= 0),
        on_hand             INTEGER NOT NULL CHECK (on_hand >= 0),
        low_stock_threshold INTEGER NOT NULL CHECK (low_stock_threshold >= 0),
        status              TEXT NOT NULL,
        lead_time_days      INTEGER NOT NULL,
        service_level       REAL NOT NULL,
        create_time         INTEGER NOT NULL,
        update_time         INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX products_by_category ON products (category, sku);

    CREATE TABLE stock_movements (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        sku             TEXT NOT NULL REFERENCES products (sku),
        delta           INTEGER NOT NULL,
        on_hand_after   INTEGER NOT NULL CHECK (on_hand_after >= 0),
        reason          TEXT NOT NULL,
        order_id        TEXT,
        note            TEXT NOT NULL,
        idempotency_key TEXT UNIQUE,
        fingerprint     TEXT,
        create_time     INTEGER NOT NULL
    );
    CREATE INDEX stock_movements_by_sku ON stock_movements (sku, id);

    CREATE TABLE orders (
        id              TEXT PRIMARY KEY,
        idempotency_key TEXT NOT NULL UNIQUE,
        fingerprint     TEXT NOT NULL,
        status          TEXT NOT NULL,
        note            TEXT NOT NULL,
        create_time     INTEGER NOT NULL,
        cancel_time     INTEGER,
        cancel_reason   TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX orders_by_status ON orders (status, id);
    CREATE INDEX orders_by_time ON orders (create_time);

    CREATE TABLE order_lines (
        order_id         TEXT NOT NULL REFERENCES orders (id),
        line_number      INTEGER NOT NULL,
        sku              TEXT NOT NULL,
        product_name     TEXT NOT NULL,
        quantity         INTEGER NOT NULL CHECK (quantity > 0),
        unit_price_minor INTEGER NOT NULL,
        PRIMARY KEY (order_id, line_number)
    ) WITHOUT ROWID;

    -- The outbox: one row per committed OLTP transaction, written in that
    -- transaction. seq is the resume token of every consumer.
    CREATE TABLE change_feed (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        commit_time INTEGER NOT NULL,
        event       TEXT NOT NULL
    );

    CREATE TABLE checkpoints (
        consumer    TEXT PRIMARY KEY,
        seq         INTEGER NOT NULL,
        update_time INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 2: the analytics side (OLAP), stored forecasts and users.
    r#"
    -- Immutable: triggers refuse every UPDATE and DELETE.
    CREATE TABLE sales_events (
        id               TEXT PRIMARY KEY,
        kind             TEXT NOT NULL,
        order_id         TEXT,
        line_number      INTEGER NOT NULL,
        sku              TEXT NOT NULL,
        units            INTEGER NOT NULL,
        unit_price_minor INTEGER NOT NULL,
        revenue_minor    INTEGER NOT NULL,
        order_delta      INTEGER NOT NULL,
        occurred_at      INTEGER NOT NULL,
        business_day     TEXT NOT NULL,
        feed_seq         INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX sales_events_by_sku_day ON sales_events (sku, business_day);
    CREATE INDEX sales_events_by_day ON sales_events (business_day);
    CREATE TRIGGER sales_events_no_update BEFORE UPDATE ON sales_events
        BEGIN SELECT RAISE(ABORT, 'sales events are immutable'); END;
    CREATE TRIGGER sales_events_no_delete BEFORE DELETE ON sales_events
        BEGIN SELECT RAISE(ABORT, 'sales events are immutable'); END;

    CREATE TABLE daily_sales (
        sku           TEXT NOT NULL,
        day           TEXT NOT NULL,
        units         INTEGER NOT NULL,
        revenue_minor INTEGER NOT NULL,
        order_count   INTEGER NOT NULL,
        PRIMARY KEY (sku, day)
    ) WITHOUT ROWID;

    CREATE TABLE features (
        sku            TEXT NOT NULL,
        day            TEXT NOT NULL,
        units          REAL NOT NULL,
        lag_1          REAL NOT NULL,
        lag_7          REAL NOT NULL,
        lag_14         REAL NOT NULL,
        rolling_mean_7 REAL NOT NULL,
        trend_index    REAL NOT NULL,
        is_weekend     REAL NOT NULL,
        is_holiday     REAL NOT NULL,
        history_days   INTEGER NOT NULL,
        PRIMARY KEY (sku, day)
    ) WITHOUT ROWID;

    CREATE TABLE feature_watermarks (
        sku          TEXT PRIMARY KEY,
        data_through TEXT NOT NULL,
        version      INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE forecasts (
        sku           TEXT NOT NULL,
        model         TEXT NOT NULL,
        model_version TEXT NOT NULL,
        data_through  TEXT NOT NULL,
        data_version  INTEGER NOT NULL,
        horizon_days  INTEGER NOT NULL,
        create_time   INTEGER NOT NULL,
        body          BLOB NOT NULL,
        PRIMARY KEY (sku, model)
    ) WITHOUT ROWID;

    CREATE TABLE users (
        username      TEXT PRIMARY KEY,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled      INTEGER NOT NULL,
        create_time   INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 3: Unicode case-insensitive product search (SQLite's LIKE folds ASCII
    // only); filled in from Rust right after migrating, see `backfill`.
    r#"
    ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
    "#,
];

/// Brings the schema to the newest version, one transaction per migration.
/// Each transaction takes the write lock first and reads the version under
/// it, so processes opening a fresh file at once never apply one twice.
pub(super) fn migrate(conn: &mut Connection) -> StoreResult<()> {
    loop {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql_error)?;
        let current: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql_error)?;
        let current = usize::try_from(current).unwrap_or(usize::MAX);
        if current > MIGRATIONS.len() {
            return Err(crate::StoreError::Internal(format!(
                "database schema version {current} is newer than this build ({})",
                MIGRATIONS.len()
            )));
        }
        let Some(sql) = MIGRATIONS.get(current) else {
            tx.commit().map_err(sql_error)?;
            return backfill(conn);
        };
        tx.execute_batch(sql).map_err(sql_error)?;
        tx.pragma_update(None, "user_version", current as i64 + 1)
            .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
        tracing::info!(version = current + 1, "applied schema migration");
    }
}

/// Fills derived columns a migration added but SQL cannot compute.
fn backfill(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_error)?;
    let missing: Vec<(String, String)> = {
        let mut stmt = tx
            .prepare("SELECT sku, name FROM products WHERE search_text = ''")
            .map_err(sql_error)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(sql_error)?;
        rows.collect::<Result<_, _>>().map_err(sql_error)?
    };
    for (sku, name) in &missing {
        tx.execute(
            "UPDATE products SET search_text = ?2 WHERE sku = ?1",
            rusqlite::params![sku, super::rows::search_text(sku, name)],
        )
        .map_err(sql_error)?;
    }
    tx.commit().map_err(sql_error)
}
