//! Reorder advice on hand-computed cases. Every SKU here sells exactly 10
//! units a day, so every model forecasts 10 a day with no backtest error:
//! AUTO picks the simplest (naive), safety stock is 0, and each number
//! below follows from on-hand stock, lead time and the 7-day review period.

mod common;

use chrono::NaiveDate;
use common::*;
use icc_proto::v1 as pb;
use pb::ReorderUrgency as U;
use tonic::Code;

fn first_day() -> NaiveDate {
    data_through().succ_opt().unwrap()
}

fn day(offset: u64) -> NaiveDate {
    first_day() + chrono::Days::new(offset)
}

async fn steady(store: &TestStore, sku: &str, on_hand: i64, lead: i32, level: f64) {
    product_with(&store.store, sku, on_hand, lead, level).await;
    features(&store.store, sku, &[10.0; 60], 1).await;
}

async fn advice(
    c: &mut Client,
    sku: &str,
    lead_time_days: i32,
    service_level: f64,
    horizon_days: i32,
) -> pb::ReorderAdvice {
    c.get_reorder_advice(pb::GetReorderAdviceRequest {
        sku: sku.into(),
        lead_time_days,
        service_level,
        horizon_days,
    })
    .await
    .unwrap_or_else(|e| panic!("advice for {sku}: {e:?}"))
    .into_inner()
    .advice
    .unwrap()
}

#[tokio::test]
async fn stockout_inside_the_lead_time_is_critical() {
    let (store, server) = start().await;
    steady(&store, "CRIT", 50, 0, 0.0).await;
    let mut c = server.client().await;
    let a = advice(&mut c, "CRIT", 0, 0.0, 0).await;
    // 50 units at 10 a day: empty at the end of day 5, inside the default
    // 7-day lead time, so an order today arrives too late.
    assert_eq!(a.urgency, U::Critical as i32);
    assert_eq!(a.on_hand, 50);
    assert_eq!(date(&a.stockout_date), day(4));
    assert_eq!(a.days_of_cover, 5.0);
    assert_eq!(a.lead_time_days, 7, "the default");
    assert_eq!(a.service_level, 0.95, "the default");
    assert_eq!(a.lead_time_demand, 70.0);
    assert_eq!(a.safety_stock, 0.0);
    assert_eq!(a.reorder_point, 70);
    // Order up to (7 + 7) days x 10 = 140: 90 more.
    assert_eq!(a.suggested_order_quantity, 90);
    // Every AUTO candidate is exact on a constant; the simplest wins.
    assert_eq!(a.model, pb::ForecastModel::MovingAverage as i32);
    assert_eq!(a.projection.len(), 28, "0 means 28 days");
    let stock: Vec<f64> = a.projection.iter().take(6).map(|p| p.on_hand).collect();
    assert_eq!(stock, vec![40.0, 30.0, 20.0, 10.0, 0.0, 0.0]);
    assert!(a.projection.iter().all(|p| p.demand == 10.0));
    assert_eq!(date(&a.projection[0].date), first_day());

    // Nothing in stock: out today, cover 0, order the full 140.
    steady(&store, "EMPTY", 0, 0, 0.0).await;
    let a = advice(&mut c, "EMPTY", 0, 0.0, 0).await;
    assert_eq!(a.urgency, U::Critical as i32);
    assert_eq!(date(&a.stockout_date), day(0));
    assert_eq!(a.days_of_cover, 0.0);
    assert_eq!(a.suggested_order_quantity, 140);
}

