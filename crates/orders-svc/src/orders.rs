//! OrdersService: atomic multi-line orders and cancellations.

use std::collections::HashMap;
use std::sync::Arc;

use icc_proto::timestamp_from_proto;
use icc_proto::v1 as pb;
use icc_proto::v1::orders_service_server::OrdersService;
use icc_server::paging::{fit_page, next_page_token, page_request};
use icc_server::{invalid_argument, store_status};
use icc_store::{LineRequest, NewOrder, OrderFilter, OrderStatus, Store};
use tonic::{Request, Response, Status};

use crate::{convert, validate};

/// The orders service over a store.
pub struct Orders {
    store: Arc<dyn Store>,
}

impl Orders {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Orders { store }
    }
}

fn new_order(r: &pb::PlaceOrderRequest) -> Result<NewOrder, Status> {
    let idempotency_key =
        validate::idempotency_key("idempotency_key", &r.idempotency_key, true)?.unwrap_or_default();
    if r.lines.is_empty() || r.lines.len() > validate::MAX_ORDER_LINES {
        return Err(invalid_argument(
            "lines",
            format!(
                "an order has 1 to {} lines, got {}",
                validate::MAX_ORDER_LINES,
                r.lines.len()
            ),
        ));
    }
    let mut first_index: HashMap<&str, usize> = HashMap::new();
    let mut lines = Vec::with_capacity(r.lines.len());
    for (i, line) in r.lines.iter().enumerate() {
        let sku = validate::sku(&format!("lines[{i}].sku"), &line.sku)?;
        if let Some(first) = first_index.insert(&line.sku, i) {
            return Err(invalid_argument(
                &format!("lines[{i}].sku"),
                format!("{sku:?} repeats lines[{first}]"),
            ));
        }
        let quantity = validate::range(
            &format!("lines[{i}].quantity"),
            line.quantity,
            1,
            validate::MAX_LINE_QUANTITY,
        )?;
        lines.push(LineRequest { sku, quantity });
    }
    Ok(NewOrder {
        idempotency_key,
        lines,
        note: validate::optional_text("note", &r.note, 500)?,
    })
}

/// An order id: the UUID PlaceOrder gave, in any of the UUID spellings
/// (read as the hyphenated lower-case one the store keeps).
fn order_id(field: &str, id: &str) -> Result<String, Status> {
    if id.is_empty() {
        return Err(invalid_argument(field, "must not be empty"));
    }
    match uuid::Uuid::try_parse(id) {
        Ok(uuid) => Ok(uuid.hyphenated().to_string()),
        Err(_) if id.len() > 64 => Err(invalid_argument(field, "is not an order id (a UUID)")),
        Err(_) => Err(invalid_argument(
            field,
            format!("{id:?} is not an order id (a UUID)"),
        )),
    }
}

fn filter(r: &pb::ListOrdersRequest) -> Result<OrderFilter, Status> {
    let status = match pb::OrderStatus::try_from(r.status) {
        Ok(pb::OrderStatus::Unspecified) => None,
        Ok(pb::OrderStatus::Placed) => Some(OrderStatus::Placed),
        Ok(pb::OrderStatus::Cancelled) => Some(OrderStatus::Cancelled),
        Err(_) => {
            return Err(invalid_argument(
                "status",
                format!("unknown status {}", r.status),
            ));
        }
    };
    let time = |field: &str, t: &Option<prost_types::Timestamp>| {
        t.as_ref()
            .map(|t| {
                timestamp_from_proto(t)
                    .ok_or_else(|| invalid_argument(field, "not a valid timestamp"))
            })
            .transpose()
    };
    let from = time("create_time_from", &r.create_time_from)?;
    let to = time("create_time_to", &r.create_time_to)?;
    if let (Some(from), Some(to)) = (from, to)
        && from >= to
    {
        return Err(invalid_argument(
            "create_time_to",
            "must be after create_time_from",
        ));
    }
    Ok(OrderFilter { status, from, to })
}

#[tonic::async_trait]
impl OrdersService for Orders {
    async fn place_order(
        &self,
        request: Request<pb::PlaceOrderRequest>,
    ) -> Result<Response<pb::PlaceOrderResponse>, Status> {
        let order = new_order(request.get_ref())?;
        let placed = self.store.place_order(order).await.map_err(store_status)?;
        tracing::debug!(order_id = %placed.order.id, replayed = placed.replayed, "order placed");
        Ok(Response::new(pb::PlaceOrderResponse {
            order: Some(convert::order(&placed.order)),
            replayed: placed.replayed,
        }))
    }

    async fn get_order(
        &self,
        request: Request<pb::GetOrderRequest>,
    ) -> Result<Response<pb::GetOrderResponse>, Status> {
        let id = order_id("id", &request.get_ref().id)?;
        let order = self.store.get_order(&id).await.map_err(store_status)?;
        Ok(Response::new(pb::GetOrderResponse {
            order: Some(convert::order(&order)),
        }))
    }

    async fn list_orders(
        &self,
        request: Request<pb::ListOrdersRequest>,
    ) -> Result<Response<pb::ListOrdersResponse>, Status> {
        let r = request.into_inner();
        let filter = filter(&r)?;
        let fingerprint = format!("{:?}", filter);
        let page = page_request(r.page_size, &r.page_token, &fingerprint)?;
        let found = self
            .store
            .list_orders(&filter, &page)
            .await
            .map_err(store_status)?;
        let orders = found.items.iter().map(convert::order).collect();
        let (orders, next) = fit_page(orders, found.next, |o| o.id.clone());
        Ok(Response::new(pb::ListOrdersResponse {
            orders,
            next_page_token: next_page_token(next, &fingerprint),
        }))
    }

    async fn cancel_order(
        &self,
        request: Request<pb::CancelOrderRequest>,
    ) -> Result<Response<pb::CancelOrderResponse>, Status> {
        let r = request.get_ref();
        let id = order_id("id", &r.id)?;
        let reason = validate::optional_text("reason", &r.reason, 500)?;
        let cancelled = self
            .store
            .cancel_order(&id, &reason)
            .await
            .map_err(store_status)?;
        Ok(Response::new(pb::CancelOrderResponse {
            order: Some(convert::order(&cancelled.order)),
            already_cancelled: cancelled.already_cancelled,
        }))
    }
}
