//! How a binary reports the error it stops with.

use std::fmt::Display;
use std::process::ExitCode;

/// The exit status for `result`. An error goes to stderr on one line,
/// named by `program`, with its causes (`{:#}` of an `anyhow::Error`).
/// A `main` that returns the error itself prints its Debug form instead,
/// with a stack backtrace whenever RUST_BACKTRACE is set: noise for an
/// operator who gave a bad flag or a bad file.
pub fn exit_code<E: Display>(program: &str, result: Result<(), E>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{program}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
