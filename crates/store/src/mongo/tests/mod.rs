//! Unit tests of the MongoDB backend that need no server: URL parsing,
//! error mapping and retry rules, document mapping, filters, updates and
//! pipelines, and the pure parts of the feed and the analytics side. The
//! behaviour against a server is the conformance suite's
//! (tests/mongo_conformance.rs, with MONGODB_URI).

mod config;
mod docs;
mod errors;
mod filters;
mod store;
