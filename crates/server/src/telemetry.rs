//! Tracing set-up: logs to stderr, filtered by RUST_LOG (default `info`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are no-ops (tests start
/// several servers in one process). Colours only on a terminal, so log
/// files stay plain text; a RUST_LOG that does not parse is reported, and
/// the default used, rather than silently ignored.
pub fn init_tracing() {
    let (filter, bad) = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => match EnvFilter::try_new(&spec) {
            Ok(filter) => (filter, None),
            Err(e) => (EnvFilter::new("info"), Some(format!("{spec:?}: {e}"))),
        },
        _ => (EnvFilter::new("info"), None),
    };
    let installed = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
    if let (Ok(()), Some(bad)) = (installed, bad) {
        tracing::warn!("RUST_LOG ignored, logging at info: {bad}");
    }
}
