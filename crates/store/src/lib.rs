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

/// `url` fit for a log line: a password in it (`mongodb://user:PASSWORD@host`)
/// and its query (which may hold credentials too) are replaced by `***`.
pub fn redacted_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, _)) => (base, "?***"),
        None => (url, ""),
    };
    let Some((scheme, rest)) = base.split_once("://") else {
        return format!("{base}{query}");
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
            format!("{user}:***@{host}")
        }
        None => authority.to_owned(),
    };
    let slash = if rest.contains('/') { "/" } else { "" };
    format!("{scheme}://{authority}{slash}{path}{query}")
}

/// Opens the store a URL names: `sqlite://PATH` (relative to the working
/// directory; `sqlite:///abs/path` for absolute), or `mongodb://...` /
/// `mongodb+srv://...` (see [`mongo::MongoConfig`]).
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite://") {
        return Ok(Arc::new(
            sqlite::SqliteStore::open(sqlite_path(path)?).await?,
        ));
    }
    if url.starts_with("mongodb://") || url.starts_with("mongodb+srv://") {
        return Ok(Arc::new(mongo::MongoStore::open(url).await?));
    }
    Err(StoreError::InvalidArgument(format!(
        "unsupported store URL {url:?}: expected sqlite://PATH or mongodb://..."
    )))
}

/// The file of a `sqlite://` URL. SQLite would open an empty name as a
/// private temporary database per connection (so the service's writer and
/// readers would not share one), and this URL takes no `?options`, which
/// would otherwise become part of the file name.
fn sqlite_path(path: &str) -> StoreResult<&str> {
    if path.is_empty() {
        return Err(StoreError::InvalidArgument(
            "sqlite:// needs a file path, e.g. sqlite://data/icc.db".into(),
        ));
    }
    if path.contains('?') {
        return Err(StoreError::InvalidArgument(format!(
            "a sqlite:// URL takes no ?options: {}",
            redacted_url(&format!("sqlite://{path}"))
        )));
    }
    Ok(path)
}

#[cfg(test)]
mod url_tests {
    use super::{redacted_url, sqlite_path};

    #[test]
    fn sqlite_urls_need_a_plain_file_path() {
        assert_eq!(sqlite_path("data/icc.db").unwrap(), "data/icc.db");
        assert_eq!(sqlite_path("/tmp/x.db").unwrap(), "/tmp/x.db");
        let empty = sqlite_path("").unwrap_err().to_string();
        assert!(empty.contains("needs a file path"), "{empty}");
        let query = sqlite_path("x.db?mode=ro").unwrap_err().to_string();
        assert!(query.contains("no ?options"), "{query}");
    }

    #[test]
    fn passwords_and_queries_are_hidden_in_logged_urls() {
        let cases = [
            ("sqlite://data/icc.db", "sqlite://data/icc.db"),
            ("sqlite:///tmp/x.db?token=S3cret", "sqlite:///tmp/x.db?***"),
            (
                "mongodb+srv://app:S3cret@cluster0.example.net/icc?retryWrites=true",
                "mongodb+srv://app:***@cluster0.example.net/icc?***",
            ),
            (
                "mongodb://app:p@ss:w0rd@h1:27017,h2/icc",
                "mongodb://app:***@h1:27017,h2/icc",
            ),
            ("mongodb://localhost:27017", "mongodb://localhost:27017"),
            ("sqlite::memory:", "sqlite::memory:"),
        ];
        for (url, shown) in cases {
            assert_eq!(redacted_url(url), shown, "{url}");
        }
    }
}
