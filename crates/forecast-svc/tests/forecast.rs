//! GetForecast over gRPC: values, explanations, intervals, AUTO, bad input,
//! reuse of stored forecasts, single flight, health and reflection.

mod common;

use std::collections::BTreeSet;

use common::*;
use forecast_svc::core::Settings;
use icc_analytics::{BacktestConfig, HolidayCalendar, SeedForecaster, SeedModel};
use icc_proto::v1 as pb;
use pb::ForecastModel as M;
use tonic::Code;

#[tokio::test]
async fn seed_forecast_equals_icc_analytics_end_to_end() {
    let (store, server) = start().await;
    product(&store.store, "TEA-1", 100).await;
    let series = features(&store.store, "TEA-1", &synthetic(1, 400), 1).await;
    let mut client = server.client().await;
    let r = get(&mut client, "TEA-1", 28, M::Seed).await;
    assert!(!r.reused);
    let f = r.forecast.unwrap();
    assert_eq!(f.sku, "TEA-1");
    assert_eq!(f.model, M::Seed as i32);
    assert_eq!(f.model_version, forecast_svc::core::MODEL_VERSION);
    assert_eq!(date(&f.data_watermark), data_through());
    assert_eq!(f.data_version, 1);
    assert!(f.create_time.is_some());
    assert!(f.selection.is_empty() && f.fallback_reason.is_empty());

    // The same data through icc-analytics directly.
    let calendar = HolidayCalendar::builtin();
    let model = SeedModel::fit(&series, &calendar).unwrap();
    let expected = model.forecast(&series, &calendar, 28).unwrap();
    assert_eq!(f.r_squared, model.r_squared());
    let report = icc_analytics::backtest(
        &series,
        &SeedForecaster::new(calendar),
        &BacktestConfig {
            windows: forecast_svc::engine::FORECAST_BACKTEST_WINDOWS,
            ..BacktestConfig::default()
        },
    )
    .unwrap();
    let values: Vec<f64> = expected.iter().map(|p| p.value).collect();
    let intervals = report.intervals.apply(&values);
    assert_eq!(f.points.len(), 28);
    for ((p, e), i) in f.points.iter().zip(&expected).zip(&intervals) {
        assert_eq!(date(&p.date), e.date);
        assert_eq!(p.value, e.value);
        assert_eq!((p.lower_80, p.upper_80), (i.lower_80, i.upper_80));
        assert_eq!((p.lower_95, p.upper_95), (i.lower_95, i.upper_95));
        let x = p.explanation.as_ref().unwrap();
        assert_eq!(x.intercept, e.explanation.intercept);
        assert_eq!(x.clamped, e.explanation.clamped);
        let names: Vec<&str> = x.terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, icc_analytics::FEATURE_NAMES);
        let sum = x
            .terms
            .iter()
            .fold(x.intercept, |acc, t| acc + t.contribution);
        assert_eq!(
            sum, x.unclamped,
            "contributions plus intercept are the unclamped value"
        );
        for t in &x.terms {
            assert_eq!(t.contribution, t.value * t.coefficient);
        }
        if !x.clamped {
            assert_eq!(p.value, x.unclamped);
        }
    }
    assert_eq!(date(&f.points[0].date), data_through().succ_opt().unwrap());
}

#[tokio::test]
async fn auto_chooses_by_backtest_and_reports_the_runner_up() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    features(&store.store, "A", &synthetic(2, 365), 1).await;
    let mut client = server.client().await;
    // UNSPECIFIED means AUTO; AUTO is stored under one name.
    let r = get(&mut client, "A", 14, M::Unspecified).await;
    let f = r.forecast.unwrap();
    assert_ne!(f.model, M::Auto as i32, "the chosen model, never AUTO");
    assert_eq!(f.selection.len(), 2);
    assert_eq!(f.selection[0].model, f.model);
    assert!(f.selection[0].selection_score <= f.selection[1].selection_score);
    assert_eq!(f.points.len(), 14);
    assert!(get(&mut client, "A", 14, M::Auto).await.reused);
}

#[tokio::test]
async fn auto_with_short_history_falls_back_and_says_so() {
    let (store, server) = start().await;
    product(&store.store, "NEW", 10).await;
    features(&store.store, "NEW", &synthetic(3, 21), 1).await;
    let mut client = server.client().await;
    let f = get(&mut client, "NEW", 7, M::Auto).await.forecast.unwrap();
    assert!(
        f.fallback_reason.contains("21 days"),
        "{}",
        f.fallback_reason
    );
    assert!(
        f.fallback_reason.contains("regression (needs 35)"),
        "{}",
        f.fallback_reason
    );
    assert!([M::SeasonalNaive as i32, M::Intermittent as i32].contains(&f.model));
    // Asking for the seed model itself is refused with the numbers.
    let e = client
        .get_forecast(pb::GetForecastRequest {
            sku: "NEW".into(),
            horizon_days: 7,
            model: M::Seed as i32,
        })
        .await;
    expect_status(
        e,
        Code::FailedPrecondition,
        &["NEW", "have 21 days", "need 35"],
    );
}

