//! CatalogService: products, stock adjustments, the movement ledger and CSV
//! import. A thin adapter: validate, call the store, map errors.

use std::sync::Arc;

use futures::StreamExt;
use icc_proto::v1 as pb;
use icc_proto::v1::catalog_service_server::CatalogService;
use icc_server::paging::{fit_page, next_page_token, page_request};
use icc_server::{invalid_argument, store_status};
use icc_store::{Adjustment, NewProduct, ProductFilter, ProductPatch, StockAdjustment, Store};
use tonic::{Request, Response, Status, Streaming};

use crate::{convert, import, validate};

/// Largest CSV document ImportProducts accepts.
pub const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;
/// Rows created concurrently during an import (the store batches them).
const IMPORT_CONCURRENCY: usize = 64;

/// The catalog service over a store.
pub struct Catalog {
    store: Arc<dyn Store>,
}

impl Catalog {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Catalog { store }
    }
}

/// Validates a product to create; `field` prefixes the field names in errors.
pub fn new_product(field: &str, p: &pb::Product) -> Result<NewProduct, Status> {
    let f = |name: &str| format!("{field}.{name}");
    Ok(NewProduct {
        sku: validate::sku(&f("sku"), &p.sku)?,
        name: validate::text(&f("name"), &p.name, 200)?,
        category: validate::text(&f("category"), &p.category, 100)?,
        unit_price_minor: validate::range(
            &f("unit_price_minor"),
            p.unit_price_minor,
            0,
            validate::MAX_PRICE_MINOR,
        )?,
        initial_stock: validate::range(&f("on_hand"), p.on_hand, 0, validate::MAX_STOCK)?,
        low_stock_threshold: validate::range(
            &f("low_stock_threshold"),
            p.low_stock_threshold,
            0,
            validate::MAX_STOCK,
        )?,
        lead_time_days: validate::lead_time_days(&f("lead_time_days"), p.lead_time_days)?,
        service_level: validate::service_level(&f("service_level"), p.service_level)?,
    })
}

fn patch(p: &pb::Product, paths: &[String]) -> Result<ProductPatch, Status> {
    if paths.is_empty() {
        return Err(invalid_argument(
            "update_mask",
            "must name at least one field",
        ));
    }
    let mut patch = ProductPatch::default();
    for path in paths {
        match path.as_str() {
            "name" => patch.name = Some(validate::text("product.name", &p.name, 200)?),
            "category" => {
                patch.category = Some(validate::text("product.category", &p.category, 100)?)
            }
            "unit_price_minor" => {
                patch.unit_price_minor = Some(validate::range(
                    "product.unit_price_minor",
                    p.unit_price_minor,
                    0,
                    validate::MAX_PRICE_MINOR,
                )?)
            }
            "low_stock_threshold" => {
                patch.low_stock_threshold = Some(validate::range(
                    "product.low_stock_threshold",
                    p.low_stock_threshold,
                    0,
                    validate::MAX_STOCK,
                )?)
            }
            "lead_time_days" => {
                patch.lead_time_days = Some(validate::lead_time_days(
                    "product.lead_time_days",
                    p.lead_time_days,
                )?)
            }
            "service_level" => {
                patch.service_level = Some(validate::service_level(
                    "product.service_level",
                    p.service_level,
                )?)
            }
            "on_hand" => {
                return Err(invalid_argument(
                    "update_mask",
                    "on_hand is not updatable; use AdjustStock",
                ));
            }
            other => {
                return Err(invalid_argument(
                    "update_mask",
                    format!("{other:?} is not an updatable field"),
                ));
            }
        }
    }
    Ok(patch)
}

fn adjustment(r: &pb::AdjustStockRequest) -> Result<StockAdjustment, Status> {
    use pb::StockAdjustmentKind as K;
    let q = r.quantity;
    let adjustment = match K::try_from(r.kind) {
        Ok(K::Restock) => {
            Adjustment::Restock(validate::range("quantity", q, 1, validate::MAX_STOCK)?)
        }
        Ok(K::CycleCount) => {
            Adjustment::CycleCount(validate::range("quantity", q, 0, validate::MAX_STOCK)?)
        }
        Ok(K::Damage) => {
            Adjustment::Damage(validate::range("quantity", q, 1, validate::MAX_STOCK)?)
        }
        Ok(K::Unspecified) | Err(_) => {
            return Err(invalid_argument(
                "kind",
                "must be RESTOCK, CYCLE_COUNT or DAMAGE",
            ));
        }
    };
    Ok(StockAdjustment {
        sku: validate::sku("sku", &r.sku)?,
        adjustment,
        note: validate::optional_text("note", &r.note, 500)?,
        idempotency_key: validate::idempotency_key("idempotency_key", &r.idempotency_key, false)?,
    })
}

