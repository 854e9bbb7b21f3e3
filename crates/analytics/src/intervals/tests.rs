use super::*;

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn weibull_quantiles_by_hand() {
    let nine: Vec<f64> = (1..=9).map(f64::from).collect();
    // positions p·10: 0.1 -> 1 (X1), 0.9 -> 9 (X9), 0.5 -> 5, 0.025 -> 0.25 (clamped)
    assert_eq!(quantile(&nine, 0.1), 1.0);
    assert_eq!(quantile(&nine, 0.9), 9.0);
    assert_eq!(quantile(&nine, 0.5), 5.0);
    assert_eq!(quantile(&nine, 0.025), 1.0);
    let four = [1.0, 2.0, 3.0, 4.0];
    // p = 0.5 -> position 2.5 -> halfway between X2 and X3
    assert_eq!(quantile(&four, 0.5), 2.5);
    // p = 0.3 -> position 1.5 -> 1.5
    assert!(near(quantile(&four, 0.3), 1.5));
    assert_eq!(quantile(&[7.0], 0.9), 7.0);
}

#[test]
fn step_quantiles_and_intervals() {
    // 39 errors at one step: -19..=19. Positions p·40: 4 -> -16, 36 -> 16,
    // 1 -> -19, 39 -> 19.
    let errors: Vec<f64> = (-19..=19).map(f64::from).collect();
    let model = IntervalModel::from_errors(&[errors]).unwrap();
    let s = model.step(0);
    assert_eq!((s.q10, s.q90, s.q025, s.q975), (-16.0, 16.0, -19.0, 19.0));
    assert_eq!(s.pooled, 39);
    // rms = sqrt(2·Σ_{k=1}^{19} k² / 39) = sqrt(2·2470/39)
    assert!(near(s.rms, (4940.0f64 / 39.0).sqrt()));

    let iv = model.apply(&[100.0, 10.0]);
    assert_eq!(
        iv[0],
        Interval {
            lower_80: 84.0,
            upper_80: 116.0,
            lower_95: 81.0,
            upper_95: 119.0
        }
    );
    // Beyond the measured horizon the last step is reused; lower bounds floor at 0.
    assert_eq!(
        iv[1],
        Interval {
            lower_80: 0.0,
            upper_80: 26.0,
            lower_95: 0.0,
            upper_95: 29.0
        }
    );
    assert!(iv[0].covers_80(84.0) && !iv[0].covers_80(83.9));
    assert!(iv[0].covers_95(119.0) && !iv[0].covers_95(119.5));
    assert_eq!(model.error_scale(3).len(), 3);
}

#[test]
fn sparse_steps_pool_their_neighbours() {
    // Five steps with 60 errors each; 120 are wanted per step.
    let by_step: Vec<Vec<f64>> = (0..5).map(|s| vec![f64::from(s); 60]).collect();
    let model = IntervalModel::from_errors(&by_step).unwrap();
    assert_eq!(model.step(0).pooled, 120); // steps 0 and 1
    assert_eq!(model.step(1).pooled, 180); // steps 0, 1, 2
    assert_eq!(model.step(4).pooled, 120); // steps 3 and 4
    assert_eq!(model.step(0).q025, 0.0);
    assert_eq!(model.step(0).q975, 1.0);
    assert_eq!(model.horizon(), 5);
}

#[test]
fn bounds_take_the_outer_order_statistic_between_observed_errors() {
    let four = [1.0, 2.0, 3.0, 4.0];
    // p = 0.3 -> position 1.5: the lower bound takes X1, the upper X2.
    assert_eq!(lower_quantile(&four, 0.3), 1.0);
    assert_eq!(upper_quantile(&four, 0.3), 2.0);
    // Whole positions agree with the interpolated quantile.
    let nine: Vec<f64> = (1..=9).map(f64::from).collect();
    for p in [0.1, 0.5, 0.9] {
        assert_eq!(lower_quantile(&nine, p), quantile(&nine, p));
        assert_eq!(upper_quantile(&nine, p), quantile(&nine, p));
    }
    // Beyond the extremes they clamp.
    assert_eq!(lower_quantile(&four, 0.01), 1.0);
    assert_eq!(upper_quantile(&four, 0.99), 4.0);
    // Whole-unit errors: 0 six times in ten, then 1, 1, 2, 5. The 90%
    // position 9.9 lies between the errors 2 and 5; an upper bound of 2.9
    // would cover only 9 of 10 (< 90% of new draws from the same errors
    // in expectation), 5 covers all.
    let discrete = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 5.0];
    assert!((quantile(&discrete, 0.9) - 4.7).abs() < 1e-12);
    assert_eq!(upper_quantile(&discrete, 0.9), 5.0);
}

#[test]
fn fewer_errors_than_wanted_pool_everything() {
    let by_step = vec![vec![1.0], vec![], vec![3.0]];
    let model = IntervalModel::from_errors(&by_step).unwrap();
    assert_eq!(model.step(1).pooled, 2);
    assert_eq!(model.step(0).pooled, 2);
}

#[test]
fn bad_errors() {
    assert_eq!(
        IntervalModel::from_errors(&[]),
        Err(IntervalError::NoErrors)
    );
    assert_eq!(
        IntervalModel::from_errors(&[vec![], vec![]]),
        Err(IntervalError::NoErrors)
    );
    assert_eq!(
        IntervalModel::from_errors(&[vec![1.0], vec![f64::NAN]]),
        Err(IntervalError::NonFinite { step: 1 })
    );
}
