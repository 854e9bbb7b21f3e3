//! Keeps a SKU's stored features in step with its daily facts.
//!
//! Features run from the SKU's first sales day through the last complete
//! business day (yesterday in the business time zone), gap-filled: a day
//! without sales is a zero. Today is left out until it is complete. The
//! watermark's version is a fingerprint of all the SKU's facts, so it
//! changes exactly when the facts change (today's included), which is what
//! tells forecast-svc a stored forecast is stale.

use std::collections::BTreeMap;
use std::hash::Hasher;

use chrono::{Datelike, NaiveDate};
use icc_analytics::{DailySeries, Duplicates, HolidayCalendar, features};
use icc_store::{DailySales, DataWatermark, FeatureValues, StoreError, StoreResult};

/// Earliest business day the pipeline reads facts from.
pub fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// The feature rows of a SKU from its facts, through `data_through`, and
/// the watermark. `None` when the SKU has no complete day yet.
pub fn compute(
    facts: &[DailySales],
    data_through: NaiveDate,
    calendar: &HolidayCalendar,
) -> StoreResult<Option<(Vec<FeatureValues>, DataWatermark)>> {
    let watermark = DataWatermark {
        data_through,
        version: fingerprint(facts),
    };
    let complete: Vec<(NaiveDate, f64)> = facts
        .iter()
        .filter(|f| f.day <= data_through)
        .map(|f| (f.day, f.units as f64))
        .collect();
    if complete.is_empty() {
        return Ok(None);
    }
    let series = DailySeries::from_observations(&complete, data_through, Duplicates::Reject)
        .map_err(|e| StoreError::Internal(format!("facts do not form a series: {e}")))?;
    let rows = features::feature_rows(&series, calendar)
        .into_iter()
        .map(|r| {
            let f = r.features;
            FeatureValues {
                day: r.date,
                units: series.get(r.date).unwrap_or(0.0),
                lag_1: f.lag_1,
                lag_7: f.lag_7,
                lag_14: f.lag_14,
                rolling_mean_7: f.rolling_mean_7,
                trend_index: f.trend_index,
                is_weekend: f.is_weekend,
                is_holiday: f.is_holiday,
                history_days: i32::try_from(r.history_days).unwrap_or(i32::MAX),
            }
        })
        .collect();
    Ok(Some((rows, watermark)))
}

/// A stable 63-bit fingerprint (FNV-1a) of a SKU's facts.
pub fn fingerprint(facts: &[DailySales]) -> i64 {
    let ordered: BTreeMap<NaiveDate, &DailySales> = facts.iter().map(|f| (f.day, f)).collect();
    let mut h = Fnv1a::default();
    for f in ordered.values() {
        h.write_i64(i64::from(f.day.num_days_from_ce()));
        h.write_i64(f.units);
        h.write_i64(f.revenue_minor);
        h.write_i64(f.order_count);
    }
    (h.finish() >> 1) as i64
}

/// FNV-1a: tiny, stable across builds and platforms (unlike std's hasher).
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    fn fact(d: u32, units: i64) -> DailySales {
        DailySales {
            day: day(d),
            units,
            revenue_minor: units * 100,
            order_count: units,
        }
    }

    #[test]
    fn rows_are_gap_filled_through_the_watermark_and_leave_today_out() {
        // Sales on the 1st, 3rd and (today) the 20th; watermark the 19th.
        let facts = [fact(1, 4), fact(3, 2), fact(20, 9)];
        let (rows, watermark) = compute(&facts, day(19), &HolidayCalendar::empty())
            .unwrap()
            .unwrap();
        assert_eq!(rows.len(), 19);
        assert_eq!(rows.first().unwrap().day, day(1));
        assert_eq!(rows.last().unwrap().day, day(19));
        let units: Vec<f64> = rows.iter().take(4).map(|r| r.units).collect();
        assert_eq!(units, vec![4.0, 0.0, 2.0, 0.0]);
        // Day 4: lag_1 is the gap day (0), lag_... from real days.
        assert_eq!((rows[3].lag_1, rows[3].history_days), (2.0, 3));
        // lag_7 of the 9th is the gap day 2nd; of the 10th, the 3rd.
        assert_eq!((rows[8].lag_7, rows[9].lag_7), (0.0, 2.0));
        assert_eq!(watermark.data_through, day(19));
    }

    #[test]
    fn no_complete_day_means_no_features() {
        assert!(
            compute(&[fact(20, 1)], day(19), &HolidayCalendar::empty())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_version_changes_exactly_when_facts_change() {
        let base = [fact(1, 4), fact(3, 2)];
        assert_eq!(
            fingerprint(&base),
            fingerprint(&[fact(3, 2), fact(1, 4)]),
            "order must not matter"
        );
        assert_ne!(fingerprint(&base), fingerprint(&[fact(1, 4), fact(3, 3)]));
        assert_ne!(
            fingerprint(&base),
            fingerprint(&[fact(1, 4), fact(3, 2), fact(20, 1)])
        );
        assert!(fingerprint(&base) >= 0);
    }
}
