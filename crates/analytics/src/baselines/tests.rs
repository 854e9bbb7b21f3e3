use chrono::NaiveDate;

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

/// Nine days from Monday 1 January 2024: 1, 2, ..., 9.
fn series() -> DailySeries {
    DailySeries::new(d(2024, 1, 1), (1..=9).map(f64::from).collect()).unwrap()
}

fn values(points: &[ForecastPoint]) -> Vec<f64> {
    points.iter().map(|p| p.value).collect()
}

#[test]
fn naive_repeats_the_last_day() {
    let p = naive(&series(), 3).unwrap();
    assert_eq!(values(&p), vec![9.0, 9.0, 9.0]);
    assert_eq!(p[0].date, d(2024, 1, 10));
    assert_eq!(p[2].date, d(2024, 1, 12));
    let e = &p[0].explanation;
    assert_eq!((e.intercept, e.unclamped, e.clamped), (0.0, 9.0, false));
    assert_eq!(e.terms, vec![Term::new("last_value", 9.0, 1.0)]);
}

#[test]
fn seasonal_naive_repeats_the_last_week() {
    // Last week is days 3..=9 (values 3..=9); T+1 = day 10 reads day 3.
    let p = seasonal_naive(&series(), 9).unwrap();
    assert_eq!(
        values(&p),
        vec![3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 3.0, 4.0]
    );
    assert_eq!(p[0].explanation.terms[0].name, "same_weekday_last_week");
    let short = DailySeries::new(d(2024, 1, 1), vec![1.0; 6]).unwrap();
    assert_eq!(
        seasonal_naive(&short, 1),
        Err(ForecastError::InsufficientHistory { have: 6, need: 7 })
    );
}

#[test]
fn moving_average_of_the_last_k_days() {
    // (7 + 8 + 9) / 3 = 8
    let p = moving_average(&series(), 3, 2).unwrap();
    assert_eq!(values(&p), vec![8.0, 8.0]);
    assert_eq!(p[1].explanation.terms[0].name, "mean_last_3");
    assert!(moving_average(&series(), 10, 1).is_err());
    assert!(matches!(
        moving_average(&series(), 0, 1),
        Err(ForecastError::InvalidParameter { name: "window", .. })
    ));
    assert!(MovingAverage::new(366).is_err());
}

#[test]
fn forecasters_delegate_and_validate_horizon() {
    let s = series();
    let models: [&dyn Forecaster; 3] = [&Naive, &SeasonalNaive, &MovingAverage::new(7).unwrap()];
    for m in models {
        assert!(s.len() >= m.min_history());
        assert_eq!(m.forecast(&s, 4).unwrap().len(), 4, "{}", m.name());
        assert!(matches!(
            m.forecast(&s, 0),
            Err(ForecastError::InvalidHorizon { .. })
        ));
    }
    // mean of 3..=9 = 6
    assert_eq!(
        MovingAverage::new(7).unwrap().forecast(&s, 1).unwrap()[0].value,
        6.0
    );
}
