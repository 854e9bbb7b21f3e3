//! Reorder advice from on-hand stock and a demand forecast.
//!
//! Policy: a continuous-review reorder point with a periodic top-up.
//! - reorder point ROP = ceil(lead-time demand + safety stock), where
//!   safety stock = z(service level) · σ_L, σ_L being the error scale of
//!   the demand total over the L lead-time days (what the backtest missed
//!   such totals by: [`crate::TotalErrors`], which counts a persistent
//!   miss in full rather than as independent days), and z the normal
//!   quantile, or Student's t where σ_L was measured on few independent
//!   backtest windows ([`TotalScales::margin`]);
//! - when stock is at or below ROP, order up to the level that covers the
//!   lead time plus one review period:
//!   S = demand over L + R days + z · σ_{L+R}, and the suggested quantity
//!   is ceil(S - on hand); otherwise order nothing.

use std::cmp::Reverse;

use chrono::{DateTime, NaiveDate, Utc};

use crate::TotalScales;
use crate::normal::valid_probability;
use crate::series::add_days;

/// Longest lead time or review period, in days.
pub const MAX_POLICY_DAYS: u32 = 365;

/// Amounts within this of an integer are not rounded up past it, so
/// floating-point noise (12.000000000001) does not add a unit.
const CEIL_SLACK: f64 = 1e-9;

/// How a SKU is replenished.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReorderPolicy {
    /// Days from placing an order to receiving it, 0..=365.
    pub lead_time_days: u32,
    /// Probability of not running out during the lead time, in (0, 1).
    pub service_level: f64,
    /// Days until the next chance to order after this one, 0..=365.
    pub review_period_days: u32,
}

impl Default for ReorderPolicy {
    /// Seven days lead time, 95% service level, weekly review.
    fn default() -> Self {
        Self {
            lead_time_days: 7,
            service_level: 0.95,
            review_period_days: 7,
        }
    }
}

/// Bad inputs to [`advise`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReorderError {
    /// Service level not strictly between 0 and 1.
    #[error("service level {0} is outside (0, 1)")]
    ServiceLevel(f64),
    /// Lead time above [`MAX_POLICY_DAYS`].
    #[error("lead time of {0} days is outside 0..=365")]
    LeadTime(u32),
    /// Review period above [`MAX_POLICY_DAYS`].
    #[error("review period of {0} days is outside 0..=365")]
    ReviewPeriod(u32),
    /// Negative stock on hand.
    #[error("on-hand stock {0} is negative")]
    NegativeStock(i64),
    /// The forecast does not cover lead time plus review period.
    #[error("forecast covers {have} days, need {need} (lead time + review period)")]
    ForecastTooShort {
        /// Forecast days given.
        have: usize,
        /// Days needed.
        need: usize,
    },
    /// Error scales and forecast differ in length.
    #[error("{forecast} forecast days but {total_scale} total error scales")]
    LengthMismatch {
        /// Forecast days.
        forecast: usize,
        /// Total error scales.
        total_scale: usize,
    },
    /// A NaN, infinite or (for error scales) negative value.
    #[error("invalid {what} at day {index}")]
    InvalidValue {
        /// `forecast` or `total error scale`.
        what: &'static str,
        /// 0-based day.
        index: usize,
    },
}

/// How soon a SKU needs ordering (ordered: `Ok` < `Soon` < `Now` < `Critical`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    /// Projected stock stays above the reorder point over the horizon.
    Ok,
    /// Projected stock reaches the reorder point within the horizon.
    Soon,
    /// Stock is at or below the reorder point now: order today.
    Now,
    /// Projected to run out within the lead time: an order today arrives late.
    Critical,
}

/// Expected stock at the end of one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProjectedDay {
    /// The day.
    pub date: NaiveDate,
    /// Expected demand that day (negative forecasts count as 0).
    pub demand: f64,
    /// Expected units in stock at the end of the day, never below 0.
    pub on_hand: f64,
}

/// The advice for one SKU.
#[derive(Debug, Clone, PartialEq)]
pub struct ReorderAdvice {
    /// Units in stock now.
    pub on_hand: i64,
    /// Day-by-day projection over the forecast.
    pub projection: Vec<ProjectedDay>,
    /// First day projected at 0; `None` when not within the forecast.
    pub stockout_date: Option<NaiveDate>,
    /// Days the stock lasts at forecast demand, fractional (the forecast
    /// length when it lasts longer).
    pub days_of_cover: f64,
    /// The policy used.
    pub policy: ReorderPolicy,
    /// Expected demand over the lead time.
    pub lead_time_demand: f64,
    /// z · σ_L, from the error scale of the lead-time total.
    pub safety_stock: f64,
    /// ceil(lead_time_demand + safety_stock).
    pub reorder_point: i64,
    /// Target stock after ordering: demand and safety over lead time plus
    /// review period.
    pub order_up_to: f64,
    /// Units to order now (0 while above the reorder point).
    pub suggested_order_quantity: i64,
    /// How soon to order.
    pub urgency: Urgency,
}

impl ReorderAdvice {
    /// Sort key for "most urgent first, then earliest stockout"; callers
    /// break remaining ties by SKU.
    pub fn sort_key(&self) -> (Reverse<Urgency>, NaiveDate) {
        (
            Reverse(self.urgency),
            self.stockout_date.unwrap_or(NaiveDate::MAX),
        )
    }
}

