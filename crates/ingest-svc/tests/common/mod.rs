//! In-process orders-svc and ingest-svc on one temporary store.

#![allow(dead_code)]

use std::time::Duration;

use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::ingest_service_client::IngestServiceClient;
use icc_proto::v1::orders_service_client::OrdersServiceClient;
use icc_proto::v1::*;
use tokio::sync::oneshot;
use tonic::transport::Channel;

pub struct Server {
    pub addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Server {
    /// Runs `serve`, given the receiver that tells it to stop, in a task. A
    /// server that stops early says why on stderr (its clients only see a
    /// refusal).
    fn spawn<F>(
        name: &'static str,
        addr: std::net::SocketAddr,
        serve: impl FnOnce(oneshot::Receiver<()>) -> F,
    ) -> Server
    where
        F: std::future::Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let (stop, stopped) = oneshot::channel();
        let serve = serve(stopped);
        let task = tokio::spawn(async move {
            let result = serve.await;
            if let Err(e) = &result {
                eprintln!("{name} at {addr} stopped: {e:#}");
            }
            result
        });
        Server {
            addr,
            stop: Some(stop),
            task,
        }
    }

    pub async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    /// Graceful stop; waits for the server (and its pipeline) to end.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.await.unwrap().unwrap();
    }
}

async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

pub struct Mesh {
    /// Keeps an embedded store's directory alive.
    pub dir: tempfile::TempDir,
    /// The store both services share (MongoDB when MONGODB_URI is set).
    pub url: String,
    pub orders: Server,
    pub ingest: Server,
}

impl Mesh {
    /// A direct handle on the store, for checks below the gRPC API.
    pub async fn store(&self) -> std::sync::Arc<dyn icc_store::Store> {
        icc_store::open(&self.url).await.unwrap()
    }

    pub async fn start() -> Mesh {
        let dir = tempfile::tempdir().unwrap();
        let url = icc_store::conformance::test_store_url(dir.path());
        let orders = start_orders(&url).await;
        let ingest = start_ingest(&url).await;
        Mesh {
            dir,
            url,
            orders,
            ingest,
        }
    }

    pub async fn catalog(&self) -> CatalogServiceClient<Channel> {
        CatalogServiceClient::new(self.orders.channel().await)
    }

    pub async fn orders_client(&self) -> OrdersServiceClient<Channel> {
        OrdersServiceClient::new(self.orders.channel().await)
    }

    pub async fn ingest_client(&self) -> IngestServiceClient<Channel> {
        IngestServiceClient::new(self.ingest.channel().await)
    }

    /// Waits (bounded) until the pipeline's checkpoint reaches the feed head.
    pub async fn caught_up(&self) -> GetPipelineStatusResponse {
        caught_up(&mut self.ingest_client().await).await
    }
}

pub async fn caught_up(ingest: &mut IngestServiceClient<Channel>) -> GetPipelineStatusResponse {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let status = ingest
            .get_pipeline_status(GetPipelineStatusRequest {})
            .await
            .unwrap()
            .into_inner();
        if status.lag_events == 0 && status.checkpoint_seq == status.head_seq {
            return status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "pipeline did not catch up: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn start_orders(url: &str) -> Server {
    let l = listener().await;
    let addr = l.local_addr().unwrap();
    let config = orders_svc::Config {
        listen: addr,
        store_url: url.to_owned(),
        feed_poll_ms: 50,
    };
    Server::spawn("orders_svc", addr, |stopped| {
        orders_svc::serve(config, l, async move {
            let _ = stopped.await;
        })
    })
}

pub async fn start_ingest(url: &str) -> Server {
    let l = listener().await;
    let addr = l.local_addr().unwrap();
    let config = ingest_svc::Config {
        listen: addr,
        store_url: url.to_owned(),
        time_zone: chrono_tz::UTC,
        holidays: None,
        poll_ms: 50,
        batch: 64,
    };
    Server::spawn("ingest_svc", addr, |stopped| {
        ingest_svc::serve(config, l, async move {
            let _ = stopped.await;
        })
    })
}

pub async fn create(
    catalog: &mut CatalogServiceClient<Channel>,
    sku: &str,
    price: i64,
    stock: i64,
) {
    let product = Product {
        sku: sku.into(),
        name: format!("{sku} name"),
        category: "test".into(),
        unit_price_minor: price,
        on_hand: stock,
        ..Default::default()
    };
    catalog
        .create_product(CreateProductRequest {
            product: Some(product),
        })
        .await
        .unwrap();
}

pub async fn place(
    orders: &mut OrdersServiceClient<Channel>,
    key: &str,
    lines: &[(&str, i64)],
) -> Order {
    let lines = lines
        .iter()
        .map(|(sku, q)| OrderLineInput {
            sku: (*sku).into(),
            quantity: *q,
        })
        .collect();
    let r = PlaceOrderRequest {
        idempotency_key: key.into(),
        lines,
        note: String::new(),
    };
    orders
        .place_order(r)
        .await
        .unwrap()
        .into_inner()
        .order
        .unwrap()
}

pub fn date(d: chrono::NaiveDate) -> Option<icc_proto::google::r#type::Date> {
    Some(icc_proto::date_to_proto(d))
}

pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
