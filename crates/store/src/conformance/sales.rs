//! The sales-event log (invariant 3): immutable, deterministic ids, stored
//! once however often it is applied; and its readers (`sales_events`,
//! `sales_skus`, `olap_counts`).
//!
//! The traits have no way to update or delete a sales event: `SalesStore`
//! only appends (`apply_sales_events`) and reads. So immutability is proven
//! here through the one write path there is: re-applying a stored id, with
//! the same or different content, never changes what is stored. (The SQLite
//! backend also refuses UPDATE and DELETE on the table with triggers; nothing
//! in the traits can reach them, so there is nothing more to test through
//! the trait.)

use std::sync::Arc;

use super::ConformanceStore;
use super::concurrency::race;
use super::olap_support::{
    all_events, all_facts, apply, apply_expecting, apply_mixed_batches, assert_facts_match_log,
    day, distinct_ids, expected_facts, first_day, import, in_log_order, last_day, march,
    mixed_events, reversal, sale, time_on,
};
use crate::{
    DataWatermark, FeatureValues, OlapCounts, SalesEvent, SalesEventKind, Store, StoredForecast,
};

/// Applying the same events again stores nothing (inserted 0), reports the
/// same touched days, and changes neither the log nor the facts.
pub async fn sales_events_replay_stores_each_id_once(store: Arc<dyn Store>) {
    let s1 = sale("o1", 1, "SKU-A", 2, 500, march(1), 1);
    let s2 = sale("o1", 2, "SKU-B", 1, 900, march(1), 1);
    let s3 = sale("o2", 1, "SKU-A", 4, 500, march(2), 2);
    let batch = vec![s1.clone(), s2.clone(), s3.clone()];

    apply_expecting(&*store, &batch, 3, "first apply").await;
    let log = all_events(&*store).await;
    assert_eq!(
        log,
        in_log_order(&batch),
        "sales_events returns the events exactly as applied"
    );
    let facts = assert_facts_match_log(&*store, "after the first apply").await;
    let counts = store.olap_counts().await.expect("olap_counts");

    apply_expecting(&*store, &batch, 0, "the same batch again").await;
    apply_expecting(&*store, &[s3.clone(), s1.clone()], 0, "a reordered subset").await;
    apply_expecting(&*store, &[s2.clone(), s2.clone()], 0, "one event twice").await;
    assert_eq!(all_events(&*store).await, log, "a replay changes the log");
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "a replay changes the facts"
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        counts,
        "a replay changes the row counts"
    );

    // A batch mixing new and stored events counts only the new ones.
    let s4 = sale("o3", 1, "SKU-B", 5, 900, march(2), 3);
    apply_expecting(
        &*store,
        &[s1, s4.clone(), s2],
        1,
        "stored events and one new",
    )
    .await;
    let log = all_events(&*store).await;
    assert_eq!(log.len(), 4, "four distinct events are stored");
    assert!(log.contains(&s4), "the new event is stored: {log:?}");
    assert_facts_match_log(&*store, "after a mixed batch").await;

    // The same new event twice in one batch is stored once.
    let s5 = sale("o4", 1, "SKU-C", 1, 100, march(3), 4);
    apply_expecting(
        &*store,
        &[s5.clone(), s5.clone()],
        1,
        "a new event twice in one batch",
    )
    .await;
    let of_c = store
        .sales_events(Some("SKU-C"), first_day(), last_day())
        .await
        .expect("sales_events SKU-C");
    assert_eq!(of_c, [s5], "the event is stored once");
    let facts = assert_facts_match_log(&*store, "after a doubled event").await;
    assert_eq!(
        facts[&("SKU-C".to_owned(), march(3))].units,
        1,
        "a doubled event counts once"
    );
}

