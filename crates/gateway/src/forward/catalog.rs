//! CatalogService, forwarded to orders-svc.

use std::sync::Arc;
use std::time::Duration;

use icc_proto::v1 as pb;
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::catalog_service_server::CatalogService;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};

use crate::upstream::Upstream;

pub struct CatalogForward {
    upstream: Arc<Upstream>,
    client: CatalogServiceClient<Channel>,
    import_timeout: Duration,
}

impl CatalogForward {
    pub fn new(
        upstream: Arc<Upstream>,
        max_message_bytes: usize,
        import_timeout: Duration,
    ) -> Self {
        let client = CatalogServiceClient::new(upstream.channel())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        CatalogForward {
            upstream,
            client,
            import_timeout,
        }
    }
}

type Result<T> = std::result::Result<Response<T>, Status>;

#[tonic::async_trait]
impl CatalogService for CatalogForward {
    async fn create_product(
        &self,
        r: Request<pb::CreateProductRequest>,
    ) -> Result<pb::CreateProductResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.create_product(r).await })
            .await
    }

    async fn get_product(
        &self,
        r: Request<pb::GetProductRequest>,
    ) -> Result<pb::GetProductResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.get_product(r).await })
            .await
    }

    async fn list_products(
        &self,
        r: Request<pb::ListProductsRequest>,
    ) -> Result<pb::ListProductsResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.list_products(r).await })
            .await
    }

    async fn update_product(
        &self,
        r: Request<pb::UpdateProductRequest>,
    ) -> Result<pb::UpdateProductResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.update_product(r).await })
            .await
    }

    async fn archive_product(
        &self,
        r: Request<pb::ArchiveProductRequest>,
    ) -> Result<pb::ArchiveProductResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.archive_product(r).await })
            .await
    }

    async fn adjust_stock(
        &self,
        r: Request<pb::AdjustStockRequest>,
    ) -> Result<pb::AdjustStockResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.adjust_stock(r).await })
            .await
    }

    async fn list_stock_movements(
        &self,
        r: Request<pb::ListStockMovementsRequest>,
    ) -> Result<pb::ListStockMovementsResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(
                r,
                c,
                |mut c, r| async move { c.list_stock_movements(r).await },
            )
            .await
    }

    async fn import_products(
        &self,
        r: Request<Streaming<pb::ImportProductsRequest>>,
    ) -> Result<pb::ImportProductsResponse> {
        let c = self.client.clone();
        self.upstream
            .client_stream(r, self.import_timeout, c, |mut c, r| async move {
                c.import_products(r).await
            })
            .await
    }
}
