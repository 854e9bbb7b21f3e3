//! Ordinary least squares with an intercept.
//!
//! Full-rank designs are solved by linfa-linear's `LinearRegression` (QR on
//! ndarray). QR without pivoting cannot solve rank-deficient designs, and
//! the seed model's design always is one: trend_index = (lag_1 - lag_7) / 7
//! is an exact combination of two other columns. For those we return the
//! minimum-norm least-squares solution on centred data, which is what
//! scikit-learn's `LinearRegression` (LAPACK gelsd) returns, so coefficients
//! compare number for number with the old system.

use linfa::Dataset;
use linfa::traits::Fit;
use linfa_linalg::qr::QRInto;
use linfa_linalg::svd::SVD;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder};

/// Relative cut-off under which a singular value of the centred design
/// counts as zero: scikit-learn's default (`tol=1e-6`, passed to
/// `scipy.linalg.lstsq` as `cond`).
pub const DEFAULT_RCOND: f64 = 1e-6;

/// Fewest rows a fit accepts (R-squared needs a spread of targets).
pub const MIN_ROWS: usize = 2;

/// Why a fit failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RegressionError {
    /// Fewer rows than [`MIN_ROWS`].
    #[error("too few rows to fit: have {rows}, need {need}")]
    TooFewRows {
        /// Rows given.
        rows: usize,
        /// Rows needed.
        need: usize,
    },
    /// The design has no columns.
    #[error("no feature columns")]
    NoFeatures,
    /// Rows of `x` and length of `y` differ.
    #[error("{rows} feature rows but {targets} targets")]
    ShapeMismatch {
        /// Rows of the design.
        rows: usize,
        /// Length of the target.
        targets: usize,
    },
    /// A value is NaN or infinite.
    #[error("non-finite value in row {row}")]
    NonFinite {
        /// Offending row.
        row: usize,
    },
    /// The linear algebra failed (should not happen on finite input).
    #[error("least-squares solver failed: {0}")]
    Solver(String),
}

/// A fitted linear model `y = intercept + coefficients · x`.
#[derive(Debug, Clone, PartialEq)]
pub struct OlsFit {
    /// The intercept.
    pub intercept: f64,
    /// One coefficient per column, in column order.
    pub coefficients: Vec<f64>,
    /// 1 - SS_res / SS_tot on the training rows (1 when both are 0, 0 when
    /// only SS_tot is, as scikit-learn's `r2_score`).
    pub r_squared: f64,
    /// Numerical rank of the centred design.
    pub rank: usize,
    /// Training rows.
    pub rows: usize,
}

impl OlsFit {
    /// `intercept + Σ coefficient_i · x_i`, summed in column order (the
    /// order of an explanation's contributions, so they add up exactly).
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(x)
                .map(|(c, v)| c * v)
                .sum::<f64>()
    }
}

/// Fits OLS with an intercept, with the [`DEFAULT_RCOND`] rank cut-off.
pub fn fit_ols(x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>) -> Result<OlsFit, RegressionError> {
    fit_ols_with_rcond(x, y, DEFAULT_RCOND)
}

