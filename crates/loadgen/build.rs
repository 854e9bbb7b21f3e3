//! Compiles the benchmark's own echo contract (proto/bench/v1/echo.proto)
//! with protox (pure Rust, no system protoc) into OUT_DIR, as crates/proto
//! does for the main contracts.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    let fds = protox::compile(["bench/v1/echo.proto"], [proto])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
