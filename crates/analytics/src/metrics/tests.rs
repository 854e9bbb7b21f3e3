use super::*;

const ACTUAL: [f64; 4] = [10.0, 0.0, 5.0, 8.0];
const FORECAST: [f64; 4] = [8.0, 0.0, 10.0, 8.0];
// Seasonal differences y_t - y_(t-7): 3-1, 2-2, 3-3 -> |.| mean 2/3, squared mean 4/3.
const TRAINING: [f64; 10] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 3.0, 2.0, 3.0];

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn hand_computed_errors() {
    // errors 2, 0, -5, 0
    assert!(near(mae(&ACTUAL, &FORECAST).unwrap(), 1.75));
    assert!(near(rmse(&ACTUAL, &FORECAST).unwrap(), 7.25f64.sqrt()));
    // 200·2/18, 0 (both zero), 200·5/15, 0 -> (200/9 + 200/3) / 4 = 200/9
    assert!(near(smape(&ACTUAL, &FORECAST).unwrap(), 200.0 / 9.0));
}

#[test]
fn scaled_errors_use_the_seasonal_naive_in_sample_error() {
    assert!(near(seasonal_naive_mae(&TRAINING).unwrap(), 2.0 / 3.0));
    assert!(near(seasonal_naive_mse(&TRAINING).unwrap(), 4.0 / 3.0));
    // 1.75 / (2/3) = 2.625; sqrt(7.25 / (4/3)) = sqrt(5.4375)
    assert!(near(
        mase(&ACTUAL, &FORECAST, &TRAINING).unwrap().unwrap(),
        2.625
    ));
    assert!(near(
        rmsse(&ACTUAL, &FORECAST, &TRAINING).unwrap().unwrap(),
        5.4375f64.sqrt()
    ));
    let all = accuracy(&ACTUAL, &FORECAST, &TRAINING).unwrap();
    assert!(near(all.mae, 1.75));
    assert_eq!(all.mase, mase(&ACTUAL, &FORECAST, &TRAINING).unwrap());
}

#[test]
fn zero_or_undefined_scale_gives_none() {
    let weekly = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 1.0, 2.0];
    assert_eq!(mase(&ACTUAL, &FORECAST, &weekly).unwrap(), None);
    assert_eq!(rmsse(&ACTUAL, &FORECAST, &weekly).unwrap(), None);
    assert_eq!(mase(&ACTUAL, &FORECAST, &[1.0; 7]).unwrap(), None);
    assert_eq!(seasonal_naive_mae(&[1.0; 7]), None);
}

#[test]
fn smape_bounds() {
    assert_eq!(smape(&[0.0], &[0.0]).unwrap(), 0.0);
    assert_eq!(smape(&[0.0], &[3.0]).unwrap(), 200.0);
    assert_eq!(smape(&[4.0], &[4.0]).unwrap(), 0.0);
}

#[test]
fn bad_input_is_an_error() {
    assert_eq!(mae(&[], &[]), Err(MetricsError::Empty));
    assert_eq!(
        rmse(&[1.0], &[1.0, 2.0]),
        Err(MetricsError::LengthMismatch {
            actual: 1,
            forecast: 2
        })
    );
    assert_eq!(
        smape(&[1.0, f64::NAN], &[1.0, 1.0]),
        Err(MetricsError::NonFinite { index: 1 })
    );
    assert_eq!(
        mase(&[1.0], &[1.0], &[0.0, f64::INFINITY]),
        Err(MetricsError::NonFinite { index: 1 })
    );
}

#[test]
fn prefix_scales_equal_the_direct_ones_to_the_bit() {
    let units: Vec<f64> = (0..60)
        .map(|i| f64::from((i * 37 % 11) as u8) * 0.7)
        .collect();
    let scales = SeasonalScales::new(&units);
    for n in 0..=units.len() {
        let direct = seasonal_naive_mae(&units[..n]).zip(seasonal_naive_mse(&units[..n]));
        assert_eq!(scales.of_prefix(n), direct, "prefix {n}");
    }
    assert_eq!(scales.of_prefix(units.len() + 1), None);
}
