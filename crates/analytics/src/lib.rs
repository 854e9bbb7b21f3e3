//! Pure demand analytics for the Inventory Command Center: daily series,
//! holiday calendars, engineered features, regression, the seed-compatible
//! forecast, baselines, metrics, backtests and reorder policy.
//!
//! Synchronous and free of I/O: plain structs in, plain structs out, typed
//! errors instead of panics. See README.md for the algorithms.

pub mod backtest;
pub mod baselines;
pub mod calendar;
pub mod closures;
pub mod features;
pub mod forecast;
pub mod intermittent;
pub mod intervals;
pub mod metrics;
pub mod normal;
pub mod one_pass;
pub mod regression;
pub mod regression_model;
pub mod reorder;
pub mod ridge;
pub mod seed;
pub mod series;
pub mod total_errors;
pub mod weekday_shift;

pub use backtest::{BacktestConfig, BacktestError, BacktestReport, backtest};
pub use calendar::{CalendarError, HolidayCalendar};
pub use features::{FEATURE_NAMES, FeatureRow, Features};
pub use forecast::{Explanation, ForecastError, ForecastPoint, Forecaster, Term};
pub use intermittent::{IntermittentForecaster, IntermittentModel};
pub use intervals::{Interval, IntervalModel, Miss, error_unit};
pub use metrics::{Accuracy, MetricsError};
pub use regression::{OlsFit, RegressionError, fit_ols};
pub use regression_model::{RegressionConfig, RegressionForecaster, RegressionModel};
pub use reorder::{ReorderAdvice, ReorderError, ReorderPolicy, Urgency, advise};
pub use seed::{SeedForecaster, SeedModel};
pub use series::{DailySeries, Duplicates, SeriesError};
pub use total_errors::{TotalErrors, TotalScales, total_unit};
