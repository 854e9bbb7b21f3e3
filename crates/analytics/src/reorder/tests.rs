use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

const Z_975: f64 = 1.959_963_984_540_054;

/// Running-total error scales of `days` days whose errors, σ each, are
/// independent: σ·√(i + 1).
fn independent(sigma: f64, days: usize) -> TotalScales {
    normal(
        &(1..=days)
            .map(|n| sigma * (n as f64).sqrt())
            .collect::<Vec<_>>(),
    )
}

/// Scales taken as exact: the normal quantile applies.
fn normal(scale: &[f64]) -> TotalScales {
    TotalScales {
        scale: scale.to_vec(),
        dof: vec![f64::INFINITY; scale.len()],
    }
}

fn policy(lead: u32, service: f64, review: u32) -> ReorderPolicy {
    ReorderPolicy {
        lead_time_days: lead,
        service_level: service,
        review_period_days: review,
    }
}

#[test]
fn stockout_inside_the_lead_time_is_critical() {
    // 10 units, 4 a day, 3 days lead time, z(0.5) = 0 so no safety stock.
    let advice = advise(
        10,
        d(2024, 6, 1),
        &[4.0; 7],
        &normal(&[1.0; 7]),
        &policy(3, 0.5, 2),
    )
    .unwrap();
    let stock: Vec<f64> = advice.projection.iter().map(|p| p.on_hand).collect();
    assert_eq!(stock, vec![6.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_eq!(advice.stockout_date, Some(d(2024, 6, 3)));
    assert_eq!(advice.days_of_cover, 2.5); // 2 days + 2 of the 4 units of day 3
    assert_eq!(advice.lead_time_demand, 12.0);
    assert_eq!(advice.safety_stock, 0.0);
    assert_eq!(advice.reorder_point, 12);
    assert_eq!(advice.urgency, Urgency::Critical);
    // Order up to 5 days × 4 = 20 units: 20 - 10 = 10.
    assert_eq!(advice.order_up_to, 20.0);
    assert_eq!(advice.suggested_order_quantity, 10);
}

#[test]
fn safety_stock_and_a_reorder_point_ahead_is_soon() {
    // 100 units, 10 a day, σ = 2 a day, 4 days lead time, 97.5% service.
    let advice = advise(
        100,
        d(2024, 6, 1),
        &[10.0; 14],
        &independent(2.0, 14),
        &policy(4, 0.975, 7),
    )
    .unwrap();
    assert_eq!(advice.lead_time_demand, 40.0);
    // σ of the lead-time total = 2 · √4 = 4.
    assert!((advice.safety_stock - 4.0 * Z_975).abs() < 1e-12);
    assert_eq!(advice.reorder_point, 48); // ceil(40 + 7.84)
    // Stock 40 at the end of day 6 (index 5) is the first at or below 48.
    assert_eq!(advice.urgency, Urgency::Soon);
    assert_eq!(advice.suggested_order_quantity, 0);
    assert_eq!(advice.stockout_date, Some(d(2024, 6, 10)));
    assert_eq!(advice.days_of_cover, 10.0);
    // Up to: 11 days × 10 + z · 2 · √11.
    assert!((advice.order_up_to - (110.0 + Z_975 * 44f64.sqrt())).abs() < 1e-12);
}

#[test]
fn safety_stock_is_the_error_scale_of_the_lead_time_total() {
    // A miss that persists: the total over n days is off by n, not √n.
    let persistent: Vec<f64> = (1..=14).map(f64::from).collect();
    let p = policy(4, 0.975, 7);
    let advice = advise(100, d(2024, 6, 1), &[10.0; 14], &normal(&persistent), &p).unwrap();
    assert!((advice.safety_stock - 4.0 * Z_975).abs() < 1e-12);
    assert!((advice.order_up_to - (110.0 + 11.0 * Z_975)).abs() < 1e-12);
    let steadier = advise(100, d(2024, 6, 1), &[10.0; 14], &independent(1.0, 14), &p).unwrap();
    assert!((steadier.safety_stock - 2.0 * Z_975).abs() < 1e-12);
}

#[test]
fn at_the_reorder_point_is_now() {
    // Same demand, 48 on hand = the reorder point; stockout after 4.8 days,
    // i.e. on day 5, after the 4-day lead time: NOW, not CRITICAL.
    let advice = advise(
        48,
        d(2024, 6, 1),
        &[10.0; 14],
        &independent(2.0, 14),
        &policy(4, 0.975, 7),
    )
    .unwrap();
    assert_eq!(advice.urgency, Urgency::Now);
    assert_eq!(advice.stockout_date, Some(d(2024, 6, 5)));
    assert!((advice.days_of_cover - 4.8).abs() < 1e-12);
    // ceil(110 + 1.95996 · sqrt(44) - 48) = ceil(75.0009) = 76
    assert_eq!(advice.suggested_order_quantity, 76);
}

#[test]
fn plenty_of_stock_is_ok() {
    let advice = advise(
        1000,
        d(2024, 6, 1),
        &[10.0; 14],
        &independent(2.0, 14),
        &policy(4, 0.975, 7),
    )
    .unwrap();
    assert_eq!(advice.urgency, Urgency::Ok);
    assert_eq!(advice.stockout_date, None);
    assert_eq!(advice.days_of_cover, 14.0);
    assert_eq!(advice.projection[13].on_hand, 860.0);
    assert_eq!(advice.suggested_order_quantity, 0);
}

#[test]
fn empty_shelf_without_lead_time() {
    // Lead time 0: nothing can arrive late, but 0 ≤ ROP 0 means order now,
    // up to the 2-day review period's demand.
    let advice = advise(
        0,
        d(2024, 6, 1),
        &[3.0, 3.0, 3.0],
        &normal(&[0.0; 3]),
        &policy(0, 0.9, 2),
    )
    .unwrap();
    assert_eq!(advice.stockout_date, Some(d(2024, 6, 1)));
    assert_eq!(advice.days_of_cover, 0.0);
    assert_eq!(advice.reorder_point, 0);
    assert_eq!(advice.urgency, Urgency::Now);
    assert_eq!(advice.suggested_order_quantity, 6);
}

#[test]
fn fractional_amounts_round_up_but_not_float_noise() {
    let advice = advise(
        100,
        d(2024, 6, 1),
        &[4.1, 4.1, 4.0],
        &normal(&[0.0; 3]),
        &policy(3, 0.5, 0),
    )
    .unwrap();
    assert_eq!(advice.reorder_point, 13); // ceil(12.2)
    let advice = advise(
        100,
        d(2024, 6, 1),
        &[0.1; 30],
        &normal(&[0.0; 30]),
        &policy(30, 0.5, 0),
    )
    .unwrap();
    assert_eq!(advice.reorder_point, 3); // 0.1 × 30 sums to 3.0000000000000013
}

#[test]
fn negative_forecasts_count_as_no_demand() {
    let advice = advise(
        5,
        d(2024, 6, 1),
        &[-2.0, 1.0],
        &normal(&[0.0; 2]),
        &policy(1, 0.5, 0),
    )
    .unwrap();
    assert_eq!(advice.projection[0].demand, 0.0);
    assert_eq!(advice.projection[1].on_hand, 4.0);
}

#[test]
fn validation() {
    let f = [1.0; 10];
    let day = d(2024, 6, 1);
    for s in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        assert!(matches!(
            advise(1, day, &f, &normal(&f), &policy(1, s, 1)),
            Err(ReorderError::ServiceLevel(_))
        ));
    }
    assert_eq!(
        advise(1, day, &f, &normal(&f), &policy(366, 0.9, 1)),
        Err(ReorderError::LeadTime(366))
    );
    assert_eq!(
        advise(1, day, &f, &normal(&f), &policy(1, 0.9, 400)),
        Err(ReorderError::ReviewPeriod(400))
    );
    assert_eq!(
        advise(-1, day, &f, &normal(&f), &policy(1, 0.9, 1)),
        Err(ReorderError::NegativeStock(-1))
    );
    assert_eq!(
        advise(1, day, &f, &normal(&f), &policy(7, 0.9, 7)),
        Err(ReorderError::ForecastTooShort { have: 10, need: 14 })
    );
    assert!(matches!(
        advise(1, day, &f, &normal(&[1.0; 9]), &policy(1, 0.9, 1)),
        Err(ReorderError::LengthMismatch { .. })
    ));
    assert!(matches!(
        advise(1, day, &[], &normal(&[]), &policy(0, 0.9, 0)),
        Err(ReorderError::ForecastTooShort { have: 0, need: 1 })
    ));
    let mut bad = f;
    bad[3] = -1.0;
    assert_eq!(
        advise(1, day, &f, &normal(&bad), &policy(1, 0.9, 1)),
        Err(ReorderError::InvalidValue {
            what: "total error scale",
            index: 3
        })
    );
    bad[3] = f64::NAN;
    assert!(advise(1, day, &bad, &normal(&f), &policy(1, 0.9, 1)).is_err());
    assert_eq!(ReorderPolicy::default(), policy(7, 0.95, 7));
}

#[test]
fn most_urgent_first_then_earliest_stockout() {
    let day = d(2024, 6, 1);
    let p = policy(4, 0.975, 7);
    let f = [10.0; 14];
    let s = independent(2.0, 14);
    let mut list = [
        ("ok", advise(1000, day, &f, &s, &p).unwrap()),
        ("soon-late", advise(120, day, &f, &s, &p).unwrap()),
        ("critical", advise(10, day, &f, &s, &p).unwrap()),
        ("soon-early", advise(100, day, &f, &s, &p).unwrap()),
        ("now", advise(48, day, &f, &s, &p).unwrap()),
    ];
    list.sort_by(|a, b| a.1.sort_key().cmp(&b.1.sort_key()).then(a.0.cmp(b.0)));
    let order: Vec<&str> = list.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        order,
        vec!["critical", "now", "soon-early", "soon-late", "ok"]
    );
    assert!(Urgency::Critical > Urgency::Now && Urgency::Soon > Urgency::Ok);
}

