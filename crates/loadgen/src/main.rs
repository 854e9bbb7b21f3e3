use clap::{Parser, Subcommand};

/// Closed-loop gRPC load generator: PlaceOrder against a bare echo baseline.
#[derive(Debug, Parser)]
#[command(name = "icc-loadgen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the baseline EchoService; prints the bound address on stdout.
    EchoServer(icc_loadgen::echo::ServerConfig),
    /// Start echo-server and a fresh orders-svc, load both, print the table.
    Run(icc_loadgen::bench::RunConfig),
    /// Start echo-server, orders-svc and the gateway: PlaceOrder through the
    /// gateway vs direct vs echo, then the live-inventory fan-out latency.
    Gateway(icc_loadgen::gateway::GatewayConfig),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::EchoServer(config) => icc_loadgen::echo::serve_main(config).await,
        Command::Run(config) => icc_loadgen::bench::run_main(config).await,
        Command::Gateway(config) => icc_loadgen::gateway::gateway_main(config).await,
    }
}
