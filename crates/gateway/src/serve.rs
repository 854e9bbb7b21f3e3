//! Wiring of the gateway: configuration, store, users, upstreams, the
//! inventory hub, the services, the tower stack and the metrics endpoint.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{HeaderName, HeaderValue, Method};
use icc_proto::v1::auth_service_server::AuthServiceServer;
use icc_proto::v1::catalog_service_server::CatalogServiceServer;
use icc_proto::v1::forecast_service_server::ForecastServiceServer;
use icc_proto::v1::ingest_service_server::IngestServiceServer;
use icc_proto::v1::inventory_service_server::InventoryServiceServer;
use icc_proto::v1::orders_service_server::OrdersServiceServer;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tower::util::{MapRequestLayer, MapResponseLayer};
use tower::{Layer, Service, ServiceBuilder, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::Config;
use crate::auth::directory::{bootstrap, parse_seeds};
use crate::auth::{Auth, AuthState, Directory, LoginThrottle, Passwords, Tokens};
use crate::fanout::{self, Hub, Inventory};
use crate::forward::{CatalogForward, ForecastForward, IngestForward, OrdersForward};
use crate::layers::authorize::AuthorizeLayer;
use crate::layers::limits::{DeadlineLayer, ShedLayer};
use crate::layers::observe::ObserveLayer;
use crate::layers::request_id::RequestIdLayer;
use crate::layers::rewrite::{rewrite_status, text_answers_for_text};
use crate::layers::{HttpRequest, HttpResponse, REQUEST_ID, ResponseFuture};
use crate::upstream::{Settings, Upstream};
use crate::web::Web;

/// Password hashes computed at once (each takes ~19 MiB and a core).
const PARALLEL_HASHES: usize = 2;

/// Serves on `listener` (and metrics on `metrics`) until `shutdown`
/// completes, then ends open watch streams and drains in-flight calls.
pub async fn serve(
    config: Config,
    listener: TcpListener,
    metrics: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    config.validate()?;
    let handle = crate::metrics::handle()?;
    let stop = CancellationToken::new();
    let auth = auth_state(&config).await?;
    let upstreams = Upstreams::new(&config)?;
    let hub = Hub::new(config.watch_buffer, config.resume_window);
    tokio::spawn(fanout::hub::run(
        hub.clone(),
        upstreams.orders.channel(),
        config.max_message_bytes,
        stop.clone(),
    ));
    let GatewayRoutes { routes, health } = routes(&config, &auth, &upstreams, &hub, &stop)?;
    set_initial_health(&health).await;
    tokio::spawn(watch_upstreams(
        health,
        upstreams.with_services(),
        hub,
        Duration::from_millis(config.health_interval_ms),
        stop.clone(),
    ));
    let app = app(&config, auth, routes)?;

    // The main address first: scripts take the first `listening on` line.
    icc_server::announce("gateway", &listener)?;
    println!("gateway metrics listening on {}", metrics.local_addr()?);
    tracing::info!(
        addr = %listener.local_addr()?,
        metrics = %metrics.local_addr()?,
        orders = ?config.orders_upstream,
        ingest = ?config.ingest_upstream,
        forecast = ?config.forecast_upstream,
        web_dir = ?config.web_dir,
        "gateway serving"
    );
    let metrics_stop = stop.clone();
    tokio::spawn(crate::metrics::serve_metrics(metrics, handle, async move {
        metrics_stop.cancelled().await
    }));
    let drain = stop.clone();
    // No Nagle: small HTTP/2 frames (an answer's trailers, a watch event)
    // would otherwise wait for the peer's delayed ACK, up to 40 ms.
    let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
    tonic::transport::Server::builder()
        .accept_http1(true)
        .max_concurrent_streams(Some(4096))
        .http2_keepalive_interval(Some(Duration::from_secs(30)))
        .serve_with_incoming_shutdown(app, incoming, async move {
            shutdown.await;
            // Watch streams never end by themselves: end them so the server
            // can drain.
            drain.cancel();
        })
        .await?;
    stop.cancel();
    tracing::info!("gateway stopped");
    Ok(())
}

/// Users: the store, the first admin and seeded users, token signing.
async fn auth_state(config: &Config) -> anyhow::Result<AuthState> {
    let secret = config.jwt_secret()?;
    let store = icc_store::open(&config.store_url).await?;
    let passwords = Passwords::new(PARALLEL_HASHES);
    let seeds = match &config.seed_users {
        Some(spec) => parse_seeds(spec.expose())?,
        None => Vec::new(),
    };
    let admin = config
        .admin_username
        .clone()
        .zip(config.admin_password.clone());
    bootstrap(&store, &passwords, admin, seeds).await?;
    Ok(AuthState {
        tokens: Arc::new(Tokens::new(
            secret.expose().as_bytes(),
            Duration::from_secs(config.token_ttl_s),
        )),
        directory: Directory::new(store),
        passwords,
        throttle: Arc::new(LoginThrottle::default()),
    })
}

/// The three services the gateway forwards to.
struct Upstreams {
    orders: Arc<Upstream>,
    ingest: Arc<Upstream>,
    forecast: Arc<Upstream>,
}

impl Upstreams {
    /// Analytics calls (ingest, forecast) get their own, longer timeout.
    fn new(config: &Config) -> anyhow::Result<Self> {
        let settings = Settings {
            connect_timeout: Duration::from_millis(config.connect_timeout_ms),
            timeout: config.upstream_timeout(),
            retries: config.read_retries,
        };
        let analytics = Settings {
            timeout: Duration::from_millis(config.analytics_timeout_ms),
            ..settings
        };
        Ok(Upstreams {
            orders: Arc::new(Upstream::new("orders", &config.orders_upstream, settings)?),
            ingest: Arc::new(Upstream::new("ingest", &config.ingest_upstream, analytics)?),
            forecast: Arc::new(Upstream::new(
                "forecast",
                &config.forecast_upstream,
                analytics,
            )?),
        })
    }

    /// Each upstream with the services whose health follows it.
    fn with_services(&self) -> [(Arc<Upstream>, &'static [&'static str]); 3] {
        [
            (self.orders.clone(), ORDERS_SERVICES),
            (self.ingest.clone(), INGEST_SERVICES),
            (self.forecast.clone(), FORECAST_SERVICES),
        ]
    }
}

