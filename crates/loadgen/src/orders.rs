//! orders-svc as a benchmark target: seeding products with ample stock and
//! placing two-line orders with unique idempotency keys.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::{
    AdjustStockRequest, CreateProductRequest, GetProductRequest, OrderLineInput, PlaceOrderRequest,
    Product, StockAdjustmentKind,
};
use tonic::Status;
use tonic::transport::Channel;

use crate::load::Target;

/// SKU of the `i`-th benchmark product.
pub fn sku(i: usize) -> String {
    format!("BENCH-{i:04}")
}

/// Creates `count` products with `stock` units each; returns their SKUs.
pub async fn seed_products(
    channel: Channel,
    count: usize,
    stock: i64,
) -> anyhow::Result<Vec<String>> {
    anyhow::ensure!(count >= 2, "need at least 2 products for 2-line orders");
    let mut catalog = CatalogServiceClient::new(channel);
    let mut skus = Vec::with_capacity(count);
    for i in 0..count {
        let product = Product {
            sku: sku(i),
            name: format!("Benchmark product {i}"),
            category: "bench".to_string(),
            unit_price_minor: 1_999,
            on_hand: stock,
            low_stock_threshold: 10,
            ..Default::default()
        };
        catalog
            .create_product(CreateProductRequest {
                product: Some(product),
            })
            .await
            .with_context(|| format!("cannot create product {}", sku(i)))?;
        skus.push(sku(i));
    }
    Ok(skus)
}

/// Restocks every product whose stock fell below half of `stock` back up to
/// `stock`, so no order of the next phase can fail for lack of stock.
/// Returns the units added.
pub async fn ensure_stock(
    channel: Channel,
    skus: &[String],
    stock: i64,
    round: usize,
) -> anyhow::Result<i64> {
    let mut catalog = CatalogServiceClient::new(channel);
    let mut added = 0;
    for sku in skus {
        let product = catalog
            .get_product(GetProductRequest { sku: sku.clone() })
            .await?
            .into_inner()
            .product
            .context("GetProduct returned no product")?;
        if product.on_hand < stock / 2 {
            let quantity = stock - product.on_hand;
            catalog
                .adjust_stock(AdjustStockRequest {
                    sku: sku.clone(),
                    kind: StockAdjustmentKind::Restock as i32,
                    quantity,
                    note: "load generator restock".to_string(),
                    idempotency_key: format!("bench-restock-{round}-{sku}"),
                })
                .await
                .with_context(|| format!("cannot restock {sku}"))?;
            added += quantity;
        }
    }
    Ok(added)
}

/// One client placing 2-line orders (1 unit each of two different
/// products), each with a new idempotency key.
#[derive(Debug, Clone)]
pub struct PlaceOrderTarget {
    client: OrdersServiceClient<Channel>,
    skus: Arc<[String]>,
    key_prefix: String,
    seq: u64,
    rng: u64,
}

impl PlaceOrderTarget {
    /// `key_prefix` must be unique to this client within the store.
    pub fn new(channel: Channel, skus: Arc<[String]>, key_prefix: String, seed: u64) -> Self {
        PlaceOrderTarget {
            client: OrdersServiceClient::new(channel),
            skus,
            key_prefix,
            seq: 0,
            // xorshift needs a non-zero state.
            rng: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
        }
    }

    fn next_index(&mut self, n: usize) -> usize {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        (self.rng % n as u64) as usize
    }

    /// The next request: two distinct random products, a fresh key.
    pub fn next_request(&mut self) -> PlaceOrderRequest {
        let n = self.skus.len();
        let a = self.next_index(n);
        let b = (a + 1 + self.next_index(n - 1)) % n;
        self.seq += 1;
        PlaceOrderRequest {
            idempotency_key: format!("{}-{}", self.key_prefix, self.seq),
            lines: vec![
                OrderLineInput {
                    sku: self.skus[a].clone(),
                    quantity: 1,
                },
                OrderLineInput {
                    sku: self.skus[b].clone(),
                    quantity: 1,
                },
            ],
            note: String::new(),
        }
    }
}

impl Target for PlaceOrderTarget {
    fn call(&mut self) -> impl Future<Output = Result<(), Status>> + Send {
        let request = self.next_request();
        async move { self.client.place_order(request).await.map(|_| ()) }
    }
}

/// Encoded size of a typical benchmark PlaceOrderRequest (the echo
/// baseline's payload is sized to match).
pub fn typical_request_len(key_prefix: &str) -> usize {
    let req = PlaceOrderRequest {
        idempotency_key: format!("{key_prefix}-12345"),
        lines: vec![
            OrderLineInput {
                sku: sku(1),
                quantity: 1,
            },
            OrderLineInput {
                sku: sku(2),
                quantity: 1,
            },
        ],
        note: String::new(),
    };
    prost::Message::encoded_len(&req)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn orders_have_two_distinct_lines_and_fresh_keys() {
        let skus: Arc<[String]> = (0..3).map(sku).collect::<Vec<_>>().into();
        let channel = tonic::transport::Endpoint::from_static("http://127.0.0.1:1").connect_lazy();
        let mut target = PlaceOrderTarget::new(channel, skus, "k".into(), 7);
        let mut keys = std::collections::HashSet::new();
        for _ in 0..200 {
            let req = target.next_request();
            assert_eq!(req.lines.len(), 2);
            assert_ne!(req.lines[0].sku, req.lines[1].sku);
            assert!(keys.insert(req.idempotency_key));
        }
    }
}
