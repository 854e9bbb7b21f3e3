//! Classifies each gRPC call by the role table (the rule goes into the
//! request's extensions for the layers and handlers below) and records it:
//! requests and errors by method and code, latency, open streams.
//!
//! The code of a call is known only when its response body ends (in the
//! trailers), so the body is wrapped; a body dropped before its end (the
//! client went away) counts as CANCELLED.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tonic::Code;
use tonic::body::Body;
use tower::{Layer, Service};

use super::{HttpRequest, HttpResponse, ResponseFuture, code_name, grpc_status, is_grpc};
use crate::policy::{self, Kind, Rule};

/// Label of calls to paths outside the role table (bounded cardinality).
const UNKNOWN_METHOD: &str = "unknown";

#[derive(Debug, Clone, Default)]
pub struct ObserveLayer;

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
}

impl<S, E> Service<HttpRequest> for Observe<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = E>,
    S::Future: Send + 'static,
{
    type Response = HttpResponse;
    type Error = E;
    type Future = ResponseFuture<E>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: HttpRequest) -> Self::Future {
        if !is_grpc(&request) {
            return Box::pin(self.inner.call(request));
        }
        let rule: Option<&'static Rule> = policy::lookup(request.uri().path());
        if let Some(rule) = rule {
            request.extensions_mut().insert(rule);
        }
        let method = rule.map_or(UNKNOWN_METHOD, |r| r.path);
        let stream = rule.is_some_and(|r| r.kind == Kind::ServerStream);
        let start = Instant::now();
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            let mut finish = Finish {
                method,
                start,
                code: grpc_status(response.headers()),
                stream,
            };
            if finish.code.is_none() && !response.status().is_success() {
                finish.code = Some(Code::Unknown);
            }
            if stream {
                metrics::gauge!("icc_gateway_open_streams", "method" => method).increment(1.0);
            }
            Ok(response.map(|inner| {
                Body::new(Observed {
                    inner,
                    finish: Some(finish),
                })
            }))
        })
    }
}

/// Records a call once, when its body ends or is dropped.
struct Finish {
    method: &'static str,
    start: Instant,
    code: Option<Code>,
    stream: bool,
}

impl Drop for Finish {
    fn drop(&mut self) {
        let code = code_name(self.code.unwrap_or(Code::Cancelled));
        let method = self.method;
        metrics::counter!("icc_gateway_requests_total", "method" => method, "code" => code)
            .increment(1);
        // A dropped body (no status) is a client that went away.
        if !matches!(self.code, Some(Code::Ok | Code::Cancelled) | None) {
            metrics::counter!("icc_gateway_errors_total", "method" => method, "code" => code)
                .increment(1);
        }
        metrics::histogram!("icc_gateway_request_duration_seconds", "method" => method)
            .record(self.start.elapsed().as_secs_f64());
        if self.stream {
            metrics::gauge!("icc_gateway_open_streams", "method" => method).decrement(1.0);
        }
        tracing::debug!(
            method,
            code,
            elapsed_ms = self.start.elapsed().as_millis() as u64,
            "call finished"
        );
    }
}

pin_project_lite::pin_project! {
    /// A response body that notes the trailers' status and finishes the
    /// call's record at its end.
    struct Observed {
        #[pin]
        inner: Body,
        finish: Option<Finish>,
    }
}

impl HttpBody for Observed {
    type Data = Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(trailers), Some(finish)) = (frame.trailers_ref(), this.finish.as_mut())
                {
                    finish.code = grpc_status(trailers).or(finish.code);
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(finish) = this.finish.as_mut() {
                    finish.code.get_or_insert(Code::Unknown);
                }
                this.finish.take();
            }
            Poll::Ready(None) => {
                this.finish.take();
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