/// The routes, and the reporter of the health service among them.
struct GatewayRoutes {
    routes: Routes,
    health: HealthReporter,
}

/// Every service the gateway answers, with its message size limits.
fn routes(
    config: &Config,
    auth: &AuthState,
    upstreams: &Upstreams,
    hub: &Arc<Hub>,
    stop: &CancellationToken,
) -> anyhow::Result<GatewayRoutes> {
    let max = config.max_message_bytes;
    let import_timeout = Duration::from_millis(config.import_timeout_ms);
    let Upstreams {
        orders,
        ingest,
        forecast,
    } = upstreams;
    let auth_service = AuthServiceServer::new(Auth::new(auth.clone()))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    let catalog =
        CatalogServiceServer::new(CatalogForward::new(orders.clone(), max, import_timeout))
            .max_decoding_message_size(max)
            .max_encoding_message_size(max);
    let orders_service = OrdersServiceServer::new(OrdersForward::new(orders.clone(), max))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);
    let inventory = InventoryServiceServer::new(Inventory::new(
        hub.clone(),
        orders.clone(),
        auth.directory.clone(),
        max,
        stop.clone(),
    ))
    .max_decoding_message_size(max)
    .max_encoding_message_size(max);
    let ingest_service =
        IngestServiceServer::new(IngestForward::new(ingest.clone(), max, import_timeout))
            .max_decoding_message_size(max)
            .max_encoding_message_size(max);
    let forecast_service = ForecastServiceServer::new(ForecastForward::new(forecast.clone(), max))
        .max_decoding_message_size(max)
        .max_encoding_message_size(max);

    let (health, health_service) = icc_server::health_service();
    let (reflection, reflection_alpha) = icc_server::reflection_services(&[
        <AuthServiceServer<Auth> as NamedService>::NAME,
        <CatalogServiceServer<CatalogForward> as NamedService>::NAME,
        <OrdersServiceServer<OrdersForward> as NamedService>::NAME,
        <InventoryServiceServer<Inventory> as NamedService>::NAME,
        <IngestServiceServer<IngestForward> as NamedService>::NAME,
        <ForecastServiceServer<ForecastForward> as NamedService>::NAME,
    ])?;
    let routes = Routes::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(reflection_alpha)
        .add_service(auth_service)
        .add_service(catalog)
        .add_service(orders_service)
        .add_service(inventory)
        .add_service(ingest_service)
        .add_service(forecast_service)
        .clone()
        .routes()
        .prepare();
    Ok(GatewayRoutes { routes, health })
}

