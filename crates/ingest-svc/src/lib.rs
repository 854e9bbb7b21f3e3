//! ingest-svc: the analytics side of the Inventory Command Center.
//!
//! - [`pipeline`]: the change-feed consumer (feed -> sales events -> daily
//!   facts -> features -> checkpoint);
//! - [`events`]: which sales events a change implies (pure);
//! - [`features`]: features and watermark of a SKU from its facts (pure);
//! - [`service`]: IngestService (history import, queries, status, rebuild);
//! - [`serve`](mod@serve): the server's wiring.

pub mod events;
pub mod features;
pub mod pipeline;
pub mod serve;
pub mod service;

pub use serve::{Config, serve};
