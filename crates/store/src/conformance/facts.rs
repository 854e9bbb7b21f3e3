//! Daily sales facts (invariant 4): `daily_sales` equals the aggregate of
//! `sales_events` per (sku, business day); a replay, in any order and split
//! any way, changes nothing; a rebuild from the events reproduces the stored
//! rows exactly.

use std::sync::Arc;

use chrono::NaiveDate;

use super::olap_support::{
    Facts, all_events, all_facts, apply_expecting, apply_mixed_batches, assert_facts_match_log,
    day, expected_facts, first_day, groups, last_day, march, mixed_batches, mixed_events,
};
use crate::{DailySales, RebuildReport, Store, StoreError};

/// The fact row of `sku` on `day`.
fn fact(facts: &Facts, sku: &str, day: NaiveDate) -> DailySales {
    *facts
        .get(&(sku.to_owned(), day))
        .unwrap_or_else(|| panic!("no fact row for {sku} on {day}: {facts:?}"))
}

/// A fact row.
fn row(day: NaiveDate, units: i64, revenue_minor: i64, order_count: i64) -> DailySales {
    DailySales {
        day,
        units,
        revenue_minor,
        order_count,
    }
}

/// After each batch of sales, imports and reversals the facts are the
/// aggregate of the log: units, revenue and order count (the sum of order
/// deltas), one row per (sku, day) with events, zeros where events net out.
pub async fn daily_sales_equal_the_aggregate_of_events(store: Arc<dyn Store>) {
    let facts = apply_mixed_batches(&*store).await;

    // The aggregate, computed by hand for the mixed workload.
    assert_eq!(
        fact(&facts, "SKU-A", march(1)),
        row(
            march(1),
            2 + 3 + 5 - 3,
            1_000 + 1_500 + 2_500 - 1_500,
            1 + 1 - 1
        ),
        "SKU-A on 1 March: two sales, an import and a reversal"
    );
    assert_eq!(
        fact(&facts, "SKU-A", day(2024, 2, 28)),
        row(day(2024, 2, 28), 10, 5_000, 0)
    );
    assert_eq!(
        fact(&facts, "SKU-B", day(2024, 2, 28)),
        row(day(2024, 2, 28), 7, 8_400, 0)
    );
    assert_eq!(fact(&facts, "SKU-B", march(1)), row(march(1), 1, 1_200, 1));
    assert_eq!(fact(&facts, "SKU-A", march(2)), row(march(2), 1, 550, 1));
    assert_eq!(
        fact(&facts, "SKU-C", march(2)),
        row(march(2), 0, 0, 0),
        "a sale reversed a day later nets to zero on the sale's day, and keeps its row"
    );
    assert_eq!(
        fact(&facts, "SKU-C", march(3)),
        row(march(3), 0, 0, 0),
        "an imported zero day has a row"
    );
    assert_eq!(fact(&facts, "SKU-B", march(3)), row(march(3), 2, 2_400, 1));
    assert_eq!(
        fact(&facts, "SKU-A", march(4)),
        row(march(4), 0, 0, 0),
        "a sale and its reversal in one batch net to zero"
    );
    assert_eq!(fact(&facts, "SKU-C", march(5)), row(march(5), 3, 750, 1));
    assert_eq!(fact(&facts, "SKU-A", march(5)), row(march(5), 6, 2_700, 1));
    assert_eq!(
        facts.len(),
        11,
        "one row per (sku, day) with events: {facts:?}"
    );

    // Ranges are inclusive at both ends, in day order, rows only for days
    // with events (no gap filling in the store).
    let window = store
        .daily_sales("SKU-A", march(1), march(4))
        .await
        .expect("daily_sales SKU-A 1..=4 March");
    assert_eq!(
        window,
        [
            fact(&facts, "SKU-A", march(1)),
            fact(&facts, "SKU-A", march(2)),
            fact(&facts, "SKU-A", march(4)),
        ],
        "SKU-A's rows of 1..=4 March, without the eventless 3 March"
    );
    let one_day = store
        .daily_sales("SKU-B", march(3), march(3))
        .await
        .expect("daily_sales SKU-B on 3 March");
    assert_eq!(one_day, [fact(&facts, "SKU-B", march(3))]);
    let no_day = store
        .daily_sales("SKU-B", march(4), march(31))
        .await
        .expect("daily_sales SKU-B after its last day");
    assert!(
        no_day.is_empty(),
        "no rows after the last event: {no_day:?}"
    );
    let unknown = store
        .daily_sales("SKU-Z", first_day(), last_day())
        .await
        .expect("daily_sales of a SKU without events");
    assert!(unknown.is_empty(), "a SKU without events has no rows");
}

