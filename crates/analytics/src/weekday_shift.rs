//! The regression's `recent_weekday_shift` term: how far each weekday's
//! recent residuals sit from the fitted weekday pattern.
//!
//! The regression learns one weekday pattern from up to three years of
//! rows, so when a shop's weekly rhythm changes (new opening hours, a
//! competitor's market day) it keeps forecasting the old one for months;
//! the recent weeks are too few among its rows to move the weekday terms.
//! The shift corrects that from the residuals of the last weeks alone:
//! per weekday the mean residual, centred over the week (a level error is
//! the level terms' job), and shrunk towards 0 by a positive-part
//! James-Stein factor, so that residual means no larger than noise gives
//! leave the forecast as it was.
//!
//! [`WeekdaySums`] are running sums over the training rows, so the shift of
//! every backtest origin comes from two snapshots, as the normal
//! equations do, instead of a pass over its recent rows.

use crate::ridge::RidgeFit;

/// Weeks of residuals the shift reads: a quarter, long enough that noise
/// averages out over 13 days per weekday.
pub const WEEKDAY_SHIFT_WEEKS: usize = 13;

/// The James-Stein shrinkage constant. The textbook value for six free
/// weekday means (seven, centred) is 4; 10 is more cautious, because
/// in-sample residuals understate out-of-sample noise: with 4 the stable
/// synthetic panels lost 0.3-0.9% RMSE, with 10 at most 0.1%
/// (docs/forecasting.md, "Summed pasta").
pub const WEEKDAY_SHIFT_SHRINKAGE: f64 = 10.0;

/// Fewest rows per weekday for a shift; with fewer there is none.
const MIN_ROWS_PER_WEEKDAY: usize = 2;

/// Sums of the design rows and targets per weekday (Monday first).
#[derive(Debug, Clone, PartialEq)]
pub struct WeekdaySums {
    width: usize,
    x: Vec<f64>,
    y: [f64; 7],
    n: [usize; 7],
}

impl WeekdaySums {
    /// Empty sums for rows of `width` values.
    pub fn new(width: usize) -> Self {
        Self {
            width,
            x: vec![0.0; 7 * width],
            y: [0.0; 7],
            n: [0; 7],
        }
    }

    /// Adds a row of `weekday` (0 is Monday).
    pub fn add(&mut self, weekday: usize, x: &[f64], y: f64) {
        self.accumulate(weekday, x, y, 1.0);
    }

    /// Removes a row added before (a day later found to be a closure).
    pub fn remove(&mut self, weekday: usize, x: &[f64], y: f64) {
        self.accumulate(weekday, x, y, -1.0);
    }

    fn accumulate(&mut self, weekday: usize, x: &[f64], y: f64, sign: f64) {
        let row = &mut self.x[weekday * self.width..(weekday + 1) * self.width];
        for (s, v) in row.iter_mut().zip(x) {
            *s += sign * v;
        }
        self.y[weekday] += sign * y;
        if sign > 0.0 {
            self.n[weekday] += 1;
        } else {
            self.n[weekday] = self.n[weekday].saturating_sub(1);
        }
    }

    /// The sums of the rows added after the snapshot `earlier`.
    pub fn since(&self, earlier: &WeekdaySums) -> WeekdaySums {
        let mut y = self.y;
        let mut n = self.n;
        for d in 0..7 {
            y[d] -= earlier.y[d];
            n[d] = n[d].saturating_sub(earlier.n[d]);
        }
        WeekdaySums {
            width: self.width,
            x: self.x.iter().zip(&earlier.x).map(|(a, b)| a - b).collect(),
            y,
            n,
        }
    }

    /// The shift per weekday for `fit` over these rows, `noise` being the
    /// variance of one residual. All zero when a weekday has too few rows.
    pub fn shift(&self, fit: &RidgeFit, noise: f64) -> [f64; 7] {
        if self.n.iter().any(|&k| k < MIN_ROWS_PER_WEEKDAY) {
            return [0.0; 7];
        }
        let mut mean = [0.0; 7];
        for (d, m) in mean.iter_mut().enumerate() {
            let x = &self.x[d * self.width..(d + 1) * self.width];
            let fitted: f64 = x.iter().zip(&fit.coefficients).map(|(a, b)| a * b).sum();
            *m = (self.y[d] - fitted) / self.n[d] as f64 - fit.intercept;
        }
        let centre = mean.iter().sum::<f64>() / 7.0;
        mean.iter_mut().for_each(|m| *m -= centre);
        let spread: f64 = mean.iter().map(|m| m * m).sum();
        let rows_per_weekday = self.n.iter().sum::<usize>() as f64 / 7.0;
        let expected = WEEKDAY_SHIFT_SHRINKAGE * noise / rows_per_weekday;
        let keep = if spread > expected {
            1.0 - expected / spread
        } else {
            0.0
        };
        mean.map(|m| keep * m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(intercept: f64, coefficients: Vec<f64>) -> RidgeFit {
        RidgeFit {
            intercept,
            coefficients,
            rows: 0,
        }
    }

    #[test]
    fn a_clear_change_is_kept_and_noise_is_dropped() {
        // Residuals: +3 on Saturdays, -0.5 on the other days, 13 weeks.
        let mut sums = WeekdaySums::new(1);
        for week in 0..13 {
            for d in 0..7 {
                let y = if d == 5 { 13.0 } else { 9.5 };
                sums.add(d, &[f64::from(week)], y + 2.0 * f64::from(week));
            }
        }
        let f = fit(10.0, vec![2.0]);
        let shift = sums.shift(&f, 1.0);
        // The means already sum to 0 over the week; the spread 3² + 6·0.5²
        // = 10.5 against an expected 10 · 1 / 13 keeps this share:
        let keep = 1.0 - (WEEKDAY_SHIFT_SHRINKAGE / 13.0) / 10.5;
        assert!((shift[5] - 3.0 * keep).abs() < 1e-9, "{shift:?}");
        assert!((shift[0] + 0.5 * keep).abs() < 1e-9, "{shift:?}");
        assert!(shift.iter().sum::<f64>().abs() < 1e-9, "centred");

        // The same residual pattern against noise of variance 100: dropped.
        assert_eq!(sums.shift(&f, 100.0), [0.0; 7]);
    }

    #[test]
    fn since_removes_a_snapshot_and_too_few_rows_give_none() {
        let mut sums = WeekdaySums::new(2);
        for d in 0..7 {
            sums.add(d, &[1.0, 2.0], 5.0);
        }
        let snapshot = sums.clone();
        for d in 0..7 {
            sums.add(d, &[1.0, 2.0], 6.0);
            sums.add(d, &[1.0, 2.0], 6.0);
        }
        let window = sums.since(&snapshot);
        assert_eq!(window.n, [2; 7]);
        assert_eq!(window.y, [12.0; 7]);
        let mut short = window.clone();
        short.remove(3, &[1.0, 2.0], 6.0);
        assert_eq!(short.n[3], 1);
        assert_eq!(short.shift(&fit(0.0, vec![0.0, 0.0]), 0.0), [0.0; 7]);
    }
}
