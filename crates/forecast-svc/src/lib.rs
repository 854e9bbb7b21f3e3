//! forecast-svc: explainable demand forecasts, backtests, prediction
//! intervals and reorder advice for the Inventory Command Center.
//!
//! - [`models`]: the models and how a request names one;
//! - [`history`]: a SKU's stored features as the models read them;
//! - [`engine`]: the CPU work (selection by backtest, forecast, intervals),
//!   synchronous and free of I/O;
//! - [`core`]: reuse of stored forecasts, single flight, the bounded
//!   worker pool, reorder advice;
//! - [`service`]: the gRPC adapter; [`bulk`]: work over every SKU;
//! - [`serve`](mod@serve): the server's wiring; [`cli`],
//!   [`bench`](mod@bench), [`evaluate`](mod@evaluate): the binary.
#![forbid(unsafe_code)]

pub mod bench;
pub mod bulk;
pub mod cli;
pub mod convert;
pub mod core;
pub mod engine;
pub mod error;
pub mod evaluate;
pub mod history;
pub mod models;
pub mod serve;
pub mod service;
pub mod synthetic;

pub use error::Error;
pub use serve::{Config, serve, serve_core};
