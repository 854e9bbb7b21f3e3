//! A steady trickle of demo orders.

use std::time::Duration;

use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::{
    AdjustStockRequest, CancelOrderRequest, ListProductsRequest, OrderLineInput, PlaceOrderRequest,
    Product, StockAdjustmentKind,
};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use tonic::Code;
use tonic::transport::Channel;

/// Trickle settings.
#[derive(Debug, Clone, clap::Args)]
pub struct Options {
    /// Milliseconds between orders.
    #[arg(long, env = "ICC_DEMO_INTERVAL_MS", default_value_t = 1500)]
    interval_ms: u64,
    /// Share of orders cancelled shortly after they are placed.
    #[arg(long, default_value_t = 0.05)]
    cancel_share: f64,
    /// Units added when a product runs out.
    #[arg(long, default_value_t = 60)]
    restock_units: i64,
    /// Random seed, for a repeatable trickle.
    #[arg(long)]
    seed: Option<u64>,
}

pub async fn run(channel: Channel, options: Options) -> anyhow::Result<()> {
    let mut catalog = CatalogServiceClient::new(channel.clone());
    let mut orders = OrdersServiceClient::new(channel);
    let mut rng = options
        .seed
        .map_or_else(|| StdRng::from_rng(&mut rand::rng()), StdRng::seed_from_u64);
    let mut interval = tokio::time::interval(Duration::from_millis(options.interval_ms.max(1)));
    let mut placed: u64 = 0;
    loop {
        interval.tick().await;
        let products = active_products(&mut catalog).await?;
        if products.is_empty() {
            continue;
        }
        let lines = random_lines(&mut rng, &products);
        let request = PlaceOrderRequest {
            idempotency_key: format!("demo-{}-{}", std::process::id(), rng.random::<u64>()),
            lines,
            note: "demo order".into(),
        };
        match orders.place_order(request.clone()).await {
            Ok(response) => {
                placed += 1;
                let order = response.into_inner().order.unwrap_or_default();
                tracing::info!(order_id = %order.id, total_minor = order.total_minor, placed, "demo order placed");
                if rng.random_bool(options.cancel_share.clamp(0.0, 1.0)) {
                    let cancel = CancelOrderRequest {
                        id: order.id,
                        reason: "demo cancellation".into(),
                    };
                    orders.cancel_order(cancel).await?;
                }
            }
            Err(status) if status.code() == Code::FailedPrecondition => {
                // Out of stock: restock every line's product, as a store would.
                for line in &request.lines {
                    restock(&mut catalog, &line.sku, options.restock_units).await?;
                }
            }
            Err(status) => tracing::warn!(%status, "demo order failed"),
        }
    }
}

async fn active_products(
    catalog: &mut CatalogServiceClient<Channel>,
) -> anyhow::Result<Vec<Product>> {
    let page = ListProductsRequest {
        page_size: 1000,
        ..Default::default()
    };
    Ok(catalog.list_products(page).await?.into_inner().products)
}

/// One to three distinct products, one to four units each; earlier products
/// in the catalog sell more, so demand differs between products.
fn random_lines(rng: &mut StdRng, products: &[Product]) -> Vec<OrderLineInput> {
    let count = rng.random_range(1..=3).min(products.len());
    let weights: Vec<(usize, f64)> = (0..products.len())
        .map(|i| (i, 1.0 / (1.0 + i as f64 * 0.1)))
        .collect();
    let chosen = weights
        .choose_multiple_weighted(rng, count, |w| w.1)
        .map(|c| c.cloned().collect::<Vec<_>>());
    chosen
        .unwrap_or_default()
        .into_iter()
        .map(|(i, _)| OrderLineInput {
            sku: products[i].sku.clone(),
            quantity: rng.random_range(1..=4),
        })
        .collect()
}

async fn restock(
    catalog: &mut CatalogServiceClient<Channel>,
    sku: &str,
    units: i64,
) -> anyhow::Result<()> {
    let request = AdjustStockRequest {
        sku: sku.to_owned(),
        kind: StockAdjustmentKind::Restock as i32,
        quantity: units,
        note: "demo restock".into(),
        idempotency_key: String::new(),
    };
    catalog.adjust_stock(request).await?;
    tracing::info!(sku, units, "demo restock");
    Ok(())
}
