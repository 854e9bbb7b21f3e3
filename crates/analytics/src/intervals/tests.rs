use proptest::strategy::Strategy;

use super::*;

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// The model from errors made against forecasts of 0, whose error unit
/// is 1: the errors count as given.
fn from_errors(by_step: &[Vec<f64>]) -> Result<IntervalModel, IntervalError> {
    let misses: Vec<Vec<Miss>> = by_step
        .iter()
        .map(|errors| {
            errors
                .iter()
                .map(|&error| Miss {
                    forecast: 0.0,
                    error,
                })
                .collect()
        })
        .collect();
    IntervalModel::from_misses(&misses)
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
    // 39 errors at one step, -19..=19, made against forecasts of 3 (unit
    // √4 = 2): -9.5..=9.5 units. Positions p·40: 4 -> -8, 36 -> 8,
    // 1 -> -9.5, 39 -> 9.5.
    let misses: Vec<Miss> = (-19..=19)
        .map(|e| Miss {
            forecast: 3.0,
            error: f64::from(e),
        })
        .collect();
    let model = IntervalModel::from_misses(&[misses]).unwrap();
    let s = model.step(0);
    assert_eq!((s.q10, s.q90, s.q025, s.q975), (-8.0, 8.0, -9.5, 9.5));
    assert_eq!(s.pooled, 39);
    // rms = sqrt(2·Σ_{k=1}^{19} k² / 39) / 2 = sqrt(2·2470/39) / 2
    assert!(near(s.rms, (4940.0f64 / 39.0).sqrt() / 2.0));

    // A forecast of 99 has unit √100 = 10; one of 3 gets the errors back.
    let iv = model.apply(&[99.0, 3.0]);
    assert_eq!(
        iv[0],
        Interval {
            lower_80: 19.0,
            upper_80: 179.0,
            lower_95: 4.0,
            upper_95: 194.0
        }
    );
    // Beyond the measured horizon the last step is reused; lower bounds floor at 0.
    assert_eq!(
        iv[1],
        Interval {
            lower_80: 0.0,
            upper_80: 19.0,
            lower_95: 0.0,
            upper_95: 22.0
        }
    );
    assert!(iv[0].covers_80(19.0) && !iv[0].covers_80(18.9));
    assert!(iv[0].covers_95(194.0) && !iv[0].covers_95(194.5));
    let scale = model.error_scale(&[99.0, 3.0, 0.0]);
    assert!(near(scale[0], 5.0 * (4940.0f64 / 39.0).sqrt()));
    assert!(near(scale[1], (4940.0f64 / 39.0).sqrt()));
    assert!(near(scale[2], (4940.0f64 / 39.0).sqrt() / 2.0));
}

#[test]
fn errors_are_measured_in_square_roots_of_the_level() {
    assert_eq!(error_unit(0.0), 1.0);
    assert_eq!(error_unit(-2.0), 1.0);
    assert_eq!(error_unit(8.0), 3.0);
    // The same error made at a forecast of 0 and of 99 counts 10 times
    // less at 99: a band learnt from both at 99 is [99 - 10, 99 + 10].
    let misses = vec![
        Miss {
            forecast: 0.0,
            error: -1.0,
        },
        Miss {
            forecast: 99.0,
            error: 10.0,
        },
    ];
    let iv = IntervalModel::from_misses(&[misses])
        .unwrap()
        .apply(&[99.0]);
    assert_eq!((iv[0].lower_95, iv[0].upper_95), (89.0, 109.0));
}

#[test]
fn sparse_steps_pool_their_neighbours() {
    // Five steps with 60 errors each; 120 are wanted per step.
    let by_step: Vec<Vec<f64>> = (0..5).map(|s| vec![f64::from(s); 60]).collect();
    let model = from_errors(&by_step).unwrap();
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
    let model = from_errors(&by_step).unwrap();
    assert_eq!(model.step(1).pooled, 2);
    assert_eq!(model.step(0).pooled, 2);
}

#[test]
fn bad_errors() {
    assert_eq!(from_errors(&[]), Err(IntervalError::NoErrors));
    assert_eq!(from_errors(&[vec![], vec![]]), Err(IntervalError::NoErrors));
    assert_eq!(
        from_errors(&[vec![1.0], vec![f64::NAN]]),
        Err(IntervalError::NonFinite { step: 1 })
    );
}

proptest::proptest! {
    /// Selection finds the bounds sorting would: whole-unit errors with
    /// many ties, any pool size.
    #[test]
    fn summarise_selects_the_order_statistics_of_the_sorted_pool(
        pool in proptest::collection::vec((-6i32..6).prop_map(f64::from), 1..300),
    ) {
        let mut sorted = pool.clone();
        sorted.sort_by(f64::total_cmp);
        let step = summarise(pool);
        proptest::prop_assert_eq!(step.q025, lower_quantile(&sorted, 0.025));
        proptest::prop_assert_eq!(step.q10, lower_quantile(&sorted, 0.10));
        proptest::prop_assert_eq!(step.q90, upper_quantile(&sorted, 0.90));
        proptest::prop_assert_eq!(step.q975, upper_quantile(&sorted, 0.975));
    }
}

#[test]
fn a_bound_off_by_floating_point_noise_still_covers_the_count() {
    // A steady 3 a day forecast through log1p and back, with errors that
    // were all 0: a zero-width interval a rounding below 3.
    let f = (3.0f64.ln_1p()).exp_m1() - 4e-16;
    assert!(f < 3.0);
    let iv = Interval {
        lower_80: f,
        upper_80: f,
        lower_95: f,
        upper_95: f,
    };
    assert!(iv.covers_80(3.0) && iv.covers_95(3.0));
    // A real miss is still a miss: the slack is a billionth, relative.
    assert!(!iv.covers_80(3.0 + 1e-6) && !iv.covers_95(2.999_999));
}