#[tonic::async_trait]
impl CatalogService for Catalog {
    async fn create_product(
        &self,
        request: Request<pb::CreateProductRequest>,
    ) -> Result<Response<pb::CreateProductResponse>, Status> {
        let product = request
            .into_inner()
            .product
            .ok_or_else(|| invalid_argument("product", "is required"))?;
        let created = self
            .store
            .create_product(new_product("product", &product)?)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::CreateProductResponse {
            product: Some(convert::product(&created)),
        }))
    }

    async fn get_product(
        &self,
        request: Request<pb::GetProductRequest>,
    ) -> Result<Response<pb::GetProductResponse>, Status> {
        let sku = validate::sku("sku", &request.get_ref().sku)?;
        let product = self.store.get_product(&sku).await.map_err(store_status)?;
        Ok(Response::new(pb::GetProductResponse {
            product: Some(convert::product(&product)),
        }))
    }

    async fn list_products(
        &self,
        request: Request<pb::ListProductsRequest>,
    ) -> Result<Response<pb::ListProductsResponse>, Status> {
        let r = request.into_inner();
        let query = validate::optional_text("query", &r.query, 200)?;
        let category = validate::optional_text("category", &r.category, 100)?;
        let filters = format!(
            "{query}\u{1f}{category}\u{1f}{}\u{1f}{}",
            r.low_stock_only, r.include_archived
        );
        let page = page_request(r.page_size, &r.page_token, &filters)?;
        let filter = ProductFilter {
            query: Some(query).filter(|q| !q.is_empty()),
            category: Some(category).filter(|c| !c.is_empty()),
            low_stock_only: r.low_stock_only,
            include_archived: r.include_archived,
        };
        let found = self
            .store
            .list_products(&filter, &page)
            .await
            .map_err(store_status)?;
        let products = found.items.iter().map(convert::product).collect();
        let (products, next) = fit_page(products, found.next, |p| p.sku.clone());
        Ok(Response::new(pb::ListProductsResponse {
            products,
            next_page_token: next_page_token(next, &filters),
        }))
    }

    async fn update_product(
        &self,
        request: Request<pb::UpdateProductRequest>,
    ) -> Result<Response<pb::UpdateProductResponse>, Status> {
        let r = request.into_inner();
        let product = r
            .product
            .ok_or_else(|| invalid_argument("product", "is required"))?;
        let sku = validate::sku("product.sku", &product.sku)?;
        let paths = r.update_mask.map(|m| m.paths).unwrap_or_default();
        let updated = self
            .store
            .update_product(&sku, patch(&product, &paths)?)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::UpdateProductResponse {
            product: Some(convert::product(&updated)),
        }))
    }

    async fn archive_product(
        &self,
        request: Request<pb::ArchiveProductRequest>,
    ) -> Result<Response<pb::ArchiveProductResponse>, Status> {
        let sku = validate::sku("sku", &request.get_ref().sku)?;
        let product = self
            .store
            .archive_product(&sku)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::ArchiveProductResponse {
            product: Some(convert::product(&product)),
        }))
    }

    async fn adjust_stock(
        &self,
        request: Request<pb::AdjustStockRequest>,
    ) -> Result<Response<pb::AdjustStockResponse>, Status> {
        let adjustment = adjustment(request.get_ref())?;
        let (product, movement) = self
            .store
            .adjust_stock(adjustment)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::AdjustStockResponse {
            product: Some(convert::product(&product)),
            movement: Some(convert::movement(&movement)),
        }))
    }

    async fn list_stock_movements(
        &self,
        request: Request<pb::ListStockMovementsRequest>,
    ) -> Result<Response<pb::ListStockMovementsResponse>, Status> {
        let r = request.into_inner();
        let sku = validate::sku("sku", &r.sku)?;
        let page = page_request(r.page_size, &r.page_token, &sku)?;
        let found = self
            .store
            .list_movements(&sku, &page)
            .await
            .map_err(store_status)?;
        let movements = found.items.iter().map(convert::movement).collect();
        let (movements, next) = fit_page(movements, found.next, |m| m.id.to_string());
        Ok(Response::new(pb::ListStockMovementsResponse {
            movements,
            next_page_token: next_page_token(next, &sku),
        }))
    }

    async fn import_products(
        &self,
        request: Request<Streaming<pb::ImportProductsRequest>>,
    ) -> Result<Response<pb::ImportProductsResponse>, Status> {
        let mut chunks = request.into_inner();
        let mut csv = Vec::new();
        while let Some(chunk) = chunks.message().await? {
            if csv.len() + chunk.csv_chunk.len() > MAX_IMPORT_BYTES {
                return Err(Status::resource_exhausted(format!(
                    "csv_chunk: the document is larger than {MAX_IMPORT_BYTES} bytes; split it into several imports"
                )));
            }
            csv.extend_from_slice(&chunk.csv_chunk);
        }
        let parsed = import::parse(&csv)?;
        let mut rejected = parsed.rejected;
        let store = &self.store;
        let outcomes: Vec<_> = futures::stream::iter(parsed.rows)
            .map(|(line, product)| async move {
                let sku = product.sku.clone();
                (line, sku, store.create_product(product).await)
            })
            .buffered(IMPORT_CONCURRENCY)
            .collect()
            .await;
        let mut created_count = 0;
        for (line, sku, outcome) in outcomes {
            match outcome {
                Ok(_) => created_count += 1,
                Err(icc_store::StoreError::Unavailable(e) | icc_store::StoreError::Internal(e)) => {
                    // Not the row's fault: fail the call rather than blame the row.
                    return Err(store_status(icc_store::StoreError::Unavailable(format!(
                        "import stopped at line {line} ({created_count} rows created before it): {e}"
                    ))));
                }
                Err(e) => rejected.push(pb::RowRejection {
                    line,
                    sku,
                    reason: e.to_string(),
                }),
            }
        }
        rejected.sort_by_key(|r| r.line);
        let rejected_count = rejected.len() as i64;
        rejected.truncate(icc_server::MAX_LISTED_REJECTIONS);
        Ok(Response::new(pb::ImportProductsResponse {
            created_count,
            rejected,
            rejected_count,
        }))
    }
}
