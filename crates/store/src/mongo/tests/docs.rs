//! Document <-> domain mapping: round trips through BSON, the stored types
//! of each field, and millisecond truncation.

use chrono::{DateTime, NaiveDate, TimeZone, Timelike, Utc};
use mongodb::bson::{self, Bson, Document, doc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::mongo::docs::*;
use crate::*;

/// A time with microseconds, which BSON cannot hold.
fn micro_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 9, 26).unwrap() + chrono::Duration::microseconds(535_897)
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// Serialises `value`, checks the document, and reads it back.
fn through_bson<T: Serialize + DeserializeOwned>(value: &T) -> (Document, T) {
    let stored = bson::to_document(value).expect("serialise");
    let back = bson::from_document(stored.clone()).expect("deserialise");
    (stored, back)
}

#[test]
fn times_are_truncated_to_the_millisecond() {
    let t = micro_time();
    let stored = truncate(t);
    assert_eq!(stored.timestamp_millis(), t.timestamp_millis());
    assert_eq!(stored.nanosecond() % 1_000_000, 0);
    assert_eq!(from_bson(to_bson(stored)), stored, "a stored time is exact");
    assert_eq!(now().nanosecond() % 1_000_000, 0, "now() is storable");
}

#[test]
fn days_are_sortable_strings() {
    assert_eq!(day_str(day(5)), "2026-03-05");
    assert_eq!(parse_day("2026-03-05").unwrap(), day(5));
    assert!(matches!(
        parse_day("05/03/2026"),
        Err(StoreError::Internal(_))
    ));
    assert!(
        day_str(day(9)) < day_str(day(10)),
        "string order is day order"
    );
}

#[test]
fn search_text_is_unicode_lowercase_sku_and_name() {
    assert_eq!(search_text("ÄBC-1", "Grüner TEE"), "äbc-1\u{1f}grüner tee");
}

fn product() -> Product {
    Product {
        sku: "TEA-001".into(),
        name: "Sencha 100 g".into(),
        category: "Beverages".into(),
        unit_price_minor: 650,
        on_hand: 40,
        low_stock_threshold: 10,
        status: ProductStatus::Archived,
        lead_time_days: 7,
        service_level: 0.95,
        create_time: truncate(micro_time()),
        update_time: truncate(micro_time()) + chrono::Duration::milliseconds(3),
    }
}

#[test]
fn product_round_trips_with_the_sku_as_id() {
    let p = product();
    let (stored, back) = through_bson(&ProductDoc::from(&p));
    assert_eq!(stored.get_str("_id"), Ok("TEA-001"));
    assert_eq!(stored.get("unit_price_minor"), Some(&Bson::Int64(650)));
    assert_eq!(stored.get("lead_time_days"), Some(&Bson::Int32(7)));
    assert_eq!(stored.get_str("status"), Ok("archived"));
    assert!(matches!(stored.get("create_time"), Some(Bson::DateTime(_))));
    assert_eq!(
        stored.get_str("search_text"),
        Ok("tea-001\u{1f}sencha 100 g")
    );
    assert_eq!(Product::from(back), p);
}

#[test]
fn a_stored_product_time_is_the_millisecond_one() {
    let p = Product {
        create_time: micro_time(),
        ..product()
    };
    let back = Product::from(through_bson(&ProductDoc::from(&p)).1);
    assert_eq!(back.create_time, truncate(micro_time()));
}

fn order(status: OrderStatus) -> Order {
    Order {
        id: "0190e3a0-0000-7000-8000-000000000001".into(),
        status,
        lines: vec![
            OrderLine {
                line_number: 1,
                sku: "A".into(),
                product_name: "Alpha".into(),
                quantity: 2,
                unit_price_minor: 500,
            },
            OrderLine {
                line_number: 2,
                sku: "B".into(),
                product_name: "Beta".into(),
                quantity: 1,
                unit_price_minor: 900,
            },
        ],
        idempotency_key: "key-1".into(),
        note: "rush".into(),
        create_time: truncate(micro_time()),
        cancel_time: (status == OrderStatus::Cancelled)
            .then(|| truncate(micro_time()) + chrono::Duration::seconds(5)),
        cancel_reason: if status == OrderStatus::Cancelled {
            "customer".into()
        } else {
            String::new()
        },
    }
}

#[test]
fn orders_round_trip_with_embedded_lines_and_fingerprint() {
    for status in [OrderStatus::Placed, OrderStatus::Cancelled] {
        let o = order(status);
        let (stored, back) = through_bson(&OrderDoc::new(&o, "A x2|".into()));
        assert_eq!(stored.get_str("fingerprint"), Ok("A x2|"));
        assert_eq!(stored.get_array("lines").map(Vec::len), Ok(2));
        assert_eq!(Order::from(back), o, "{status:?}");
    }
    let (stored, _) = through_bson(&OrderDoc::new(&order(OrderStatus::Placed), String::new()));
    assert_eq!(stored.get("cancel_time"), Some(&Bson::Null));
    assert_eq!(stored.get_str("status"), Ok("placed"));
}

