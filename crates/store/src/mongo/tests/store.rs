//! The pure parts of the store: deployment checks, client defaults, the
//! counter allocation, the analytics diffs, the head, and paging.

use chrono::NaiveDate;
use mongodb::bson::{Bson, doc};
use mongodb::options::{Acknowledgment, ClientOptions, ReadConcernLevel};
use tokio::sync::watch;

use crate::mongo::feed::{Allocation, allocation, int_field};
use crate::mongo::read::{limit_plus_one, paginate};
use crate::mongo::sales::{check_range, diff_facts, feature_rows};
use crate::mongo::watcher::publish;
use crate::mongo::{apply_defaults, check_deployment};
use crate::olap::distinct_events;
use crate::*;

#[test]
fn only_replica_sets_and_mongos_are_accepted() {
    assert!(check_deployment(&doc! { "isWritablePrimary": true, "setName": "rs0" }).is_ok());
    assert!(check_deployment(&doc! { "isWritablePrimary": true, "msg": "isdbgrid" }).is_ok());
    match check_deployment(&doc! { "isWritablePrimary": true }) {
        Err(StoreError::FailedPrecondition(message)) => {
            assert!(message.contains("replica set"), "{message}")
        }
        other => panic!("a standalone: {other:?}"),
    }
}

#[tokio::test]
async fn client_defaults_are_majority_unless_the_url_says_otherwise() {
    let mut options = ClientOptions::parse("mongodb://localhost:27017/?replicaSet=rs0")
        .await
        .expect("parse");
    apply_defaults(&mut options);
    assert_eq!(
        options.write_concern.as_ref().and_then(|w| w.w.clone()),
        Some(Acknowledgment::Majority)
    );
    assert_eq!(
        options.read_concern.as_ref().map(|r| r.level.clone()),
        Some(ReadConcernLevel::Majority)
    );
    assert_eq!(options.app_name.as_deref(), Some("icc-store"));

    let mut options =
        ClientOptions::parse("mongodb://localhost/?w=1&readConcernLevel=local&appName=orders")
            .await
            .expect("parse");
    apply_defaults(&mut options);
    assert_eq!(
        options.write_concern.as_ref().and_then(|w| w.w.clone()),
        Some(Acknowledgment::Nodes(1))
    );
    assert_eq!(
        options.read_concern.as_ref().map(|r| r.level.clone()),
        Some(ReadConcernLevel::Local)
    );
    assert_eq!(options.app_name.as_deref(), Some("orders"));
}

#[tokio::test]
async fn a_write_concern_without_w_is_still_majority() {
    // `journal` and `wtimeoutMS` make a write concern without `w`.
    for url in [
        "mongodb://localhost/?journal=true",
        "mongodb://localhost/?wtimeoutMS=5000",
    ] {
        let mut options = ClientOptions::parse(url).await.expect("parse");
        apply_defaults(&mut options);
        assert_eq!(
            options.write_concern.as_ref().and_then(|w| w.w.clone()),
            Some(Acknowledgment::Majority),
            "{url}"
        );
    }
    let mut options = ClientOptions::parse("mongodb://localhost/?w=2&journal=true")
        .await
        .expect("parse");
    apply_defaults(&mut options);
    let concern = options.write_concern.expect("write concern");
    assert_eq!(concern.w, Some(Acknowledgment::Nodes(2)));
    assert_eq!(concern.journal, Some(true));
}

#[tokio::test]
async fn open_refuses_bad_mongodb_urls_before_connecting() {
    for url in [
        "mongodb://localhost/bad.name",
        "mongodb://localhost/?notAnOption=1",
    ] {
        match open(url).await {
            Err(StoreError::InvalidArgument(_)) => {}
            Err(other) => panic!("{url}: expected InvalidArgument, got {other:?}"),
            Ok(_) => panic!("{url}: opened"),
        }
    }
}

#[test]
fn a_transaction_takes_one_seq_and_a_run_of_movement_ids() {
    let counter = doc! { "_id": "oltp", "feed_seq": 8_i64, "movement_id": 20_i64 };
    assert_eq!(
        allocation(&counter, 3).unwrap(),
        Allocation {
            seq: 8,
            first_movement: 18
        },
        "ids 18, 19, 20"
    );
    assert_eq!(allocation(&counter, 0).unwrap().first_movement, 21);
    let by_hand = doc! { "feed_seq": 1, "movement_id": 1 };
    assert_eq!(allocation(&by_hand, 1).unwrap().seq, 1, "Int32 is read too");
    assert!(matches!(
        allocation(&doc! { "feed_seq": "x" }, 1),
        Err(StoreError::Internal(_))
    ));
    assert_eq!(int_field(&doc! { "v": Bson::Double(1.0) }, "v"), None);
}