/// Replaying every batch again, in reverse and split differently, and then
/// the whole workload as one batch, inserts nothing and leaves the log and
/// the facts exactly as they were; `touched` still lists every (sku, day) of
/// each batch, sorted.
pub async fn replaying_every_batch_leaves_daily_sales_unchanged(store: Arc<dyn Store>) {
    let facts = apply_mixed_batches(&*store).await;
    let log = all_events(&*store).await;
    let counts = store.olap_counts().await.expect("olap_counts");

    let mut reversed = mixed_events();
    reversed.reverse();
    for size in [3, 5] {
        for (i, chunk) in reversed.chunks(size).enumerate() {
            apply_expecting(
                &*store,
                chunk,
                0,
                &format!("reversed replay in chunks of {size}, chunk {i}"),
            )
            .await;
        }
        assert_eq!(
            all_facts(&*store).await,
            facts,
            "a replay changed the facts"
        );
    }
    for (i, batch) in mixed_batches().into_iter().rev().enumerate() {
        apply_expecting(&*store, &batch, 0, &format!("batch {i} from the end")).await;
    }
    apply_expecting(
        &*store,
        &mixed_events(),
        0,
        "the whole workload as one batch",
    )
    .await;
    for event in mixed_events() {
        apply_expecting(&*store, &[event], 0, "one event at a time").await;
    }

    assert_eq!(all_events(&*store).await, log, "a replay changed the log");
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "a replay changed the facts"
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        counts,
        "a replay changed the row counts"
    );
    assert_facts_match_log(&*store, "after every replay").await;
}

/// The order events arrive in does not matter: the workload applied in
/// reverse, in other batches, gives the same facts as in order.
pub async fn daily_sales_do_not_depend_on_arrival_order(store: Arc<dyn Store>) {
    let mut events = mixed_events();
    events.reverse();
    // Distinct events first seen in each chunk, in reverse arrival.
    let mut seen = std::collections::BTreeSet::new();
    for (i, chunk) in events.chunks(4).enumerate() {
        let new = chunk.iter().filter(|e| seen.insert(e.id.clone())).count();
        apply_expecting(&*store, chunk, new, &format!("reverse chunk {i}")).await;
        assert_facts_match_log(&*store, &format!("after reverse chunk {i}")).await;
    }
    assert_eq!(
        all_facts(&*store).await,
        expected_facts(&mixed_events()),
        "facts of the workload applied in reverse differ from the aggregate"
    );
}

/// A rebuild recomputes the facts of the (sku, day)s with events in the
/// range, reports them as rebuilt, finds nothing to change in facts kept by
/// `apply_sales_events`, and leaves them exactly as they were; with and
/// without a SKU filter, over one day, over days without events. (The traits
/// give no way to store a wrong fact, so a rebuild that corrects rows,
/// `changed > 0`, cannot be reached from here.)
pub async fn rebuild_daily_sales_reproduces_the_stored_rows(store: Arc<dyn Store>) {
    let facts = apply_mixed_batches(&*store).await;
    let counts = store.olap_counts().await.expect("olap_counts");
    let in_range = |sku: Option<&str>, from: NaiveDate, to: NaiveDate| -> i64 {
        facts
            .keys()
            .filter(|(s, d)| sku.is_none_or(|sku| s == sku) && (from..=to).contains(d))
            .count() as i64
    };

    let cases: [(Option<&str>, NaiveDate, NaiveDate, i64, &str); 9] = [
        (None, first_day(), last_day(), 11, "every SKU, every day"),
        (None, march(1), march(3), 6, "every SKU, 1..=3 March"),
        (
            Some("SKU-A"),
            first_day(),
            last_day(),
            5,
            "SKU-A, every day",
        ),
        (Some("SKU-A"), march(1), march(2), 2, "SKU-A, 1..=2 March"),
        (
            Some("SKU-A"),
            march(4),
            march(4),
            1,
            "SKU-A on its net-zero day",
        ),
        (Some("SKU-C"), march(2), march(5), 3, "SKU-C, 2..=5 March"),
        (
            Some("SKU-B"),
            march(4),
            march(31),
            0,
            "SKU-B after its last event",
        ),
        (
            None,
            day(2023, 1, 1),
            day(2023, 12, 31),
            0,
            "a year without events",
        ),
        (
            Some("SKU-Z"),
            first_day(),
            last_day(),
            0,
            "a SKU without events",
        ),
    ];
    for (sku, from, to, rebuilt, what) in cases {
        assert_eq!(rebuilt, in_range(sku, from, to), "{what}: the case's count");
        let report = store
            .rebuild_daily_sales(sku, from, to)
            .await
            .unwrap_or_else(|err| panic!("rebuild_daily_sales ({what}): {err:?}"));
        assert_eq!(
            report,
            RebuildReport {
                rebuilt,
                changed: 0
            },
            "rebuild_daily_sales ({what}): every (sku, day) with events in range rebuilt, none changed"
        );
        assert_eq!(
            all_facts(&*store).await,
            facts,
            "rebuild_daily_sales ({what}) changed facts it reported unchanged"
        );
    }
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        counts,
        "rebuilds changed the row counts"
    );
    assert_eq!(
        all_events(&*store).await.len(),
        16,
        "rebuilds changed the log"
    );

    // A replay after a rebuild, and a rebuild after a replay, still agree.
    apply_expecting(&*store, &mixed_events(), 0, "a replay after the rebuilds").await;
    let report = store
        .rebuild_daily_sales(None, first_day(), last_day())
        .await
        .expect("rebuild_daily_sales after a replay");
    assert_eq!(
        report,
        RebuildReport {
            rebuilt: 11,
            changed: 0
        }
    );
    assert_facts_match_log(&*store, "after rebuilds and replays").await;
}

