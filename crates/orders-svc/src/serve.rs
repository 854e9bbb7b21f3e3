//! Wiring of the orders-svc server: configuration, store, services, health,
//! reflection and graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use icc_proto::v1::catalog_service_server::CatalogServiceServer;
use icc_proto::v1::inventory_service_server::InventoryServiceServer;
use icc_proto::v1::orders_service_server::OrdersServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;

use crate::catalog::Catalog;
use crate::inventory::{FeedHub, Inventory};
use crate::orders::Orders;

/// Largest request or response message, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

/// orders-svc configuration, from flags or environment variables.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "orders-svc",
    version,
    about = "Catalog, orders and live inventory over gRPC"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ORDERS_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,
    /// Store URL: sqlite://PATH (embedded, default) or mongodb://...
    #[arg(long, env = "ICC_STORE_URL", default_value = icc_store::DEFAULT_STORE_URL)]
    pub store_url: String,
    /// How often to look for changes committed by other processes, in ms.
    #[arg(long, env = "ORDERS_FEED_POLL_MS", default_value_t = 200)]
    pub feed_poll_ms: u64,
}

/// Serves on `listener` until `shutdown` completes, then drains in-flight
/// calls and ends open watch streams.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let store = icc_store::open(&config.store_url).await?;
    let stop = CancellationToken::new();
    let hub = FeedHub::start(
        store.clone(),
        Duration::from_millis(config.feed_poll_ms),
        stop.clone(),
    )
    .await?;

    let catalog = CatalogServiceServer::new(Catalog::new(store.clone()))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let orders = OrdersServiceServer::new(Orders::new(store.clone()))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let inventory = InventoryServiceServer::new(Inventory::new(store, hub, stop.clone()))
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let names = [
        <CatalogServiceServer<Catalog> as NamedService>::NAME,
        <OrdersServiceServer<Orders> as NamedService>::NAME,
        <InventoryServiceServer<Inventory> as NamedService>::NAME,
    ];
    let routes = Routes::new(catalog)
        .add_service(orders)
        .add_service(inventory);
    icc_server::announce("orders-svc", &listener)?;
    tracing::info!(addr = %listener.local_addr()?, store = %icc_store::redacted_url(&config.store_url), "orders-svc serving");
    // Watch streams never end by themselves: `stop` ends them at shutdown.
    icc_server::serve_routes(routes, &names, listener, shutdown, stop).await?;
    tracing::info!("orders-svc stopped");
    Ok(())
}
