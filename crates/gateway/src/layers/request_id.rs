//! Request ids: every call carries `x-request-id` (the client's when it
//! sent a sane one, else a new UUIDv7), runs inside a tracing span that
//! names it, echoes it on the response, and forwarders pass it upstream.

use std::task::{Context, Poll};

use http::HeaderValue;
use tower::{Layer, Service};
use tracing::Instrument;

use super::{HttpRequest, HttpResponse, ResponseFuture};

/// The header (and gRPC metadata key) of the request id.
pub const REQUEST_ID: &str = "x-request-id";
/// Longest client-supplied id kept.
const MAX_LEN: usize = 128;

#[derive(Debug, Clone, Default)]
pub struct RequestIdLayer;

impl<S> Layer<S> for RequestIdLayer {
    type Service = RequestId<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequestId { inner }
    }
}

#[derive(Debug, Clone)]
pub struct RequestId<S> {
    inner: S,
}

fn sane(v: &HeaderValue) -> bool {
    (1..=MAX_LEN).contains(&v.len()) && v.as_bytes().iter().all(|b| (0x21..=0x7e).contains(b))
}

impl<S, E> Service<HttpRequest> for RequestId<S>
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
        let id = match request.headers().get(REQUEST_ID) {
            Some(v) if sane(v) => v.clone(),
            _ => {
                let fresh = HeaderValue::try_from(uuid::Uuid::now_v7().to_string())
                    .expect("a UUID is a valid header value");
                request.headers_mut().insert(REQUEST_ID, fresh.clone());
                fresh
            }
        };
        let span = tracing::info_span!(
            "rpc",
            method = %request.uri().path(),
            request_id = %id.to_str().unwrap_or_default(),
        );
        let future = span.in_scope(|| self.inner.call(request));
        Box::pin(
            async move {
                let mut response = future.await?;
                response.headers_mut().insert(REQUEST_ID, id);
                Ok(response)
            }
            .instrument(span),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_sane_ids() {
        assert!(sane(&HeaderValue::from_static("abc-123")));
        assert!(!sane(&HeaderValue::from_static("has space")));
        assert!(!sane(&HeaderValue::from_str(&"x".repeat(129)).unwrap()));
    }
}
