use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = gateway::Config::parse();
    icc_server::exit_code("gateway", run(config, shutdown).await)
}

async fn run(
    config: gateway::Config,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    // Refuse a bad configuration (e.g. no ICC_JWT_SECRET) before binding.
    config.validate()?;
    let listener = icc_server::bind(config.listen).await?;
    let metrics = icc_server::bind(config.metrics_listen).await?;
    gateway::serve(config, listener, metrics, shutdown).await
}
