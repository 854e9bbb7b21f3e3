//! The embedded SQLite backend: one database file shared by every service
//! process (WAL mode), a group-committing writer thread per process, and a
//! pool of reader connections.
//!
//! The change feed is the `change_feed` outbox table, written in the same
//! transaction as the change it records; its `seq` is the resume token.

mod catalog;
mod feed;
mod orders;
mod rows;
mod sales;
mod schema;
mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::watch;

use crate::model::{checks, *};
use crate::olap::*;
use crate::traits::{
    CatalogStore, ChangeFeed, CheckpointStore, ForecastStore, OrderStore, SalesStore, UserStore,
};
use crate::users::{UserPatch, UserRecord};
use crate::{StoreError, StoreResult};
use chrono::NaiveDate;
use writer::Writer;

/// How often a waiter looks for commits made by other processes.
const CROSS_PROCESS_POLL: Duration = Duration::from_millis(10);

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// How often it retries meanwhile.
const BUSY_RETRY: Duration = Duration::from_millis(1);

/// SQLite's busy handler: retry every millisecond for up to BUSY_TIMEOUT.
/// (The built-in `busy_timeout` backs off to 100 ms sleeps, which turns a
/// few milliseconds of contention between processes into long tails.)
fn wait_for_lock(attempt: i32) -> bool {
    std::thread::sleep(BUSY_RETRY);
    u128::try_from(attempt).unwrap_or(0) * BUSY_RETRY.as_millis() < BUSY_TIMEOUT.as_millis()
}

