use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let shutdown = icc_server::shutdown_signal();
    icc_server::init_tracing();
    let config = orders_svc::Config::parse();
    let served = async {
        let listener = icc_server::bind(config.listen).await?;
        orders_svc::serve(config, listener, shutdown).await
    };
    icc_server::exit_code("orders-svc", served.await)
}
