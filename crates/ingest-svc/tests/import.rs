//! ImportSalesHistory, GetDailySales and GetFeatures: validation per row,
//! idempotent re-import, gap-filling and hand-checked feature values.

mod common;

use chrono::{Days, NaiveDate};
use common::*;
use icc_proto::v1::*;
use tonic::Code;

fn row(day: NaiveDate, sku: &str, units: i64) -> SalesHistoryRow {
    SalesHistoryRow {
        date: date(day),
        sku: sku.into(),
        units,
        revenue_minor: units.saturating_mul(100),
    }
}

async fn import(
    ingest: &mut icc_proto::v1::ingest_service_client::IngestServiceClient<
        tonic::transport::Channel,
    >,
    source: &str,
    batches: Vec<Vec<SalesHistoryRow>>,
) -> Result<ImportSalesHistoryResponse, tonic::Status> {
    let messages: Vec<_> = batches
        .into_iter()
        .map(|rows| ImportSalesHistoryRequest {
            source: source.into(),
            rows,
        })
        .collect();
    ingest
        .import_sales_history(tokio_stream::iter(messages))
        .await
        .map(|r| r.into_inner())
}

#[tokio::test(flavor = "multi_thread")]
async fn rows_are_validated_one_by_one_and_a_second_import_adds_nothing() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut ingest) = (mesh.catalog().await, mesh.ingest_client().await);
    create(&mut catalog, "H", 100, 0).await;
    let d = today() - Days::new(10);
    let mut future = row(today() + Days::new(1), "H", 1);
    future.revenue_minor = 5;
    let mut bad_date = row(d, "H", 1);
    bad_date.date = Some(icc_proto::google::r#type::Date {
        year: 2026,
        month: 2,
        day: 30,
    });
    let mut negative_revenue = row(d + Days::new(3), "H", 1);
    negative_revenue.revenue_minor = -1;
    let mut huge_revenue = row(d + Days::new(5), "H", 1);
    huge_revenue.revenue_minor = i64::MAX;
    let rows = [
        row(d, "H", 4),                       // 1 ok
        row(d + Days::new(1), "NOPE", 1),     // 2 unknown sku
        row(d + Days::new(2), "H", -1),       // 3 negative units
        future,                               // 4 future date
        bad_date,                             // 5 malformed date
        negative_revenue,                     // 6 negative revenue
        row(d, "H", 4),                       // 7 same as row 1: duplicate
        row(d, "H", 5),                       // 8 conflicts with row 1
        row(d + Days::new(4), "H", i64::MAX), // 9 units a sum would overflow on
        huge_revenue,                         // 10 the same for revenue
    ];
    // Split across two messages: row numbers continue across the stream.
    let report = import(
        &mut ingest,
        "shop-export",
        vec![rows[..3].to_vec(), rows[3..].to_vec()],
    )
    .await
    .unwrap();
    assert_eq!((report.accepted_count, report.duplicate_count), (1, 1));
    let rejected: Vec<_> = report
        .rejected
        .iter()
        .map(|r| (r.line, r.reason.split(':').next().unwrap().to_owned()))
        .collect();
    assert_eq!(
        rejected,
        vec![
            (2, "sku".to_owned()),
            (3, "units".to_owned()),
            (4, "date".to_owned()),
            (5, "date".to_owned()),
            (6, "revenue_minor".to_owned()),
            (
                8,
                "conflicts with row 1 for the same sku and date".to_owned()
            ),
            (9, "units".to_owned()),
            (10, "revenue_minor".to_owned()),
        ]
    );
    assert!(
        report.rejected[6]
            .reason
            .contains("between 0 and 1000000000"),
        "{}",
        report.rejected[6].reason
    );
    assert!(
        report.rejected[0].reason.contains("\"NOPE\""),
        "{}",
        report.rejected[0].reason
    );

    let again = import(&mut ingest, "shop-export", vec![vec![row(d, "H", 4)]])
        .await
        .unwrap();
    assert_eq!(
        (again.accepted_count, again.duplicate_count),
        (0, 1),
        "same source twice stores nothing new"
    );
    // A different value for a stored row is refused and said so.
    let corrected = vec![vec![row(d - Days::new(1), "H", 2), row(d, "H", 7)]];
    let corrected = import(&mut ingest, "shop-export", corrected).await.unwrap();
    assert_eq!(
        (corrected.accepted_count, corrected.duplicate_count),
        (1, 0)
    );
    assert_eq!(corrected.rejected_count, 1);
    let r = &corrected.rejected[0];
    assert_eq!((r.line, r.sku.as_str()), (2, "H"));
    assert!(
        r.reason.contains("stored 4 units and revenue 400"),
        "{}",
        r.reason
    );
    let days = ingest
        .get_daily_sales(GetDailySalesRequest {
            sku: "H".into(),
            start_date: date(d),
            end_date: date(d + Days::new(1)),
        })
        .await
        .unwrap()
        .into_inner()
        .days;
    let units: Vec<_> = days.iter().map(|x| x.units).collect();
    assert_eq!(units, vec![4, 0], "imported once, next day gap-filled");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_get_precise_codes() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut ingest) = (mesh.catalog().await, mesh.ingest_client().await);
    create(&mut catalog, "Q", 100, 0).await;
    let (a, b) = (today() - Days::new(5), today());
    let unknown = GetFeaturesRequest {
        sku: "NOPE".into(),
        start_date: date(a),
        end_date: date(b),
    };
    assert_eq!(
        ingest.get_features(unknown).await.unwrap_err().code(),
        Code::NotFound
    );
    let empty = GetFeaturesRequest {
        sku: "Q".into(),
        start_date: date(b),
        end_date: date(a),
    };
    let e = ingest.get_features(empty).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument);
    assert!(e.message().starts_with("end_date"), "{}", e.message());
    let missing = GetDailySalesRequest {
        sku: "Q".into(),
        start_date: None,
        end_date: date(b),
    };
    assert_eq!(
        ingest.get_daily_sales(missing).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let long = GetDailySalesRequest {
        sku: "Q".into(),
        start_date: date(b - Days::new(4000)),
        end_date: date(b),
    };
    assert_eq!(
        ingest.get_daily_sales(long).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let no_source = import(&mut ingest, "", vec![vec![row(a, "Q", 1)]])
        .await
        .unwrap_err();
    assert_eq!(no_source.code(), Code::InvalidArgument);
    for bad in ["a:b", "a\nb"] {
        let e = import(&mut ingest, bad, vec![vec![row(a, "Q", 1)]])
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument, "{bad:?}");
        assert!(e.message().starts_with("source: "), "{e:?}");
    }
    let mixed = vec![
        ImportSalesHistoryRequest {
            source: "one".into(),
            rows: vec![],
        },
        ImportSalesHistoryRequest {
            source: "two".into(),
            rows: vec![],
        },
    ];
    assert_eq!(
        ingest
            .import_sales_history(tokio_stream::iter(mixed))
            .await
            .unwrap_err()
            .code(),
        Code::InvalidArgument
    );
    let rebuild = RebuildFactsRequest {
        sku: "NOPE".into(),
        start_date: date(a),
        end_date: date(b),
    };
    assert_eq!(
        ingest.rebuild_facts(rebuild).await.unwrap_err().code(),
        Code::NotFound
    );
    // A malformed SKU is a bad argument, as at every other service.
    let rebuild = RebuildFactsRequest {
        sku: "a b".into(),
        start_date: date(a),
        end_date: date(b),
    };
    let e = ingest.rebuild_facts(rebuild).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().starts_with("sku: "), "{e:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_history_yields_hand_checked_features_through_yesterday() {
    let mesh = Mesh::start().await;
    let (mut catalog, mut ingest) = (mesh.catalog().await, mesh.ingest_client().await);
    create(&mut catalog, "F", 100, 0).await;
    // 20 days ending yesterday: units = day index (1..=20), but day 5 missing
    // (a gap, which must read as 0, not shift the rows).
    let start = today() - Days::new(20);
    let rows: Vec<_> = (0..20u64)
        .filter(|i| *i != 4)
        .map(|i| row(start + Days::new(i), "F", i as i64 + 1))
        .collect();
    import(&mut ingest, "hist", vec![rows]).await.unwrap();
    let r = ingest
        .get_features(GetFeaturesRequest {
            sku: "F".into(),
            start_date: date(start),
            end_date: date(today()),
        })
        .await
        .unwrap()
        .into_inner();
    let yesterday = today() - Days::new(1);
    assert_eq!(r.data_watermark, date(yesterday));
    assert_eq!(
        r.rows.len(),
        20,
        "rows from the first day through yesterday"
    );
    assert!(r.data_version != 0);
    // Day index 15 (units 16): lag_1 = 15, lag_7 = units of index 8 = 9,
    // lag_14 = units of index 1 = 2; the 7 days before are indices 8..=14
    // -> (9+10+11+12+13+14+15)/7 = 12.
    let t = &r.rows[15];
    assert_eq!(t.units, 16.0);
    assert_eq!((t.lag_1, t.lag_7, t.lag_14), (15.0, 9.0, 2.0));
    assert_eq!(t.rolling_mean_7, 12.0);
    assert_eq!(t.trend_index, (15.0 - 9.0) / 7.0);
    assert_eq!(t.history_days, 15);
    // Index 5 follows the gap (index 4 = 0): lag_1 reads 0.
    assert_eq!((r.rows[4].units, r.rows[5].lag_1), (0.0, 0.0));
    // Warm-up: index 3 has lag_7 and lag_14 before the series start -> 0.
    assert_eq!(
        (r.rows[3].lag_7, r.rows[3].lag_14, r.rows[3].history_days),
        (0.0, 0.0, 3)
    );
}
