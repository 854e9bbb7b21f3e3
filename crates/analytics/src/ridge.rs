//! Ridge regression on standardised features, from accumulated normal
//! equations.
//!
//! The fit minimises (1/n)·‖yc − Xs·b‖² + α‖b‖², where Xs is the design
//! with each column centred and scaled to unit variance and yc the centred
//! target; coefficients are mapped back to the original columns and the
//! intercept is ȳ − x̄·coef (it is not penalised). This is elastic net with
//! `l1_ratio` 0 and `penalty` α in linfa-elasticnet's parametrisation, and
//! OLS (linfa-linear) when α is 0 and the design has full rank; the tests
//! check both.
//!
//! The sums are accumulated row by row ([`NormalEquations::add`]) and the
//! p×p system is solved with linfa-linalg's Cholesky factorisation, so a
//! fit costs one pass over the rows plus O(p³): cheap enough to refit at
//! every backtest origin. The penalty can be weighted per column
//! ([`NormalEquations::solve_weighted`]), e.g. 0 for well-determined
//! weekday effects. A column that does not vary in the training rows
//! (a weekday never seen, a holiday flag never set) gets coefficient 0.

use linfa_linalg::cholesky::SolveCInplace;
use ndarray::{Array2, ArrayView1, ArrayView2};

use crate::regression::RegressionError;

/// Rows up to this wide index their non-zero columns on the stack.
const SMALL_ROW: usize = 64;

/// Variance under which a column counts as constant.
const MIN_VARIANCE: f64 = 1e-12;

/// A fitted ridge model `y = intercept + coefficients · x`.
#[derive(Debug, Clone, PartialEq)]
pub struct RidgeFit {
    /// The intercept.
    pub intercept: f64,
    /// One coefficient per column, in column order.
    pub coefficients: Vec<f64>,
    /// Rows fitted.
    pub rows: usize,
}

impl RidgeFit {
    /// `intercept + Σ coefficient_i · x_i`, in column order.
    pub fn predict(&self, x: &[f64]) -> f64 {
        self.coefficients
            .iter()
            .zip(x)
            .fold(self.intercept, |acc, (c, v)| acc + c * v)
    }
}

/// Running sums of a least-squares problem with `p` columns.
#[derive(Debug, Clone, PartialEq)]
pub struct NormalEquations {
    p: usize,
    n: usize,
    sum_x: Vec<f64>,
    sum_y: f64,
    sum_yy: f64,
    /// Row-major p×p, upper triangle filled.
    sum_xx: Vec<f64>,
    sum_xy: Vec<f64>,
}

impl NormalEquations {
    /// Empty sums for `p` columns.
    pub fn new(p: usize) -> Self {
        Self {
            p,
            n: 0,
            sum_x: vec![0.0; p],
            sum_y: 0.0,
            sum_yy: 0.0,
            sum_xx: vec![0.0; p * p],
            sum_xy: vec![0.0; p],
        }
    }

    /// Rows added so far.
    pub fn rows(&self) -> usize {
        self.n
    }

    /// Adds one row (`x.len()` must be p; extra values are ignored).
    /// Zero entries are skipped, so one-hot columns (weekdays) cost little.
    pub fn add(&mut self, x: &[f64], y: f64) {
        self.accumulate(x, y, 1.0);
    }

    fn accumulate(&mut self, x: &[f64], y: f64, sign: f64) {
        let p = self.p;
        if sign > 0.0 {
            self.n += 1;
        } else {
            self.n = self.n.saturating_sub(1);
        }
        self.sum_y += sign * y;
        self.sum_yy += sign * y * y;
        let x = &x[..p.min(x.len())];
        // This runs for every row: the non-zero entries of the regressions'
        // twenty-odd columns (and their indices) stay in stack buffers.
        if x.len() <= SMALL_ROW {
            let (mut index, mut value) = ([0u8; SMALL_ROW], [0.0; SMALL_ROW]);
            let mut count = 0;
            for (j, &v) in x.iter().enumerate().filter(|(_, v)| **v != 0.0) {
                (index[count], value[count]) = (j as u8, v);
                count += 1;
            }
            self.add_products(&index[..count], &value[..count], y, sign);
        } else {
            let (index, value): (Vec<usize>, Vec<f64>) = x
                .iter()
                .copied()
                .enumerate()
                .filter(|(_, v)| *v != 0.0)
                .unzip();
            self.add_products(&index, &value, y, sign);
        }
    }

