//! The MongoDB backend (production: a replica set or Atlas, which
//! transactions and change streams need), with the official driver.
//!
//! - Every OLTP write (product create/update/archive, stock adjustment,
//!   order placement and cancel) is one multi-document transaction
//!   (snapshot reads, majority commit) with the driver's retry rules
//!   (`txn`). Stock is taken with a conditional update (`on_hand >= qty`),
//!   so it never goes negative.
//! - The change feed is the `change_feed` outbox, written in the same
//!   transaction, with a gap-free `seq` from a counter document that
//!   serialises writers (`feed`). A change stream on it wakes waiters in
//!   every process (`watcher`).
//! - Facts are recomputed from the immutable sales-event log by an
//!   aggregation pipeline in the transaction that inserts the events
//!   (`sales`).
//! - Driver errors become `StoreError` in `errors`, and nowhere else.
//!
//! The URL and its databases: see [`MongoConfig`].

mod catalog;
mod config;
mod docs;
mod errors;
mod feed;
mod filters;
mod orders;
mod read;
mod sales;
mod schema;
mod txn;
mod users;
mod watcher;

#[cfg(test)]
mod tests;

use std::time::Duration;

use async_trait::async_trait;
use chrono::NaiveDate;
use mongodb::bson::{Document, doc};
use mongodb::options::{Acknowledgment, ClientOptions, ReadConcern, WriteConcern};
use mongodb::{BoxFuture, Client, ClientSession};
use tokio::sync::watch;

pub use config::{MongoConfig, with_database};

use crate::model::{checks, *};
use crate::olap::*;
use crate::traits::{
    CatalogStore, ChangeFeed, CheckpointStore, ForecastStore, OrderStore, SalesStore, UserStore,
};
use crate::users::{UserPatch, UserRecord};
use crate::{StoreError, StoreResult};
use errors::store_error;
use feed::Written;
use schema::Db;
use watcher::Watcher;

/// The MongoDB store: a client, typed collections and the feed watcher.
pub struct MongoStore {
    client: Client,
    db: Db,
    config: MongoConfig,
    /// Feed head: raised by this handle's commits and by the change stream.
    head: watch::Sender<i64>,
    _watcher: Watcher,
}

impl MongoStore {
    /// Connects to the deployment a `mongodb://` or `mongodb+srv://` URL
    /// names, checks that it supports transactions, creates the collections,
    /// indexes and counters that are missing, and starts the feed watcher.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let config = MongoConfig::parse(url)?;
        let mut options = ClientOptions::parse(config.connection_string.as_str())
            .await
            .map_err(store_error)?;
        apply_defaults(&mut options);
        let client = Client::with_options(options).map_err(store_error)?;
        check_deployment(&hello(&client).await?)?;
        let db = Db::new(&client, &config);
        db.ensure().await?;
        let head = watch::Sender::new(feed::head_seq(&db, None).await.map_err(store_error)?);
        let watcher = Watcher::spawn(db.clone(), head.clone());
        tracing::info!(
            oltp = %config.oltp_database,
            olap = %config.olap_database,
            "opened the MongoDB store"
        );
        Ok(MongoStore {
            client,
            db,
            config,
            head,
            _watcher: watcher,
        })
    }

    /// The databases this store uses.
    pub fn config(&self) -> &MongoConfig {
        &self.config
    }

    /// Runs an OLTP transaction and publishes the seq it appended.
    async fn write<C, R, F>(&self, ctx: C, body: F) -> StoreResult<R>
    where
        C: Send,
        R: Send,
        F: for<'b> FnMut(
                &'b mut ClientSession,
                &'b mut C,
            ) -> BoxFuture<'b, mongodb::error::Result<Written<R>>>
            + Send,
    {
        let written = txn::run(&self.client, ctx, body).await?;
        if let Some(seq) = written.seq {
            watcher::publish(&self.head, seq);
        }
        Ok(written.value)
    }
}

