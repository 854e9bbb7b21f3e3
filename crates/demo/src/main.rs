//! icc-demo: makes a fresh mesh look alive. `seed` imports a demo catalog when
//! the catalog is empty; `trickle` places a steady stream of small orders,
//! restocking what runs out and now and then cancelling an order. Everything
//! goes through the public gRPC API.

#![forbid(unsafe_code)]

mod catalog;
mod history;
mod trickle;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use icc_proto::v1::catalog_service_client::CatalogServiceClient;
use icc_proto::v1::{ImportProductsRequest, ListProductsRequest};
use tonic::transport::Channel;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::{HealthCheckRequest, health_client::HealthClient};

#[derive(Parser)]
#[command(
    name = "icc-demo",
    version,
    about = "Demo data and traffic for the Inventory Command Center"
)]
struct Cli {
    /// orders-svc address.
    #[arg(
        long,
        env = "ICC_DEMO_ORDERS",
        default_value = "http://127.0.0.1:50051",
        global = true
    )]
    orders: String,
    /// ingest-svc address.
    #[arg(
        long,
        env = "ICC_DEMO_INGEST",
        default_value = "http://127.0.0.1:50052",
        global = true
    )]
    ingest: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Wait until the server at --orders (or --addr) reports SERVING.
    Wait {
        /// Address to wait for instead of --orders.
        #[arg(long)]
        addr: Option<String>,
        #[arg(long, default_value_t = 60)]
        timeout_s: u64,
    },
    /// Import the demo catalog if the catalog is empty.
    Seed,
    /// Import a demo sales history (ending yesterday, UTC) for every product;
    /// importing it twice adds nothing.
    History {
        /// Days of history per product.
        #[arg(long, default_value_t = history::DEFAULT_DAYS)]
        days: usize,
    },
    /// Place demo orders until interrupted.
    Trickle(trickle::Options),
}

#[tokio::main]
async fn main() -> ExitCode {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let cli = Cli::parse();
    icc_server::exit_code("icc-demo", run(cli, shutdown).await)
}

async fn run(cli: Cli, shutdown: impl std::future::Future<Output = ()>) -> anyhow::Result<()> {
    match cli.command {
        Command::Wait { addr, timeout_s } => {
            wait(
                addr.as_deref().unwrap_or(&cli.orders),
                Duration::from_secs(timeout_s),
            )
            .await
        }
        Command::Seed => seed(connect(&cli.orders).await?, today()).await,
        Command::History { days } => {
            let yesterday = today().pred_opt().unwrap_or_default();
            history::import(
                connect(&cli.orders).await?,
                connect(&cli.ingest).await?,
                days,
                yesterday,
            )
            .await
        }
        Command::Trickle(options) => {
            tokio::select! {
                r = trickle::run(connect(&cli.orders).await?, options) => r,
                () = shutdown => Ok(()),
            }
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

async fn connect(addr: &str) -> anyhow::Result<Channel> {
    Channel::from_shared(addr.to_owned())?
        .connect()
        .await
        .with_context(|| format!("cannot connect to {addr}"))
}

async fn wait(addr: &str, timeout: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Ok(channel) = connect(addr).await {
            let check = HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: String::new(),
                })
                .await;
            if check.is_ok_and(|r| r.get_ref().status == ServingStatus::Serving as i32) {
                return Ok(());
            }
        }
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "{addr} not serving after {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn seed(channel: Channel, today: chrono::NaiveDate) -> anyhow::Result<()> {
    let mut catalog = CatalogServiceClient::new(channel);
    let existing = catalog
        .list_products(ListProductsRequest {
            page_size: 1,
            include_archived: true,
            ..Default::default()
        })
        .await?
        .into_inner();
    if !existing.products.is_empty() {
        tracing::info!("catalog already has products; not seeding");
        return Ok(());
    }
    // Chunks of 256 bytes: the import reassembles rows split across them.
    let chunks: Vec<_> = catalog::csv(today)
        .into_bytes()
        .chunks(256)
        .map(|c| ImportProductsRequest {
            csv_chunk: c.to_vec(),
        })
        .collect();
    let report = catalog
        .import_products(tokio_stream::iter(chunks))
        .await?
        .into_inner();
    anyhow::ensure!(
        report.rejected.is_empty(),
        "demo rows rejected: {:?}",
        report.rejected
    );
    tracing::info!(products = report.created_count, "seeded the demo catalog");
    Ok(())
}