    /// Adds `sign` times the products of a row's non-zero entries `value`
    /// at columns `index`.
    fn add_products<J: Copy + Into<usize>>(
        &mut self,
        index: &[J],
        value: &[f64],
        y: f64,
        sign: f64,
    ) {
        let p = self.p;
        for (a, (&j, &v)) in index.iter().zip(value).enumerate() {
            let j = j.into();
            let xj = sign * v;
            self.sum_x[j] += xj;
            self.sum_xy[j] += xj * y;
            let row = &mut self.sum_xx[j * p..(j + 1) * p];
            for (&k, &xk) in index[a..].iter().zip(&value[a..]) {
                row[k.into()] += xj * xk;
            }
        }
    }

    /// Removes a row added before (e.g. a day later found to be a closure).
    pub fn remove(&mut self, x: &[f64], y: f64) {
        self.accumulate(x, y, -1.0);
    }

    /// The sums of the rows in `self` but not in `earlier` (a snapshot of
    /// the same accumulation taken before): the rows added in between.
    pub fn since(&self, earlier: &NormalEquations) -> NormalEquations {
        let sub = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x - y).collect();
        NormalEquations {
            p: self.p,
            n: self.n.saturating_sub(earlier.n),
            sum_x: sub(&self.sum_x, &earlier.sum_x),
            sum_y: self.sum_y - earlier.sum_y,
            sum_yy: self.sum_yy - earlier.sum_yy,
            sum_xx: sub(&self.sum_xx, &earlier.sum_xx),
            sum_xy: sub(&self.sum_xy, &earlier.sum_xy),
        }
    }

    /// Mean squared residual of `fit` over the rows summed here, from the
    /// sums alone (no pass over the rows): Σ(y − b₀ − xβ)² expanded.
    pub fn mean_squared_residual(&self, fit: &RidgeFit) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let (p, b0, beta) = (self.p, fit.intercept, &fit.coefficients);
        let dot = |a: &[f64]| a.iter().zip(beta).map(|(x, b)| x * b).sum::<f64>();
        let mut quad = 0.0;
        for j in 0..p {
            quad += beta[j] * beta[j] * self.sum_xx[j * p + j];
            for k in j + 1..p {
                quad += 2.0 * beta[j] * beta[k] * self.sum_xx[j * p + k];
            }
        }
        let n = self.n as f64;
        let rss = self.sum_yy - 2.0 * (b0 * self.sum_y + dot(&self.sum_xy))
            + n * b0 * b0
            + 2.0 * b0 * dot(&self.sum_x)
            + quad;
        (rss / n).max(0.0)
    }

    /// Solves the ridge problem with penalty `alpha` (≥ 0) on every column.
    pub fn solve(&self, alpha: f64) -> Result<RidgeFit, RegressionError> {
        self.solve_weighted(alpha, &[], &[])
    }

    /// Solves with penalty `alpha·weights[j]` on standardised column j
    /// (weight 1 where `weights` is short), using only the columns whose
    /// entry in `active` is true (all when `active` is short); the others
    /// get coefficient 0. A weight of 0 leaves a column unpenalised.
    pub fn solve_weighted(
        &self,
        alpha: f64,
        weights: &[f64],
        active: &[bool],
    ) -> Result<RidgeFit, RegressionError> {
        let (p, n) = (self.p, self.n);
        if n < 2 {
            return Err(RegressionError::TooFewRows { rows: n, need: 2 });
        }
        if p == 0 {
            return Err(RegressionError::NoFeatures);
        }
        let centred = Centred::new(self);
        let kept = centred.varying(active);
        let mut coefficients = vec![0.0; p];
        for (&j, c) in kept.iter().zip(centred.solve(&kept, alpha, weights)?) {
            coefficients[j] = c;
        }
        if coefficients.iter().any(|c| !c.is_finite()) {
            return Err(RegressionError::Solver(
                "non-finite ridge coefficients".into(),
            ));
        }
        let intercept = centred.y_mean
            - centred
                .mean
                .iter()
                .zip(&coefficients)
                .map(|(m, c)| m * c)
                .sum::<f64>();
        Ok(RidgeFit {
            intercept,
            coefficients,
            rows: n,
        })
    }
}