/// Settings the URL leaves open: majority writes and reads, so that what
/// is acknowledged or read survives a failover, and an application name in
/// the server's logs.
pub fn apply_defaults(options: &mut ClientOptions) {
    options.app_name.get_or_insert_with(|| "icc-store".into());
    // `journal` or `wtimeoutMS` alone also make a write concern (without
    // `w`): only an explicit `w` overrides majority.
    let write_concern = options
        .write_concern
        .get_or_insert_with(WriteConcern::majority);
    if write_concern.w.is_none() {
        write_concern.w = Some(Acknowledgment::Majority);
    }
    options
        .read_concern
        .get_or_insert_with(ReadConcern::majority);
}

/// The server's `hello` (or, before 4.4.2, `isMaster`) answer.
async fn hello(client: &Client) -> StoreResult<Document> {
    let admin = client.database("admin");
    match admin.run_command(doc! { "hello": 1 }).await {
        Ok(answer) => Ok(answer),
        Err(e) if errors::is_command_not_found(&e) => admin
            .run_command(doc! { "isMaster": 1 })
            .await
            .map_err(store_error),
        Err(e) => Err(store_error(e)),
    }
}

/// Refuses a standalone server: transactions and change streams need a
/// replica set member or a mongos.
pub fn check_deployment(hello: &Document) -> StoreResult<()> {
    let replica_set = hello.get_str("setName").is_ok();
    let mongos = hello.get_str("msg") == Ok("isdbgrid");
    if replica_set || mongos {
        return Ok(());
    }
    Err(StoreError::FailedPrecondition(
        "the MongoDB server is a standalone: the store needs a replica set or Atlas \
         (transactions and change streams); start mongod with --replSet and run rs.initiate()"
            .into(),
    ))
}

#[async_trait]
impl CatalogStore for MongoStore {
    async fn create_product(&self, product: NewProduct) -> StoreResult<Product> {
        checks::new_product(&product)?;
        self.write((&self.db, &product), |s, (db, p)| {
            Box::pin(catalog::create_product(s, db, p))
        })
        .await
    }

    async fn get_product(&self, sku: &str) -> StoreResult<Product> {
        catalog::get_product(&self.db, sku).await
    }

    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Product>> {
        catalog::list_products(&self.db, filter, page).await
    }

    async fn update_product(&self, sku: &str, patch: ProductPatch) -> StoreResult<Product> {
        checks::patch(&patch)?;
        self.write((&self.db, sku, &patch), |s, (db, sku, patch)| {
            Box::pin(catalog::update_product(s, db, sku, patch))
        })
        .await
    }

    async fn archive_product(&self, sku: &str) -> StoreResult<Product> {
        self.write((&self.db, sku), |s, (db, sku)| {
            Box::pin(catalog::archive_product(s, db, sku))
        })
        .await
    }

    async fn adjust_stock(
        &self,
        adjustment: StockAdjustment,
    ) -> StoreResult<(Product, StockMovement)> {
        checks::adjustment(&adjustment)?;
        self.write((&self.db, &adjustment), |s, (db, a)| {
            Box::pin(catalog::adjust_stock(s, db, a))
        })
        .await
    }

    async fn list_movements(
        &self,
        sku: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<StockMovement>> {
        catalog::list_movements(&self.db, sku, page).await
    }
}

#[async_trait]
impl OrderStore for MongoStore {
    async fn place_order(&self, order: NewOrder) -> StoreResult<Placed> {
        checks::new_order(&order)?;
        self.write((&self.db, &order), |s, (db, o)| {
            Box::pin(orders::place_order(s, db, o))
        })
        .await
    }

    async fn get_order(&self, id: &str) -> StoreResult<Order> {
        orders::get_order(&self.db, id).await
    }

    async fn list_orders(
        &self,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Order>> {
        orders::list_orders(&self.db, filter, page).await
    }

    async fn cancel_order(&self, id: &str, reason: &str) -> StoreResult<Cancelled> {
        self.write((&self.db, id, reason), |s, (db, id, reason)| {
            Box::pin(orders::cancel_order(s, db, id, reason))
        })
        .await
    }
}

#[async_trait]
impl ChangeFeed for MongoStore {
    async fn head_seq(&self) -> StoreResult<i64> {
        feed::head_seq(&self.db, None).await.map_err(store_error)
    }

    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeEvent>> {
        feed::changes_after(&self.db, after, limit).await
    }

