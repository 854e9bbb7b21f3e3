//! The storage traits every backend implements, and the conformance suite
//! proves alike. Each method is one atomic operation.
//!
//! Shared rules: a bad quantity or price (negative; zero where a positive
//! amount is needed; an order without lines) is `InvalidArgument` and
//! changes nothing. A call that changes nothing (an idempotent replay, a
//! second archive or cancel) appends no change-feed event. A page that ends
//! the listing has `next: None`, even when full. Times are stored to the
//! microsecond on SQLite and the millisecond on MongoDB; what a method
//! returns equals what later reads return.

use std::time::Duration;

use async_trait::async_trait;

use chrono::NaiveDate;

use crate::error::StoreResult;
use crate::model::{
    Cancelled, ChangeEvent, InventorySnapshot, NewOrder, NewProduct, Order, OrderFilter, Page,
    PageRequest, Placed, Product, ProductFilter, ProductPatch, StockAdjustment, StockMovement,
};
use crate::olap::{
    AppliedEvents, DailySales, DataWatermark, FeatureValues, OlapCounts, RebuildReport, SalesEvent,
    StoredForecast,
};
use crate::users::{UserPatch, UserRecord};

/// Products and the stock ledger (OLTP).
#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Creates a product and its `Initial` movement. `AlreadyExists` when the
    /// SKU is taken.
    async fn create_product(&self, product: NewProduct) -> StoreResult<Product>;

    /// Reads a product, archived or not.
    async fn get_product(&self, sku: &str) -> StoreResult<Product>;

    /// Lists products in SKU order; the cursor is the last SKU.
    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Product>>;

    /// Changes the patched fields.
    async fn update_product(&self, sku: &str, patch: ProductPatch) -> StoreResult<Product>;

    /// Archives a product; archiving an archived product changes nothing.
    async fn archive_product(&self, sku: &str) -> StoreResult<Product>;

    /// Records a manual adjustment as one movement. A repeated idempotency key
    /// returns the first movement and the product as it is now.
    async fn adjust_stock(
        &self,
        adjustment: StockAdjustment,
    ) -> StoreResult<(Product, StockMovement)>;

    /// Lists a product's movements, newest first; the cursor is the last id.
    async fn list_movements(
        &self,
        sku: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<StockMovement>>;
}

/// Orders (OLTP). Placing and cancelling move stock atomically.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Takes stock for every line or for none.
    async fn place_order(&self, order: NewOrder) -> StoreResult<Placed>;

    /// Reads an order.
    async fn get_order(&self, id: &str) -> StoreResult<Order>;

    /// Lists orders newest first; the cursor is the last order id.
    async fn list_orders(
        &self,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Order>>;

    /// Returns every line's stock exactly once.
    async fn cancel_order(&self, id: &str, reason: &str) -> StoreResult<Cancelled>;
}

/// The change feed: every committed OLTP transaction, in commit order,
/// written in the same transaction as the change itself.
#[async_trait]
pub trait ChangeFeed: Send + Sync {
    /// Newest feed position (0 when empty).
    async fn head_seq(&self) -> StoreResult<i64>;

    /// Up to `limit` events with `seq > after`, in order.
    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeEvent>>;

    /// Every active product's stock and the feed position it reflects, read
    /// atomically.
    async fn inventory_snapshot(&self) -> StoreResult<InventorySnapshot>;

    /// Waits until the feed may have events after `after`, or `timeout`
    /// passes. Wakes promptly for commits made through this handle; other
    /// writers (other processes) are seen within `timeout`.
    async fn wait_for_changes(&self, after: i64, timeout: Duration);
}

/// Change-feed consumers' positions.
#[async_trait]
pub trait CheckpointStore: Send + Sync {
    /// The consumer's stored position, if any.
    async fn checkpoint(&self, consumer: &str) -> StoreResult<Option<i64>>;

    /// Stores the consumer's position.
    async fn set_checkpoint(&self, consumer: &str, seq: i64) -> StoreResult<()>;
}

/// The analytics side: sales events, daily facts and features (OLAP).
#[async_trait]
pub trait SalesStore: Send + Sync {
    /// Stores the events whose ids are new (the log is immutable: a stored
    /// id is never changed) and recomputes, from the whole log, the daily
    /// facts of every (sku, business day) the batch touches — so a replay
    /// changes nothing. One transaction.
    async fn apply_sales_events(&self, events: Vec<SalesEvent>) -> StoreResult<AppliedEvents>;

    /// Events of a SKU (or all SKUs) with business days in `from..=to`, in
    /// (day, id) order.
    async fn sales_events(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SalesEvent>>;

    /// Stored fact rows of a SKU in `from..=to`, in day order (days without
    /// events have no row; callers gap-fill).
    async fn daily_sales(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DailySales>>;

    /// Every SKU with at least one sales event, in order.
    async fn sales_skus(&self) -> StoreResult<Vec<String>>;

    /// Recomputes the facts of a SKU (or every SKU) in `from..=to` from the
    /// events, corrects the stored rows and reports how many differed.
    async fn rebuild_daily_sales(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<RebuildReport>;

    /// Replaces a SKU's feature rows for the days given and sets its
    /// watermark, in one transaction.
    async fn put_features(
        &self,
        sku: &str,
        rows: Vec<FeatureValues>,
        watermark: DataWatermark,
    ) -> StoreResult<()>;

    /// A SKU's feature rows in `from..=to` (day order) and its watermark
    /// (`None` when features were never computed for it).
    async fn features(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(Vec<FeatureValues>, Option<DataWatermark>)>;

    /// Row counts.
    async fn olap_counts(&self) -> StoreResult<OlapCounts>;
}

/// Stored forecasts, reused while their watermark and model version hold.
#[async_trait]
pub trait ForecastStore: Send + Sync {
    /// Stores a forecast, replacing the previous one of the same SKU and
    /// model.
    async fn put_forecast(&self, forecast: StoredForecast) -> StoreResult<()>;

    /// The stored forecast of a SKU and model, if any.
    async fn forecast(&self, sku: &str, model: &str) -> StoreResult<Option<StoredForecast>>;
}

/// Users of the gateway.
#[async_trait]
pub trait UserStore: Send + Sync {
    /// `AlreadyExists` when the username is taken.
    async fn create_user(&self, user: UserRecord) -> StoreResult<UserRecord>;

    /// `NotFound` for an unknown username.
    async fn get_user(&self, username: &str) -> StoreResult<UserRecord>;

    /// Users in username order; the cursor is the last username.
    async fn list_users(&self, page: &PageRequest) -> StoreResult<Page<UserRecord>>;

    /// Changes the patched fields.
    async fn update_user(&self, username: &str, patch: UserPatch) -> StoreResult<UserRecord>;

    /// Number of users (to create the first admin on first start).
    async fn count_users(&self) -> StoreResult<i64>;
}

/// Everything a backend provides.
pub trait Store:
    CatalogStore
    + OrderStore
    + ChangeFeed
    + CheckpointStore
    + SalesStore
    + ForecastStore
    + UserStore
    + 'static
{
}

impl<T> Store for T where
    T: CatalogStore
        + OrderStore
        + ChangeFeed
        + CheckpointStore
        + SalesStore
        + ForecastStore
        + UserStore
        + 'static
{
}
