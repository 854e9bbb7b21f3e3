//! Compiles proto/ with protox (pure Rust, no system protoc) and generates the
//! prost messages and tonic clients and servers into OUT_DIR, plus the encoded
//! file descriptor set that servers register for reflection.

use std::path::PathBuf;

use prost::Message;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Read at run time (not env!): a build script binary may be reused from
    // a checkout at another path.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../..");
    let includes = [root.join("proto"), root.join("third_party/proto")];
    let files = [
        "icc/v1/auth.proto",
        "icc/v1/catalog.proto",
        "icc/v1/forecast.proto",
        "icc/v1/ingest.proto",
        "icc/v1/inventory.proto",
        "icc/v1/orders.proto",
    ];
    for dir in &includes {
        println!("cargo:rerun-if-changed={}", dir.display());
    }

    let fds = protox::compile(files, includes)?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("icc_descriptor.bin"), fds.encode_to_vec())?;

    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
