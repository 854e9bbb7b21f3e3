//! orders-svc: the operational core of the Inventory Command Center.
//!
//! - [`catalog`]: CatalogService (products, stock adjustments, the movement
//!   ledger, CSV import);
//! - [`orders`]: OrdersService (atomic multi-line orders, cancellation);
//! - [`inventory`]: InventoryService (the live stock stream, fed by the
//!   store's change feed);
//! - [`serve`](mod@serve): the server's wiring. used by the binary and by tests.

pub mod catalog;
mod convert;
mod import;
pub mod inventory;
pub mod orders;
pub mod serve;
mod validate;

pub use serve::{Config, serve};
