//! Collections and indexes, created at open (idempotently: several
//! processes may open a fresh database at once).

use mongodb::bson::{Document, doc};
use mongodb::options::IndexOptions;
use mongodb::{Client, Collection, Database, IndexModel};

use super::config::MongoConfig;
use super::docs::*;
use super::errors::store_error;
use crate::StoreResult;

/// Server error code of creating a collection that exists.
const NAMESPACE_EXISTS: i32 = 48;

/// The one counters document: the feed's last seq and the ledger's last
/// movement id, both taken in the transaction that uses them.
pub const OLTP_COUNTER: &str = "oltp";

/// Which database a collection lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Oltp,
    Olap,
}

/// Every collection: its side and name.
pub const COLLECTIONS: &[(Side, &str)] = &[
    (Side::Oltp, "products"),
    (Side::Oltp, "orders"),
    (Side::Oltp, "stock_movements"),
    (Side::Oltp, "users"),
    (Side::Oltp, "counters"),
    (Side::Oltp, "change_feed"),
    (Side::Olap, "sales_events"),
    (Side::Olap, "daily_sales"),
    (Side::Olap, "features"),
    (Side::Olap, "feature_watermarks"),
    (Side::Olap, "forecasts"),
    (Side::Olap, "checkpoints"),
];

/// One secondary index (every collection also has its unique `_id`, which
/// holds the natural key where there is one: SKU, order id, username, event
/// id, feed seq, consumer).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexSpec {
    pub collection: &'static str,
    pub name: &'static str,
    pub keys: Document,
    pub unique: bool,
    /// Leaves out documents without the key (optional idempotency keys).
    pub sparse: bool,
}

/// The secondary indexes the queries need.
pub fn index_specs() -> Vec<IndexSpec> {
    let spec = |collection, name, keys, unique, sparse| IndexSpec {
        collection,
        name,
        keys,
        unique,
        sparse,
    };
    vec![
        // Category listings in SKU order.
        spec(
            "products",
            "category_sku",
            doc! { "category": 1, "_id": 1 },
            false,
            false,
        ),
        // The same idempotency key returns the same order.
        spec(
            "orders",
            "idempotency_key_unique",
            doc! { "idempotency_key": 1 },
            true,
            false,
        ),
        // Listings by status and by time, newest first.
        spec(
            "orders",
            "status_id",
            doc! { "status": 1, "_id": -1 },
            false,
            false,
        ),
        spec(
            "orders",
            "create_time",
            doc! { "create_time": 1 },
            false,
            false,
        ),
        // A repeated adjustment key returns the first movement.
        spec(
            "stock_movements",
            "idempotency_key_unique",
            doc! { "idempotency_key": 1 },
            true,
            true,
        ),
        // A product's ledger, newest first.
        spec(
            "stock_movements",
            "sku_id",
            doc! { "sku": 1, "_id": -1 },
            false,
            false,
        ),
        // Events of a SKU, or of all SKUs, in (day, id) order.
        spec(
            "sales_events",
            "sku_day_id",
            doc! { "sku": 1, "business_day": 1, "_id": 1 },
            false,
            false,
        ),
        spec(
            "sales_events",
            "day_id",
            doc! { "business_day": 1, "_id": 1 },
            false,
            false,
        ),
        // One fact row and one feature row per (sku, day).
        spec(
            "daily_sales",
            "sku_day_unique",
            doc! { "sku": 1, "day": 1 },
            true,
            false,
        ),
        spec(
            "features",
            "sku_day_unique",
            doc! { "sku": 1, "day": 1 },
            true,
            false,
        ),
        // One stored forecast per (sku, model).
        spec(
            "forecasts",
            "sku_model_unique",
            doc! { "sku": 1, "model": 1 },
            true,
            false,
        ),
    ]
}

impl IndexSpec {
    pub fn model(&self) -> IndexModel {
        let options = IndexOptions::builder()
            .name(self.name.to_owned())
            .unique(self.unique.then_some(true))
            .sparse(self.sparse.then_some(true))
            .build();
        IndexModel::builder()
            .keys(self.keys.clone())
            .options(options)
            .build()
    }
}

/// Typed handles on every collection.
#[derive(Clone)]
pub struct Db {
    pub products: Collection<ProductDoc>,
    pub orders: Collection<OrderDoc>,
    pub movements: Collection<MovementDoc>,
    pub users: Collection<UserDoc>,
    pub counters: Collection<Document>,
    pub feed: Collection<FeedDoc>,
    pub sales_events: Collection<SalesEventDoc>,
    pub daily_sales: Collection<FactDoc>,
    pub features: Collection<FeatureDoc>,
    pub watermarks: Collection<WatermarkDoc>,
    pub forecasts: Collection<ForecastDoc>,
    pub checkpoints: Collection<CheckpointDoc>,
    oltp: Database,
    olap: Database,
}

impl Db {
    pub fn new(client: &Client, config: &MongoConfig) -> Self {
        let oltp = client.database(&config.oltp_database);
        let olap = client.database(&config.olap_database);
        Db {
            products: oltp.collection("products"),
            orders: oltp.collection("orders"),
            movements: oltp.collection("stock_movements"),
            users: oltp.collection("users"),
            counters: oltp.collection("counters"),
            feed: oltp.collection("change_feed"),
            sales_events: olap.collection("sales_events"),
            daily_sales: olap.collection("daily_sales"),
            features: olap.collection("features"),
            watermarks: olap.collection("feature_watermarks"),
            forecasts: olap.collection("forecasts"),
            checkpoints: olap.collection("checkpoints"),
            oltp,
            olap,
        }
    }

    fn database(&self, side: Side) -> &Database {
        match side {
            Side::Oltp => &self.oltp,
            Side::Olap => &self.olap,
        }
    }

    fn side_of(collection: &str) -> Side {
        COLLECTIONS
            .iter()
            .find(|(_, name)| *name == collection)
            .map_or(Side::Oltp, |(side, _)| *side)
    }

    /// Creates what is missing: every collection (transactions cannot
    /// create them on servers before 4.4), every index and the counters
    /// document.
    pub async fn ensure(&self) -> StoreResult<()> {
        for (side, name) in COLLECTIONS {
            match self.database(*side).create_collection(*name).await {
                Ok(()) => tracing::info!(collection = name, "created collection"),
                Err(e) if server_code(&e) == Some(NAMESPACE_EXISTS) => {}
                Err(e) => return Err(store_error(e)),
            }
        }
        for spec in index_specs() {
            self.database(Self::side_of(spec.collection))
                .collection::<Document>(spec.collection)
                .create_index(spec.model())
                .await
                .map_err(store_error)?;
        }
        let seeded = self
            .counters
            .update_one(
                doc! { "_id": OLTP_COUNTER },
                doc! { "$setOnInsert": { "feed_seq": 0_i64, "movement_id": 0_i64 } },
            )
            .upsert(true)
            .await;
        match seeded {
            Ok(_) => Ok(()),
            // Another process seeded it at the same moment.
            Err(e) if super::errors::is_duplicate_key(&e) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }
}

fn server_code(e: &mongodb::error::Error) -> Option<i32> {
    match e.kind.as_ref() {
        mongodb::error::ErrorKind::Command(c) => Some(c.code),
        _ => None,
    }
}