/// Advice for stock `on_hand` now, given the daily demand `forecast` from
/// `first_day` and the error scales of its running totals, `totals`
/// (element i for the demand summed over days 0..=i, e.g.
/// [`crate::TotalErrors::scale`]).
pub fn advise(
    on_hand: i64,
    first_day: NaiveDate,
    forecast: &[f64],
    totals: &TotalScales,
    policy: &ReorderPolicy,
) -> Result<ReorderAdvice, ReorderError> {
    validate(on_hand, forecast, totals, policy)?;
    let margin = |days: usize| totals.margin(days, policy.service_level).unwrap_or(0.0);
    let lead = policy.lead_time_days as usize;
    let cycle = lead + policy.review_period_days as usize;
    let demand: Vec<f64> = forecast.iter().map(|f| f.max(0.0)).collect();
    let stock = on_hand as f64;

    let mut projection = Vec::with_capacity(demand.len());
    let mut level = stock;
    for (i, &d) in demand.iter().enumerate() {
        level = (level - d).max(0.0);
        projection.push(ProjectedDay {
            date: add_days(first_day, i),
            demand: d,
            on_hand: level,
        });
    }
    let stockout_index = projection.iter().position(|p| p.on_hand <= 0.0);

    let lead_time_demand: f64 = demand[..lead].iter().sum();
    let safety_stock = margin(lead);
    let reorder_point = ceil(lead_time_demand + safety_stock);
    let order_up_to = demand[..cycle].iter().sum::<f64>() + margin(cycle);

    let urgency = if stockout_index.is_some_and(|i| i < lead) {
        Urgency::Critical
    } else if on_hand <= reorder_point {
        Urgency::Now
    } else if projection.iter().any(|p| p.on_hand <= reorder_point as f64) {
        Urgency::Soon
    } else {
        Urgency::Ok
    };
    let suggested_order_quantity = if urgency >= Urgency::Now {
        ceil(order_up_to - stock).max(0)
    } else {
        0
    };

    Ok(ReorderAdvice {
        on_hand,
        stockout_date: stockout_index.map(|i| projection[i].date),
        days_of_cover: days_of_cover(stock, &demand),
        projection,
        policy: *policy,
        lead_time_demand,
        safety_stock,
        reorder_point,
        order_up_to,
        suggested_order_quantity,
        urgency,
    })
}

/// The share of business day `day` (a UTC day) still ahead at `now`: 1
/// before it begins, 0 once it is over. Stock on hand already reflects the
/// part of today that has gone, so the advice counts only the rest of
/// today's forecast demand.
pub fn share_ahead(day: NaiveDate, now: DateTime<Utc>) -> f64 {
    let start = day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let gone = (now - start).num_milliseconds() as f64 / 86_400_000.0;
    (1.0 - gone).clamp(0.0, 1.0)
}

/// The daily `forecast` and its running totals' error scales `totals`
/// when only `share` (in [0, 1]) of the first day is still ahead: that
/// day's demand scales by `share`, and so does its variance (counts spread
/// like Poisson), which every running total includes.
pub fn only_share_of_first_day(forecast: &mut [f64], totals: &mut TotalScales, share: f64) {
    let share = share.clamp(0.0, 1.0);
    if let Some(first) = forecast.first_mut() {
        *first *= share;
    }
    let Some(&first) = totals.scale.first() else {
        return;
    };
    let removed = (1.0 - share) * first * first;
    for scale in &mut totals.scale {
        *scale = (*scale * *scale - removed).max(0.0).sqrt();
    }
}

/// Checks the inputs.
fn validate(
    on_hand: i64,
    forecast: &[f64],
    totals: &TotalScales,
    policy: &ReorderPolicy,
) -> Result<(), ReorderError> {
    if !valid_probability(policy.service_level) {
        return Err(ReorderError::ServiceLevel(policy.service_level));
    }
    if policy.lead_time_days > MAX_POLICY_DAYS {
        return Err(ReorderError::LeadTime(policy.lead_time_days));
    }
    if policy.review_period_days > MAX_POLICY_DAYS {
        return Err(ReorderError::ReviewPeriod(policy.review_period_days));
    }
    if on_hand < 0 {
        return Err(ReorderError::NegativeStock(on_hand));
    }
    if forecast.len() != totals.len() || totals.dof.len() != totals.len() {
        return Err(ReorderError::LengthMismatch {
            forecast: forecast.len(),
            total_scale: totals.len(),
        });
    }
    let need = (policy.lead_time_days as usize + policy.review_period_days as usize).max(1);
    if forecast.len() < need {
        return Err(ReorderError::ForecastTooShort {
            have: forecast.len(),
            need,
        });
    }
    if let Some(index) = forecast.iter().position(|f| !f.is_finite()) {
        return Err(ReorderError::InvalidValue {
            what: "forecast",
            index,
        });
    }
    if let Some(index) = totals.scale.iter().position(|s| !s.is_finite() || *s < 0.0) {
        return Err(ReorderError::InvalidValue {
            what: "total error scale",
            index,
        });
    }
    if let Some(index) = totals.dof.iter().position(|d| d.is_nan() || *d <= 0.0) {
        return Err(ReorderError::InvalidValue {
            what: "degrees of freedom",
            index,
        });
    }
    Ok(())
}

/// Whole days the stock covers plus the covered fraction of the day it
/// runs out: with cumulative demand D_k after k days and D_k < stock ≤
/// D_(k+1), cover = k + (stock - D_k) / d_(k+1).
fn days_of_cover(stock: f64, demand: &[f64]) -> f64 {
    if stock <= 0.0 {
        return 0.0;
    }
    let mut used = 0.0;
    for (k, &d) in demand.iter().enumerate() {
        if used + d >= stock {
            return k as f64 + (stock - used) / d;
        }
        used += d;
    }
    demand.len() as f64
}

fn ceil(x: f64) -> i64 {
    (x - CEIL_SLACK).ceil() as i64
}

#[cfg(test)]
mod tests;
