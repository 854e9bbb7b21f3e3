use chrono::{NaiveDate, Utc};
use icc_store::{DataWatermark, StoredForecast};

use super::*;

fn stored(version: &str, watermark: DataWatermark, horizon: i32) -> StoredForecast {
    StoredForecast {
        sku: "A".into(),
        model: "auto".into(),
        model_version: version.into(),
        watermark,
        horizon_days: horizon,
        create_time: Utc::now(),
        body: Vec::new(),
    }
}

#[test]
fn reuse_needs_same_watermark_same_version_and_enough_days() {
    let day = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
    let w = DataWatermark {
        data_through: day,
        version: 7,
    };
    let s = stored("v1", w, 28);
    assert!(reusable(&s, &w, "v1", 28));
    assert!(reusable(&s, &w, "v1", 1));
    assert!(!reusable(&s, &w, "v1", 29), "horizon not covered");
    assert!(!reusable(&s, &w, "v2", 7), "other model version");
    let newer_version = DataWatermark { version: 8, ..w };
    assert!(!reusable(&s, &newer_version, "v1", 7), "facts changed");
    let next_day = DataWatermark {
        data_through: day.succ_opt().unwrap(),
        ..w
    };
    assert!(!reusable(&s, &next_day, "v1", 7), "a new day of data");
}

#[test]
fn stored_bodies_round_trip_and_truncate() {
    let body = StoredBody {
        forecast: Some(pb::Forecast {
            sku: "A".into(),
            points: vec![pb::ForecastPoint::default(); 5],
            ..Default::default()
        }),
        total_error_scale: vec![1.0, 2.0, 3.0, 4.0, 5.0],
        total_error_dof: vec![8.0, 8.0, 6.0, f64::INFINITY, 4.0],
    };
    let decoded = StoredBody::decode(body.encode_to_vec().as_slice()).unwrap();
    assert_eq!(decoded, body);
    let served = served_from(decoded.clone(), 3).unwrap();
    assert!(served.reused);
    assert_eq!(served.forecast.points.len(), 3);
    assert_eq!(served.total_errors.scale, vec![1.0, 2.0, 3.0]);
    assert_eq!(served.total_errors.dof, vec![8.0, 8.0, 6.0]);
    assert!(
        served_from(decoded.clone(), 6).is_none(),
        "too short to serve"
    );
    // A body stored before the degrees of freedom were is not served.
    let older = StoredBody {
        total_error_dof: Vec::new(),
        ..decoded
    };
    assert!(served_from(older, 3).is_none(), "no degrees of freedom");
}
