//! The conformance suite: one set of tests, written against the storage
//! traits, that every backend runs (the pattern of Quickwit's
//! `metastore_test_suite!`).
//!
//! Each case is a `pub async fn` taking a fresh, empty store; it panics with a
//! message naming the broken promise. A backend's integration test
//! instantiates every case with [`conformance_suite!`](crate::conformance_suite)
//! and a factory that opens a fresh store per test:
//!
//! ```text
//! async fn fresh_store() -> Option<icc_store::conformance::ConformanceStore> {
//!     let dir = tempfile::TempDir::new().unwrap();
//!     let path = dir.path().join("icc.db");
//!     let store = icc_store::sqlite::SqliteStore::open(path.to_str().unwrap()).await.unwrap();
//!     Some(icc_store::conformance::ConformanceStore::with_guard(std::sync::Arc::new(store), dir))
//! }
//!
//! icc_store::conformance_suite!(fresh_store);
//! ```
//!
//! The factory returns `None` (after printing why) to skip a test, e.g. when
//! the backend's server is not configured. A factory that also gives
//! [`ConformanceStore::with_reopen`] runs the multi-handle cases (several
//! processes sharing one database); without it they print why and pass. The
//! generated tests use `#[tokio::test]`, so the instantiating crate depends
//! on tokio.

use std::any::Any;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::{Store, StoreResult};

/// Asserts that a store call failed with the given `StoreError` pattern and
/// returns the error; otherwise panics naming the call and what came back.
macro_rules! expect_err {
    ($result:expr, $pattern:pat, $($what:tt)+) => {
        match $result {
            Err(err @ $pattern) => err,
            other => panic!(
                "{}: expected {}, got {:?}",
                format_args!($($what)+),
                stringify!($pattern),
                other
            ),
        }
    };
}

mod catalog;
mod checkpoints;
mod concurrency;
mod facts;
mod features;
mod feed;
mod forecasts;
mod ledger;
mod listing;
mod multi_handle;
mod olap_support;
mod order_queries;
mod orders;
mod sales;
mod stock;
mod support;
mod users;

pub use catalog::*;
pub use checkpoints::*;
pub use concurrency::*;
pub use facts::*;
pub use features::*;
pub use feed::*;
pub use forecasts::*;
pub use ledger::*;
pub use listing::*;
pub use multi_handle::*;
pub use order_queries::*;
pub use orders::*;
pub use sales::*;
pub use stock::*;
pub use users::*;

/// Opens another handle on the same store.
type Reopen = Box<dyn Fn() -> BoxFuture<'static, StoreResult<Arc<dyn Store>>> + Send + Sync>;

/// A fresh store for one conformance test, with whatever must outlive it (a
/// temporary directory, a server handle), and optionally a way to open more
/// handles on the same data, as another process would. Stores are dropped
/// before the guard.
pub struct ConformanceStore {
    store: Arc<dyn Store>,
    reopen: Option<Reopen>,
    _guard: Box<dyn Any + Send>,
}

impl ConformanceStore {
    /// A store that needs nothing kept alive beside it.
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_guard(store, ())
    }

    /// A store that needs `guard` alive until it is dropped.
    pub fn with_guard(store: Arc<dyn Store>, guard: impl Send + 'static) -> Self {
        ConformanceStore {
            store,
            reopen: None,
            _guard: Box::new(guard),
        }
    }

    /// Lets the multi-handle cases open further, independent handles on the
    /// same data (another connection pool, as a second process would have).
    pub fn with_reopen<F, Fut>(mut self, reopen: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = StoreResult<Arc<dyn Store>>> + Send + 'static,
    {
        self.reopen = Some(Box::new(move || Box::pin(reopen())));
        self
    }

    /// A handle on the store, for one test.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    /// Another, independent handle on the same data; `None` when the backend
    /// instantiation gives no way to open one.
    pub async fn reopen(&self) -> Option<Arc<dyn Store>> {
        let reopen = self.reopen.as_ref()?;
        Some(
            reopen()
                .await
                .expect("open another handle on the same store"),
        )
    }
}

impl Deref for ConformanceStore {
    type Target = Arc<dyn Store>;

    fn deref(&self) -> &Self::Target {
        &self.store
    }
}

