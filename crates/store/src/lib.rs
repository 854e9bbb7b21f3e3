//! Storage of the Inventory Command Center: one set of traits, two backends.
//!
//! - [`sqlite`]: embedded, zero set-up, the default (`sqlite://data/icc.db`).
//! - [`mongo`]: production, a replica set or Atlas
//!   (`mongodb://host/icc?replicaSet=rs0`, `mongodb+srv://...`).
//!
//! [`open`] picks the backend from the store URL's scheme. The
//! [`conformance`] suite (feature `conformance`) runs the same tests against
//! every backend.

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod model;
pub mod mongo;
mod olap;
pub mod sqlite;
mod traits;
mod users;

use std::sync::Arc;

pub use error::{StoreError, StoreResult};
pub use model::*;
pub use olap::*;
pub use traits::{
    CatalogStore, ChangeFeed, CheckpointStore, ForecastStore, OrderStore, SalesStore, Store,
    UserStore,
};
pub use users::*;

/// The store URL used when none is configured.
pub const DEFAULT_STORE_URL: &str = "sqlite://data/icc.db";

/// Opens the store a URL names: `sqlite://PATH` (relative to the working
/// directory; `sqlite:///abs/path` for absolute) or `sqlite::memory:`; or
/// `mongodb://...` / `mongodb+srv://...` (see [`mongo::MongoConfig`]).
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return Ok(Arc::new(sqlite::SqliteStore::open(path).await?));
    }
    if url.starts_with("mongodb://") || url.starts_with("mongodb+srv://") {
        return Ok(Arc::new(mongo::MongoStore::open(url).await?));
    }
    Err(StoreError::InvalidArgument(format!(
        "unsupported store URL {url:?}: expected sqlite://PATH or mongodb://..."
    )))
}
