use std::process::ExitCode;

use clap::Parser;
use forecast_svc::cli::{Cli, Command};

/// Every backtest origin's fit allocates its sums and solves; mimalloc made
/// AUTO on the speed panel about 10% faster than the system allocator on 2
/// threads, 15% on 1 (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    icc_server::init_tracing();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Bench(args)) => forecast_svc::bench::run(&args),
        Some(Command::Evaluate(args)) => forecast_svc::evaluate::run(&args),
        None => serve(cli.config).await,
    };
    icc_server::exit_code("forecast-svc", result)
}

async fn serve(config: forecast_svc::Config) -> anyhow::Result<()> {
    // Only the server stops gracefully; the offline commands stop at Ctrl-C
    // as any command does.
    let shutdown = icc_server::shutdown_signal();
    let listener = icc_server::bind(config.listen).await?;
    forecast_svc::serve(config, listener, shutdown).await
}