/// An event whose id is stored already never overwrites the stored one,
/// whatever it carries, and the facts stay those of the stored event.
pub async fn sales_event_with_stored_id_never_overwrites(store: Arc<dyn Store>) {
    let original = sale("o1", 1, "SKU-A", 2, 500, march(1), 1);
    let other = sale("o2", 1, "SKU-A", 1, 500, march(1), 2);
    let applied = apply_expecting(
        &*store,
        &[original.clone(), other.clone()],
        2,
        "the originals",
    )
    .await;
    assert!(applied.conflicting.is_empty(), "{applied:?}");
    let log = all_events(&*store).await;
    let facts = assert_facts_match_log(&*store, "after the originals").await;
    let counts = store.olap_counts().await.expect("olap_counts");

    // Same id, same (sku, day), every other field different.
    let tampered = SalesEvent {
        kind: SalesEventKind::Reversal,
        order_id: Some("o9".into()),
        line_number: 7,
        units: 99,
        unit_price_minor: 1,
        revenue_minor: 99,
        order_delta: -1,
        occurred_at: time_on(march(9), 23, 59, 999),
        feed_seq: Some(999),
        ..original.clone()
    };
    let applied =
        apply_expecting(&*store, &[tampered], 0, "a changed event under a stored id").await;
    assert_eq!(
        applied.conflicting,
        std::slice::from_ref(&original),
        "the stored version of a changed event is reported"
    );
    let replay = apply_expecting(&*store, std::slice::from_ref(&original), 0, "a replay").await;
    assert!(replay.conflicting.is_empty(), "a replay is no conflict");
    assert_eq!(
        all_events(&*store).await,
        log,
        "a stored event was overwritten"
    );
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "the facts changed by an event that was not stored"
    );

    // Same id, moved to another SKU and day: nothing is stored there.
    let moved = SalesEvent {
        sku: "SKU-Z".into(),
        business_day: march(20),
        units: 5,
        revenue_minor: 2_500,
        ..original.clone()
    };
    let applied = apply_expecting(&*store, &[moved], 0, "a stored id moved to another SKU").await;
    assert_eq!(applied.conflicting, std::slice::from_ref(&original));
    assert_eq!(
        all_events(&*store).await,
        log,
        "a stored event was overwritten"
    );
    assert!(
        store
            .sales_events(Some("SKU-Z"), first_day(), last_day())
            .await
            .expect("sales_events SKU-Z")
            .is_empty(),
        "an event that was not stored shows up under its SKU"
    );
    assert!(
        store
            .daily_sales("SKU-Z", first_day(), last_day())
            .await
            .expect("daily_sales SKU-Z")
            .is_empty(),
        "a fact row exists for a SKU without events"
    );
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "the facts changed by an event that was not stored"
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        counts,
        "rejected duplicates changed the row counts"
    );
    assert_facts_match_log(&*store, "after the changed duplicates").await;

    // Two versions of one new id in one batch: one is stored, and the facts
    // are those of the stored one.
    let first = sale("o3", 1, "SKU-B", 3, 100, march(2), 3);
    let second = SalesEvent {
        units: 8,
        revenue_minor: 800,
        ..first.clone()
    };
    let applied = apply_expecting(
        &*store,
        &[first.clone(), second.clone()],
        1,
        "two versions of one new id",
    )
    .await;
    assert!(
        applied.conflicting.is_empty(),
        "only ids stored before the batch conflict: {applied:?}"
    );
    let stored = store
        .sales_events(Some("SKU-B"), first_day(), last_day())
        .await
        .expect("sales_events SKU-B");
    assert!(
        stored == [first.clone()] || stored == [second.clone()],
        "one version of the id is stored, as given: {stored:?}"
    );
    assert_facts_match_log(&*store, "after two versions of one id").await;
}