/// The gateway's own health: serving, except the forwarded services, which
/// start not serving and follow their upstream ([`watch_upstreams`]).
async fn set_initial_health(health: &HealthReporter) {
    health.set_service_status("", ServingStatus::Serving).await;
    health.set_serving::<AuthServiceServer<Auth>>().await;
    for service in ORDERS_SERVICES
        .iter()
        .chain(INGEST_SERVICES)
        .chain(FORECAST_SERVICES)
        .chain([&INVENTORY_SERVICE])
    {
        health
            .set_service_status(*service, ServingStatus::NotServing)
            .await;
    }
}

/// The HTTP service: the gRPC stack (grpc-web included) and the web UI,
/// behind CORS when origins are configured.
fn app(
    config: &Config,
    auth: AuthState,
    routes: Routes,
) -> anyhow::Result<
    impl Service<HttpRequest, Response = HttpResponse, Error = Infallible, Future: Send + 'static>
    + Clone
    + Send
    + 'static,
> {
    // The gRPC stack, outermost first.
    let grpc = ServiceBuilder::new()
        // grpc-web (HTTP/1.1) becomes gRPC first: every layer below sees one
        // protocol (text requests get text answers).
        .layer(MapRequestLayer::new(text_answers_for_text))
        .layer(tonic_web::GrpcWebLayer::new())
        // Request id and span next, so every log line and upstream call carries the id.
        .layer(RequestIdLayer)
        // Classify by the role table and record metrics: sees every outcome below.
        .layer(ObserveLayer)
        // tonic's own rejections as our codes, before metrics record them.
        .layer(MapResponseLayer::new(rewrite_status))
        // Shed before doing any work (even checking a token) at capacity.
        .layer(ShedLayer::new(config.max_concurrent_requests))
        // Unary calls answer within the deadline, whatever happens below.
        .layer(DeadlineLayer::new(config.request_timeout()))
        // Max message sizes are set on each service; nothing reaches one unauthorized.
        .layer(AuthorizeLayer::new(auth))
        .service(routes);
    let app = Split {
        grpc,
        web: Web::new(config.web_dir.as_deref()),
    };
    // Cross-origin grpc-web only for the configured origins; none by default.
    Ok(cors(&config.cors_origins)?.layer(app))
}

/// The CORS layer for `origins` (`*` for any); none when empty.
fn cors(
    origins: &[String],
) -> anyhow::Result<tower::util::Either<CorsLayer, tower::layer::util::Identity>> {
    if origins.is_empty() {
        return Ok(tower::util::Either::Right(
            tower::layer::util::Identity::new(),
        ));
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        let list = origins
            .iter()
            .map(|o| {
                HeaderValue::from_str(o.trim_end_matches('/'))
                    .map_err(|_| anyhow::anyhow!("--cors-origins: {o:?} is not a valid origin"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        AllowOrigin::list(list)
    };
    let header = HeaderName::from_static;
    Ok(tower::util::Either::Left(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::POST, Method::OPTIONS])
            .allow_headers([
                header("content-type"),
                header("authorization"),
                header("x-grpc-web"),
                header("x-user-agent"),
                header("grpc-timeout"),
                header(REQUEST_ID),
            ])
            .expose_headers([
                header("grpc-status"),
                header("grpc-message"),
                header("grpc-status-details-bin"),
                header(REQUEST_ID),
            ])
            .max_age(Duration::from_secs(600)),
    ))
}

/// gRPC and grpc-web go to the gRPC stack, everything else to the web UI.
#[derive(Clone)]
struct Split<G> {
    grpc: G,
    web: Web,
}

impl<G> Service<HttpRequest> for Split<G>
where
    G: Service<HttpRequest, Response = HttpResponse, Error = Infallible> + Clone + Send + 'static,
    G::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        // Each call drives its own clone to readiness (oneshot).
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        if crate::layers::is_grpc(&request) {
            Box::pin(self.grpc.clone().oneshot(request))
        } else {
            Box::pin(self.web.clone().oneshot(request))
        }
    }
}

