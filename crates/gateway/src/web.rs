//! Plain HTTP requests (not gRPC, not grpc-web): the web UI's static files
//! when a directory is configured, else a short 404 that says what this
//! port is. An unknown path gets index.html (the UI's own routes, such as
//! /forecast/BAK-026), unless it names a file (under /assets/, or a dot in
//! a top-level name): a missing script or image is a 404, not a page.

use std::convert::Infallible;
use std::path::Path;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::Full;
use tonic::body::Body;
use tower::{Service, ServiceExt};
use tower_http::services::{ServeDir, ServeFile};

use crate::layers::{HttpRequest, HttpResponse, ResponseFuture};

const NO_UI: &str = "This is the Inventory Command Center gateway: gRPC and grpc-web on this port.\n\
                     No web UI is configured (--web-dir).\n";

#[derive(Clone)]
pub struct Web {
    files: Option<Files>,
}

/// The UI's directory, served with and without the index.html fallback.
#[derive(Clone)]
struct Files {
    routes: ServeDir<ServeFile>,
    exact: ServeDir,
}

impl Web {
    pub fn new(dir: Option<&Path>) -> Self {
        Web {
            files: dir.map(|d| Files {
                routes: ServeDir::new(d).fallback(ServeFile::new(d.join("index.html"))),
                exact: ServeDir::new(d),
            }),
        }
    }
}

/// Whether `path` names a file rather than a route of the UI: the build's
/// files are under /assets/ or at the top with a dot (/favicon.ico), and
/// routes such as /forecast/X.1 may hold a dot in a SKU.
fn names_a_file(path: &str) -> bool {
    let top = path.strip_prefix('/').unwrap_or(path);
    path.starts_with("/assets/") || (!top.contains('/') && top.contains('.'))
}

impl Service<HttpRequest> for Web {
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let Some(files) = self.files.clone() else {
            let response = http::Response::builder()
                .status(404)
                .header("content-type", "text/plain; charset=utf-8")
                .body(Body::new(Full::new(Bytes::from_static(NO_UI.as_bytes()))))
                .expect("a static response");
            return Box::pin(std::future::ready(Ok(response)));
        };
        Box::pin(async move {
            let response = if names_a_file(request.uri().path()) {
                files.exact.oneshot(request).await?.map(Body::new)
            } else {
                files.routes.oneshot(request).await?.map(Body::new)
            };
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn files_and_routes_are_told_apart() {
        for file in ["/assets/index-abc.js", "/assets/x", "/.env", "/favicon.ico"] {
            assert!(super::names_a_file(file), "{file}");
        }
        for route in [
            "/",
            "/forecast/BAK-026",
            "/forecast/X_1.2",
            "/orders",
            "/metrics",
            "/inventory/",
        ] {
            assert!(!super::names_a_file(route), "{route}");
        }
    }
}
