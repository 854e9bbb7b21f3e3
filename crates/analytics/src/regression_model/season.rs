//! Whether a series' yearly season repeats, so that the regression's
//! yearly terms fit a season rather than a drift.
//!
//! Three years of a level that wanders (a product gaining and losing
//! shelf space, a random walk in logs) give yearly Fourier terms something
//! to fit that does not come back the next year. Before an origin, the two
//! years of 13 four-week blocks are compared: each block's log(1 + mean
//! units), less its year's straight-line trend, and the correlation of the
//! newer year's profile with the older one's. A real season repeats and
//! correlates; a drift does not. Blocks 364 days apart hold the same
//! weekdays, so the weekly rhythm cancels.

/// Days in each block.
const BLOCK_DAYS: usize = 28;
/// Blocks in a year (364 days).
const BLOCKS: usize = 13;
/// Days the comparison reads before an origin: two years of blocks.
pub const SEASON_COMPARED_DAYS: usize = 2 * BLOCKS * BLOCK_DAYS;

/// The correlation of the two years of profiles before `origin` (the
/// first day not read), from `prefix`, the prefix sums of the units
/// (`prefix[t]` = units before day t; at least `origin + 1` of them).
/// `None` with fewer than [`SEASON_COMPARED_DAYS`] days before the origin;
/// 0 when either year's profile is flat (no season to repeat).
pub fn season_correlation(prefix: &[f64], origin: usize) -> Option<f64> {
    let older_start = origin.checked_sub(SEASON_COMPARED_DAYS)?;
    let older = profile(prefix, older_start);
    let newer = profile(prefix, older_start + BLOCKS * BLOCK_DAYS);
    let dot =
        |a: &[f64; BLOCKS], b: &[f64; BLOCKS]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let (oo, nn) = (dot(&older, &older), dot(&newer, &newer));
    if oo <= f64::EPSILON || nn <= f64::EPSILON {
        return Some(0.0);
    }
    Some(dot(&older, &newer) / (oo * nn).sqrt())
}

/// log(1 + mean units) of each block of the year from `start`, less the
/// least-squares line through them.
fn profile(prefix: &[f64], start: usize) -> [f64; BLOCKS] {
    let mut level = [0.0; BLOCKS];
    for (k, v) in level.iter_mut().enumerate() {
        let (from, to) = (start + k * BLOCK_DAYS, start + (k + 1) * BLOCK_DAYS);
        *v = ((prefix[to] - prefix[from]) / BLOCK_DAYS as f64)
            .max(0.0)
            .ln_1p();
    }
    let centre = (BLOCKS - 1) as f64 / 2.0;
    let mean = level.iter().sum::<f64>() / BLOCKS as f64;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (k, v) in level.iter().enumerate() {
        let x = k as f64 - centre;
        sxy += x * (v - mean);
        sxx += x * x;
    }
    let slope = sxy / sxx;
    for (k, v) in level.iter_mut().enumerate() {
        *v -= mean + slope * (k as f64 - centre);
    }
    level
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prefix(units: &[f64]) -> Vec<f64> {
        std::iter::once(0.0)
            .chain(units.iter().scan(0.0, |acc, u| {
                *acc += u;
                Some(*acc)
            }))
            .collect()
    }

    #[test]
    fn a_repeating_season_correlates_and_a_drift_does_not() {
        let days = 800;
        let season: Vec<f64> = (0..days)
            .map(|t| 20.0 * (1.0 + 0.3 * (std::f64::consts::TAU * t as f64 / 364.0).sin()))
            .collect();
        let r = season_correlation(&prefix(&season), days).unwrap();
        assert!(r > 0.99, "a clean yearly sine: {r}");

        // A shape that does not come back: a trough mid-year in the older
        // year, a rise then a fall in the newer one (an even and an odd
        // profile about mid-year, so about orthogonal).
        let changing: Vec<f64> = (0..SEASON_COMPARED_DAYS)
            .map(|t| {
                let phase = std::f64::consts::TAU * t as f64 / 364.0;
                let swing = if t < SEASON_COMPARED_DAYS / 2 {
                    phase.cos()
                } else {
                    (2.0 * phase).sin()
                };
                20.0 * (1.0 + 0.3 * swing)
            })
            .collect();
        let r = season_correlation(&prefix(&changing), SEASON_COMPARED_DAYS).unwrap();
        assert!(r.abs() < 0.2, "a shape that changed: {r}");
    }

    #[test]
    fn two_years_are_needed_and_a_flat_year_has_no_season() {
        let flat = vec![5.0; SEASON_COMPARED_DAYS];
        assert_eq!(
            season_correlation(&prefix(&flat), SEASON_COMPARED_DAYS - 1),
            None
        );
        assert_eq!(
            season_correlation(&prefix(&flat), SEASON_COMPARED_DAYS),
            Some(0.0)
        );
    }

    #[test]
    fn reads_only_the_days_before_the_origin() {
        let mut units: Vec<f64> = (0..900).map(|t| 10.0 + (t % 91) as f64 / 10.0).collect();
        let before = season_correlation(&prefix(&units), 800);
        units[800..].iter_mut().for_each(|u| *u = 1000.0);
        assert_eq!(season_correlation(&prefix(&units), 800), before);
    }
}