#[test]
fn movements_store_an_idempotency_key_only_when_given() {
    let m = MovementDoc {
        id: 42,
        sku: "A".into(),
        delta: -3,
        on_hand_after: 7,
        reason: MovementReason::CycleCount,
        order_id: None,
        note: "count".into(),
        idempotency_key: None,
        fingerprint: None,
        create_time: to_bson(micro_time()),
    };
    let (stored, back) = through_bson(&m);
    assert!(
        !stored.contains_key("idempotency_key") && !stored.contains_key("fingerprint"),
        "the sparse unique index must not see keyless movements: {stored}"
    );
    assert_eq!(stored.get("_id"), Some(&Bson::Int64(42)));
    assert_eq!(stored.get_str("reason"), Ok("cycle_count"));
    assert_eq!(back, m);

    let keyed = MovementDoc {
        idempotency_key: Some("k".into()),
        fingerprint: Some("A|Restock(3)|".into()),
        order_id: Some("o".into()),
        ..m
    };
    let (stored, back) = through_bson(&keyed);
    assert_eq!(stored.get_str("idempotency_key"), Ok("k"));
    assert_eq!(back, keyed);
    let movement = StockMovement::from(back);
    assert_eq!(
        (movement.id, movement.delta, movement.on_hand_after),
        (42, -3, 7)
    );
    assert_eq!(movement.create_time, truncate(micro_time()));
}

#[test]
fn feed_documents_become_change_events() {
    let o = order(OrderStatus::Placed);
    let levels = vec![StockLevel {
        sku: "A".into(),
        on_hand: 8,
        low_stock_threshold: 5,
        delta: -2,
    }];
    let event = FeedDoc {
        seq: 17,
        commit_time: to_bson(micro_time()),
        cause: ChangeCause::OrderPlaced,
        order: Some(OrderDoc::new(&o, "fp".into())),
        levels: levels.clone(),
    };
    let (stored, back) = through_bson(&event);
    assert_eq!(stored.get("_id"), Some(&Bson::Int64(17)));
    assert_eq!(stored.get_str("cause"), Ok("order_placed"));
    assert_eq!(
        ChangeEvent::from(back),
        ChangeEvent {
            seq: 17,
            commit_time: truncate(micro_time()),
            cause: ChangeCause::OrderPlaced,
            order: Some(o),
            levels,
        }
    );
}

fn sales_event(feed_seq: Option<i64>, order_id: Option<&str>) -> SalesEvent {
    SalesEvent {
        id: "sale:o1:1".into(),
        kind: SalesEventKind::Reversal,
        order_id: order_id.map(str::to_owned),
        line_number: 1,
        sku: "A".into(),
        units: -2,
        unit_price_minor: 500,
        revenue_minor: -1_000,
        order_delta: -1,
        occurred_at: truncate(micro_time()),
        business_day: day(14),
        feed_seq,
    }
}

#[test]
fn sales_events_round_trip_exactly() {
    for e in [sales_event(Some(9), Some("o1")), sales_event(None, None)] {
        let (stored, back) = through_bson(&SalesEventDoc::from(&e));
        assert_eq!(stored.get_str("business_day"), Ok("2026-03-14"));
        assert_eq!(stored.get_str("kind"), Ok("reversal"));
        assert_eq!(SalesEvent::try_from(back).unwrap(), e);
    }
}

#[test]
fn facts_features_and_watermarks_round_trip() {
    let fact = DailySales {
        day: day(2),
        units: 7,
        revenue_minor: 3_500,
        order_count: 3,
    };
    let (stored, back) = through_bson(&FactDoc::new("A", &fact));
    assert_eq!(stored.get_str("day"), Ok("2026-03-02"));
    assert_eq!(back.fact().unwrap(), fact);

    let values = FeatureValues {
        day: day(3),
        units: 4.0,
        lag_1: 1.5,
        lag_7: 0.25,
        lag_14: 3.0,
        rolling_mean_7: 2.125,
        trend_index: -0.178_571_428_571_428_57,
        is_weekend: 0.0,
        is_holiday: 1.0,
        history_days: 45,
    };
    let (stored, back) = through_bson(&FeatureDoc::new("A", &values));
    assert_eq!(stored.get("history_days"), Some(&Bson::Int32(45)));
    assert_eq!(back.values().unwrap(), values, "doubles are exact");

    let mark = WatermarkDoc {
        sku: "A".into(),
        data_through: day_str(day(3)),
        version: 99,
    };
    let (stored, back) = through_bson(&mark);
    assert_eq!(stored.get_str("_id"), Ok("A"));
    assert_eq!(
        back.watermark().unwrap(),
        DataWatermark {
            data_through: day(3),
            version: 99
        }
    );
}

#[test]
fn forecasts_keep_their_body_as_binary() {
    let f = StoredForecast {
        sku: "A".into(),
        model: "auto".into(),
        model_version: "v3".into(),
        watermark: DataWatermark {
            data_through: day(20),
            version: 12,
        },
        horizon_days: 14,
        create_time: truncate(micro_time()),
        body: vec![0, 1, 2, 255, 0],
    };
    let (stored, back) = through_bson(&ForecastDoc::from(&f));
    assert!(
        matches!(stored.get("body"), Some(Bson::Binary(b)) if b.bytes == f.body),
        "{stored}"
    );
    assert_eq!(StoredForecast::try_from(back).unwrap(), f);
}

#[test]
fn users_and_checkpoints_round_trip() {
    for role in [Role::Admin, Role::Staff, Role::Viewer] {
        let u = UserRecord {
            username: "alice".into(),
            role,
            password_hash: "$argon2id$v=19$x".into(),
            disabled: role == Role::Viewer,
            create_time: truncate(micro_time()),
        };
        let (stored, back) = through_bson(&UserDoc::from(&u));
        assert_eq!(stored.get_str("_id"), Ok("alice"));
        assert_eq!(
            stored.get_str("role"),
            Ok(crate::mongo::users::role_str(role))
        );
        assert_eq!(UserRecord::from(back), u);
    }
    let c = CheckpointDoc {
        consumer: "ingest".into(),
        seq: 1_234,
        update_time: to_bson(micro_time()),
    };
    let (stored, back) = through_bson(&c);
    assert_eq!(
        stored,
        doc! { "_id": "ingest", "seq": 1_234_i64, "update_time": to_bson(micro_time()) }
    );
    assert_eq!(back, c);
}
