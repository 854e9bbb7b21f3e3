//! The regression's `recent_weekday_shift` term: how far each weekday's
//! recent residuals sit from the fitted weekday pattern.
//!
//! The regression learns one weekday pattern from up to three years of
//! rows, so when a shop's weekly rhythm changes (new opening hours, a
//! competitor's market day) it keeps forecasting the old one for months;
//! the recent weeks are too few among its rows to move the weekday terms.
//! The shift corrects that from the residuals of the last weeks alone:
//! per weekday the mean residual, the latest weeks weighing most (half-life
//! [`WEEKDAY_SHIFT_HALF_LIFE_DAYS`]), centred over the week (a level error
//! is the level terms' job), and shrunk towards 0 by a positive-part
//! James-Stein factor, so that residual means no larger than noise gives
//! leave the forecast as it was.
//!
//! [`WeekdaySums`] are running sums over the training rows, so the shift of
//! every backtest origin comes from two snapshots, as the normal
//! equations do, instead of a pass over its recent rows. Rows are added
//! with weight [`recency_weight`] of their day, which grows with the day:
//! a weighted mean does not change when every weight is scaled, so one
//! set of sums serves every origin.

use crate::ridge::RidgeFit;

/// Weeks of residuals the shift reads: a quarter.
pub const WEEKDAY_SHIFT_WEEKS: usize = 13;

/// Age in days at which a residual weighs half as much as the latest: a
/// rhythm that changed four weeks ago then has most of the weight, while
/// the quarter still holds enough days to tell a change from noise. On
/// the summed pasta panel 28 days followed the June 2018 change better
/// than equal weights (AUTO's MASE there 0.706 -> 0.671), and no other
/// panel moved by more than 0.15% (docs/forecasting-measurements.md,
/// "regression: the recent weekday shift").
pub const WEEKDAY_SHIFT_HALF_LIFE_DAYS: f64 = 28.0;

/// The weight of day `t` when the sums start at day `from`: doubling every
/// [`WEEKDAY_SHIFT_HALF_LIFE_DAYS`], so relative to any later origin it
/// halves with every half-life of age.
pub fn recency_weight(t: usize, from: usize) -> f64 {
    (t.saturating_sub(from) as f64 / WEEKDAY_SHIFT_HALF_LIFE_DAYS).exp2()
}

/// The James-Stein shrinkage constant. The textbook value for six free
/// weekday means (seven, centred) is 4; 10 is more cautious, because
/// in-sample residuals understate out-of-sample noise: with 4 the stable
/// synthetic panels lost 0.3-0.9% RMSE, with 10 at most 0.15%
/// (docs/forecasting-measurements.md, "regression: the recent weekday
/// shift").
pub const WEEKDAY_SHIFT_SHRINKAGE: f64 = 10.0;

/// Fewest rows per weekday for a shift; with fewer there is none.
const MIN_ROWS_PER_WEEKDAY: usize = 2;

/// Weighted sums of the design rows and targets per weekday (Monday
/// first), with the rows counted and their weights' sums and sums of
/// squares (for the effective number of rows).
#[derive(Debug, Clone, PartialEq)]
pub struct WeekdaySums {
    width: usize,
    x: Vec<f64>,
    y: [f64; 7],
    n: [usize; 7],
    w: [f64; 7],
    w2: [f64; 7],
}

impl WeekdaySums {
    /// Empty sums for rows of `width` values.
    pub fn new(width: usize) -> Self {
        Self {
            width,
            x: vec![0.0; 7 * width],
            y: [0.0; 7],
            n: [0; 7],
            w: [0.0; 7],
            w2: [0.0; 7],
        }
    }

    /// Adds a row of `weekday` (0 is Monday) with weight `weight` > 0.
    pub fn add(&mut self, weekday: usize, x: &[f64], y: f64, weight: f64) {
        self.accumulate(weekday, x, y, weight, 1);
    }

    /// Removes a row added before with the same weight (a day later found
    /// to be a closure).
    pub fn remove(&mut self, weekday: usize, x: &[f64], y: f64, weight: f64) {
        self.accumulate(weekday, x, y, -weight, -1);
    }

    fn accumulate(&mut self, weekday: usize, x: &[f64], y: f64, weight: f64, count: isize) {
        let row = &mut self.x[weekday * self.width..(weekday + 1) * self.width];
        for (s, v) in row.iter_mut().zip(x) {
            *s += weight * v;
        }
        self.y[weekday] += weight * y;
        self.w[weekday] += weight;
        self.w2[weekday] += weight * weight.abs();
        self.n[weekday] = self.n[weekday].saturating_add_signed(count);
    }

