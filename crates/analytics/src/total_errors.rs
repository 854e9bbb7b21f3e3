//! How far off a forecast's running total was in the backtest, for safety
//! stock.
//!
//! Reorder advice needs the error of the demand *summed* over a lead time,
//! not of single days. Adding up independent daily errors (σ·√L) assumes
//! that a day forecast too low is as likely followed by one forecast too
//! high as by another too low; but when a model misjudges the level, every
//! day of the lead time is off the same way, and the sum's error grows with
//! L rather than √L. A model that forecasts low on average (the log
//! regression on slow movers does) is off the same way every day too.
//!
//! So the error of the total is measured where it happens: in each backtest
//! window, the running total of the errors (actual − forecast) over its
//! first L days. Its root mean square, over the windows, includes bias and
//! day-to-day correlation alike. As with [`crate::intervals`], errors are
//! measured in units of the square root of the level, here of the
//! forecast total: [`total_unit`]`(F_L, L) = √(F_L + L)`, so that a scale
//! learnt at one level applies at another.
//!
//! The backtest has a few dozen windows, so the measured scale is floored
//! at the independent-days value √(Σ σ_i²), which rests on many more
//! errors: the running total is never assumed steadier than its days.
//! Totals longer than the backtest horizon continue the growth the
//! measured scale showed over its second half (between that of independent
//! days and that of a persistent miss).

use crate::backtest::WindowResult;

/// The unit an error of a total is measured in: √(F + L) for forecast
/// total `total` over `days` days (√(f + 1) summed as a Poisson variance,
/// like [`crate::error_unit`]).
pub fn total_unit(total: f64, days: usize) -> f64 {
    (total.max(0.0) + days as f64).sqrt()
}

/// RMS errors of the backtest's running totals, per total length.
#[derive(Debug, Clone, PartialEq)]
pub struct TotalErrors {
    /// `rms[l]`: RMS over the windows of the error of the first l + 1
    /// days' total, in [`total_unit`]s.
    rms: Vec<f64>,
}

impl TotalErrors {
    /// Measures the windows' running totals. Windows may differ in length;
    /// each total length is averaged over the windows that reach it, and
    /// non-finite values end a window's totals.
    pub fn from_windows(windows: &[WindowResult]) -> Self {
        let horizon = windows.iter().map(|w| w.actual.len()).max().unwrap_or(0);
        let mut squares = vec![0.0; horizon];
        let mut counts = vec![0usize; horizon];
        for w in windows {
            let (mut error, mut total) = (0.0, 0.0);
            for (l, (a, f)) in w.actual.iter().zip(&w.forecast).enumerate() {
                if !a.is_finite() || !f.is_finite() {
                    break;
                }
                error += a - f;
                total += f.max(0.0);
                squares[l] += (error / total_unit(total, l + 1)).powi(2);
                counts[l] += 1;
            }
        }
        let rms = squares
            .iter()
            .zip(&counts)
            .take_while(|&(_, &n)| n > 0)
            .map(|(s, &n)| (s / n as f64).sqrt())
            .collect();
        Self { rms }
    }

    /// Total lengths measured.
    pub fn horizon(&self) -> usize {
        self.rms.len()
    }

    /// The RMS, in units, of the total over days 0..=i: measured up to the
    /// backtest horizon H, beyond it grown as the measured curve grew over
    /// its second half: rms_H · ((i + 1)/H)^β, β = log(rms_H / rms_(H/2)) /
    /// log 2 clamped to [0, ½]; 0 where the day errors were independent
    /// (the units alone grow like √L), ½ where a miss persisted (the
    /// total's error grows like L).
    fn rms_at(&self, i: usize) -> f64 {
        let h = self.rms.len();
        if i < h {
            return self.rms[i];
        }
        let Some(&last) = self.rms.last() else {
            return 0.0;
        };
        let half_days = (h / 2).max(1);
        let half = self.rms[half_days - 1];
        let growth = if h > half_days && half > 0.0 && last > 0.0 {
            ((last / half).ln() / (h as f64 / half_days as f64).ln()).clamp(0.0, 0.5)
        } else {
            0.0
        };
        last * ((i + 1) as f64 / h as f64).powf(growth)
    }

    /// The error scale of each running total of `forecast`: element i is
    /// the RMS error expected of the demand summed over days 0..=i, at
    /// least √(Σ daily_scale²) over those days.
    pub fn scale(&self, forecast: &[f64], daily_scale: &[f64]) -> Vec<f64> {
        let mut total = 0.0;
        let mut independent = 0.0;
        forecast
            .iter()
            .zip(daily_scale)
            .enumerate()
            .map(|(i, (&f, &s))| {
                total += f.max(0.0);
                independent += s * s;
                let measured = self.rms_at(i) * total_unit(total, i + 1);
                measured.max(independent.sqrt())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
