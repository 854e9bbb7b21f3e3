//! What an operator sees when a service cannot start, from the real
//! binaries: a bad store URL ends the process before it announces an
//! address, a taken port is named, and a RUST_LOG that does not parse is
//! reported. Log lines written to a pipe carry no colour codes.

use std::process::Output;
use std::time::Duration;

use icc_tests::{Sandbox, bin_dir};
use tokio::process::Command;

/// Runs `bin` to its exit (these all fail at start-up) with `RUST_LOG`.
async fn run(bin: &str, args: &[&str], rust_log: &str) -> Output {
    let run = Command::new(bin_dir().join(bin))
        .args(args)
        .env("RUST_LOG", rust_log)
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .unwrap_or_else(|_| panic!("{bin} {args:?} did not exit"))
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn a_service_whose_store_cannot_open_exits_without_announcing_an_address() {
    for (bin, url, reason) in [
        ("orders-svc", "sqlite://", "needs a file path"),
        ("ingest-svc", "sqlite://x.db?mode=ro", "no ?options"),
        ("forecast-svc", "postgres://db/icc", "unsupported store URL"),
    ] {
        let out = run(
            bin,
            &["--listen", "127.0.0.1:0", "--store-url", url],
            "info",
        )
        .await;
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(!out.status.success(), "{bin} on {url} exited successfully");
        assert!(
            !stdout.contains("listening on"),
            "{bin} on {url} announced: {stdout}"
        );
        assert!(stderr.contains(reason), "{bin} on {url}: {stderr}");
    }
}

#[tokio::test]
async fn a_taken_port_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let sandbox = Sandbox::new().unwrap();
    let store = sandbox.store_url();
    let out = run(
        "orders-svc",
        &["--listen", &addr, "--store-url", &store],
        "info",
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_bad_rust_log_is_reported_in_plain_text() {
    // The store URL fails after tracing is set up, so the run ends at once.
    let out = run(
        "orders-svc",
        &["--listen", "127.0.0.1:0", "--store-url", "sqlite://"],
        "orders_svc=loud",
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("RUST_LOG ignored, logging at info"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in piped logs: {stderr:?}"
    );
}
