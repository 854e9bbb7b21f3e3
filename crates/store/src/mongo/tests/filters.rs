//! Filters, updates and pipelines, compared as documents.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use mongodb::bson::{Bson, doc};

use crate::mongo::docs::to_bson;
use crate::mongo::filters::*;
use crate::mongo::schema::{COLLECTIONS, Side, index_specs};
use crate::mongo::users::user_update;
use crate::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

#[test]
fn default_product_listing_is_active_products_after_the_cursor() {
    assert_eq!(
        products(&ProductFilter::default(), None),
        doc! { "status": "active" }
    );
    assert_eq!(
        products(&ProductFilter::default(), Some("SKU-03")),
        doc! { "_id": { "$gt": "SKU-03" }, "status": "active" }
    );
    let all = ProductFilter {
        include_archived: true,
        query: Some(String::new()),
        category: Some(String::new()),
        ..Default::default()
    };
    assert_eq!(
        products(&all, None),
        doc! {},
        "empty filters are no filters"
    );
}

#[test]
fn product_query_is_a_literal_lowercase_substring() {
    let f = ProductFilter {
        query: Some("GrÜn$Tee".into()),
        ..Default::default()
    };
    assert_eq!(
        products(&f, None),
        doc! {
            "status": "active",
            "$expr": { "$gte": [ { "$indexOfCP": [ "$search_text", { "$literal": "grün$tee" } ] }, 0 ] },
        }
    );
    let dollar = ProductFilter {
        query: Some("$name".into()),
        ..Default::default()
    };
    let filter = products(&dollar, None);
    let text = filter.to_string();
    assert!(
        text.contains(r#"{ "$literal": "$name" }"#),
        "a query that looks like a field path stays text: {text}"
    );
}

#[test]
fn product_filters_combine() {
    let f = ProductFilter {
        query: Some("tea".into()),
        category: Some("Beverages".into()),
        low_stock_only: true,
        include_archived: false,
    };
    assert_eq!(
        products(&f, Some("A")),
        doc! {
            "_id": { "$gt": "A" },
            "category": "Beverages",
            "status": "active",
            "$expr": { "$and": [
                { "$gte": [ { "$indexOfCP": [ "$search_text", { "$literal": "tea" } ] }, 0 ] },
                { "$lte": [ "$on_hand", "$low_stock_threshold" ] },
            ] },
        }
    );
    let low = ProductFilter {
        low_stock_only: true,
        include_archived: true,
        ..Default::default()
    };
    assert_eq!(
        products(&low, None),
        doc! { "$expr": { "$lte": [ "$on_hand", "$low_stock_threshold" ] } }
    );
}

#[test]
fn stock_is_taken_only_from_active_products_with_enough() {
    assert_eq!(
        take_stock("A", 3),
        doc! { "_id": "A", "status": "active", "on_hand": { "$gte": 3_i64 } }
    );
    assert_eq!(
        can_move_stock("A", -4),
        doc! { "_id": "A", "on_hand": { "$gte": 4_i64 } }
    );
    assert_eq!(
        can_move_stock("A", 4),
        doc! { "_id": "A", "on_hand": { "$gte": 0_i64 } },
        "adding stock needs no stock"
    );
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
    assert_eq!(
        move_stock(-3, at),
        doc! { "$inc": { "on_hand": -3_i64 }, "$set": { "update_time": to_bson(at) } }
    );
}

#[test]
fn counters_move_as_int64() {
    let update = allocate(3);
    let inc = update.get_document("$inc").unwrap();
    assert_eq!(inc.get("feed_seq"), Some(&Bson::Int64(1)));
    assert_eq!(inc.get("movement_id"), Some(&Bson::Int64(3)));
}

#[test]
fn order_filters() {
    assert_eq!(orders(&OrderFilter::default(), None), doc! {});
    let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
    let f = OrderFilter {
        status: Some(OrderStatus::Cancelled),
        from: Some(from),
        to: Some(to),
    };
    assert_eq!(
        orders(&f, Some("0190")),
        doc! {
            "_id": { "$lt": "0190" },
            "status": "cancelled",
            "create_time": { "$gte": to_bson(from), "$lt": to_bson(to) },
        }
    );
    assert_eq!(cancel("o1"), doc! { "_id": "o1", "status": "placed" });
    assert_eq!(
        movements("A", 10),
        doc! { "sku": "A", "_id": { "$lt": 10_i64 } }
    );
}

#[test]
fn order_time_bounds_round_up_to_stored_milliseconds() {
    // Stored create_times are whole milliseconds: an order stored at
    // 12:00:00.001 was placed before `to` = 12:00:00.001500 and after
    // `from` = 12:00:00.000500, so both bounds round up.
    let ms =
        |m: i64| Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap() + Duration::milliseconds(m);
    let f = OrderFilter {
        status: None,
        from: Some(ms(0) + Duration::microseconds(500)),
        to: Some(ms(1) + Duration::microseconds(500)),
    };
    assert_eq!(
        orders(&f, None),
        doc! { "create_time": { "$gte": to_bson(ms(1)), "$lt": to_bson(ms(2)) } }
    );
    // Whole milliseconds stay as they are.
    assert_eq!(ceil_millis(ms(7)), to_bson(ms(7)));
    assert_eq!(
        ceil_millis(ms(-1) + Duration::nanoseconds(1)),
        to_bson(ms(0))
    );
}

#[test]
fn touched_days_are_grouped_by_sku() {
    let pairs: BTreeSet<(String, NaiveDate)> = [
        ("B".to_owned(), day(2)),
        ("A".to_owned(), day(3)),
        ("A".to_owned(), day(1)),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        sku_days(&pairs, "business_day"),
        doc! { "$or": [
            { "sku": "A", "business_day": { "$in": ["2026-03-01", "2026-03-03"] } },
            { "sku": "B", "business_day": { "$in": ["2026-03-02"] } },
        ] }
    );
    assert_eq!(
        day_range(day(1), day(31)),
        doc! { "$gte": "2026-03-01", "$lte": "2026-03-31" }
    );
}

#[test]
fn facts_are_sums_of_events_never_increments() {
    let pipeline = facts_pipeline(doc! { "sku": "A" });
    assert_eq!(
        pipeline,
        vec![
            doc! { "$match": { "sku": "A" } },
            doc! { "$group": {
                "_id": { "sku": "$sku", "day": "$business_day" },
                "units": { "$sum": "$units" },
                "revenue_minor": { "$sum": "$revenue_minor" },
                "order_count": { "$sum": "$order_delta" },
            } },
            doc! { "$project": {
                "_id": 0, "sku": "$_id.sku", "day": "$_id.day",
                "units": 1, "revenue_minor": 1, "order_count": 1,
            } },
            doc! { "$sort": { "sku": 1, "day": 1 } },
        ]
    );
    let text = format!("{pipeline:?}");
    assert!(!text.contains("$inc"), "the old system's bug: {text}");
}

#[test]
fn the_feed_watch_keeps_what_resuming_needs() {
    let pipeline = feed_watch_pipeline();
    assert_eq!(
        pipeline[0],
        doc! { "$match": { "operationType": "insert" } }
    );
    let project = pipeline[1].get_document("$project").unwrap();
    for kept in ["operationType", "ns", "documentKey"] {
        assert_eq!(project.get(kept), Some(&Bson::Int32(1)), "{kept}");
    }
    assert!(
        !project.contains_key("_id"),
        "the resume token (_id) is never projected away"
    );
}

#[test]
fn product_updates_set_the_patchable_fields_and_search_text() {
    let at = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    let p = Product {
        sku: "A-1".into(),
        name: "Grüner Tee".into(),
        category: "tea".into(),
        unit_price_minor: 650,
        on_hand: 40,
        low_stock_threshold: 10,
        status: ProductStatus::Active,
        lead_time_days: 3,
        service_level: 0.9,
        create_time: at,
        update_time: at,
    };
    let set = set_product_fields(&p);
    let fields = set.get_document("$set").unwrap();
    assert_eq!(fields.get_str("search_text"), Ok("a-1\u{1f}grüner tee"));
    assert!(
        !fields.contains_key("on_hand") && !fields.contains_key("status"),
        "a patch never writes stock or status: {fields}"
    );
}

#[test]
fn user_patches_set_only_given_fields() {
    assert!(user_update(&UserPatch::default()).is_empty());
    let patch = UserPatch {
        role: Some(Role::Admin),
        password_hash: None,
        disabled: Some(true),
    };
    assert_eq!(
        user_update(&patch),
        doc! { "role": "admin", "disabled": true }
    );
}

#[test]
fn collections_are_split_into_oltp_and_olap() {
    let of = |side| -> Vec<&str> {
        COLLECTIONS
            .iter()
            .filter(|(s, _)| *s == side)
            .map(|(_, n)| *n)
            .collect()
    };
    assert_eq!(
        of(Side::Oltp),
        [
            "products",
            "orders",
            "stock_movements",
            "users",
            "counters",
            "change_feed"
        ]
    );
    assert_eq!(
        of(Side::Olap),
        [
            "sales_events",
            "daily_sales",
            "features",
            "feature_watermarks",
            "forecasts",
            "checkpoints"
        ]
    );
}

#[test]
fn indexes_cover_the_unique_keys_and_the_queries() {
    let specs = index_specs();
    let unique: Vec<(&str, String)> = specs
        .iter()
        .filter(|s| s.unique)
        .map(|s| (s.collection, s.keys.to_string()))
        .collect();
    for (collection, keys) in [
        ("orders", doc! { "idempotency_key": 1 }),
        ("stock_movements", doc! { "idempotency_key": 1 }),
        ("daily_sales", doc! { "sku": 1, "day": 1 }),
        ("features", doc! { "sku": 1, "day": 1 }),
        ("forecasts", doc! { "sku": 1, "model": 1 }),
    ] {
        assert!(
            unique.contains(&(collection, keys.to_string())),
            "unique {keys} on {collection}"
        );
    }
    let movements_key = specs
        .iter()
        .find(|s| s.collection == "stock_movements" && s.unique)
        .unwrap();
    assert!(movements_key.sparse, "keyless adjustments are left out");
    for s in &specs {
        assert!(
            COLLECTIONS.iter().any(|(_, n)| *n == s.collection),
            "{} is a known collection",
            s.collection
        );
        let model = s.model();
        let options = model.options.expect("options");
        assert_eq!(options.name.as_deref(), Some(s.name));
        assert_eq!(options.unique, s.unique.then_some(true));
        assert_eq!(model.keys, s.keys);
    }
    let mut names: Vec<(&str, &str)> = specs.iter().map(|s| (s.collection, s.name)).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        specs.len(),
        "index names are unique per collection"
    );
}