/// A rebuild of an empty store rebuilds nothing and changes nothing.
pub async fn rebuild_daily_sales_of_an_empty_store_is_empty(store: Arc<dyn Store>) {
    for sku in [None, Some("SKU-A")] {
        let report = store
            .rebuild_daily_sales(sku, first_day(), last_day())
            .await
            .unwrap_or_else(|err| panic!("rebuild_daily_sales {sku:?}: {err:?}"));
        assert_eq!(report, RebuildReport::default(), "rebuild {sku:?}");
    }
    assert!(all_facts(&*store).await.is_empty());
}

/// A day range that ends before it starts is `InvalidArgument`, for every
/// range reader and for a rebuild, which then changes nothing; a one-day
/// range (from == to) is valid.
pub async fn empty_day_ranges_are_invalid_argument(store: Arc<dyn Store>) {
    let facts = apply_mixed_batches(&*store).await;
    let (from, to) = (march(3), march(2));
    expect_err!(
        store.rebuild_daily_sales(None, from, to).await,
        StoreError::InvalidArgument(_),
        "rebuild_daily_sales of every SKU over {from}..={to}"
    );
    expect_err!(
        store.rebuild_daily_sales(Some("SKU-A"), from, to).await,
        StoreError::InvalidArgument(_),
        "rebuild_daily_sales of SKU-A over {from}..={to}"
    );
    expect_err!(
        store.daily_sales("SKU-A", from, to).await,
        StoreError::InvalidArgument(_),
        "daily_sales over {from}..={to}"
    );
    expect_err!(
        store.sales_events(None, from, to).await,
        StoreError::InvalidArgument(_),
        "sales_events over {from}..={to}"
    );
    expect_err!(
        store.sales_events(Some("SKU-A"), from, to).await,
        StoreError::InvalidArgument(_),
        "sales_events of SKU-A over {from}..={to}"
    );
    expect_err!(
        store.features("SKU-A", from, to).await,
        StoreError::InvalidArgument(_),
        "features over {from}..={to}"
    );
    assert_eq!(
        all_facts(&*store).await,
        facts,
        "a rejected rebuild changed facts"
    );

    let report = store
        .rebuild_daily_sales(None, march(2), march(2))
        .await
        .expect("rebuild_daily_sales of one day");
    assert_eq!(
        report,
        RebuildReport {
            rebuilt: 2,
            changed: 0
        },
        "2 March has facts of SKU-A and SKU-C"
    );
    assert_eq!(
        store
            .daily_sales("SKU-A", march(2), march(2))
            .await
            .expect("daily_sales of one day")
            .len(),
        1
    );
}

/// `touched` lists the batch's (sku, day)s, sorted by SKU then day, each
/// once, whether the events are new or replayed and whether or not the
/// facts changed.
pub async fn applied_events_report_touched_days_sorted(store: Arc<dyn Store>) {
    let batch = mixed_events();
    let applied = store
        .apply_sales_events(batch.clone())
        .await
        .expect("apply_sales_events");
    let expected = groups(&batch);
    assert_eq!(applied.touched, expected);
    assert_eq!(
        expected.first(),
        Some(&("SKU-A".to_owned(), day(2024, 2, 28))),
        "the fixture's first group"
    );
    assert_eq!(
        expected.len(),
        11,
        "the fixture touches 11 (sku, day)s: {expected:?}"
    );
    for pair in applied.touched.windows(2) {
        assert!(
            pair[0] < pair[1],
            "touched is not strictly sorted: {pair:?}"
        );
    }
    let replay = store
        .apply_sales_events(batch.clone())
        .await
        .expect("apply_sales_events replay");
    assert_eq!(replay.inserted, 0);
    assert_eq!(replay.touched, expected, "a replay touches the same days");
    let empty = store
        .apply_sales_events(Vec::new())
        .await
        .expect("apply_sales_events of no events");
    assert_eq!(empty.inserted, 0, "an empty batch inserts nothing");
    assert!(empty.touched.is_empty(), "an empty batch touches nothing");
    assert_facts_match_log(&*store, "after an empty batch").await;
}
