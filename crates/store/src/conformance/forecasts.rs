//! Stored forecasts: one per (sku, model), replaced whole, read back
//! exactly (the body is opaque bytes).

use std::sync::Arc;

use super::olap_support::{march, time_on};
use crate::{DataWatermark, Store, StoredForecast};

/// A forecast of `sku` by `model`; `n` varies every other field.
fn forecast(sku: &str, model: &str, n: i64, body: Vec<u8>) -> StoredForecast {
    StoredForecast {
        sku: sku.to_owned(),
        model: model.to_owned(),
        model_version: format!("{model}-v{n}"),
        watermark: DataWatermark {
            data_through: march(u32::try_from(n).expect("small n")),
            version: 1_000 + n,
        },
        horizon_days: 7 * i32::try_from(n).expect("small n"),
        create_time: time_on(march(20), 8, 30, 123 * n),
        body,
    }
}

/// Every byte value, and a NUL-rich prefix, so a backend that treats the
/// body as text is caught.
fn binary_body() -> Vec<u8> {
    let mut body = vec![0, 0, 0xFF, 0xFE, b'{', 0];
    body.extend(0..=u8::MAX);
    body.extend((0..=u8::MAX).rev());
    body
}

/// Reads a forecast, expecting success.
async fn get(store: &dyn Store, sku: &str, model: &str) -> Option<StoredForecast> {
    store
        .forecast(sku, model)
        .await
        .unwrap_or_else(|err| panic!("forecast {sku}/{model}: {err:?}"))
}

/// A stored forecast comes back exactly: every field, the body byte for
/// byte (an empty body too).
pub async fn put_forecast_then_get_round_trips_exactly(store: Arc<dyn Store>) {
    let stored = forecast("SKU-A", "auto", 3, binary_body());
    store
        .put_forecast(stored.clone())
        .await
        .expect("put_forecast");
    assert_eq!(get(&*store, "SKU-A", "auto").await, Some(stored));

    let empty = forecast("SKU-B", "seed", 1, Vec::new());
    store
        .put_forecast(empty.clone())
        .await
        .expect("put_forecast with an empty body");
    assert_eq!(
        get(&*store, "SKU-B", "seed").await,
        Some(empty),
        "an empty body round-trips as empty"
    );
}

/// Putting a forecast of the same (sku, model) replaces the whole previous
/// one, a longer body by a shorter one included.
pub async fn put_forecast_replaces_the_same_sku_and_model(store: Arc<dyn Store>) {
    store
        .put_forecast(forecast("SKU-A", "auto", 1, binary_body()))
        .await
        .expect("put_forecast");
    let newer = forecast("SKU-A", "auto", 2, b"short".to_vec());
    store
        .put_forecast(newer.clone())
        .await
        .expect("put_forecast replacing");
    assert_eq!(
        get(&*store, "SKU-A", "auto").await,
        Some(newer),
        "the newest forecast, whole"
    );
    let older_again = forecast("SKU-A", "auto", 1, vec![7; 3]);
    store
        .put_forecast(older_again.clone())
        .await
        .expect("put_forecast with an older watermark");
    assert_eq!(
        get(&*store, "SKU-A", "auto").await,
        Some(older_again),
        "the last put wins, whatever its watermark"
    );
}

/// Forecasts of different models of one SKU, and of one model of different
/// SKUs, are independent.
pub async fn forecasts_are_independent_per_sku_and_model(store: Arc<dyn Store>) {
    let a_auto = forecast("SKU-A", "auto", 1, vec![1]);
    let a_seed = forecast("SKU-A", "seed", 2, vec![2, 2]);
    let b_auto = forecast("SKU-B", "auto", 3, vec![3, 3, 3]);
    for f in [&a_auto, &a_seed, &b_auto] {
        store.put_forecast(f.clone()).await.expect("put_forecast");
    }
    assert_eq!(get(&*store, "SKU-A", "auto").await, Some(a_auto.clone()));
    assert_eq!(get(&*store, "SKU-A", "seed").await, Some(a_seed.clone()));
    assert_eq!(get(&*store, "SKU-B", "auto").await, Some(b_auto.clone()));

    let a_auto_2 = forecast("SKU-A", "auto", 4, vec![4; 4]);
    store
        .put_forecast(a_auto_2.clone())
        .await
        .expect("put_forecast replacing SKU-A/auto");
    assert_eq!(get(&*store, "SKU-A", "auto").await, Some(a_auto_2));
    assert_eq!(
        get(&*store, "SKU-A", "seed").await,
        Some(a_seed),
        "another model of the SKU changed"
    );
    assert_eq!(
        get(&*store, "SKU-B", "auto").await,
        Some(b_auto),
        "the model's forecast of another SKU changed"
    );
}

/// No forecast of an unknown SKU, or of a known SKU by another model.
pub async fn forecast_of_unknown_sku_or_model_is_none(store: Arc<dyn Store>) {
    assert_eq!(get(&*store, "SKU-A", "auto").await, None, "an empty store");
    store
        .put_forecast(forecast("SKU-A", "auto", 1, vec![1]))
        .await
        .expect("put_forecast");
    assert_eq!(get(&*store, "SKU-Z", "auto").await, None, "an unknown SKU");
    assert_eq!(get(&*store, "SKU-A", "seed").await, None, "another model");
}
