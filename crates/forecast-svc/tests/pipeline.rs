//! End to end with ingest-svc's own pipeline in the same process: it turns
//! imported history into facts and features, forecast-svc forecasts from
//! them, then an order changes today's facts and the next forecast is
//! recomputed, not reused.

mod common;

use common::*;
use forecast_svc::core::Settings;
use icc_analytics::HolidayCalendar;
use icc_proto::v1 as pb;
use icc_store::{LineRequest, NewOrder, SalesEvent};
use ingest_svc::events::{imported, sales_events};
use ingest_svc::pipeline::{Pipeline, earliest_per_sku};
use pb::ForecastModel as M;

#[tokio::test]
async fn an_order_that_changes_the_facts_makes_the_next_call_recompute() {
    let store = TestStore::new().await;
    product(&store.store, "E2E", 1000).await;
    let pipeline = Pipeline::new(
        store.store.clone(),
        HolidayCalendar::builtin(),
        chrono_tz::UTC,
    );
    let yesterday = pipeline.today().pred_opt().unwrap();
    let days = 120u64;
    let start = yesterday - chrono::Days::new(days - 1);
    let units = forecast_svc::synthetic::series(31, start, days as usize, &Default::default());
    let history: Vec<SalesEvent> = units
        .iter()
        .enumerate()
        .filter(|(i, (_, u))| *i == 0 || *u > 0.0)
        .map(|(_, (day, u))| imported("test", "E2E", day, (u as i64).max(1), 0))
        .collect();
    let applied = store.store.apply_sales_events(history).await.unwrap();
    pipeline
        .refresh_features(earliest_per_sku(applied.touched))
        .await
        .unwrap();

    let server = TestServer::start(store.store.clone(), Settings::default()).await;
    let mut c = server.client().await;
    let first = get(&mut c, "E2E", 14, M::Auto).await;
    assert!(!first.reused);
    let f = first.forecast.unwrap();
    assert_eq!(
        date(&f.data_watermark),
        yesterday,
        "features run through yesterday"
    );
    assert_eq!(date(&f.points[0].date), pipeline.today());
    assert!(get(&mut c, "E2E", 14, M::Auto).await.reused);

    // An order today, consumed by the pipeline as its feed step does.
    store
        .store
        .place_order(NewOrder {
            idempotency_key: "e2e-1".into(),
            lines: vec![LineRequest {
                sku: "E2E".into(),
                quantity: 3,
            }],
            note: String::new(),
        })
        .await
        .unwrap();
    let changes = store.store.changes_after(0, 100).await.unwrap();
    let events: Vec<SalesEvent> = changes
        .iter()
        .flat_map(|change| sales_events(change, pipeline.time_zone()))
        .collect();
    assert_eq!(events.len(), 1, "one sold line");
    let applied = store.store.apply_sales_events(events).await.unwrap();
    pipeline
        .refresh_features(earliest_per_sku(applied.touched))
        .await
        .unwrap();

    let after = get(&mut c, "E2E", 14, M::Auto).await;
    assert!(
        !after.reused,
        "the facts changed, so the stored forecast is stale"
    );
    assert_ne!(after.forecast.unwrap().data_version, f.data_version);
    assert!(get(&mut c, "E2E", 14, M::Auto).await.reused);
}
