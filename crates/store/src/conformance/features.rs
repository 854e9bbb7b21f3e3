//! Stored features and their data watermark: per SKU, keyed by day,
//! replaced day by day, read back exactly.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Weekday};

use super::olap_support::{apply, first_day, last_day, march, sale};
use crate::{DataWatermark, FeatureValues, OlapCounts, Store};

/// A feature row of `day` whose values all differ and depend on `seed`,
/// including fractions that are not exact in decimal and negative values,
/// so a backend that rounds or mixes up columns is caught.
fn features_of(day: NaiveDate, seed: f64) -> FeatureValues {
    let n = f64::from(day.day());
    let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
    FeatureValues {
        day,
        units: seed + n,
        lag_1: seed + n / 3.0,
        lag_7: seed * 0.1 + n / 7.0,
        lag_14: seed * 1e-7 + n,
        rolling_mean_7: (seed + n) / 7.0,
        trend_index: -(seed + n) / 49.0,
        is_weekend: if weekend { 1.0 } else { 0.0 },
        is_holiday: if day.day() == 4 { 1.0 } else { 0.0 },
        history_days: i32::try_from(day.day()).expect("day of month") + 13,
    }
}

/// Rows of March `days`, built with `seed`.
fn rows(days: std::ops::RangeInclusive<u32>, seed: f64) -> Vec<FeatureValues> {
    days.map(|d| features_of(march(d), seed)).collect()
}

/// A watermark.
fn watermark(through: NaiveDate, version: i64) -> DataWatermark {
    DataWatermark {
        data_through: through,
        version,
    }
}

/// Reads a SKU's features, expecting success.
async fn read(
    store: &dyn Store,
    sku: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<FeatureValues>, Option<DataWatermark>) {
    store
        .features(sku, from, to)
        .await
        .unwrap_or_else(|err| panic!("features {sku} {from}..={to}: {err:?}"))
}

/// Stored rows come back exactly (every value, bit for bit), in day order
/// whatever order they were given in, limited to the inclusive range, with
/// the SKU's watermark whatever the range.
pub async fn features_round_trip_in_day_order_within_range(store: Arc<dyn Store>) {
    let all = rows(1..=10, 2.5);
    let mut shuffled = all.clone();
    shuffled.rotate_left(4);
    shuffled.swap(0, 7);
    let mark = watermark(march(10), 42);
    store
        .put_features("SKU-A", shuffled, mark)
        .await
        .expect("put_features");

    assert_eq!(
        read(&*store, "SKU-A", first_day(), last_day()).await,
        (all.clone(), Some(mark)),
        "every row, in day order, and the watermark"
    );
    assert_eq!(
        read(&*store, "SKU-A", march(3), march(7)).await,
        (all[2..7].to_vec(), Some(mark)),
        "rows of 3..=7 March, both ends inclusive"
    );
    assert_eq!(
        read(&*store, "SKU-A", march(10), march(10)).await,
        (all[9..].to_vec(), Some(mark)),
        "a one-day range"
    );
    assert_eq!(
        read(&*store, "SKU-A", march(11), march(31)).await,
        (Vec::new(), Some(mark)),
        "a range without rows still has the SKU's watermark"
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts"),
        OlapCounts {
            feature_rows: 10,
            ..OlapCounts::default()
        }
    );
}

/// Putting rows again replaces those of the same days, keeps the others and
/// sets the new watermark; putting no rows only sets the watermark.
pub async fn put_features_replaces_rows_of_the_same_days_and_the_watermark(store: Arc<dyn Store>) {
    let first = rows(1..=5, 1.0);
    store
        .put_features("SKU-A", first.clone(), watermark(march(5), 5))
        .await
        .expect("put_features 1..=5 March");
    let second = rows(4..=7, 100.0);
    let newer = watermark(march(7), 9);
    store
        .put_features("SKU-A", second.clone(), newer)
        .await
        .expect("put_features 4..=7 March");

    let expected = [&first[..3], &second[..]].concat();
    assert_eq!(
        read(&*store, "SKU-A", first_day(), last_day()).await,
        (expected.clone(), Some(newer)),
        "4 and 5 March replaced, 1..=3 March kept, 6 and 7 March added, watermark replaced"
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts").feature_rows,
        7,
        "a replaced row is not a second row"
    );

    let newest = watermark(march(8), 10);
    store
        .put_features("SKU-A", Vec::new(), newest)
        .await
        .expect("put_features without rows");
    assert_eq!(
        read(&*store, "SKU-A", first_day(), last_day()).await,
        (expected, Some(newest)),
        "no rows given: rows kept, watermark set"
    );
}

/// A SKU whose features were never stored has no rows and no watermark, even
/// when it has sales.
pub async fn features_of_unknown_sku_are_empty_without_watermark(store: Arc<dyn Store>) {
    assert_eq!(
        read(&*store, "SKU-NONE", first_day(), last_day()).await,
        (Vec::new(), None),
        "an empty store"
    );
    store
        .put_features("SKU-A", rows(1..=3, 0.0), watermark(march(3), 3))
        .await
        .expect("put_features SKU-A");
    let sold = sale("o1", 1, "SKU-SOLD", 1, 100, march(1), 1);
    apply(&*store, &[sold], "a sale of SKU-SOLD").await;
    for sku in ["SKU-NONE", "SKU-SOLD"] {
        assert_eq!(
            read(&*store, sku, first_day(), last_day()).await,
            (Vec::new(), None),
            "{sku} has no stored features"
        );
    }
}

/// Each SKU has its own rows and watermark: same days, different values;
/// replacing one SKU's rows leaves the other's alone.
pub async fn features_are_per_sku(store: Arc<dyn Store>) {
    let a = rows(1..=6, 10.0);
    let b = rows(3..=8, 20.0);
    let (mark_a, mark_b) = (watermark(march(6), 6), watermark(march(8), 80));
    store
        .put_features("SKU-A", a.clone(), mark_a)
        .await
        .expect("put_features SKU-A");
    store
        .put_features("SKU-B", b.clone(), mark_b)
        .await
        .expect("put_features SKU-B");
    assert_eq!(
        read(&*store, "SKU-A", first_day(), last_day()).await,
        (a.clone(), Some(mark_a))
    );
    assert_eq!(
        read(&*store, "SKU-B", first_day(), last_day()).await,
        (b.clone(), Some(mark_b))
    );

    let a2 = rows(3..=4, 30.0);
    let mark_a2 = watermark(march(9), 99);
    store
        .put_features("SKU-A", a2.clone(), mark_a2)
        .await
        .expect("put_features SKU-A again");
    assert_eq!(
        read(&*store, "SKU-B", first_day(), last_day()).await,
        (b, Some(mark_b)),
        "SKU-B changed when SKU-A's rows were replaced"
    );
    let expected_a = [&a[..2], &a2[..], &a[4..]].concat();
    assert_eq!(
        read(&*store, "SKU-A", first_day(), last_day()).await,
        (expected_a, Some(mark_a2))
    );
    assert_eq!(
        store.olap_counts().await.expect("olap_counts").feature_rows,
        12
    );
}
