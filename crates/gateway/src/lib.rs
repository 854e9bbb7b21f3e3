//! The gateway: the Inventory Command Center's one public endpoint.
//!
//! - gRPC (HTTP/2) and grpc-web (HTTP/1.1) on one port, with configurable
//!   CORS, and optionally the web UI's static files ([`serve`](fn@serve));
//! - [`auth`]: Login, users and roles; every call is checked against the
//!   one role table in [`policy`] by a tower layer ([`layers`]);
//! - [`forward`]: catalog, orders, ingest and forecast calls forwarded to the
//!   services over balanced gRPC channels with deadlines ([`upstream`]);
//! - [`fanout`]: one upstream inventory watch shared by every client;
//! - [`metrics`]: the Prometheus endpoint on a port of its own.

pub mod auth;
pub mod config;
pub mod fanout;
pub mod forward;
pub mod layers;
pub mod metrics;
pub mod policy;
pub mod serve;
pub mod upstream;
mod web;

pub use config::{Config, Secret};
pub use serve::serve;