/// Generates one `#[tokio::test]` per conformance case. `$factory` names an
/// `async fn() -> Option<ConformanceStore>` that opens a fresh, empty store,
/// or returns `None` after printing why the test is skipped.
#[macro_export]
macro_rules! conformance_suite {
    ($factory:path) => {
        $crate::conformance_suite!(@cases $factory;
            // Catalog.
            create_product_records_initial_movement,
            create_product_without_stock_records_zero_initial_movement,
            create_product_rejects_duplicate_sku,
            get_product_of_unknown_sku_is_not_found,
            list_products_pages_in_sku_order_without_gaps,
            list_products_pages_filtered_results,
            list_products_query_matches_sku_or_name_case_insensitively,
            list_products_query_is_literal_text,
            list_products_filters_by_category,
            list_products_low_stock_only,
            list_products_excludes_archived_unless_asked,
            update_product_changes_only_patched_fields,
            update_product_of_unknown_sku_is_not_found,
            archive_product_is_idempotent,
            archive_product_of_unknown_sku_is_not_found,
            archived_product_cannot_be_ordered,
            // Stock adjustments and the ledger.
            restock_adds_units,
            cycle_count_sets_on_hand_and_records_the_difference,
            cycle_count_to_the_same_value_records_a_zero_movement,
            damage_removes_units,
            damage_beyond_on_hand_is_insufficient_stock,
            adjust_stock_of_unknown_sku_is_not_found,
            adjust_stock_replay_returns_first_movement,
            adjust_stock_key_reuse_with_different_adjustment_is_already_exists,
            list_movements_pages_newest_first,
            list_movements_rejects_malformed_cursor,
            // Orders.
            place_order_snapshots_price_and_name_per_line,
            place_order_is_all_or_nothing,
            place_order_with_unknown_sku_is_not_found,
            place_order_whose_total_overflows_is_invalid,
            place_order_with_duplicate_sku_lines_never_oversells,
            place_order_replay_returns_same_order,
            place_order_key_reuse_with_different_request_is_already_exists,
            place_order_replay_after_cancel_returns_cancelled_order,
            get_order_of_unknown_id_is_not_found,
            list_orders_pages_newest_first,
            list_orders_filters_by_status,
            list_orders_filters_by_time,
            cancel_order_restores_stock_once,
            cancel_order_of_unknown_id_is_not_found,
            // Invariants.
            on_hand_equals_sum_of_movements_after_mixed_workload,
            invalid_quantities_are_rejected_without_effect,
            concurrent_orders_never_oversell,
            concurrent_replays_of_one_key_place_one_order,
            concurrent_cancels_restore_stock_once,
            concurrent_adjustment_replays_move_stock_once,
            // Change feed.
            empty_store_has_empty_feed,
            every_change_appends_one_event_in_commit_order,
            failed_and_idempotent_operations_append_nothing,
            changes_after_pages_with_limit,
            inventory_snapshot_matches_products_at_head,
            inventory_snapshot_is_atomic_under_concurrent_orders,
            wait_for_changes_wakes_on_commit,
            wait_for_changes_returns_at_once_when_behind,
            wait_for_changes_times_out_when_idle,
            // Checkpoints.
            checkpoint_is_none_until_set,
            set_checkpoint_overwrites,
            checkpoints_are_independent_per_consumer,
            // Sales events (invariant 3).
            sales_events_replay_stores_each_id_once,
            sales_event_with_stored_id_never_overwrites,
            sales_events_filter_by_sku_and_day_in_day_id_order,
            sales_skus_lists_every_sku_with_events_in_order,
            olap_counts_count_stored_rows,
            analytics_writes_append_nothing_to_the_feed,
            concurrent_replays_store_each_event_once,
            // Daily facts (invariant 4).
            daily_sales_equal_the_aggregate_of_events,
            replaying_every_batch_leaves_daily_sales_unchanged,
            daily_sales_do_not_depend_on_arrival_order,
            rebuild_daily_sales_reproduces_the_stored_rows,
            rebuild_daily_sales_of_an_empty_store_is_empty,
            empty_day_ranges_are_invalid_argument,
            applied_events_report_touched_days_sorted,
            // Features.
            features_round_trip_in_day_order_within_range,
            put_features_replaces_rows_of_the_same_days_and_the_watermark,
            features_of_unknown_sku_are_empty_without_watermark,
            features_are_per_sku,
            // Forecasts.
            put_forecast_then_get_round_trips_exactly,
            put_forecast_replaces_the_same_sku_and_model,
            forecasts_are_independent_per_sku_and_model,
            forecast_of_unknown_sku_or_model_is_none,
            // Users.
            create_user_then_get_returns_it,
            create_user_with_taken_username_is_already_exists,
            unknown_user_is_not_found,
            list_users_pages_in_username_order,
            update_user_changes_only_patched_fields,
            count_users_counts_created_users,
        );
        // Several handles on one store, as several processes would have.
        $crate::conformance_suite!(@handle_cases $factory;
            two_handles_never_oversell,
            wait_for_changes_sees_other_handles_within_timeout,
            sales_events_are_shared_between_handles,
        );
    };
    (@cases $factory:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(handle) = $factory().await {
                    $crate::conformance::$case(handle.store()).await;
                }
            }
        )+
    };
    (@handle_cases $factory:path; $($case:ident),+ $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn $case() {
                if let Some(handle) = $factory().await {
                    $crate::conformance::$case(&handle).await;
                }
            }
        )+
    };
}

/// The store URL a test of the whole pipeline should use: a fresh database
/// on the MongoDB replica set `MONGODB_URI` names when it is set, else an
/// embedded store file in `dir`. Lets the service and whole-mesh tests run
/// on either backend unchanged.
pub fn test_store_url(dir: &std::path::Path) -> String {
    match std::env::var("MONGODB_URI") {
        Ok(uri) => {
            let database = format!("icc_test_{}", uuid::Uuid::now_v7().simple());
            crate::mongo::with_database(&uri, &database)
        }
        Err(_) => format!("sqlite://{}", dir.join("icc.db").display()),
    }
}