#[tokio::test]
async fn bad_input_gets_precise_codes() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    features(&store.store, "A", &synthetic(4, 10), 1).await;
    product(&store.store, "NEVER-SOLD", 10).await;
    let mut c = server.client().await;
    let req = |sku: &str, horizon_days: i32, model: i32| pb::GetForecastRequest {
        sku: sku.into(),
        horizon_days,
        model,
    };
    for h in [0, -1, 366] {
        expect_status(
            c.get_forecast(req("A", h, 0)).await,
            Code::InvalidArgument,
            &["horizon_days", "between 1 and 365"],
        );
    }
    expect_status(
        c.get_forecast(req("", 7, 0)).await,
        Code::InvalidArgument,
        &["sku"],
    );
    expect_status(
        c.get_forecast(req("a b", 7, 0)).await,
        Code::InvalidArgument,
        &["sku", "not a valid SKU"],
    );
    expect_status(
        c.get_forecast(req("NOPE-9", 7, 0)).await,
        Code::NotFound,
        &["NOPE-9"],
    );
    expect_status(
        c.get_forecast(req("A", 7, 42)).await,
        Code::InvalidArgument,
        &["model", "42"],
    );
    expect_status(
        c.get_forecast(req("A", 7, 0)).await,
        Code::FailedPrecondition,
        &["have 10 days", "need 15"],
    );
    expect_status(
        c.get_forecast(req("NEVER-SOLD", 7, 0)).await,
        Code::FailedPrecondition,
        &["NEVER-SOLD", "have 0 days", "need 15"],
    );
}

#[tokio::test]
async fn flat_and_empty_histories_forecast_without_nan() {
    let (store, server) = start().await;
    let cases: [(&str, Vec<f64>); 3] = [
        ("ZERO", vec![0.0; 90]),
        ("FLAT", vec![6.0; 90]),
        (
            "SPIKE",
            (0..90).map(|i| if i == 80 { 500.0 } else { 0.0 }).collect(),
        ),
    ];
    let mut c = server.client().await;
    for (sku, units) in cases {
        product(&store.store, sku, 10).await;
        features(&store.store, sku, &units, 1).await;
        for model in [
            M::Auto,
            M::Seed,
            M::Naive,
            M::SeasonalNaive,
            M::MovingAverage,
        ] {
            let f = get(&mut c, sku, 365, model).await.forecast.unwrap();
            assert_eq!(f.points.len(), 365);
            for p in &f.points {
                let x = p.explanation.as_ref().unwrap();
                let all = [
                    p.value,
                    p.lower_80,
                    p.upper_80,
                    p.lower_95,
                    p.upper_95,
                    x.unclamped,
                ];
                assert!(all.iter().all(|v| v.is_finite()), "{sku} {model:?}: {p:?}");
                assert!(p.lower_95 >= 0.0);
            }
            assert!(f.r_squared.is_finite());
        }
    }
}

#[tokio::test]
async fn stored_forecasts_are_reused_until_the_data_changes() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    let units = synthetic(5, 200);
    features(&store.store, "A", &units, 1).await;
    let mut c = server.client().await;

    let first = get(&mut c, "A", 28, M::Seed).await;
    assert!(!first.reused);
    let second = get(&mut c, "A", 28, M::Seed).await;
    assert!(second.reused, "same watermark and model version");
    assert_eq!(second.forecast, first.forecast);
    let shorter = get(&mut c, "A", 5, M::Seed).await;
    assert!(shorter.reused, "a stored 28-day forecast covers 5 days");
    assert_eq!(
        shorter.forecast.as_ref().unwrap().points[..],
        first.forecast.as_ref().unwrap().points[..5]
    );
    let longer = get(&mut c, "A", 60, M::Seed).await;
    assert!(!longer.reused, "60 days are not covered by 28");
    assert_eq!(longer.forecast.as_ref().unwrap().points.len(), 60);
    assert!(
        get(&mut c, "A", 28, M::Seed).await.reused,
        "60 stored days cover 28"
    );
    let computed = server.core.stats().computations();

    // The facts change (e.g. an order on the last day): ingest-svc writes
    // new rows and a new version.
    let mut changed = units.clone();
    *changed.last_mut().unwrap() += 5.0;
    features(&store.store, "A", &changed, 2).await;
    let after = get(&mut c, "A", 28, M::Seed).await;
    assert!(!after.reused, "the data version changed");
    let f = after.forecast.unwrap();
    assert_eq!(f.data_version, 2);
    assert_ne!(f.points, first.forecast.unwrap().points[..28].to_vec());
    assert_eq!(server.core.stats().computations(), computed + 1);
    assert!(get(&mut c, "A", 28, M::Seed).await.reused);

    // A new day of data (same version number, later data_through).
    let mut longer_units = changed.clone();
    longer_units.push(3.0);
    let start = data_through() - chrono::Days::new(changed.len() as u64 - 1);
    let series = icc_analytics::DailySeries::new(start, longer_units).unwrap();
    write_series(&store.store, "A", &series, 2).await;
    let next = get(&mut c, "A", 28, M::Seed).await;
    assert!(!next.reused, "data_through moved");
    assert_eq!(date(&next.forecast.unwrap().data_watermark), series.end());
}