    async fn inventory_snapshot(&self) -> StoreResult<InventorySnapshot> {
        // A read-only transaction: the head and the levels come from one
        // snapshot.
        txn::run(&self.client, &self.db, |s, db| {
            Box::pin(feed::inventory_snapshot(s, db))
        })
        .await
    }

    async fn wait_for_changes(&self, after: i64, timeout: Duration) {
        let mut head = self.head.subscribe();
        let _ = tokio::time::timeout(timeout, head.wait_for(|h| *h > after)).await;
    }
}

#[async_trait]
impl CheckpointStore for MongoStore {
    async fn checkpoint(&self, consumer: &str) -> StoreResult<Option<i64>> {
        feed::checkpoint(&self.db, consumer).await
    }

    async fn set_checkpoint(&self, consumer: &str, seq: i64) -> StoreResult<()> {
        feed::set_checkpoint(&self.db, consumer, seq).await
    }
}

#[async_trait]
impl SalesStore for MongoStore {
    async fn apply_sales_events(&self, events: Vec<SalesEvent>) -> StoreResult<AppliedEvents> {
        txn::run(&self.client, (&self.db, &events), |s, (db, events)| {
            Box::pin(sales::apply_sales_events(s, db, events))
        })
        .await
    }

    async fn sales_events(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SalesEvent>> {
        sales::check_range(from, to)?;
        sales::sales_events(&self.db, sku, from, to).await
    }

    async fn daily_sales(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DailySales>> {
        sales::check_range(from, to)?;
        sales::daily_sales(&self.db, sku, from, to).await
    }

    async fn sales_skus(&self) -> StoreResult<Vec<String>> {
        sales::sales_skus(&self.db).await
    }

    async fn rebuild_daily_sales(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<RebuildReport> {
        sales::check_range(from, to)?;
        let skus = match sku {
            Some(sku) => vec![sku.to_owned()],
            None => sales::rebuild_skus(&self.db, from, to).await?,
        };
        // One transaction per SKU: a SKU's facts depend only on its own
        // events, and small transactions stay clear of the server's
        // transaction time limit however large the log grows.
        let mut report = RebuildReport::default();
        for sku in &skus {
            let one = txn::run(&self.client, (&self.db, sku), |s, (db, sku)| {
                Box::pin(sales::rebuild_sku(s, db, sku, from, to))
            })
            .await?;
            report.rebuilt += one.rebuilt;
            report.changed += one.changed;
        }
        Ok(report)
    }

    async fn put_features(
        &self,
        sku: &str,
        rows: Vec<FeatureValues>,
        watermark: DataWatermark,
    ) -> StoreResult<()> {
        txn::run(
            &self.client,
            (&self.db, sku, &rows),
            |s, (db, sku, rows)| Box::pin(sales::put_features(s, db, sku, rows, watermark)),
        )
        .await
    }

    async fn features(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(Vec<FeatureValues>, Option<DataWatermark>)> {
        sales::check_range(from, to)?;
        sales::features(&self.db, sku, from, to).await
    }

    async fn olap_counts(&self) -> StoreResult<OlapCounts> {
        sales::olap_counts(&self.db).await
    }
}

#[async_trait]
impl ForecastStore for MongoStore {
    async fn put_forecast(&self, forecast: StoredForecast) -> StoreResult<()> {
        sales::put_forecast(&self.db, &forecast).await
    }

    async fn forecast(&self, sku: &str, model: &str) -> StoreResult<Option<StoredForecast>> {
        sales::forecast(&self.db, sku, model).await
    }
}

#[async_trait]
impl UserStore for MongoStore {
    async fn create_user(&self, user: UserRecord) -> StoreResult<UserRecord> {
        users::create_user(&self.db, &user).await
    }

    async fn get_user(&self, username: &str) -> StoreResult<UserRecord> {
        users::get_user(&self.db, username).await
    }

    async fn list_users(&self, page: &PageRequest) -> StoreResult<Page<UserRecord>> {
        users::list_users(&self.db, page).await
    }

    async fn update_user(&self, username: &str, patch: UserPatch) -> StoreResult<UserRecord> {
        users::update_user(&self.db, username, &patch).await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        users::count_users(&self.db).await
    }
}
