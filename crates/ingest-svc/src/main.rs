use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = ingest_svc::Config::parse();
    let listener = icc_server::bind(config.listen).await?;
    ingest_svc::serve(config, listener, shutdown).await
}
