//! The Backtest RPC.

mod common;

use common::*;
use icc_analytics::{BacktestConfig, HolidayCalendar, SeedForecaster};
use icc_proto::v1 as pb;
use pb::ForecastModel as M;
use tonic::Code;

fn req(sku: &str, horizon_days: i32, model: M, windows: i32) -> pb::BacktestRequest {
    pb::BacktestRequest {
        sku: sku.into(),
        horizon_days,
        model: model as i32,
        windows,
    }
}

#[tokio::test]
async fn seed_backtest_matches_icc_analytics_and_reports_baselines() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    let series = features(&store.store, "A", &synthetic(21, 300), 1).await;
    let mut c = server.client().await;
    let r = c
        .backtest(req("A", 14, M::Seed, 0))
        .await
        .unwrap()
        .into_inner();
    let expected = icc_analytics::backtest(
        &series,
        &SeedForecaster::new(HolidayCalendar::builtin()),
        &BacktestConfig {
            horizon: 14,
            windows: 8,
            step: 7,
        },
    )
    .unwrap();
    assert_eq!(r.windows, 8, "0 means 8");
    assert_eq!(r.points, 8 * 14);
    let model = r.model.unwrap();
    assert_eq!(model.model, M::Seed as i32);
    let a = model.accuracy.unwrap();
    assert_eq!(a.mae, expected.model.accuracy.mae);
    assert_eq!(a.rmse, expected.model.accuracy.rmse);
    assert_eq!(a.smape, expected.model.accuracy.smape);
    assert_eq!(Some(a.mase), expected.model.accuracy.mase);
    assert_eq!(Some(a.rmsse), expected.model.accuracy.rmsse);
    assert_eq!(Some(r.coverage_80), expected.coverage_80);
    assert_eq!(Some(r.coverage_95), expected.coverage_95);
    let baselines: Vec<i32> = r.baselines.iter().map(|b| b.model).collect();
    assert_eq!(baselines, vec![M::Naive as i32, M::SeasonalNaive as i32]);
    assert_eq!(
        r.baselines[1].accuracy.as_ref().unwrap().mae,
        expected.baselines[1].accuracy.mae
    );
}

#[tokio::test]
async fn auto_backtest_reports_the_model_it_would_choose() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    features(&store.store, "A", &synthetic(22, 365), 1).await;
    let mut c = server.client().await;
    // The windows AUTO selects on for a 28-day forecast: 16 weekly origins.
    let b = c
        .backtest(req("A", 28, M::Auto, 16))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(b.windows, 16);
    let chosen = b.model.unwrap();
    let f = get(&mut c, "A", 28, M::Auto).await.forecast.unwrap();
    assert_eq!(chosen.model, f.model);
    assert_eq!(chosen.accuracy, f.selection[0].accuracy);
    let more = c
        .backtest(req("A", 28, M::Auto, 12))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(more.windows, 12);
    assert_eq!(more.points, 12 * 28);
}

#[tokio::test]
async fn backtest_bad_input() {
    let (store, server) = start().await;
    product(&store.store, "A", 10).await;
    features(&store.store, "A", &synthetic(23, 60), 1).await;
    let mut c = server.client().await;
    for w in [-1, 53] {
        expect_status(
            c.backtest(req("A", 7, M::Naive, w)).await,
            Code::InvalidArgument,
            &["windows"],
        );
    }
    for h in [0, 366] {
        expect_status(
            c.backtest(req("A", h, M::Naive, 0)).await,
            Code::InvalidArgument,
            &["horizon_days"],
        );
    }
    expect_status(
        c.backtest(req("GONE", 7, M::Naive, 0)).await,
        Code::NotFound,
        &["GONE"],
    );
    expect_status(
        c.backtest(req("A", 56, M::Seed, 0)).await,
        Code::FailedPrecondition,
        &["have 60 days", "need 84"],
    );
    // Every model is available (REGRESSION and INTERMITTENT since issue 9).
    for model in [M::Intermittent, M::Regression] {
        let r = c
            .backtest(req("A", 7, model, 0))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.model.unwrap().model, model as i32);
    }
    // Short history: fewer windows than asked, and says how many.
    let r = c
        .backtest(req("A", 28, M::Seed, 8))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        r.windows, 1,
        "60 days: one 28-day window after 28 training days"
    );
    assert_eq!(
        r.coverage_80, 0.0,
        "no out-of-sample coverage from one window"
    );
}
