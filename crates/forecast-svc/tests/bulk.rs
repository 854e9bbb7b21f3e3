//! ForecastAll: every active SKU, progress, failures, and cancellation.

mod common;

use std::collections::BTreeSet;

use common::*;
use forecast_svc::core::Settings;
use icc_proto::v1 as pb;
use pb::ForecastModel as M;
use pb::forecast_all_response::Event;
use tonic::Code;

#[tokio::test]
async fn forecasts_every_active_sku_with_progress_and_failures() {
    let (store, server) = start().await;
    let mut with_history = BTreeSet::new();
    for i in 0..12 {
        let sku = format!("SKU-{i:02}");
        product(&store.store, &sku, 50).await;
        features(&store.store, &sku, &synthetic(100 + i, 120), 1).await;
        with_history.insert(sku);
    }
    product(&store.store, "SHORT", 5).await;
    features(&store.store, "SHORT", &synthetic(7, 9), 1).await;
    product(&store.store, "UNSOLD", 5).await;
    store.store.archive_product("SKU-11").await.unwrap();
    with_history.remove("SKU-11");

    let mut c = server.client().await;
    let mut stream = c
        .forecast_all(pb::ForecastAllRequest {
            horizon_days: 14,
            model: M::Auto as i32,
        })
        .await
        .unwrap()
        .into_inner();
    let mut events = Vec::new();
    while let Some(m) = stream.message().await.unwrap() {
        events.push(m.event.expect("an event"));
    }
    let total = (with_history.len() + 2) as i64;
    assert_eq!(
        events.first(),
        Some(&Event::Progress(pb::ForecastProgress { done: 0, total }))
    );
    assert_eq!(
        events.last(),
        Some(&Event::Progress(pb::ForecastProgress {
            done: total,
            total
        }))
    );
    let mut results = BTreeSet::new();
    let mut failures = Vec::new();
    let mut last_done = 0;
    for e in &events {
        match e {
            Event::Result(r) => {
                let f = r.forecast.as_ref().unwrap();
                assert_eq!(f.points.len(), 14);
                assert!(!r.reused);
                results.insert(f.sku.clone());
            }
            Event::Failure(f) => failures.push(f.clone()),
            Event::Progress(p) => {
                assert!(p.done >= last_done && p.done <= total);
                last_done = p.done;
            }
        }
    }
    assert_eq!(
        results, with_history,
        "every active SKU with history, archived left out"
    );
    failures.sort_by(|a, b| a.sku.cmp(&b.sku));
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].sku, "SHORT");
    assert!(
        failures[0].reason.contains("have 9 days, need 15"),
        "{failures:?}"
    );
    assert_eq!(failures[1].sku, "UNSOLD");
    assert!(failures[1].reason.contains("have 0 days"), "{failures:?}");

    // A second run reuses every stored forecast.
    let mut stream = c
        .forecast_all(pb::ForecastAllRequest {
            horizon_days: 14,
            model: M::Unspecified as i32,
        })
        .await
        .unwrap()
        .into_inner();
    let computed = server.core.stats().computations();
    let mut reused = 0;
    while let Some(m) = stream.message().await.unwrap() {
        if let Some(Event::Result(r)) = m.event {
            assert!(r.reused);
            reused += 1;
        }
    }
    assert_eq!(reused, with_history.len());
    assert_eq!(server.core.stats().computations(), computed);
}

#[tokio::test]
async fn bad_requests_are_refused_before_streaming() {
    let (_store, server) = start().await;
    let mut c = server.client().await;
    for (horizon_days, model, code, needle) in [
        (0, 0, Code::InvalidArgument, "horizon_days"),
        (400, 0, Code::InvalidArgument, "horizon_days"),
        (7, 77, Code::InvalidArgument, "model"),
    ] {
        let r = c
            .forecast_all(pb::ForecastAllRequest {
                horizon_days,
                model,
            })
            .await;
        expect_status(r, code, &[needle]);
    }
}

#[tokio::test]
async fn cancelling_the_stream_stops_the_work() {
    let store = TestStore::new().await;
    let total = 160u64;
    for i in 0..total {
        let sku = format!("C-{i:03}");
        product(&store.store, &sku, 10).await;
        features(&store.store, &sku, &synthetic(1000 + i, 400), 1).await;
    }
    let server = TestServer::start(
        store.store.clone(),
        Settings {
            workers: 2,
            ..Settings::default()
        },
    )
    .await;
    let mut c = server.client().await;
    let mut stream = c
        .forecast_all(pb::ForecastAllRequest {
            horizon_days: 28,
            model: M::Auto as i32,
        })
        .await
        .unwrap()
        .into_inner();
    // Wait for the first result, then hang up.
    loop {
        let m = stream.message().await.unwrap().expect("a message");
        if matches!(m.event, Some(Event::Result(_))) {
            break;
        }
    }
    drop(stream);
    drop(c);
    tokio::time::timeout(PATIENCE, server.core.stats().wait_idle())
        .await
        .expect("the run ends promptly after the client cancels");
    let stopped_at = server.core.stats().computations();
    assert!(
        stopped_at < total / 2,
        "{stopped_at} of {total} SKUs computed after cancelling at the first result"
    );
    // Nothing is left running: a forecast of one SKU now computes exactly
    // once more.
    let mut c = server.client().await;
    get(&mut c, "C-159", 28, M::Seed).await;
    assert_eq!(server.core.stats().computations(), stopped_at + 1);
}

#[tokio::test]
async fn shutdown_ends_an_open_stream_and_the_server_drains() {
    let store = TestStore::new().await;
    for i in 0..80u64 {
        let sku = format!("S-{i:03}");
        product(&store.store, &sku, 10).await;
        features(&store.store, &sku, &synthetic(2000 + i, 400), 1).await;
    }
    let server = TestServer::start(store.store.clone(), Settings::default()).await;
    let mut c = server.client().await;
    let mut stream = c
        .forecast_all(pb::ForecastAllRequest {
            horizon_days: 28,
            model: M::Auto as i32,
        })
        .await
        .unwrap()
        .into_inner();
    let first = stream.message().await.unwrap().expect("the first progress");
    assert!(matches!(first.event, Some(Event::Progress(_))));
    let core = server.core.clone();
    server.stop(PATIENCE).await.unwrap().unwrap();
    // The stream ends: with UNAVAILABLE if the run was cut short.
    let mut results = 0;
    loop {
        match stream.message().await {
            Ok(Some(m)) => results += usize::from(matches!(m.event, Some(Event::Result(_)))),
            Ok(None) => break,
            Err(status) => {
                assert_eq!(status.code(), Code::Unavailable, "{status:?}");
                break;
            }
        }
    }
    assert!(results < 80, "the run stopped early ({results} results)");
    tokio::time::timeout(PATIENCE, core.stats().wait_idle())
        .await
        .expect("the run ends");
}
