//! A closed-loop gRPC load generator for the Inventory Command Center's RPC
//! benchmarks.
//!
//! Every benchmark compares an RPC path against a baseline measured by the
//! same generator in the same run: a bare tonic echo RPC ([`echo`]). The
//! pieces are separate so later benchmarks (e.g. through the gateway) can
//! reuse them:
//!
//! - [`echo`]: the baseline contract, server and client target;
//! - [`procs`]: child processes (killed on drop) and health waiting;
//! - [`load`]: the closed loop and its latency histograms;
//! - [`orders`]: seeding orders-svc and the PlaceOrder target;
//! - [`report`]: results, ratios against the baseline, markdown and JSON;
//! - [`bench`](mod@bench): the `run` command wiring all of it together;
//! - [`gateway`]: the `gateway` command: PlaceOrder through the gateway vs
//!   direct vs echo, and the live-inventory fan-out latency.

#![forbid(unsafe_code)]

pub mod bench;
pub mod echo;
pub mod gateway;
pub mod load;
pub mod machine;
pub mod orders;
pub mod procs;
pub mod report;
