//! grpc-web over plain HTTP/1.1, with frames built and parsed by the test:
//! unary and server-streaming round trips, malformed frames, oversized
//! messages, unknown methods, CORS and the web UI's static files.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::collections::HashMap;
use std::net::SocketAddr;

use bytes::{Buf, Bytes};
use common::*;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use icc_proto::v1 as pb;
use prost::Message;
use tokio::net::TcpStream;

const GRPC_WEB: &str = "application/grpc-web+proto";

/// One grpc-web frame of a response body.
#[derive(Debug)]
enum Frame {
    Data(Bytes),
    Trailers(HashMap<String, String>),
}

/// A data frame: flag 0, big-endian length, the message.
fn frame(message: &impl Message) -> Vec<u8> {
    let body = message.encode_to_vec();
    let mut out = vec![0u8];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// Splits a buffer into complete frames; leaves an incomplete tail.
fn parse_frames(buf: &mut bytes::BytesMut) -> Vec<Frame> {
    let mut frames = Vec::new();
    while buf.len() >= 5 {
        let len = u32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]) as usize;
        if buf.len() < 5 + len {
            break;
        }
        let flag = buf[0];
        buf.advance(5);
        let payload = buf.split_to(len).freeze();
        if flag & 0x80 != 0 {
            let text = String::from_utf8(payload.to_vec()).expect("trailers are text");
            let trailers = text
                .split("\r\n")
                .filter(|l| !l.is_empty())
                .map(|l| {
                    let (k, v) = l.split_once(':').expect("name:value");
                    (k.trim().to_ascii_lowercase(), v.trim().to_owned())
                })
                .collect();
            frames.push(Frame::Trailers(trailers));
        } else {
            frames.push(Frame::Data(payload));
        }
    }
    frames
}

/// An HTTP/1.1 connection to the gateway.
async fn h1(addr: SocketAddr) -> http1::SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .expect("HTTP/1.1 handshake");
    tokio::spawn(connection);
    sender
}

fn post(path: &str, body: Vec<u8>, token: Option<&str>) -> http::Request<Full<Bytes>> {
    let mut b = http::Request::post(path)
        .header("host", "gateway")
        .header("content-type", GRPC_WEB)
        .header("x-grpc-web", "1");
    if let Some(t) = token {
        b = b.header("authorization", format!("Bearer {t}"));
    }
    b.body(Full::new(Bytes::from(body))).unwrap()
}

/// Posts a grpc-web call and reads the whole response: HTTP status,
/// headers and frames.
async fn call(
    addr: SocketAddr,
    path: &str,
    body: Vec<u8>,
    token: Option<&str>,
) -> (http::StatusCode, http::HeaderMap, Vec<Frame>) {
    let mut sender = h1(addr).await;
    let response = sender
        .send_request(post(path, body, token))
        .await
        .expect("response");
    assert_eq!(response.version(), http::Version::HTTP_11);
    let (parts, body) = response.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    let mut buf = bytes::BytesMut::from(&bytes[..]);
    let frames = parse_frames(&mut buf);
    assert!(buf.is_empty(), "a partial frame at the end");
    (parts.status, parts.headers, frames)
}

