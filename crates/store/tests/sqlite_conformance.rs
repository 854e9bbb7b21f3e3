//! The conformance suite on the embedded SQLite backend: each test opens a
//! fresh database file (WAL mode) in its own temporary directory.

use std::sync::Arc;

use icc_store::conformance::ConformanceStore;
use icc_store::sqlite::SqliteStore;

/// A fresh store in a new temporary directory, which outlives it.
async fn fresh_sqlite_store() -> Option<ConformanceStore> {
    let dir = tempfile::TempDir::new().expect("create a temporary directory");
    let path = dir.path().join("icc.db");
    let path = path.to_str().expect("the temporary path is UTF-8");
    let store = SqliteStore::open(path)
        .await
        .expect("open the SQLite store");
    Some(ConformanceStore::with_guard(Arc::new(store), dir))
}

icc_store::conformance_suite!(fresh_sqlite_store);