#[tokio::test]
async fn soon_ok_and_the_policy_sources() {
    let (store, server) = start().await;
    steady(&store, "SOON", 200, 0, 0.0).await;
    steady(&store, "OK", 1000, 0, 0.0).await;
    steady(&store, "OWN", 50, 3, 0.9).await;
    let mut c = server.client().await;

    // 200 units last 20 days; the reorder point 70 is reached on day 13.
    let a = advice(&mut c, "SOON", 0, 0.0, 0).await;
    assert_eq!(a.urgency, U::Soon as i32);
    assert_eq!(date(&a.stockout_date), day(19));
    assert_eq!(a.days_of_cover, 20.0);
    assert_eq!(a.reorder_point, 70);
    assert_eq!(a.suggested_order_quantity, 0);

    // 1000 units outlast the 28 days.
    let a = advice(&mut c, "OK", 0, 0.0, 0).await;
    assert_eq!(a.urgency, U::Ok as i32);
    assert!(a.stockout_date.is_none());
    assert_eq!(a.days_of_cover, 28.0);
    assert_eq!(a.projection.last().unwrap().on_hand, 720.0);

    // The product's own lead time (3) and service level (0.9).
    let a = advice(&mut c, "OWN", 0, 0.0, 0).await;
    assert_eq!((a.lead_time_days, a.service_level), (3, 0.9));
    assert_eq!(a.lead_time_demand, 30.0);
    assert_eq!(a.reorder_point, 30);
    assert_eq!(
        a.urgency,
        U::Soon as i32,
        "out on day 5, after the 3-day lead time"
    );

    // The request overrides both: with 10 days of lead time the stockout
    // on day 5 is inside it.
    let a = advice(&mut c, "OWN", 10, 0.99, 0).await;
    assert_eq!((a.lead_time_days, a.service_level), (10, 0.99));
    assert_eq!(a.reorder_point, 100);
    assert_eq!(a.urgency, U::Critical as i32);
    assert_eq!(a.suggested_order_quantity, 170 - 50);

    // A horizon shorter than lead time + review period is extended.
    let a = advice(&mut c, "OK", 0, 0.0, 5).await;
    assert_eq!(a.projection.len(), 14);
    let a = advice(&mut c, "OK", 0, 0.0, 60).await;
    assert_eq!(a.projection.len(), 60);
}

#[tokio::test]
async fn today_counts_only_the_part_of_the_day_still_ahead() {
    let (store, server) = start().await;
    product_with(&store.store, "TODAY", 1000, 0, 0.0).await;
    // Ten a day up to yesterday: the projection starts today, whose sales
    // so far are already out of the stock on hand.
    let today = chrono::Utc::now().date_naive();
    let start = today - chrono::Days::new(60);
    let series = icc_analytics::DailySeries::new(start, vec![10.0; 60]).unwrap();
    write_series(&store.store, "TODAY", &series, 1).await;
    let mut c = server.client().await;
    let ahead =
        |now: chrono::DateTime<chrono::Utc>| 10.0 * icc_analytics::reorder::share_ahead(today, now);
    let before = ahead(chrono::Utc::now());
    let a = advice(&mut c, "TODAY", 0, 0.0, 0).await;
    let after = ahead(chrono::Utc::now());
    assert_eq!(date(&a.projection[0].date), today);
    let first = a.projection[0].demand;
    assert!(
        (after..=before).contains(&first),
        "{after} <= {first} <= {before}"
    );
    assert_eq!(a.projection[1].demand, 10.0, "later days count whole");
    assert!((a.lead_time_demand - (60.0 + first)).abs() < 1e-9);
}

#[tokio::test]
async fn a_lead_time_of_a_year_is_advised_and_listed() {
    let (store, server) = start().await;
    // The catalog accepts lead times up to 365 days; with the 7-day review
    // period the advice looks 372 days ahead, past the longest forecast a
    // request may ask.
    steady(&store, "YEAR", 1000, 365, 0.0).await;
    steady(&store, "WEEK", 1000, 0, 0.0).await;
    let mut c = server.client().await;

    let a = advice(&mut c, "YEAR", 0, 0.0, 0).await;
    assert_eq!(a.lead_time_days, 365, "the product's own");
    assert_eq!(a.lead_time_demand, 3650.0);
    assert_eq!(a.reorder_point, 3650);
    // 1000 units last 100 days, inside the lead time.
    assert_eq!(a.urgency, U::Critical as i32);
    assert_eq!(date(&a.stockout_date), day(99));
    // Order up to (365 + 7) days x 10 = 3720.
    assert_eq!(a.suggested_order_quantity, 2720);
    let a = advice(&mut c, "WEEK", 365, 0.0, 0).await;
    assert_eq!(a.lead_time_days, 365, "the request's override");
    assert_eq!(a.suggested_order_quantity, 2720);

    let listed = c
        .list_reorder_advice(pb::ListReorderAdviceRequest::default())
        .await
        .expect("one product's long lead time does not fail the listing")
        .into_inner();
    let skus: Vec<&str> = listed.advice.iter().map(|a| a.sku.as_str()).collect();
    assert_eq!(skus, ["YEAR", "WEEK"]);
    assert!(listed.skipped.is_empty(), "{:?}", listed.skipped);
}