/// The summed rows' means and covariances, from which the ridge problem
/// is solved on standardised columns.
struct Centred<'a> {
    sums: &'a NormalEquations,
    n: f64,
    mean: Vec<f64>,
    y_mean: f64,
}

impl<'a> Centred<'a> {
    fn new(sums: &'a NormalEquations) -> Self {
        let n = sums.n as f64;
        Centred {
            sums,
            n,
            mean: sums.sum_x.iter().map(|s| s / n).collect(),
            y_mean: sums.sum_y / n,
        }
    }

    fn cov(&self, j: usize, k: usize) -> f64 {
        let (a, b) = if j <= k { (j, k) } else { (k, j) };
        self.sums.sum_xx[a * self.sums.p + b] / self.n - self.mean[a] * self.mean[b]
    }

    fn cov_y(&self, j: usize) -> f64 {
        self.sums.sum_xy[j] / self.n - self.mean[j] * self.y_mean
    }

    /// The columns that are active (all when `active` is short) and vary.
    fn varying(&self, active: &[bool]) -> Vec<usize> {
        (0..self.sums.p)
            .filter(|&j| active.get(j).copied().unwrap_or(true))
            .filter(|&j| self.cov(j, j) > MIN_VARIANCE * (1.0 + self.mean[j] * self.mean[j]))
            .collect()
    }

    /// The coefficients of the `kept` columns, on their own scale: the
    /// ridge solution on standardised columns, penalty `alpha·weights[j]`.
    fn solve(
        &self,
        kept: &[usize],
        alpha: f64,
        weights: &[f64],
    ) -> Result<Vec<f64>, RegressionError> {
        if kept.is_empty() {
            return Ok(Vec::new());
        }
        let m = kept.len();
        let sd: Vec<f64> = kept.iter().map(|&j| self.cov(j, j).sqrt()).collect();
        // The standardised system; `jitter` is added to its diagonal.
        let system = |jitter: f64| {
            let mut a = Array2::<f64>::zeros((m, m));
            let mut r = Array2::<f64>::zeros((m, 1));
            for (i, &j) in kept.iter().enumerate() {
                for (c, &k) in kept.iter().enumerate().skip(i) {
                    let v = self.cov(j, k) / (sd[i] * sd[c]);
                    a[(i, c)] = v;
                    a[(c, i)] = v;
                }
                let weight = weights.get(j).copied().unwrap_or(1.0).max(0.0);
                a[(i, i)] += alpha.max(0.0) * weight + jitter;
                r[(i, 0)] = self.cov_y(j) / sd[i];
            }
            (a, r)
        };
        let (mut a, r) = system(0.0);
        let solution = match a.solvec_into(r) {
            Ok(s) => s,
            // Singular (collinear columns left unpenalised): a vanishing
            // ridge picks the smallest solution.
            Err(_) => {
                let (mut a, r) = system(1e-8);
                a.solvec_into(r)
                    .map_err(|e| RegressionError::Solver(e.to_string()))?
            }
        };
        Ok((0..m).map(|i| solution[(i, 0)] / sd[i]).collect())
    }
}

/// Fits ridge regression with penalty `alpha` on a design matrix.
pub fn fit_ridge(
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, f64>,
    alpha: f64,
) -> Result<RidgeFit, RegressionError> {
    let (rows, cols) = x.dim();
    if rows != y.len() {
        return Err(RegressionError::ShapeMismatch {
            rows,
            targets: y.len(),
        });
    }
    let mut eq = NormalEquations::new(cols);
    for (r, row) in x.rows().into_iter().enumerate() {
        if !y[r].is_finite() || row.iter().any(|v| !v.is_finite()) {
            return Err(RegressionError::NonFinite { row: r });
        }
        eq.add(&row.to_vec(), y[r]);
    }
    eq.solve(alpha)
}

#[cfg(test)]
mod tests;
