//! OrdersService, forwarded to orders-svc.

use std::sync::Arc;

use icc_proto::v1 as pb;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::orders_service_server::OrdersService;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use crate::upstream::Upstream;

pub struct OrdersForward {
    upstream: Arc<Upstream>,
    client: OrdersServiceClient<Channel>,
}

impl OrdersForward {
    pub fn new(upstream: Arc<Upstream>, max_message_bytes: usize) -> Self {
        let client = OrdersServiceClient::new(upstream.channel())
            .max_decoding_message_size(max_message_bytes)
            .max_encoding_message_size(max_message_bytes);
        OrdersForward { upstream, client }
    }
}

type Result<T> = std::result::Result<Response<T>, Status>;

#[tonic::async_trait]
impl OrdersService for OrdersForward {
    async fn place_order(
        &self,
        r: Request<pb::PlaceOrderRequest>,
    ) -> Result<pb::PlaceOrderResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.place_order(r).await })
            .await
    }

    async fn get_order(&self, r: Request<pb::GetOrderRequest>) -> Result<pb::GetOrderResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.get_order(r).await })
            .await
    }

    async fn list_orders(
        &self,
        r: Request<pb::ListOrdersRequest>,
    ) -> Result<pb::ListOrdersResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.list_orders(r).await })
            .await
    }

    async fn cancel_order(
        &self,
        r: Request<pb::CancelOrderRequest>,
    ) -> Result<pb::CancelOrderResponse> {
        let c = self.client.clone();
        self.upstream
            .unary(r, c, |mut c, r| async move { c.cancel_order(r).await })
            .await
    }
}