const ORDERS_SERVICES: &[&str] = &["icc.v1.CatalogService", "icc.v1.OrdersService"];
const INGEST_SERVICES: &[&str] = &["icc.v1.IngestService"];
const FORECAST_SERVICES: &[&str] = &["icc.v1.ForecastService"];
const INVENTORY_SERVICE: &str = "icc.v1.InventoryService";

/// Exports ingest-svc's pipeline lag (GetPipelineStatus), so the one
/// metrics endpoint also shows how far the sales-event log trails the
/// orders. A failed call leaves the last values; `upstream_up` says why.
async fn report_pipeline_lag(upstream: &Upstream) {
    use icc_proto::v1::GetPipelineStatusRequest;
    use icc_proto::v1::ingest_service_client::IngestServiceClient;
    let mut client = IngestServiceClient::new(upstream.channel());
    let mut request = tonic::Request::new(GetPipelineStatusRequest {});
    request.set_timeout(Duration::from_secs(1));
    let answer = tokio::time::timeout(Duration::from_secs(1), client.get_pipeline_status(request));
    if let Ok(Ok(status)) = answer.await {
        let status = status.into_inner();
        metrics::gauge!("icc_gateway_ingest_checkpoint_seq").set(status.checkpoint_seq as f64);
        metrics::gauge!("icc_gateway_ingest_lag_events").set(status.lag_events as f64);
        metrics::gauge!("icc_gateway_ingest_lag_seconds").set(status.lag_seconds);
    }
}

/// Checks each upstream's health every `interval`; the gateway's health of
/// the services it forwards follows (InventoryService also needs the hub's
/// first snapshot), and so does the `icc_gateway_upstream_up` gauge.
async fn watch_upstreams(
    health: HealthReporter,
    upstreams: [(Arc<Upstream>, &'static [&'static str]); 3],
    hub: Arc<Hub>,
    interval: Duration,
    stop: CancellationToken,
) {
    use tonic_health::pb::HealthCheckRequest;
    use tonic_health::pb::health_check_response::ServingStatus as Wire;
    use tonic_health::pb::health_client::HealthClient;
    let mut last: std::collections::HashMap<&'static str, bool> = Default::default();
    loop {
        let mut statuses = Vec::new();
        for (upstream, services) in &upstreams {
            let mut client = HealthClient::new(upstream.channel());
            let mut request = tonic::Request::new(HealthCheckRequest {
                service: String::new(),
            });
            request.set_timeout(Duration::from_secs(1));
            let up = matches!(
                tokio::time::timeout(Duration::from_secs(1), client.check(request)).await,
                Ok(Ok(r)) if r.get_ref().status == Wire::Serving as i32
            );
            metrics::gauge!("icc_gateway_upstream_up", "upstream" => upstream.name).set(if up {
                1.0
            } else {
                0.0
            });
            statuses.extend(services.iter().map(|s| (*s, up)));
            if up && upstream.name == "ingest" {
                report_pipeline_lag(upstream).await;
            }
            if upstream.name == "orders" {
                statuses.push((INVENTORY_SERVICE, up && hub.is_ready()));
            }
        }
        for (service, up) in statuses {
            if last.insert(service, up) != Some(up) {
                tracing::info!(service, up, "forwarded service health");
                let status = if up {
                    ServingStatus::Serving
                } else {
                    ServingStatus::NotServing
                };
                health.set_service_status(service, status).await;
            }
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}
