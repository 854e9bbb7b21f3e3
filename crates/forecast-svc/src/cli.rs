//! Command line of the `forecast-svc` binary: serve (the default) or an
//! offline subcommand.

use crate::bench::BenchArgs;
use crate::serve::Config;

/// `forecast-svc [FLAGS]` serves; `forecast-svc bench ...` benchmarks.
#[derive(Debug, clap::Parser)]
#[command(
    name = "forecast-svc",
    version,
    about = "Explainable demand forecasts, backtests and reorder advice over gRPC"
)]
pub struct Cli {
    /// Server settings (when no subcommand is given).
    #[command(flatten)]
    pub config: Config,
    /// An offline command instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Offline commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Times the seed pipeline (features, fit, forecast, backtest) on a
    /// CSV of daily series, on N threads.
    Bench(BenchArgs),
}
