//! forecast-svc: explainable demand forecasts, backtests, prediction
//! intervals and reorder advice for the Inventory Command Center.
//!
//! - [`models`]: the models and how a request names one;
//! - [`history`]: a SKU's stored features as the models read them;
//! - [`engine`]: the CPU work (selection by backtest, forecast, intervals),
//!   synchronous and free of I/O;
#![forbid(unsafe_code)]

pub mod engine;
pub mod error;
pub mod history;
pub mod models;
pub mod synthetic;

pub use error::Error;
