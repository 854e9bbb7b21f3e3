//! The services the gateway forwards: thin adapters from each generated
//! server trait to the same method of the generated client, through
//! [`Upstream`](crate::upstream::Upstream) (deadlines, retries of reads,
//! cleaned statuses, the request id passed on).

mod catalog;
mod forecast;
mod ingest;
mod orders;

pub use catalog::CatalogForward;
pub use forecast::ForecastForward;
pub use ingest::IngestForward;
pub use orders::OrdersForward;
