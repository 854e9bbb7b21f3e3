//! The Inventory Command Center's gRPC contracts, generated from proto/.
//!
//! Everything lives in [`v1`] (protobuf package `icc.v1`); the vendored
//! `google.type.Date` is in the `google::r#type` module.

pub mod google {
    /// Vendored googleapis common types.
    pub mod r#type {
        tonic::include_proto!("google.r#type");
    }
}

/// Package `icc` (module nesting mirrors the protobuf packages so that the
/// generated `super::super::google` paths resolve).
pub mod icc {
    /// Package `icc.v1`: catalog, orders, live inventory, ingestion, forecast
    /// and auth services.
    pub mod v1 {
        #![allow(clippy::large_enum_variant, clippy::doc_lazy_continuation)]
        tonic::include_proto!("icc.v1");
    }
}
pub use icc::v1;

/// Encoded `FileDescriptorSet` of every proto file, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/icc_descriptor.bin"));

mod date;
pub use date::{DateError, date_from_proto, date_to_proto};
mod time;
pub use time::{timestamp_from_proto, timestamp_to_proto};
