use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = gateway::Config::parse();
    match run(config, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gateway: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(
    config: gateway::Config,
    shutdown: impl std::future::Future<Output = ()>,
) -> anyhow::Result<()> {
    // Refuse a bad configuration (e.g. no ICC_JWT_SECRET) before binding.
    config.validate()?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let metrics = tokio::net::TcpListener::bind(config.metrics_listen).await?;
    // The main address first: scripts take the first `listening on` line.
    icc_server::announce("gateway", &listener)?;
    println!("gateway metrics listening on {}", metrics.local_addr()?);
    gateway::serve(config, listener, metrics, shutdown).await
}