/// The embedded store.
pub struct SqliteStore {
    writer: Writer,
    readers: Readers,
    /// Feed head after this process's last commit.
    head: watch::Sender<i64>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`, creating its
    /// parent directory and applying migrations.
    pub async fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        tokio::task::spawn_blocking(move || Self::open_blocking(path))
            .await
            .map_err(|e| StoreError::Internal(format!("open task failed: {e}")))?
    }

    fn open_blocking(path: PathBuf) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let mut conn = connect(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        // WAL lets readers in every process run beside the one writer;
        // synchronous=FULL makes each commit durable before it is answered.
        use_wal(&conn)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql_error)?;
        schema::migrate(&mut conn)?;
        let head = watch::Sender::new(feed::head_seq(&conn)?);
        let writer = Writer::start(conn, head.clone())?;
        Ok(SqliteStore {
            writer,
            readers: Readers {
                path,
                idle: Mutex::new(Vec::new()),
            },
            head,
        })
    }

    /// Runs a read on a pooled connection off the async runtime.
    async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let conn = self.readers.take()?;
        let (conn, result) = tokio::task::spawn_blocking(move || {
            let result = work(&conn);
            (conn, result)
        })
        .await
        .map_err(|e| StoreError::Internal(format!("read task failed: {e}")))?;
        self.readers.put(conn);
        result
    }
}

fn connect(path: &Path, flags: OpenFlags) -> StoreResult<Connection> {
    let mut conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))?;
    conn.busy_handler(Some(wait_for_lock)).map_err(sql_error)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sql_error)?;
    Ok(conn)
}

/// Switches the file to WAL mode. The switch needs the file to itself, and
/// SQLite answers BUSY at once, without calling the busy handler, while
/// another process opening the same fresh file holds it; so it is retried
/// here, as patiently as any other lock.
fn use_wal(conn: &Connection) -> StoreResult<()> {
    use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
    let mut attempt = 0;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Ok(()) => return Ok(()),
            Err(e)
                if matches!(e.sqlite_error_code(), Some(DatabaseBusy | DatabaseLocked))
                    && wait_for_lock(attempt) =>
            {
                attempt += 1;
            }
            Err(e) => return Err(sql_error(e)),
        }
    }
}

/// Reader connections, opened on demand and kept for reuse.
struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    fn take(&self) -> StoreResult<Connection> {
        let pooled = self
            .idle
            .lock()
            .map_err(|_| StoreError::Internal("reader pool poisoned".into()))?
            .pop();
        match pooled {
            Some(conn) => Ok(conn),
            None => connect(&self.path, OpenFlags::SQLITE_OPEN_READ_ONLY),
        }
    }

    fn put(&self, conn: Connection) {
        if let Ok(mut idle) = self.idle.lock() {
            idle.push(conn);
        }
    }
}

/// Translates a driver error at the backend's edge. A full disk or a
/// failing device is the machine's state, not a bug: the caller may retry
/// once an operator has made room, so it is `Unavailable`, not `Internal`.
pub(crate) fn sql_error(e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(
            ErrorCode::DatabaseBusy
            | ErrorCode::DatabaseLocked
            | ErrorCode::DiskFull
            | ErrorCode::SystemIoFailure
            | ErrorCode::CannotOpen,
        ) => StoreError::Unavailable(e.to_string()),
        Some(ErrorCode::ConstraintViolation) => StoreError::AlreadyExists(e.to_string()),
        _ => StoreError::Internal(e.to_string()),
    }
}

/// Now, truncated to the microseconds the schema stores.
pub(crate) fn now() -> DateTime<Utc> {
    micros_to_time(Utc::now().timestamp_micros())
}

pub(crate) fn micros_to_time(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

#[async_trait]
impl CatalogStore for SqliteStore {
    async fn create_product(&self, product: NewProduct) -> StoreResult<Product> {
        checks::new_product(&product)?;
        self.writer
            .write(move |c| catalog::create_product(c, &product))
            .await
    }

    async fn get_product(&self, sku: &str) -> StoreResult<Product> {
        let sku = sku.to_owned();
        self.read(move |c| catalog::get_product(c, &sku)).await
    }

    async fn list_products(
        &self,
        filter: &ProductFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Product>> {
        let (filter, page) = (filter.clone(), page.clone());
        self.read(move |c| catalog::list_products(c, &filter, &page))
            .await
    }

    async fn update_product(&self, sku: &str, patch: ProductPatch) -> StoreResult<Product> {
        checks::patch(&patch)?;
        let sku = sku.to_owned();
        self.writer
            .write(move |c| catalog::update_product(c, &sku, &patch))
            .await
    }

    async fn archive_product(&self, sku: &str) -> StoreResult<Product> {
        let sku = sku.to_owned();
        self.writer
            .write(move |c| catalog::archive_product(c, &sku))
            .await
    }

    async fn adjust_stock(
        &self,
        adjustment: StockAdjustment,
    ) -> StoreResult<(Product, StockMovement)> {
        checks::adjustment(&adjustment)?;
        self.writer
            .write(move |c| catalog::adjust_stock(c, &adjustment))
            .await
    }

    async fn list_movements(
        &self,
        sku: &str,
        page: &PageRequest,
    ) -> StoreResult<Page<StockMovement>> {
        let (sku, page) = (sku.to_owned(), page.clone());
        self.read(move |c| catalog::list_movements(c, &sku, &page))
            .await
    }
}

#[async_trait]
impl OrderStore for SqliteStore {
    async fn place_order(&self, order: NewOrder) -> StoreResult<Placed> {
        checks::new_order(&order)?;
        self.writer
            .write(move |c| orders::place_order(c, &order))
            .await
    }

    async fn get_order(&self, id: &str) -> StoreResult<Order> {
        let id = id.to_owned();
        self.read(move |c| orders::get_order(c, &id)).await
    }

    async fn list_orders(
        &self,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<Order>> {
        let (filter, page) = (filter.clone(), page.clone());
        self.read(move |c| orders::list_orders(c, &filter, &page))
            .await
    }

    async fn cancel_order(&self, id: &str, reason: &str) -> StoreResult<Cancelled> {
        let (id, reason) = (id.to_owned(), reason.to_owned());
        self.writer
            .write(move |c| orders::cancel_order(c, &id, &reason))
            .await
    }
}

#[async_trait]
impl ChangeFeed for SqliteStore {
    async fn head_seq(&self) -> StoreResult<i64> {
        self.read(feed::head_seq).await
    }

    async fn changes_after(&self, after: i64, limit: usize) -> StoreResult<Vec<ChangeEvent>> {
        self.read(move |c| feed::changes_after(c, after, limit))
            .await
    }

    async fn inventory_snapshot(&self) -> StoreResult<InventorySnapshot> {
        self.read(feed::inventory_snapshot).await
    }

    async fn wait_for_changes(&self, after: i64, timeout: Duration) {
        // This process's commits wake the waiter at once; other processes'
        // are seen by reading the head every CROSS_PROCESS_POLL (a max of
        // the rowid: microseconds).
        let mut head = self.head.subscribe();
        let local = head.wait_for(|h| *h > after);
        let other = async {
            loop {
                tokio::time::sleep(CROSS_PROCESS_POLL).await;
                if self.read(feed::head_seq).await.is_ok_and(|h| h > after) {
                    return;
                }
            }
        };
        let _ = tokio::time::timeout(timeout, async {
            tokio::select! {
                _ = local => {}
                () = other => {}
            }
        })
        .await;
    }
}

#[async_trait]
impl CheckpointStore for SqliteStore {
    async fn checkpoint(&self, consumer: &str) -> StoreResult<Option<i64>> {
        let consumer = consumer.to_owned();
        self.read(move |c| feed::checkpoint(c, &consumer)).await
    }

    async fn set_checkpoint(&self, consumer: &str, seq: i64) -> StoreResult<()> {
        let consumer = consumer.to_owned();
        self.writer
            .write(move |c| feed::set_checkpoint(c, &consumer, seq))
            .await
    }
}

#[async_trait]
impl SalesStore for SqliteStore {
    async fn apply_sales_events(&self, events: Vec<SalesEvent>) -> StoreResult<AppliedEvents> {
        self.writer
            .write(move |c| sales::apply_sales_events(c, &events))
            .await
    }

    async fn sales_events(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<SalesEvent>> {
        sales::check_range(from, to)?;
        let sku = sku.map(str::to_owned);
        self.read(move |c| sales::sales_events(c, sku.as_deref(), from, to))
            .await
    }

    async fn daily_sales(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<DailySales>> {
        sales::check_range(from, to)?;
        let sku = sku.to_owned();
        self.read(move |c| sales::daily_sales(c, &sku, from, to))
            .await
    }

    async fn sales_skus(&self) -> StoreResult<Vec<String>> {
        self.read(sales::sales_skus).await
    }

    async fn rebuild_daily_sales(
        &self,
        sku: Option<&str>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<RebuildReport> {
        sales::check_range(from, to)?;
        let sku = sku.map(str::to_owned);
        self.writer
            .write(move |c| sales::rebuild_daily_sales(c, sku.as_deref(), from, to))
            .await
    }

    async fn put_features(
        &self,
        sku: &str,
        rows: Vec<FeatureValues>,
        watermark: DataWatermark,
    ) -> StoreResult<()> {
        let sku = sku.to_owned();
        self.writer
            .write(move |c| sales::put_features(c, &sku, &rows, watermark))
            .await
    }

    async fn features(
        &self,
        sku: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<(Vec<FeatureValues>, Option<DataWatermark>)> {
        sales::check_range(from, to)?;
        let sku = sku.to_owned();
        self.read(move |c| sales::features(c, &sku, from, to)).await
    }

    async fn olap_counts(&self) -> StoreResult<OlapCounts> {
        self.read(sales::olap_counts).await
    }
}

#[async_trait]
impl ForecastStore for SqliteStore {
    async fn put_forecast(&self, forecast: StoredForecast) -> StoreResult<()> {
        self.writer
            .write(move |c| sales::put_forecast(c, &forecast))
            .await
    }

    async fn forecast(&self, sku: &str, model: &str) -> StoreResult<Option<StoredForecast>> {
        let (sku, model) = (sku.to_owned(), model.to_owned());
        self.read(move |c| sales::forecast(c, &sku, &model)).await
    }
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn create_user(&self, user: UserRecord) -> StoreResult<UserRecord> {
        self.writer
            .write(move |c| users::create_user(c, &user))
            .await
    }

    async fn get_user(&self, username: &str) -> StoreResult<UserRecord> {
        let username = username.to_owned();
        self.read(move |c| users::get_user(c, &username)).await
    }

    async fn list_users(&self, page: &PageRequest) -> StoreResult<Page<UserRecord>> {
        let page = page.clone();
        self.read(move |c| users::list_users(c, &page)).await
    }

    async fn update_user(&self, username: &str, patch: UserPatch) -> StoreResult<UserRecord> {
        let username = username.to_owned();
        self.writer
            .write(move |c| users::update_user(c, &username, &patch))
            .await
    }

    async fn count_users(&self) -> StoreResult<i64> {
        self.read(users::count_users).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)
    }

    /// Services started together open the same fresh file at once; before
    /// the WAL switch was retried, about one start in ten failed with
    /// "database is locked" (seen in ingest-svc's pipeline tests).
    #[test]
    fn many_handles_open_one_fresh_file_at_once() {
        for round in 0..30 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("icc.db");
            let opened: Vec<StoreResult<SqliteStore>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..6)
                    .map(|_| scope.spawn(|| SqliteStore::open_blocking(path.clone())))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for result in opened {
                assert!(result.is_ok(), "round {round}: {:?}", result.err());
            }
        }
    }

    #[test]
    fn machine_trouble_is_unavailable_and_constraints_already_exist() {
        use rusqlite::ffi;
        for code in [
            ffi::SQLITE_BUSY,
            ffi::SQLITE_LOCKED,
            ffi::SQLITE_FULL,
            ffi::SQLITE_IOERR,
            ffi::SQLITE_CANTOPEN,
        ] {
            let err = sql_error(failure(code));
            assert!(
                matches!(err, StoreError::Unavailable(_)),
                "code {code}: {err:?}"
            );
        }
        assert!(matches!(
            sql_error(failure(ffi::SQLITE_CONSTRAINT)),
            StoreError::AlreadyExists(_)
        ));
        assert!(matches!(
            sql_error(failure(ffi::SQLITE_CORRUPT)),
            StoreError::Internal(_)
        ));
    }
}
