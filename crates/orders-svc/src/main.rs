use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = orders_svc::Config::parse();
    let listener = icc_server::bind(config.listen).await?;
    orders_svc::serve(config, listener, shutdown).await
}
