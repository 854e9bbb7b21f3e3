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
//!
//! A scale measured on few windows is itself uncertain, and a reorder
//! point set at z times it holds less often than the normal quantile
//! promises. So each measured scale carries its degrees of freedom: the
//! number of independent windows behind it. Windows a week apart overlap
//! when their totals run longer than a week, and the totals of
//! overlapping windows share days; a window counts for the share of its
//! L days that the previous window's total did not already hold,
//! min(1, gap / L). [`TotalScales::margin`] then takes Student's t
//! quantile with those degrees of freedom instead of the normal one.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::backtest::WindowResult;
use crate::normal::valid_probability;

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
    /// `independent[l]`: how many independent windows `rms[l]` rests on.
    independent: Vec<f64>,
}

/// The error scale of each running total of a forecast, and the degrees
/// of freedom of each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TotalScales {
    /// `scale[i]`: the RMS error expected of the demand summed over days
    /// 0..=i.
    pub scale: Vec<f64>,
    /// `dof[i]`: the independent windows `scale[i]` was measured on, or
    /// infinite where the independent days set it (their daily scales
    /// rest on hundreds of errors).
    pub dof: Vec<f64>,
}

impl TotalErrors {
    /// Measures the windows' running totals. Windows may differ in length;
    /// each total length is averaged over the windows that reach it, and
    /// non-finite values end a window's totals.
    pub fn from_windows(windows: &[WindowResult]) -> Self {
        let horizon = windows.iter().map(|w| w.actual.len()).max().unwrap_or(0);
        let gaps = origin_gaps(windows);
        let mut squares = vec![0.0; horizon];
        let mut counts = vec![0usize; horizon];
        let mut independent = vec![0.0; horizon];
        for (w, gap) in windows.iter().zip(gaps) {
            let (mut error, mut total) = (0.0, 0.0);
            for (l, (a, f)) in w.actual.iter().zip(&w.forecast).enumerate() {
                if !a.is_finite() || !f.is_finite() {
                    break;
                }
                error += a - f;
                total += f.max(0.0);
                squares[l] += (error / total_unit(total, l + 1)).powi(2);
                counts[l] += 1;
                independent[l] += (gap / (l + 1) as f64).min(1.0);
            }
        }
        let rms: Vec<f64> = squares
            .iter()
            .zip(&counts)
            .take_while(|&(_, &n)| n > 0)
            .map(|(s, &n)| (s / n as f64).sqrt())
            .collect();
        independent.truncate(rms.len());
        Self { rms, independent }
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
    /// least √(Σ daily_scale²) over those days. Beyond the backtest
    /// horizon the degrees of freedom stay those of its longest totals,
    /// which the longer ones are extrapolated from.
    pub fn scale(&self, forecast: &[f64], daily_scale: &[f64]) -> TotalScales {
        let mut scales = TotalScales::default();
        let mut total = 0.0;
        let mut independent = 0.0;
        for (i, (&f, &s)) in forecast.iter().zip(daily_scale).enumerate() {
            total += f.max(0.0);
            independent += s * s;
            let measured = self.rms_at(i) * total_unit(total, i + 1);
            let dof = self.independent.get(i).or(self.independent.last());
            match dof {
                Some(&dof) if measured > independent.sqrt() => {
                    scales.scale.push(measured);
                    scales.dof.push(dof);
                }
                _ => {
                    scales.scale.push(independent.sqrt());
                    scales.dof.push(f64::INFINITY);
                }
            }
        }
        scales
    }
}

impl TotalScales {
    /// Running totals held.
    pub fn len(&self) -> usize {
        self.scale.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.scale.is_empty()
    }

    /// Keeps the first `days` totals.
    pub fn truncate(&mut self, days: usize) {
        self.scale.truncate(days);
        self.dof.truncate(days);
    }

    /// The margin over the forecast total of the first `days` days that
    /// demand stays within with probability `p`: the scale times Student's
    /// t quantile with its degrees of freedom (the normal quantile where
    /// they are infinite); 0 for no days. `None` unless 0 < p < 1 and
    /// `days` totals are held.
    pub fn margin(&self, days: usize, p: f64) -> Option<f64> {
        if !valid_probability(p) {
            return None;
        }
        let Some(i) = days.checked_sub(1) else {
            return Some(0.0);
        };
        Some(self.scale.get(i)? * quantile(p, *self.dof.get(i)?)?)
    }
}

/// The p quantile of Student's t with `dof` degrees of freedom (at least
/// [`MIN_DOF`]); the standard normal's from [`NORMAL_DOF`] on, where the
/// two agree to 1e-4 (statrs' t quantile does not return for infinite
/// degrees of freedom). `None` unless 0 < p < 1.
pub fn quantile(p: f64, dof: f64) -> Option<f64> {
    if dof.is_nan() || dof >= NORMAL_DOF {
        return crate::normal::inverse_cdf(p);
    }
    if !valid_probability(p) {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, dof.max(MIN_DOF)).ok()?;
    Some(t.inverse_cdf(p))
}

/// The fewest degrees of freedom a measured scale is given. Below a few,
/// Student's t quantile soars (at 95%: 2.13 with 4, 2.92 with 2, 6.31
/// with 1); a series with that few windows has a short history, and its
/// reorder point would be set by the first windows' luck.
pub const MIN_DOF: f64 = 4.0;

/// Degrees of freedom from which [`quantile`] is the normal one.
pub const NORMAL_DOF: f64 = 1e4;

/// Each window's days from the previous origin (in origin order), or
/// infinite for the first: the share of a window's total that is new.
fn origin_gaps(windows: &[WindowResult]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i].origin);
    let mut gaps = vec![f64::INFINITY; windows.len()];
    for pair in order.windows(2) {
        let days = (windows[pair[1]].origin - windows[pair[0]].origin).num_days();
        gaps[pair[1]] = days as f64;
    }
    gaps
}

#[cfg(test)]
mod tests;
