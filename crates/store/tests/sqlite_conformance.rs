//! The conformance suite on the embedded SQLite backend: each test opens a
//! fresh database file (WAL mode) in its own temporary directory. The
//! multi-handle cases reopen the same file, as a second process would.

use std::sync::Arc;

use icc_store::Store;
use icc_store::conformance::ConformanceStore;
use icc_store::sqlite::SqliteStore;

/// A fresh store in a new temporary directory, which outlives it.
async fn fresh_sqlite_store() -> Option<ConformanceStore> {
    let dir = tempfile::TempDir::new().expect("create a temporary directory");
    let path = dir.path().join("icc.db");
    let store = SqliteStore::open(&path)
        .await
        .expect("open the SQLite store");
    let reopen = move || {
        let path = path.clone();
        async move { Ok(Arc::new(SqliteStore::open(path).await?) as Arc<dyn Store>) }
    };
    Some(ConformanceStore::with_guard(Arc::new(store), dir).with_reopen(reopen))
}

icc_store::conformance_suite!(fresh_sqlite_store);