#[tokio::test]
async fn a_new_model_version_recomputes() {
    let store = TestStore::new().await;
    product(&store.store, "A", 10).await;
    features(&store.store, "A", &synthetic(6, 120), 1).await;
    let v1 = TestServer::start(store.store.clone(), Settings::default()).await;
    let v2 = TestServer::start(
        store.store.clone(),
        Settings {
            model_version: "forecast-svc/test-next".into(),
            ..Settings::default()
        },
    )
    .await;
    let (mut c1, mut c2) = (v1.client().await, v2.client().await);
    assert!(!get(&mut c1, "A", 28, M::Auto).await.reused);
    assert!(get(&mut c1, "A", 28, M::Auto).await.reused);
    let r = get(&mut c2, "A", 28, M::Auto).await;
    assert!(!r.reused, "stored by another model version");
    assert_eq!(r.forecast.unwrap().model_version, "forecast-svc/test-next");
    assert!(get(&mut c2, "A", 28, M::Auto).await.reused);
    assert!(!get(&mut c1, "A", 28, M::Auto).await.reused);
}

#[tokio::test]
async fn concurrent_requests_for_one_sku_compute_once() {
    let (store, server) = start().await;
    product(&store.store, "HOT", 10).await;
    features(&store.store, "HOT", &synthetic(7, 730), 1).await;
    let channel = server.channel().await;
    let before = server.core.stats().computations();
    let calls: Vec<_> = (0..12)
        .map(|_| {
            let mut c = pb::forecast_service_client::ForecastServiceClient::new(channel.clone());
            tokio::spawn(async move { get(&mut c, "HOT", 28, M::Auto).await })
        })
        .collect();
    let mut fresh = 0;
    let mut forecasts = BTreeSet::new();
    for call in calls {
        let r = call.await.unwrap();
        fresh += usize::from(!r.reused);
        forecasts.insert(format!("{:?}", r.forecast.unwrap().points));
    }
    assert_eq!(
        server.core.stats().computations() - before,
        1,
        "one computation"
    );
    assert_eq!(
        fresh, 1,
        "one caller computed, the others got the stored forecast"
    );
    assert_eq!(forecasts.len(), 1, "everyone got the same forecast");
}

#[tokio::test]
async fn health_reflection_and_graceful_stop() {
    let (_store, server) = start().await;
    let channel = server.channel().await;
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel.clone());
    for service in ["", "icc.v1.ForecastService"] {
        let r = health
            .check(tonic_health::pb::HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            r.status,
            tonic_health::pb::health_check_response::ServingStatus::Serving as i32
        );
    }
    let mut reflection =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(channel);
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            tonic_reflection::pb::v1::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            ),
        ),
    };
    let mut stream = reflection
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = stream.message().await.unwrap().unwrap();
    let Some(
        tonic_reflection::pb::v1::server_reflection_response::MessageResponse::ListServicesResponse(
            list,
        ),
    ) = response.message_response
    else {
        panic!("not a service list: {response:?}");
    };
    let names: BTreeSet<String> = list.service.into_iter().map(|s| s.name).collect();
    assert!(names.contains("icc.v1.ForecastService"), "{names:?}");
    assert!(!names.contains("icc.v1.OrdersService"), "{names:?}");
    server.stop(PATIENCE).await.unwrap().unwrap();
}

#[tokio::test]
async fn an_oversized_request_is_resource_exhausted() {
    let (_store, server) = start().await;
    let mut c = server
        .client()
        .await
        .max_encoding_message_size(16 * 1024 * 1024);
    let r = c
        .get_forecast(pb::GetForecastRequest {
            sku: "X".repeat(5 * 1024 * 1024),
            horizon_days: 7,
            model: 0,
        })
        .await;
    expect_status(r, Code::ResourceExhausted, &[]);
    // A long but small SKU is an ordinary bad argument.
    let r = c
        .get_forecast(pb::GetForecastRequest {
            sku: "X".repeat(65),
            horizon_days: 7,
            model: 0,
        })
        .await;
    expect_status(r, Code::InvalidArgument, &["sku"]);
}