#[tokio::test]
async fn reorder_advice_bad_input() {
    let (store, server) = start().await;
    steady(&store, "A", 10, 0, 0.0).await;
    product(&store.store, "NEW", 3).await;
    features(&store.store, "NEW", &[1.0; 5], 1).await;
    let mut c = server.client().await;
    let req = |sku: &str, lead_time_days: i32, service_level: f64, horizon_days: i32| {
        pb::GetReorderAdviceRequest {
            sku: sku.into(),
            lead_time_days,
            service_level,
            horizon_days,
        }
    };
    for lead in [-1, 366] {
        expect_status(
            c.get_reorder_advice(req("A", lead, 0.0, 0)).await,
            Code::InvalidArgument,
            &["lead_time_days"],
        );
    }
    for level in [1.0, -0.5, 1.5, f64::NAN] {
        expect_status(
            c.get_reorder_advice(req("A", 0, level, 0)).await,
            Code::InvalidArgument,
            &["service_level"],
        );
    }
    for h in [-1, 366] {
        expect_status(
            c.get_reorder_advice(req("A", 0, 0.0, h)).await,
            Code::InvalidArgument,
            &["horizon_days"],
        );
    }
    expect_status(
        c.get_reorder_advice(req("", 0, 0.0, 0)).await,
        Code::InvalidArgument,
        &["sku"],
    );
    expect_status(
        c.get_reorder_advice(req("NOPE", 0, 0.0, 0)).await,
        Code::NotFound,
        &["NOPE"],
    );
    expect_status(
        c.get_reorder_advice(req("NEW", 0, 0.0, 0)).await,
        Code::FailedPrecondition,
        &["NEW", "have 5 days"],
    );
}

#[tokio::test]
async fn list_is_most_urgent_first_pages_and_reports_skipped_skus() {
    let (store, server) = start().await;
    steady(&store, "L-OK", 1000, 0, 0.0).await;
    steady(&store, "L-SOON", 200, 0, 0.0).await;
    steady(&store, "L-CRIT-A", 50, 0, 0.0).await; // out on day 5
    steady(&store, "L-CRIT-B", 20, 0, 0.0).await; // out on day 2
    product(&store.store, "L-SHORT", 5).await;
    features(&store.store, "L-SHORT", &[2.0; 4], 1).await;
    let mut c = server.client().await;

    let list = |page_size: i32, page_token: String, needs_action_only: bool| {
        pb::ListReorderAdviceRequest {
            page_size,
            page_token,
            needs_action_only,
        }
    };
    let all = c
        .list_reorder_advice(list(0, String::new(), false))
        .await
        .unwrap()
        .into_inner();
    let skus: Vec<&str> = all.advice.iter().map(|a| a.sku.as_str()).collect();
    assert_eq!(skus, ["L-CRIT-B", "L-CRIT-A", "L-SOON", "L-OK"]);
    assert!(all.next_page_token.is_empty());
    assert_eq!(all.skipped.len(), 1);
    assert_eq!(all.skipped[0].sku, "L-SHORT");
    assert!(
        all.skipped[0].reason.contains("have 4 days"),
        "{:?}",
        all.skipped
    );

    let action = c
        .list_reorder_advice(list(0, String::new(), true))
        .await
        .unwrap()
        .into_inner();
    let skus: Vec<&str> = action.advice.iter().map(|a| a.sku.as_str()).collect();
    assert_eq!(skus, ["L-CRIT-B", "L-CRIT-A", "L-SOON"]);

    // One at a time gives the same order; skipped SKUs come on page one.
    let mut paged = Vec::new();
    let mut token = String::new();
    for page in 0.. {
        let r = c
            .list_reorder_advice(list(1, token, false))
            .await
            .unwrap()
            .into_inner();
        assert!(r.advice.len() <= 1);
        assert_eq!(r.skipped.is_empty(), page > 0);
        paged.extend(r.advice.into_iter().map(|a| a.sku));
        if r.next_page_token.is_empty() {
            break;
        }
        assert!(page < 10, "paging never ends");
        token = r.next_page_token;
    }
    assert_eq!(paged, ["L-CRIT-B", "L-CRIT-A", "L-SOON", "L-OK"]);

    expect_status(
        c.list_reorder_advice(list(1001, String::new(), false))
            .await,
        Code::InvalidArgument,
        &["page_size"],
    );
    let first = c
        .list_reorder_advice(list(1, String::new(), false))
        .await
        .unwrap()
        .into_inner();
    expect_status(
        c.list_reorder_advice(list(1, first.next_page_token, true))
            .await,
        Code::InvalidArgument,
        &["page_token"],
    );
}
