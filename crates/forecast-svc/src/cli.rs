//! Command line of the `forecast-svc` binary: serve (the default) or an
//! offline subcommand (`bench`, `evaluate`).

use crate::bench::BenchArgs;
use crate::evaluate::EvaluateArgs;
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
    /// Holds out the last days of every series of a CSV panel, forecasts
    /// them with each model and prints MAE, RMSE, sMAPE, MASE and interval
    /// coverage.
    Evaluate(EvaluateArgs),
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn defaults_flags_and_the_bench_subcommand() {
        let cli = Cli::try_parse_from(["forecast-svc"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.config.default_lead_time_days, 7);
        assert_eq!(cli.config.default_service_level, 0.95);
        let settings = cli.config.settings().unwrap();
        assert_eq!(settings.model_version, crate::core::MODEL_VERSION);
        assert!(settings.workers >= 1);

        let cli = Cli::try_parse_from([
            "forecast-svc",
            "--listen",
            "127.0.0.1:0",
            "--default-lead-time-days",
            "3",
            "--default-service-level",
            "0.9",
        ])
        .unwrap();
        assert_eq!(cli.config.listen.port(), 0);
        assert_eq!(cli.config.default_lead_time_days, 3);
        assert_eq!(cli.config.default_service_level, 0.9);
        for bad in [
            ["--default-service-level", "1"],
            ["--default-service-level", "0"],
            ["--default-lead-time-days", "400"],
        ] {
            let args = std::iter::once("forecast-svc").chain(bad);
            assert!(Cli::try_parse_from(args).is_err(), "{bad:?} accepted");
        }

        let cli =
            Cli::try_parse_from(["forecast-svc", "bench", "--data", "x.csv", "--threads", "2"])
                .unwrap();
        let Some(Command::Bench(args)) = cli.command else {
            panic!("not the bench subcommand");
        };
        assert_eq!((args.threads, args.horizon), (2, 28));
    }

    #[test]
    fn a_holidays_file_replaces_the_builtin_calendar() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("holidays.txt");
        std::fs::write(&path, "fixed 07-14 = Bastille Day\n").unwrap();
        let mut cli = Cli::try_parse_from(["forecast-svc"]).unwrap();
        cli.config.holidays = Some(path.clone());
        let calendar = cli.config.settings().unwrap().calendar;
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2031, m, d).unwrap();
        assert!(calendar.is_holiday(day(7, 14)));
        assert!(
            !calendar.is_holiday(day(12, 25)),
            "the built-in rules are gone"
        );

        std::fs::write(&path, "fixd 07-14\n").unwrap();
        let e = cli.config.settings().unwrap_err();
        assert!(format!("{e:#}").contains("line 1"), "{e:#}");
        cli.config.holidays = Some(dir.path().join("missing.txt"));
        let e = cli.config.settings().unwrap_err();
        assert!(format!("{e:#}").contains("missing.txt"), "{e:#}");
    }
}
