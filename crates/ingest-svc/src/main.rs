use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = ingest_svc::Config::parse();
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    icc_server::announce("ingest-svc", &listener)?;
    ingest_svc::serve(config, listener, shutdown).await
}
