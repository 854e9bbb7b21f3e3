use linfa::Dataset;
use linfa::traits::Fit;
use linfa_elasticnet::ElasticNet;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2, Axis};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;

fn random_design(rows: usize, cols: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((rows, cols), |(_, c)| {
        rng.random_range(-1.0..1.0) * (c + 1) as f64 + c as f64
    });
    let y = Array1::from_shape_fn(rows, |r| {
        2.0 + x
            .row(r)
            .iter()
            .enumerate()
            .map(|(c, v)| (c as f64 - 1.5) * v)
            .sum::<f64>()
            + rng.random_range(-0.5..0.5)
    });
    (x, y)
}

#[test]
fn without_penalty_it_is_ols_as_linfa_linear_fits_it() {
    let (x, y) = random_design(200, 5, 1);
    let ridge = fit_ridge(x.view(), y.view(), 0.0).unwrap();
    let ols = LinearRegression::new()
        .fit(&Dataset::new(x.clone(), y.clone()))
        .unwrap();
    assert!((ridge.intercept - ols.intercept()).abs() < 1e-9);
    for (a, b) in ridge.coefficients.iter().zip(ols.params()) {
        assert!((a - b).abs() < 1e-9, "{a} vs {b}");
    }
    assert_eq!(ridge.rows, 200);
    let row: Vec<f64> = x.row(3).to_vec();
    let manual = ols.intercept() + ols.params().dot(&x.row(3));
    assert!((ridge.predict(&row) - manual).abs() < 1e-9);
}

#[test]
fn with_penalty_it_is_linfa_elasticnet_with_l1_ratio_zero_on_standardised_columns() {
    let (x, y) = random_design(300, 4, 2);
    let alpha = 0.3;
    let mean = x.mean_axis(Axis(0)).unwrap();
    let sd = x.std_axis(Axis(0), 0.0);
    let xs = (&x - &mean) / &sd;
    let net = ElasticNet::params()
        .penalty(alpha)
        .l1_ratio(0.0)
        .tolerance(1e-12)
        .max_iterations(100_000)
        .fit(&Dataset::new(xs.clone(), y.clone()))
        .unwrap();
    let ridge = fit_ridge(x.view(), y.view(), alpha).unwrap();
    for (c, (r, e)) in ridge.coefficients.iter().zip(net.hyperplane()).enumerate() {
        // ElasticNet's coefficients are on the standardised columns.
        assert!(
            (r * sd[c] - e).abs() < 1e-6,
            "column {c}: {} vs {e}",
            r * sd[c]
        );
    }
    // Shrinkage: the penalised slopes are smaller than the OLS ones.
    let ols = fit_ridge(x.view(), y.view(), 0.0).unwrap();
    let norm = |v: &[f64]| {
        v.iter()
            .zip(sd.iter())
            .map(|(c, s)| (c * s).powi(2))
            .sum::<f64>()
    };
    assert!(norm(&ridge.coefficients) < norm(&ols.coefficients));
}

#[test]
fn constant_columns_get_zero_and_bad_input_is_an_error() {
    let x = ndarray::array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]];
    let y = ndarray::array![3.0, 5.0, 7.0, 9.0];
    let fit = fit_ridge(x.view(), y.view(), 0.0).unwrap();
    assert!((fit.coefficients[0] - 2.0).abs() < 1e-9);
    assert_eq!(fit.coefficients[1], 0.0);
    assert!((fit.intercept - 1.0).abs() < 1e-9);

    let one = ndarray::array![[1.0]];
    assert!(matches!(
        fit_ridge(one.view(), ndarray::array![1.0].view(), 0.1),
        Err(RegressionError::TooFewRows { .. })
    ));
    let nan = ndarray::array![[1.0], [f64::NAN]];
    assert!(matches!(
        fit_ridge(nan.view(), ndarray::array![1.0, 2.0].view(), 0.1),
        Err(RegressionError::NonFinite { row: 1 })
    ));
    // All columns constant: the mean.
    let flat = ndarray::array![[1.0], [1.0], [1.0]];
    let fit = fit_ridge(flat.view(), ndarray::array![1.0, 2.0, 6.0].view(), 0.1).unwrap();
    assert_eq!(fit.coefficients, vec![0.0]);
    assert!((fit.intercept - 3.0).abs() < 1e-12);
}

#[test]
fn mean_squared_residual_from_the_sums_equals_the_direct_one() {
    let (x, y) = random_design(300, 6, 7);
    let mut eq = NormalEquations::new(6);
    for (row, &target) in x.rows().into_iter().zip(&y) {
        eq.add(&row.to_vec(), target);
    }
    for alpha in [0.0, 0.5] {
        let fit = eq.solve(alpha).unwrap();
        let direct = x
            .rows()
            .into_iter()
            .zip(&y)
            .map(|(row, &target)| (target - fit.predict(&row.to_vec())).powi(2))
            .sum::<f64>()
            / 300.0;
        let from_sums = eq.mean_squared_residual(&fit);
        assert!(
            (from_sums - direct).abs() < 1e-9 * direct.max(1.0),
            "alpha {alpha}: {from_sums} vs {direct}"
        );
    }
    assert_eq!(
        NormalEquations::new(3).mean_squared_residual(&eq.solve(0.0).unwrap()),
        0.0
    );
}