    /// The sums of the rows added after the snapshot `earlier`.
    pub fn since(&self, earlier: &WeekdaySums) -> WeekdaySums {
        let mut y = self.y;
        let mut n = self.n;
        let mut w = self.w;
        let mut w2 = self.w2;
        for d in 0..7 {
            y[d] -= earlier.y[d];
            n[d] = n[d].saturating_sub(earlier.n[d]);
            w[d] -= earlier.w[d];
            w2[d] -= earlier.w2[d];
        }
        WeekdaySums {
            width: self.width,
            x: self.x.iter().zip(&earlier.x).map(|(a, b)| a - b).collect(),
            y,
            n,
            w,
            w2,
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
            *m = (self.y[d] - fitted) / self.w[d] - fit.intercept;
        }
        let centre = mean.iter().sum::<f64>() / 7.0;
        mean.iter_mut().for_each(|m| *m -= centre);
        let spread: f64 = mean.iter().map(|m| m * m).sum();
        // A weighted mean of k rows has the variance of a plain mean of
        // (Σw)² / Σw² rows.
        let effective_rows = (0..7)
            .map(|d| self.w[d] * self.w[d] / self.w2[d])
            .sum::<f64>()
            / 7.0;
        let expected = WEEKDAY_SHIFT_SHRINKAGE * noise / effective_rows;
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

    /// Residuals of `fit(10, [2])` on 13 weeks: `saturday` on Saturdays
    /// and `other` on the other days from week `from` on, 0 before.
    fn weeks(saturday: f64, other: f64, from: usize, weight: impl Fn(usize) -> f64) -> WeekdaySums {
        let mut sums = WeekdaySums::new(1);
        for week in 0..13 {
            for d in 0..7 {
                let t = 7 * week + d;
                let residual = match (week >= from, d == 5) {
                    (false, _) => 0.0,
                    (true, true) => saturday,
                    (true, false) => other,
                };
                let x = week as f64;
                sums.add(d, &[x], 10.0 + 2.0 * x + residual, weight(t));
            }
        }
        sums
    }

    #[test]
    fn a_clear_change_is_kept_and_noise_is_dropped() {
        let f = fit(10.0, vec![2.0]);
        let sums = weeks(3.0, -0.5, 0, |_| 1.0);
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
    fn recent_weeks_weigh_most_and_the_scale_of_weights_does_not_matter() {
        let f = fit(10.0, vec![2.0]);
        // A change four weeks before the end of the window.
        let equal = weeks(3.0, -0.5, 9, |_| 1.0).shift(&f, 1.0);
        let recent = weeks(3.0, -0.5, 9, |t| recency_weight(t, 0)).shift(&f, 1.0);
        assert!(equal[5] > 0.0 && equal[5] < 3.0 * 4.0 / 13.0, "{equal:?}");
        assert!(recent[5] > 1.5 * equal[5], "{recent:?} vs {equal:?}");
        let scaled = weeks(3.0, -0.5, 9, |t| 8.0 * recency_weight(t, 0)).shift(&f, 1.0);
        for (a, b) in scaled.iter().zip(&recent) {
            assert!((a - b).abs() < 1e-9, "{scaled:?} vs {recent:?}");
        }
        assert_eq!(recency_weight(28, 0), 2.0);
        assert_eq!(recency_weight(3, 10), 1.0);
    }

    #[test]
    fn since_removes_a_snapshot_and_too_few_rows_give_none() {
        let mut sums = WeekdaySums::new(2);
        for d in 0..7 {
            sums.add(d, &[1.0, 2.0], 5.0, 1.0);
        }
        let snapshot = sums.clone();
        for d in 0..7 {
            sums.add(d, &[1.0, 2.0], 6.0, 2.0);
            sums.add(d, &[1.0, 2.0], 6.0, 3.0);
        }
        let window = sums.since(&snapshot);
        assert_eq!(window.n, [2; 7]);
        assert_eq!(window.y, [30.0; 7]);
        assert_eq!(window.w, [5.0; 7]);
        assert_eq!(window.w2, [13.0; 7]);
        let mut short = window.clone();
        short.remove(3, &[1.0, 2.0], 6.0, 3.0);
        assert_eq!((short.n[3], short.w[3], short.w2[3]), (1, 2.0, 4.0));
        assert_eq!(short.shift(&fit(0.0, vec![0.0, 0.0]), 0.0), [0.0; 7]);
    }
}
