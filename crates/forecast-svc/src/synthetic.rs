//! Deterministic synthetic demand, for tests and examples: a level, a
//! trend, a weekly pattern and Gaussian noise, rounded to whole units and
//! never negative. The same seed gives the same series everywhere.

use chrono::{Datelike, NaiveDate};
use icc_analytics::DailySeries;

/// Shape of a synthetic series.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// Mean units per day at the start.
    pub level: f64,
    /// Change of the level per day.
    pub slope: f64,
    /// Multiplier per weekday, Monday first.
    pub weekly: [f64; 7],
    /// Standard deviation of the noise, in units.
    pub noise: f64,
}

impl Default for Shape {
    /// 20 units a day, a slight upward trend, busy weekends, noise 3.
    fn default() -> Self {
        Shape {
            level: 20.0,
            slope: 0.01,
            weekly: [0.9, 0.85, 0.95, 1.0, 1.1, 1.5, 1.3],
            noise: 3.0,
        }
    }
}

/// A series of `days` days from `start`.
pub fn series(seed: u64, start: NaiveDate, days: usize, shape: &Shape) -> DailySeries {
    let mut rng = Rng::new(seed);
    let units = (0..days)
        .map(|i| {
            let day = start + chrono::Days::new(i as u64);
            let weekday = day.weekday().num_days_from_monday() as usize;
            let mean = (shape.level + shape.slope * i as f64) * shape.weekly[weekday];
            (mean + shape.noise * rng.normal()).round().max(0.0)
        })
        .collect();
    DailySeries::new(start, units).expect("a synthetic series is finite and non-empty")
}

/// A small deterministic generator (SplitMix64) with a Box-Muller normal.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal.
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_non_negative_and_weekly() {
        let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(); // a Monday
        let a = series(7, start, 364, &Shape::default());
        assert_eq!(a, series(7, start, 364, &Shape::default()));
        assert_ne!(a, series(8, start, 364, &Shape::default()));
        assert!(a.units().iter().all(|&u| u >= 0.0 && u.fract() == 0.0));
        let mean_of = |weekday: usize| {
            let v: Vec<f64> = a.units().iter().skip(weekday).step_by(7).copied().collect();
            v.iter().sum::<f64>() / v.len() as f64
        };
        assert!(mean_of(5) > mean_of(1) * 1.4, "Saturdays are busier");
    }
}