/// The grpc-status of a response: in its headers (trailers-only) or its
/// trailer frame.
fn status_of(headers: &http::HeaderMap, frames: &[Frame]) -> (String, String) {
    if let Some(s) = headers.get("grpc-status") {
        let message = headers
            .get("grpc-message")
            .map(|m| m.to_str().unwrap().replace("%20", " "))
            .unwrap_or_default();
        return (s.to_str().unwrap().to_owned(), message);
    }
    match frames.last() {
        Some(Frame::Trailers(t)) => (
            t["grpc-status"].clone(),
            t.get("grpc-message")
                .cloned()
                .unwrap_or_default()
                .replace("%20", " "),
        ),
        other => panic!("no status: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn unary_round_trip_over_http1() {
    let mesh = Mesh::start(&[]).await;
    seed_products(&mesh, "WEB", 2, 10).await;

    // Login: one data frame, then a trailer frame with status 0.
    let login = pb::LoginRequest {
        username: VIEWER.0.into(),
        password: VIEWER.1.into(),
    };
    let (status, headers, frames) = call(
        mesh.gateway.addr,
        "/icc.v1.AuthService/Login",
        frame(&login),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], GRPC_WEB);
    assert!(headers.contains_key("x-request-id"));
    assert_eq!(frames.len(), 2, "{frames:?}");
    let Frame::Data(data) = &frames[0] else {
        panic!("{frames:?}")
    };
    let token = pb::LoginResponse::decode(data.clone())
        .unwrap()
        .access_token;
    assert_eq!(status_of(&headers, &frames).0, "0");

    // The same in grpc-web-text, with no Accept header: the answer is text.
    let mut request = post(
        "/icc.v1.AuthService/Login",
        BASE64.encode(frame(&login)).into_bytes(),
        None,
    );
    let text = http::HeaderValue::from_static("application/grpc-web-text");
    request.headers_mut().insert("content-type", text.clone());
    let response = h1(mesh.gateway.addr)
        .await
        .send_request(request)
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    assert!(
        parts.headers["content-type"]
            .as_bytes()
            .starts_with(text.as_bytes()),
        "{:?}",
        parts.headers
    );
    let body = body.collect().await.unwrap().to_bytes();
    // Each frame is its own padded base64 piece: 4-character groups decode
    // on their own.
    let mut decoded = bytes::BytesMut::new();
    for group in body.chunks(4) {
        decoded.extend(BASE64.decode(group).expect("base64"));
    }
    let frames = parse_frames(&mut decoded);
    assert_eq!(status_of(&parts.headers, &frames).0, "0", "{frames:?}");

    // An authorized read with the token.
    let list = pb::ListProductsRequest {
        query: "WEB".into(),
        ..Default::default()
    };
    let (_, headers, frames) = call(
        mesh.gateway.addr,
        "/icc.v1.CatalogService/ListProducts",
        frame(&list),
        Some(&token),
    )
    .await;
    assert_eq!(status_of(&headers, &frames).0, "0");
    let Frame::Data(data) = &frames[0] else {
        panic!("{frames:?}")
    };
    let products = pb::ListProductsResponse::decode(data.clone())
        .unwrap()
        .products;
    assert_eq!(
        products.iter().map(|p| p.sku.as_str()).collect::<Vec<_>>(),
        ["WEB-000", "WEB-001"]
    );

    // The viewer may not place orders: a clear status, over grpc-web too.
    let order = pb::PlaceOrderRequest {
        idempotency_key: "web-1".into(),
        lines: vec![pb::OrderLineInput {
            sku: "WEB-000".into(),
            quantity: 1,
        }],
        note: String::new(),
    };
    let (status, headers, frames) = call(
        mesh.gateway.addr,
        "/icc.v1.OrdersService/PlaceOrder",
        frame(&order),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200);
    let (code, message) = status_of(&headers, &frames);
    assert_eq!(code, "7", "{message}");
    assert!(message.contains("needs STAFF"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn server_streaming_round_trip_over_http1() {
    let mesh = Mesh::start(&[]).await;
    seed_products(&mesh, "LIVE", 1, 50).await;
    mesh.inventory_ready().await;
    let viewer = mesh.login(VIEWER).await;
    let staff = mesh.login(STAFF).await;

    let mut sender = h1(mesh.gateway.addr).await;
    let watch = pb::WatchInventoryRequest {
        resume_after_seq: 0,
        skus: vec!["LIVE-000".into()],
    };
    let response = sender
        .send_request(post(
            "/icc.v1.InventoryService/WatchInventory",
            frame(&watch),
            Some(&viewer),
        ))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.into_body();
    let mut buf = bytes::BytesMut::new();
    // Reads frames as they arrive over the chunked HTTP/1.1 body.
    let mut next_frame = async || -> Frame {
        loop {
            let mut frames = parse_frames(&mut buf);
            if !frames.is_empty() {
                assert_eq!(frames.len(), 1, "one frame at a time here");
                return frames.remove(0);
            }
            let chunk = tokio::time::timeout(PATIENCE, body.frame())
                .await
                .expect("a frame in time")
                .expect("body open")
                .expect("body chunk");
            if let Ok(data) = chunk.into_data() {
                buf.extend_from_slice(&data);
            }
        }
    };
    let Frame::Data(first) = next_frame().await else {
        panic!("trailers first")
    };
    let snapshot = match pb::WatchInventoryResponse::decode(first).unwrap().event {
        Some(pb::watch_inventory_response::Event::Snapshot(s)) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(snapshot.levels[0].on_hand, 50);

    // An order placed by someone else arrives as the next frame.
    let placed = orders(mesh.channel().await)
        .place_order(authed(
            pb::PlaceOrderRequest {
                idempotency_key: "live-1".into(),
                lines: vec![pb::OrderLineInput {
                    sku: "LIVE-000".into(),
                    quantity: 4,
                }],
                note: String::new(),
            },
            &staff,
        ))
        .await
        .unwrap()
        .into_inner()
        .order
        .unwrap();
    let Frame::Data(second) = next_frame().await else {
        panic!("trailers before the change")
    };
    match pb::WatchInventoryResponse::decode(second).unwrap().event {
        Some(pb::watch_inventory_response::Event::Change(c)) => {
            assert!(c.seq > snapshot.seq);
            assert_eq!(c.order_id, placed.id);
            assert_eq!((c.levels[0].on_hand, c.levels[0].delta), (46, -4));
        }
        other => panic!("{other:?}"),
    }

    // Stopping the gateway ends the stream with a trailer frame.
    let stop = tokio::spawn(mesh.gateway.server.stop(PATIENCE));
    let mut rest = buf;
    let trailers = tokio::time::timeout(PATIENCE, async {
        loop {
            let frames = parse_frames(&mut rest);
            if let Some(Frame::Trailers(t)) = frames.into_iter().last() {
                return t;
            }
            let chunk = body
                .frame()
                .await
                .expect("trailers before the end")
                .expect("chunk");
            if let Ok(data) = chunk.into_data() {
                rest.extend_from_slice(&data);
            }
        }
    })
    .await
    .expect("trailers in time");
    assert_eq!(trailers["grpc-status"], "14", "{trailers:?}");
    stop.await.unwrap().unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_frames_oversized_messages_and_unknown_methods() {
    let mesh = Mesh::start(&[]).await;
    let token = mesh.login(STAFF).await;
    let addr = mesh.gateway.addr;
    let path = "/icc.v1.CatalogService/ListProducts";

    // A frame that promises 16 bytes and brings 3.
    let mut truncated = vec![0, 0, 0, 0, 16];
    truncated.extend_from_slice(b"abc");
    // A compression flag that does not exist.
    let mut bad_flag = vec![7, 0, 0, 0, 1];
    bad_flag.push(0);
    // A complete frame whose bytes are not a protobuf message.
    let mut not_protobuf = vec![0, 0, 0, 0, 3];
    not_protobuf.extend_from_slice(&[0xff, 0xff, 0xff]);
    // Half a frame header.
    let short_header = vec![0, 0];
    for (name, body) in [
        ("truncated", truncated),
        ("bad flag", bad_flag),
        ("not protobuf", not_protobuf),
        ("short header", short_header),
        ("empty body", Vec::new()),
    ] {
        let (status, headers, frames) = call(addr, path, body, Some(&token)).await;
        assert_eq!(status, 200, "{name}");
        let (code, message) = status_of(&headers, &frames);
        assert_eq!(code, "3", "{name}: {message}");
        assert!(message.contains("malformed"), "{name}: {message}");
    }

    // grpc-web-text whose body is not base64.
    let mut sender = h1(addr).await;
    let mut text = post(path, b"!!not base64!!".to_vec(), Some(&token));
    text.headers_mut()
        .insert("content-type", "application/grpc-web-text".parse().unwrap());
    let response = sender.send_request(text).await.unwrap();
    assert_eq!(response.status(), 200);
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let code = parts
        .headers
        .get("grpc-status")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_else(|| {
            // grpc-web-text answers are base64 too; the status is in the
            // headers (trailers-only) or a trailer frame.
            String::from_utf8_lossy(&body).into_owned()
        });
    assert_eq!(code, "3", "grpc-web-text: {:?} {body:?}", parts.headers);

    // A message over the 4 MiB limit (the header says so; the gateway
    // refuses before reading it).
    let mut oversized = vec![0];
    oversized.extend_from_slice(&(5u32 * 1024 * 1024).to_be_bytes());
    oversized.extend_from_slice(&[0u8; 1024]);
    let (_, headers, frames) = call(addr, path, oversized, Some(&token)).await;
    assert_eq!(status_of(&headers, &frames).0, "8");
    // The same over native gRPC, with a real 5 MiB message.
    let big = catalog(mesh.channel().await)
        .list_products(authed(
            pb::ListProductsRequest {
                query: "x".repeat(5 * 1024 * 1024),
                ..Default::default()
            },
            &token,
        ))
        .await
        .unwrap_err();
    assert_eq!(big.code(), tonic::Code::ResourceExhausted);

    // Unknown methods and services, with and without a token.
    for unknown in [
        "/icc.v1.OrdersService/DropTables",
        "/icc.v9.Nope/Nothing",
        "/",
    ] {
        for token in [None, Some(token.as_str())] {
            let (status, headers, frames) = call(addr, unknown, Vec::new(), token).await;
            assert_eq!(status, 200, "{unknown}");
            let (code, message) = status_of(&headers, &frames);
            assert_eq!(code, "12", "{unknown}: {message}");
        }
    }

    // grpc-web with GET is not a call.
    let mut sender = h1(addr).await;
    let get = http::Request::get(path)
        .header("host", "gateway")
        .header("content-type", GRPC_WEB)
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(sender.send_request(get).await.unwrap().status(), 405);

    // The gateway still serves after all that.
    let ok = catalog(mesh.channel().await)
        .list_products(authed(pb::ListProductsRequest::default(), &token))
        .await;
    assert!(ok.is_ok(), "{ok:?}");
}

async fn get(addr: SocketAddr, path: &str, origin: Option<&str>) -> http::Response<Bytes> {
    let mut sender = h1(addr).await;
    let mut b = http::Request::get(path).header("host", "gateway");
    if let Some(o) = origin {
        b = b.header("origin", o);
    }
    let response = sender
        .send_request(b.body(Full::new(Bytes::new())).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    http::Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
}

async fn preflight(addr: SocketAddr, origin: &str) -> http::Response<Bytes> {
    let mut sender = h1(addr).await;
    let request = http::Request::builder()
        .method("OPTIONS")
        .uri("/icc.v1.CatalogService/ListProducts")
        .header("host", "gateway")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization,x-grpc-web",
        )
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let (parts, body) = response.into_parts();
    http::Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
}

#[tokio::test(flavor = "multi_thread")]
async fn static_files_and_cors() {
    // No web UI, no CORS: a short 404 that says what the port is, and no
    // cross-origin permission.
    let plain = Mesh::start(&[]).await;
    let r = get(plain.gateway.addr, "/", None).await;
    assert_eq!(r.status(), 404);
    assert!(String::from_utf8_lossy(r.body()).contains("grpc-web"));
    let r = preflight(plain.gateway.addr, "http://elsewhere.example").await;
    assert!(r.headers().get("access-control-allow-origin").is_none());

    // A web UI directory and one allowed origin.
    let web = tempfile::tempdir().unwrap();
    std::fs::write(
        web.path().join("index.html"),
        "<!doctype html><title>ICC</title>",
    )
    .unwrap();
    std::fs::create_dir(web.path().join("assets")).unwrap();
    std::fs::write(web.path().join("assets/app.js"), "console.log('icc')").unwrap();
    let dir = web.path().to_str().unwrap();
    let mesh = Mesh::start(&["--web-dir", dir, "--cors-origins", "http://ui.example:5173"]).await;
    let addr = mesh.gateway.addr;
    let index = get(addr, "/", None).await;
    assert_eq!(index.status(), 200);
    assert!(String::from_utf8_lossy(index.body()).contains("<title>ICC</title>"));
    let js = get(addr, "/assets/app.js", None).await;
    assert_eq!(js.status(), 200);
    assert!(
        js.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    // The UI's own routes get index.html.
    let route = get(addr, "/inventory/TEA-001", None).await;
    assert_eq!(route.status(), 200);
    assert!(String::from_utf8_lossy(route.body()).contains("<title>ICC</title>"));
    // A file the build does not have is not found, not the page.
    for missing in ["/assets/gone.js", "/.env", "/favicon.ico"] {
        assert_eq!(get(addr, missing, None).await.status(), 404, "{missing}");
    }

    let allowed = preflight(addr, "http://ui.example:5173").await;
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "http://ui.example:5173"
    );
    let exposed = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        exposed.contains("authorization") && exposed.contains("x-grpc-web"),
        "{exposed}"
    );
    let other = preflight(addr, "http://evil.example").await;
    assert!(other.headers().get("access-control-allow-origin").is_none());
    // A real cross-origin call carries the permission and exposes the status.
    let mut sender = h1(addr).await;
    let login = pb::LoginRequest {
        username: VIEWER.0.into(),
        password: VIEWER.1.into(),
    };
    let mut request = post("/icc.v1.AuthService/Login", frame(&login), None);
    request
        .headers_mut()
        .insert("origin", "http://ui.example:5173".parse().unwrap());
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://ui.example:5173"
    );
    let expose = response.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(expose.contains("grpc-status"), "{expose}");
}