#[test]
fn the_head_only_rises() {
    let head = watch::Sender::new(5);
    publish(&head, 3);
    assert_eq!(*head.borrow(), 5);
    publish(&head, 9);
    assert_eq!(*head.borrow(), 9);
}

fn sale(id: &str, sku: &str, units: i64) -> SalesEvent {
    SalesEvent {
        id: id.into(),
        kind: SalesEventKind::Sale,
        order_id: None,
        line_number: 1,
        sku: sku.into(),
        units,
        unit_price_minor: 1,
        revenue_minor: units,
        order_delta: 1,
        occurred_at: chrono::DateTime::UNIX_EPOCH,
        business_day: day(1),
        feed_seq: None,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

#[test]
fn the_first_of_each_event_id_in_a_batch_wins() {
    let batch = [sale("e1", "A", 1), sale("e2", "A", 2), sale("e1", "A", 9)];
    let kept: Vec<(&str, i64)> = distinct_events(&batch)
        .iter()
        .map(|e| (e.id.as_str(), e.units))
        .collect();
    assert_eq!(kept, [("e1", 1), ("e2", 2)]);
}

fn fact(d: u32, units: i64) -> DailySales {
    DailySales {
        day: day(d),
        units,
        revenue_minor: units * 10,
        order_count: 1,
    }
}

#[test]
fn a_rebuild_rewrites_only_wrong_missing_and_extra_rows() {
    let same = diff_facts(&[fact(1, 2), fact(2, 3)], &[fact(1, 2), fact(2, 3)]);
    assert_eq!(
        same.report,
        RebuildReport {
            rebuilt: 2,
            changed: 0
        }
    );
    assert!(same.remove.is_empty() && same.write.is_empty());

    // Day 1 wrong, day 2 missing, day 3 should not exist.
    let diff = diff_facts(&[fact(1, 2), fact(2, 3)], &[fact(1, 5), fact(3, 1)]);
    assert_eq!(
        diff.report,
        RebuildReport {
            rebuilt: 2,
            changed: 3
        }
    );
    assert_eq!(diff.remove, [day(1), day(3)]);
    assert_eq!(diff.write, [fact(1, 2), fact(2, 3)]);

    let empty = diff_facts(&[], &[fact(4, 1)]);
    assert_eq!(
        (
            empty.report.rebuilt,
            empty.report.changed,
            empty.remove.len()
        ),
        (0, 1, 1)
    );
}

#[test]
fn feature_rows_keep_the_last_row_of_a_day_in_day_order() {
    let row = |d: u32, units: f64| FeatureValues {
        day: day(d),
        units,
        lag_1: 0.0,
        lag_7: 0.0,
        lag_14: 0.0,
        rolling_mean_7: 0.0,
        trend_index: 0.0,
        is_weekend: 0.0,
        is_holiday: 0.0,
        history_days: 0,
    };
    let rows = feature_rows("A", &[row(3, 1.0), row(1, 2.0), row(3, 7.0)]);
    let got: Vec<(&str, f64)> = rows.iter().map(|r| (r.day.as_str(), r.units)).collect();
    assert_eq!(got, [("2026-03-01", 2.0), ("2026-03-03", 7.0)]);
    assert!(rows.iter().all(|r| r.sku == "A"));
}

#[test]
fn empty_day_ranges_are_invalid() {
    assert!(check_range(day(1), day(1)).is_ok());
    assert!(matches!(
        check_range(day(2), day(1)),
        Err(StoreError::InvalidArgument(_))
    ));
}

#[test]
fn pages_cut_one_past_the_size() {
    assert_eq!(limit_plus_one(3), 4);
    assert_eq!(limit_plus_one(usize::MAX), i64::MAX);
    let page = paginate(vec![1, 2, 3, 4], 3, |n: &i32| n.to_string());
    assert_eq!((page.items, page.next), (vec![1, 2, 3], Some("3".into())));
    let last = paginate(vec![1, 2, 3], 3, |n: &i32| n.to_string());
    assert_eq!((last.items, last.next), (vec![1, 2, 3], None));
    let none = paginate(vec![1], 0, |n: &i32| n.to_string());
    assert_eq!((none.items, none.next), (vec![], None));
}

#[tokio::test]
async fn open_without_a_reachable_server_is_unavailable() {
    // Port 1 on the loopback: nothing listens, the driver's server
    // selection gives up after the timeout the URL sets.
    let url = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300&connectTimeoutMS=300";
    match open(url).await {
        Err(StoreError::Unavailable(message)) => {
            assert!(!message.is_empty());
        }
        Err(other) => panic!("expected Unavailable, got {other:?}"),
        Ok(_) => panic!("opened a store without a server"),
    }
}
