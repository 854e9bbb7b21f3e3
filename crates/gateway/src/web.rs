//! Plain HTTP requests (not gRPC, not grpc-web): the web UI's static files
//! when a directory is configured (unknown paths get index.html, for the
//! UI's own routes), else a short 404 that says what this port is.

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
    files: Option<ServeDir<ServeFile>>,
}

impl Web {
    pub fn new(dir: Option<&Path>) -> Self {
        Web {
            files: dir.map(|d| ServeDir::new(d).fallback(ServeFile::new(d.join("index.html")))),
        }
    }
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
            let response = files.oneshot(request).await?;
            Ok(response.map(Body::new))
        })
    }
}