/// Events come back exactly as applied (every field), filtered by SKU and by
/// an inclusive day range, in (day, id) order: across SKUs for the whole log,
/// not grouped by SKU.
pub async fn sales_events_filter_by_sku_and_day_in_day_id_order(store: Arc<dyn Store>) {
    let b_early = sale("o1", 1, "SKU-B", 1, 700, march(1), 1);
    let a_sale = sale("o2", 1, "SKU-A", 2, 300, march(2), 2);
    let a_sale_2 = sale("o1", 2, "SKU-A", 1, 300, march(2), 1);
    let a_reversal = reversal(&a_sale, march(4), 5);
    let a_import = import("hist", "SKU-A", march(2), 4, 1_000);
    let b_late = sale("o3", 1, "SKU-B", 6, 700, march(5), 6);
    let a_before = import("hist", "SKU-A", day(2024, 2, 29), 9, 2_000);
    let events = vec![
        b_late.clone(),
        a_reversal.clone(),
        a_sale.clone(),
        a_import.clone(),
        b_early.clone(),
        a_sale_2.clone(),
        a_before.clone(),
    ];
    apply_expecting(&*store, &events, 7, "events in no particular order").await;

    let all = all_events(&*store).await;
    assert_eq!(
        all,
        [
            a_before.clone(),
            b_early.clone(),
            a_import.clone(),
            a_reversal.clone(),
            a_sale_2.clone(),
            a_sale.clone(),
            b_late.clone(),
        ],
        "the whole log is in (day, id) order, SKUs interleaved"
    );
    assert_eq!(all, in_log_order(&events));

    let of_a = store
        .sales_events(Some("SKU-A"), first_day(), last_day())
        .await
        .expect("sales_events SKU-A");
    assert_eq!(
        of_a,
        [
            a_before.clone(),
            a_import.clone(),
            a_reversal.clone(),
            a_sale_2.clone(),
            a_sale.clone()
        ],
        "one SKU's events, in (day, id) order"
    );

    let a_on_2nd = store
        .sales_events(Some("SKU-A"), march(2), march(2))
        .await
        .expect("sales_events SKU-A on one day");
    assert_eq!(
        a_on_2nd,
        [
            a_import.clone(),
            a_reversal.clone(),
            a_sale_2.clone(),
            a_sale.clone()
        ],
        "a one-day range holds that day's events (a reversal counts on its sale's day)"
    );

    let window = store
        .sales_events(None, march(1), march(4))
        .await
        .expect("sales_events 1..=4 March");
    assert_eq!(
        window,
        [b_early.clone(), a_import, a_reversal, a_sale_2, a_sale],
        "both ends of the range are inclusive; days outside are left out"
    );

    let b_window = store
        .sales_events(Some("SKU-B"), march(2), march(5))
        .await
        .expect("sales_events SKU-B 2..=5 March");
    assert_eq!(b_window, [b_late], "SKU and day filters combine");

    for (sku, from, to, what) in [
        (Some("SKU-Z"), first_day(), last_day(), "an unknown SKU"),
        (None, march(6), march(31), "days after every event"),
        (
            Some("SKU-B"),
            march(2),
            march(4),
            "days without the SKU's events",
        ),
    ] {
        let none = store
            .sales_events(sku, from, to)
            .await
            .unwrap_or_else(|err| panic!("sales_events of {what}: {err:?}"));
        assert!(none.is_empty(), "sales_events of {what}: {none:?}");
    }
}

/// `sales_skus` lists each SKU with at least one event once, in order:
/// including SKUs with only imported history, and SKUs whose events net to
/// zero.
pub async fn sales_skus_lists_every_sku_with_events_in_order(store: Arc<dyn Store>) {
    assert!(
        store.sales_skus().await.expect("sales_skus").is_empty(),
        "an empty store has no sales SKUs"
    );
    let netted = sale("o1", 1, "SKU-NET", 2, 100, march(1), 1);
    apply(
        &*store,
        &[
            sale("o2", 1, "SKU-M", 1, 100, march(2), 2),
            import("hist", "SKU-IMPORTED", march(1), 3, 300),
            sale("o2", 2, "SKU-A", 1, 100, march(2), 2),
            sale("o3", 1, "SKU-M", 4, 100, march(3), 3),
            reversal(&netted, march(2), 4),
            netted,
        ],
        "events of four SKUs",
    )
    .await;
    assert_eq!(
        store.sales_skus().await.expect("sales_skus"),
        ["SKU-A", "SKU-IMPORTED", "SKU-M", "SKU-NET"],
        "each SKU with events once, in order"
    );
    assert_facts_match_log(&*store, "after events of four SKUs").await;
}

/// `olap_counts` counts stored events, fact rows and feature rows: zero on an
/// empty store, each stored row once however often it is written, and
/// unaffected by forecasts.
pub async fn olap_counts_count_stored_rows(store: Arc<dyn Store>) {
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        OlapCounts::default(),
        "an empty store has no analytics rows"
    );
    let events = mixed_events();
    apply(&*store, &events, "the mixed workload").await;
    apply(&*store, &events, "the mixed workload again").await;
    let facts = expected_facts(&events);
    let expected = OlapCounts {
        sales_events: distinct_ids(&events) as i64,
        daily_sales: facts.len() as i64,
        feature_rows: 0,
    };
    assert_eq!(expected.sales_events, 16, "the workload has 16 events");
    assert_eq!(expected.daily_sales, 11, "the workload has 11 (sku, day)s");
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        expected,
        "each event and each (sku, day) counts once"
    );

    let watermark = DataWatermark {
        data_through: march(5),
        version: 16,
    };
    let rows: Vec<FeatureValues> = (1..=5).map(|d| zero_features(march(d))).collect();
    store
        .put_features("SKU-A", rows.clone(), watermark)
        .await
        .expect("put_features SKU-A");
    store
        .put_features("SKU-B", rows[..2].to_vec(), watermark)
        .await
        .expect("put_features SKU-B");
    store
        .put_features("SKU-A", rows[3..].to_vec(), watermark)
        .await
        .expect("put_features SKU-A again");
    store
        .put_forecast(StoredForecast {
            sku: "SKU-A".into(),
            model: "auto".into(),
            model_version: "v1".into(),
            watermark,
            horizon_days: 14,
            create_time: time_on(march(6), 8, 0, 0),
            body: vec![1, 2, 3],
        })
        .await
        .expect("put_forecast");
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        OlapCounts {
            feature_rows: 7,
            ..expected
        },
        "feature rows count once per (sku, day); forecasts are not counted"
    );
}

