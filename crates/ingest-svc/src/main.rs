use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = ingest_svc::Config::parse();
    let served = async {
        let listener = icc_server::bind(config.listen).await?;
        ingest_svc::serve(config, listener, shutdown).await
    };
    icc_server::exit_code("ingest-svc", served.await)
}