#[test]
fn the_share_of_a_day_ahead_runs_from_one_to_zero() {
    let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let at = |h, m| day.and_hms_opt(h, m, 0).unwrap().and_utc();
    assert_eq!(share_ahead(day, at(0, 0)), 1.0);
    assert_eq!(share_ahead(day, at(6, 0)), 0.75);
    assert_eq!(share_ahead(day, at(18, 0)), 0.25);
    let yesterday_noon = (day - chrono::Days::new(1))
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(share_ahead(day, yesterday_noon), 1.0, "not begun");
    let tomorrow = (day + chrono::Days::new(1))
        .and_hms_opt(0, 0, 1)
        .unwrap()
        .and_utc();
    assert_eq!(share_ahead(day, tomorrow), 0.0, "over");
}

#[test]
fn only_the_rest_of_today_counts() {
    // Day errors of σ = 2 and 1, independent: totals √4 and √5.
    let mut forecast = [8.0, 3.0];
    let mut totals = normal(&[2.0, 5f64.sqrt()]);
    only_share_of_first_day(&mut forecast, &mut totals, 0.25);
    assert_eq!(forecast, [2.0, 3.0]);
    // Today's variance 4 falls to 1; both totals lose 3.
    assert!((totals.scale[0] - 1.0).abs() < 1e-12, "{totals:?}");
    assert!((totals.scale[1] - 2f64.sqrt()).abs() < 1e-12, "{totals:?}");

    let mut all = [8.0, 3.0];
    let mut unchanged = normal(&[2.0, 3.0]);
    only_share_of_first_day(&mut all, &mut unchanged, 1.0);
    assert_eq!((all, unchanged), ([8.0, 3.0], normal(&[2.0, 3.0])));
    only_share_of_first_day(&mut [], &mut normal(&[]), 0.5);
}
