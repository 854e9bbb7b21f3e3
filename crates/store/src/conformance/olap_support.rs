//! Fixtures and whole-store checks shared by the analytics-side cases:
//! deterministic sales events, the facts they must add up to, and readers of
//! everything the store holds.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::{AppliedEvents, DailySales, SalesEvent, SalesEventKind, Store};

/// A range wider than any day the cases use (plain calendar days, so any
/// backend can store them as text or dates).
pub(super) const FIRST_DAY: (i32, u32, u32) = (2000, 1, 1);
pub(super) const LAST_DAY: (i32, u32, u32) = (2099, 12, 31);

/// The calendar day `y-m-d`.
pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("bad test day {y}-{m}-{d}"))
}

/// The first day of the range every reader uses.
pub(super) fn first_day() -> NaiveDate {
    day(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2)
}

/// The last day of the range every reader uses.
pub(super) fn last_day() -> NaiveDate {
    day(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2)
}

/// A day in March 2024 (1 is a Friday).
pub(super) fn march(d: u32) -> NaiveDate {
    day(2024, 3, d)
}

/// A time on `day`, in whole milliseconds so every backend stores it exactly
/// (SQLite keeps microseconds, MongoDB milliseconds).
pub(super) fn time_on(day: NaiveDate, hour: u32, minute: u32, millis: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &day.and_hms_opt(hour, minute, 0)
            .unwrap_or_else(|| panic!("bad test time {hour}:{minute}")),
    ) + Duration::milliseconds(millis)
}

/// Order line `line` of `order`, sold on `day`: `units` at `price` minor
/// units, from feed position `seq`.
pub(super) fn sale(
    order: &str,
    line: i32,
    sku: &str,
    units: i64,
    price: i64,
    day: NaiveDate,
    seq: i64,
) -> SalesEvent {
    SalesEvent {
        id: format!("sale:{order}:{line}"),
        kind: SalesEventKind::Sale,
        order_id: Some(order.to_owned()),
        line_number: line,
        sku: sku.to_owned(),
        units,
        unit_price_minor: price,
        revenue_minor: units * price,
        order_delta: 1,
        occurred_at: time_on(day, 9 + (seq % 12) as u32, line as u32, seq * 7 + 1),
        business_day: day,
        feed_seq: Some(seq),
    }
}

/// The reversal of `sale`, cancelled on `cancelled_on` at feed position
/// `seq`: negative units and revenue, counted against the sale's day.
pub(super) fn reversal(sale: &SalesEvent, cancelled_on: NaiveDate, seq: i64) -> SalesEvent {
    let order = sale.order_id.clone().expect("a sale names its order");
    SalesEvent {
        id: format!("reversal:{order}:{}", sale.line_number),
        kind: SalesEventKind::Reversal,
        order_id: Some(order),
        line_number: sale.line_number,
        sku: sale.sku.clone(),
        units: -sale.units,
        unit_price_minor: sale.unit_price_minor,
        revenue_minor: -sale.revenue_minor,
        order_delta: -1,
        occurred_at: time_on(cancelled_on, 17, sale.line_number as u32, seq * 3 + 2),
        business_day: sale.business_day,
        feed_seq: Some(seq),
    }
}

/// One imported day of history from `source`.
pub(super) fn import(
    source: &str,
    sku: &str,
    day: NaiveDate,
    units: i64,
    revenue: i64,
) -> SalesEvent {
    SalesEvent {
        id: format!("import:{source}:{sku}:{day}"),
        kind: SalesEventKind::Imported,
        order_id: None,
        line_number: 0,
        sku: sku.to_owned(),
        units,
        unit_price_minor: 0,
        revenue_minor: revenue,
        order_delta: 0,
        occurred_at: time_on(day, 0, 0, 0),
        business_day: day,
        feed_seq: None,
    }
}

/// Facts keyed by (sku, day).
pub(super) type Facts = BTreeMap<(String, NaiveDate), DailySales>;