/// Analytics writes are not OLTP changes: they append nothing to the change
/// feed (which ingest consumes, so they would feed back into it).
pub async fn analytics_writes_append_nothing_to_the_feed(store: Arc<dyn Store>) {
    apply(&*store, &mixed_events(), "the mixed workload").await;
    store
        .rebuild_daily_sales(None, first_day(), last_day())
        .await
        .expect("rebuild_daily_sales");
    store
        .put_features(
            "SKU-A",
            vec![zero_features(march(1))],
            DataWatermark {
                data_through: march(1),
                version: 1,
            },
        )
        .await
        .expect("put_features");
    store
        .put_forecast(StoredForecast {
            sku: "SKU-A".into(),
            model: "auto".into(),
            model_version: "v1".into(),
            watermark: DataWatermark {
                data_through: march(1),
                version: 1,
            },
            horizon_days: 7,
            create_time: time_on(march(2), 8, 0, 0),
            body: Vec::new(),
        })
        .await
        .expect("put_forecast");
    assert_eq!(
        store.head_seq().await.expect("head_seq"),
        0,
        "analytics writes appended change-feed events"
    );
}

/// Concurrent appliers of overlapping batches (at-least-once delivery to
/// several consumers) store each event once between them, and the facts
/// are the aggregate of the log.
pub async fn concurrent_replays_store_each_event_once(store: Arc<dyn Store>) {
    const TASKS: usize = 6;
    let events = mixed_events();
    let inserted: Vec<usize> = race(TASKS, |task| {
        let store = Arc::clone(&store);
        let mut mine = events.clone();
        mine.rotate_left(task * 3 % events.len());
        if task % 2 == 1 {
            mine.reverse();
        }
        async move {
            let mut inserted = 0;
            for chunk in mine.chunks(1 + task) {
                inserted += apply(&*store, chunk, &format!("task {task}"))
                    .await
                    .inserted;
            }
            inserted
        }
    })
    .await;
    assert_eq!(
        inserted.iter().sum::<usize>(),
        distinct_ids(&events),
        "concurrent appliers together inserted each event once (per task: {inserted:?})"
    );
    assert_eq!(all_events(&*store).await, in_log_order(&events));
    let facts = assert_facts_match_log(&*store, "after concurrent replays").await;
    assert_eq!(facts, expected_facts(&events));
}

/// Events applied through one handle are in the log another handle reads,
/// and replaying them through the other handle stores nothing.
pub async fn sales_events_are_shared_between_handles(handle: &ConformanceStore) {
    let Some(other) = handle.reopen().await else {
        eprintln!("skipped: this backend's suite opens no second handle on a store");
        return;
    };
    let store = handle.store();
    let facts = apply_mixed_batches(&*store).await;
    assert_eq!(all_facts(&*other).await, facts, "the other handle's facts");
    assert_eq!(all_events(&*other).await, all_events(&*store).await);
    apply_expecting(
        &*other,
        &mixed_events(),
        0,
        "a replay through the other handle",
    )
    .await;
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "a replay changed the facts"
    );
}

/// A feature row of zeros.
fn zero_features(day: chrono::NaiveDate) -> FeatureValues {
    FeatureValues {
        day,
        units: 0.0,
        lag_1: 0.0,
        lag_7: 0.0,
        lag_14: 0.0,
        rolling_mean_7: 0.0,
        trend_index: 0.0,
        is_weekend: 0.0,
        is_holiday: 0.0,
        history_days: 0,
    }
}