/// Fits OLS with an intercept; singular values of the centred design below
/// `rcond` times the largest count as zero.
pub fn fit_ols_with_rcond(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    rcond: f64,
) -> Result<OlsFit, RegressionError> {
    let (rows, cols) = x.dim();
    if rows != y.len() {
        return Err(RegressionError::ShapeMismatch {
            rows,
            targets: y.len(),
        });
    }
    if rows < MIN_ROWS {
        return Err(RegressionError::TooFewRows {
            rows,
            need: MIN_ROWS,
        });
    }
    if cols == 0 {
        return Err(RegressionError::NoFeatures);
    }
    if let Some(row) =
        (0..rows).find(|&r| !y[r].is_finite() || x.row(r).iter().any(|v| !v.is_finite()))
    {
        return Err(RegressionError::NonFinite { row });
    }

    let x_mean = mean_rows(x);
    let y_mean = y.sum() / rows as f64;
    let (a, b) = centred_problem(x, y, &x_mean, y_mean)?;
    let (u, s, vt) = a
        .svd(true, true)
        .map_err(|e| RegressionError::Solver(e.to_string()))?;
    let (u, vt) = u
        .zip(vt)
        .ok_or_else(|| RegressionError::Solver("svd returned no vectors".into()))?;
    let s_max = s.iter().copied().fold(0.0, f64::max);
    let cutoff = rcond * s_max;
    let kept: Vec<usize> = (0..s.len())
        .filter(|&i| s_max > 0.0 && s[i] > cutoff)
        .collect();
    let rank = kept.len();

    let (intercept, coefficients) = if rank == cols {
        fit_full_rank(x, y)?
    } else {
        // Minimum-norm solution: Σ over kept singular triplets of
        // (u_i · yc / s_i) v_i.
        let mut coef = Array1::<f64>::zeros(cols);
        for &i in &kept {
            let weight = u.column(i).dot(&b) / s[i];
            coef.scaled_add(weight, &vt.row(i));
        }
        (y_mean - x_mean.dot(&coef), coef.to_vec())
    };

    let mut fit = OlsFit {
        intercept,
        coefficients,
        r_squared: 0.0,
        rank,
        rows,
    };
    fit.r_squared = r_squared(&fit, x, y, y_mean);
    Ok(fit)
}

/// The centred least-squares problem min |a·c − b|, a = x − x̄ and
/// b = y − ȳ, cut to as many rows as columns where it has more: QR of
/// [a | b] leaves [[R, Qᵀb], [0, ρ]] with the same solutions and singular
/// values, and the SVD of the small R costs little next to that of a tall
/// design.
fn centred_problem(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    x_mean: &Array1<f64>,
    y_mean: f64,
) -> Result<(Array2<f64>, Array1<f64>), RegressionError> {
    let (rows, cols) = x.dim();
    let mut ab = Array2::from_shape_fn((rows, cols + 1).f(), |(r, c)| {
        if c < cols {
            x[[r, c]] - x_mean[c]
        } else {
            y[r] - y_mean
        }
    });
    if rows > cols {
        ab = ab
            .qr_into()
            .map_err(|e| RegressionError::Solver(e.to_string()))?
            .into_r();
    }
    Ok((
        Array2::from_shape_fn((cols.min(rows), cols), |(i, j)| ab[[i, j]]),
        Array1::from_shape_fn(cols.min(rows), |i| ab[[i, cols]]),
    ))
}

fn fit_full_rank(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
) -> Result<(f64, Vec<f64>), RegressionError> {
    let dataset = Dataset::new(x.to_owned(), y.to_owned());
    let model = LinearRegression::new()
        .fit(&dataset)
        .map_err(|e| RegressionError::Solver(e.to_string()))?;
    Ok((model.intercept(), model.params().to_vec()))
}

fn mean_rows(x: ArrayView2<'_, f64>) -> Array1<f64> {
    x.mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()))
}

fn r_squared(fit: &OlsFit, x: ArrayView2<'_, f64>, y: ArrayView1<'_, f64>, y_mean: f64) -> f64 {
    let (mut ss_res, mut ss_tot) = (0.0, 0.0);
    for (row, &target) in x.axis_iter(Axis(0)).zip(y) {
        let predicted = fit.intercept
            + fit
                .coefficients
                .iter()
                .zip(row)
                .map(|(c, v)| c * v)
                .sum::<f64>();
        ss_res += (target - predicted).powi(2);
        ss_tot += (target - y_mean).powi(2);
    }
    if ss_tot == 0.0 {
        if ss_res == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - ss_res / ss_tot
    }
}

/// A design matrix from rows of equal width (helper for callers holding
/// `[f64; N]` feature arrays).
pub fn design_matrix<const N: usize>(rows: &[[f64; N]]) -> Array2<f64> {
    Array2::from_shape_fn((rows.len(), N), |(r, c)| rows[r][c])
}

#[cfg(test)]
mod tests;
