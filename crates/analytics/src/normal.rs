//! Standard normal quantiles for service-level z-scores.

use statrs::distribution::{ContinuousCDF, Normal};

/// The standard normal quantile z with Φ(z) = p, or `None` unless 0 < p < 1
/// (statrs, through the inverse complementary error function; within 1e-15
/// of scipy's values, tails included).
pub fn inverse_cdf(p: f64) -> Option<f64> {
    if !valid_probability(p) {
        return None;
    }
    Some(Normal::standard().inverse_cdf(p))
}

/// Whether `p` is a probability a quantile exists for: 0 < p < 1.
pub(crate) fn valid_probability(p: f64) -> bool {
    p > 0.0 && p < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_reference_quantiles() {
        // Reference values from scipy.stats.norm.ppf.
        let cases = [
            (0.5, 0.0),
            (0.8, 0.841_621_233_572_914_3),
            (0.9, 1.281_551_565_544_600_4),
            (0.95, 1.644_853_626_951_472_2),
            (0.975, 1.959_963_984_540_054),
            (0.99, 2.326_347_874_040_840_8),
            (0.999, 3.090_232_306_167_813),
            (0.05, -1.644_853_626_951_472_9),
            (1e-10, -6.361_340_902_404_056),
            (1e-300, -37.047_096_299_361_2),
            (0.999_999_9, 5.199_337_582_290_661),
        ];
        for (p, z) in cases {
            let got = inverse_cdf(p).unwrap();
            assert!(
                (got - z).abs() <= 1e-9 * z.abs().max(1.0),
                "p={p}: {got} vs {z}"
            );
        }
    }

    #[test]
    fn rejects_probabilities_outside_the_open_unit_interval() {
        for p in [0.0, 1.0, -0.1, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(inverse_cdf(p), None, "{p}");
        }
    }

    #[test]
    fn is_antisymmetric_and_increasing() {
        let mut previous = f64::NEG_INFINITY;
        for i in 1..1000 {
            let p = f64::from(i) / 1000.0;
            let z = inverse_cdf(p).unwrap();
            assert!(z > previous);
            assert!((z + inverse_cdf(1.0 - p).unwrap()).abs() < 1e-12);
            previous = z;
        }
    }
}
