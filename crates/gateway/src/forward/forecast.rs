//! ForecastService, forwarded to forecast-svc.

use std::sync::Arc;

use icc_proto::v1 as pb;
use icc_proto::v1::forecast_service_client::ForecastServiceClient;
use icc_proto::v1::forecast_service_server::ForecastService;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::upstream::{BoxStream, Upstream};

pub struct ForecastForward {
    upstream: Arc<Upstream>,
    client: ForecastServiceClient<Channel>,
}

impl ForecastForward {
    pub fn new(upstream: Arc<Upstream>, max_message_bytes: usize) -> Self {
        let client = ForecastServiceClient::new(upstream.channel())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        ForecastForward { upstream, client }
    }
}

type Result<T> = std::result::Result<Response<T>, Status>;

#[tonic::async_trait]
impl ForecastService for ForecastForward {
    type ForecastAllStream = BoxStream<pb::ForecastAllResponse>;

    async fn get_forecast(
        &self,
        r: Request<pb::GetForecastRequest>,
    ) -> Result<pb::GetForecastResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.get_forecast(r).await })
            .await
    }

    async fn forecast_all(
        &self,
        r: Request<pb::ForecastAllRequest>,
    ) -> Result<Self::ForecastAllStream> {
        let c = self.client.clone();
        self.upstream
            .server_stream(r, c, |mut c, r| async move { c.forecast_all(r).await })
            .await
    }

    async fn backtest(&self, r: Request<pb::BacktestRequest>) -> Result<pb::BacktestResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.backtest(r).await })
            .await
    }

    async fn get_reorder_advice(
        &self,
        r: Request<pb::GetReorderAdviceRequest>,
    ) -> Result<pb::GetReorderAdviceResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(
                r,
                c,
                |mut c, r| async move { c.get_reorder_advice(r).await },
            )
            .await
    }

    async fn list_reorder_advice(
        &self,
        r: Request<pb::ListReorderAdviceRequest>,
    ) -> Result<pb::ListReorderAdviceResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(
                r,
                c,
                |mut c, r| async move { c.list_reorder_advice(r).await },
            )
            .await
    }
}