/// What the daily facts must be for these events: per (sku, business day),
/// the sums of units, revenue and order deltas. Each id counts once (the
/// first occurrence, as the log keeps the first stored version).
pub(super) fn expected_facts(events: &[SalesEvent]) -> Facts {
    let mut seen = BTreeSet::new();
    let mut facts = Facts::new();
    for e in events {
        if !seen.insert(e.id.as_str()) {
            continue;
        }
        let fact = facts
            .entry((e.sku.clone(), e.business_day))
            .or_insert(DailySales {
                day: e.business_day,
                units: 0,
                revenue_minor: 0,
                order_count: 0,
            });
        fact.units += e.units;
        fact.revenue_minor += e.revenue_minor;
        fact.order_count += e.order_delta;
    }
    facts
}

/// Every (sku, business day) of a batch, sorted, each once.
pub(super) fn groups(events: &[SalesEvent]) -> Vec<(String, NaiveDate)> {
    events
        .iter()
        .map(|e| (e.sku.clone(), e.business_day))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Distinct ids among the events.
pub(super) fn distinct_ids(events: &[SalesEvent]) -> usize {
    events
        .iter()
        .map(|e| e.id.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// The events in (day, id) order, each id once (its first occurrence).
pub(super) fn in_log_order(events: &[SalesEvent]) -> Vec<SalesEvent> {
    let mut seen = BTreeSet::new();
    let mut log: Vec<SalesEvent> = events
        .iter()
        .filter(|e| seen.insert(e.id.clone()))
        .cloned()
        .collect();
    log.sort_by(|a, b| (a.business_day, &a.id).cmp(&(b.business_day, &b.id)));
    log
}

/// Applies a batch, expecting success.
pub(super) async fn apply(store: &dyn Store, events: &[SalesEvent], what: &str) -> AppliedEvents {
    store
        .apply_sales_events(events.to_vec())
        .await
        .unwrap_or_else(|err| panic!("apply_sales_events ({what}): {err:?}"))
}

/// Applies a batch and checks what it reports: `inserted` new events, and
/// every (sku, day) of the batch as touched, sorted.
pub(super) async fn apply_expecting(
    store: &dyn Store,
    events: &[SalesEvent],
    inserted: usize,
    what: &str,
) -> AppliedEvents {
    let applied = apply(store, events, what).await;
    assert_eq!(
        applied.inserted, inserted,
        "apply_sales_events ({what}): events new to the log"
    );
    assert_eq!(
        applied.touched,
        groups(events),
        "apply_sales_events ({what}): touched is every (sku, day) of the batch, sorted, new or not"
    );
    applied
}

/// The whole event log, in (day, id) order.
pub(super) async fn all_events(store: &dyn Store) -> Vec<SalesEvent> {
    store
        .sales_events(None, first_day(), last_day())
        .await
        .expect("sales_events over every day")
}

/// Every stored fact row, read per SKU of `sales_skus`, each SKU's rows in
/// strict day order.
pub(super) async fn all_facts(store: &dyn Store) -> Facts {
    let mut facts = Facts::new();
    for sku in store.sales_skus().await.expect("sales_skus") {
        let rows = store
            .daily_sales(&sku, first_day(), last_day())
            .await
            .unwrap_or_else(|err| panic!("daily_sales {sku}: {err:?}"));
        for pair in rows.windows(2) {
            assert!(
                pair[0].day < pair[1].day,
                "daily_sales({sku}) not in strict day order: {} then {}",
                pair[0].day,
                pair[1].day
            );
        }
        for row in rows {
            facts.insert((sku.clone(), row.day), row);
        }
    }
    facts
}

/// Invariant 4: the stored facts are exactly the aggregate of the stored
/// events (one row per (sku, day) with events, none without), and `sales_skus`
/// lists exactly the SKUs with events. Returns the facts.
pub(super) async fn assert_facts_match_log(store: &dyn Store, what: &str) -> Facts {
    let log = all_events(store).await;
    let facts = all_facts(store).await;
    assert_eq!(
        facts,
        expected_facts(&log),
        "{what}: daily_sales is not the aggregate of sales_events per (sku, business day)"
    );
    let log_skus: Vec<String> = log
        .iter()
        .map(|e| e.sku.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        store.sales_skus().await.expect("sales_skus"),
        log_skus,
        "{what}: sales_skus is every SKU with an event, in order"
    );
    facts
}

/// The mixed workload of the fact cases, in the batches ingest would apply:
/// sales of several lines and prices, imported history (also on days with
/// sales), reversals (one counted against an earlier day than its
/// cancellation), a day whose sale is reversed in the same batch (net zero),
/// a zero-unit import, and a batch that mixes new events with replays.
pub(super) fn mixed_batches() -> Vec<Vec<SalesEvent>> {
    let o1_1 = sale("o1", 1, "SKU-A", 2, 500, march(1), 1);
    let o1_2 = sale("o1", 2, "SKU-B", 1, 1_200, march(1), 1);
    let o2_1 = sale("o2", 1, "SKU-A", 3, 500, march(1), 2);
    let o3_1 = sale("o3", 1, "SKU-A", 1, 550, march(2), 3);
    let o3_2 = sale("o3", 2, "SKU-C", 4, 250, march(2), 3);
    let o4_1 = sale("o4", 1, "SKU-B", 2, 1_200, march(3), 5);
    let o5_1 = sale("o5", 1, "SKU-A", 1, 500, march(4), 6);
    let o6_1 = sale("o6", 1, "SKU-C", 3, 250, march(5), 8);
    let o6_2 = sale("o6", 2, "SKU-A", 6, 450, march(5), 8);
    vec![
        // Sales of three orders.
        vec![o1_1.clone(), o1_2.clone(), o2_1.clone(), o3_1, o3_2.clone()],
        // Imported history, one day overlapping the sales, one zero day.
        vec![
            import("hist", "SKU-A", day(2024, 2, 28), 10, 5_000),
            import("hist", "SKU-B", day(2024, 2, 28), 7, 8_400),
            import("hist", "SKU-A", march(1), 5, 2_500),
            import("hist", "SKU-C", march(3), 0, 0),
        ],
        // Cancellations (o3 cancelled a day later) and more sales; o5 sold
        // and reversed in the same batch.
        vec![
            reversal(&o2_1, march(1), 4),
            reversal(&o3_2, march(3), 7),
            o4_1,
            o5_1.clone(),
            reversal(&o5_1, march(4), 7),
        ],
        // New sales with a replay of the first order's lines.
        vec![o6_1, o1_2, o6_2, o1_1],
    ]
}

/// Every event of [`mixed_batches`], in batch order.
pub(super) fn mixed_events() -> Vec<SalesEvent> {
    mixed_batches().into_iter().flatten().collect()
}

/// Applies [`mixed_batches`] one by one, checking each batch's report and
/// invariant 4 after each; returns the facts at the end.
pub(super) async fn apply_mixed_batches(store: &dyn Store) -> Facts {
    let mut applied: Vec<SalesEvent> = Vec::new();
    for (i, batch) in mixed_batches().into_iter().enumerate() {
        let new = distinct_ids(&[applied.clone(), batch.clone()].concat()) - distinct_ids(&applied);
        let what = format!("mixed batch {}", i + 1);
        apply_expecting(store, &batch, new, &what).await;
        applied.extend(batch);
        let facts = assert_facts_match_log(store, &what).await;
        assert_eq!(
            facts,
            expected_facts(&applied),
            "{what}: daily_sales is not the aggregate of the events applied so far"
        );
        assert_eq!(
            all_events(store).await,
            in_log_order(&applied),
            "{what}: sales_events returns the applied events as given, in (day, id) order"
        );
    }
    all_facts(store).await
}
