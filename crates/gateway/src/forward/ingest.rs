//! IngestService, forwarded to ingest-svc.

use std::sync::Arc;
use std::time::Duration;

use icc_proto::v1 as pb;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::ingest_service_server::IngestService;
use tonic::transport::Channel;
use tonic::{Request, Response, Status, Streaming};

use crate::upstream::Upstream;

pub struct IngestForward {
    upstream: Arc<Upstream>,
    client: IngestServiceClient<Channel>,
    import_timeout: Duration,
}

impl IngestForward {
    pub fn new(
        upstream: Arc<Upstream>,
        max_message_bytes: usize,
        import_timeout: Duration,
    ) -> Self {
        let client = IngestServiceClient::new(upstream.channel())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        IngestForward {
            upstream,
            client,
            import_timeout,
        }
    }
}

type Result<T> = std::result::Result<Response<T>, Status>;

#[tonic::async_trait]
impl IngestService for IngestForward {
    async fn import_sales_history(
        &self,
        r: Request<Streaming<pb::ImportSalesHistoryRequest>>,
    ) -> Result<pb::ImportSalesHistoryResponse> {
        let c = self.client.clone();
        self.upstream
            .client_stream(r, self.import_timeout, c, |mut c, r| async move {
                c.import_sales_history(r).await
            })
            .await
    }

    async fn get_daily_sales(
        &self,
        r: Request<pb::GetDailySalesRequest>,
    ) -> Result<pb::GetDailySalesResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.get_daily_sales(r).await })
            .await
    }

    async fn get_features(
        &self,
        r: Request<pb::GetFeaturesRequest>,
    ) -> Result<pb::GetFeaturesResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.get_features(r).await })
            .await
    }

    async fn get_pipeline_status(
        &self,
        r: Request<pb::GetPipelineStatusRequest>,
    ) -> Result<pb::GetPipelineStatusResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(
                r,
                c,
                |mut c, r| async move { c.get_pipeline_status(r).await },
            )
            .await
    }

    async fn rebuild_facts(
        &self,
        r: Request<pb::RebuildFactsRequest>,
    ) -> Result<pb::RebuildFactsResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.rebuild_facts(r).await })
            .await
    }
}
