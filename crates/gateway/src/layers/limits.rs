//! Load shedding and the per-request timeout.
//!
//! - [`Shed`]: at most N calls in flight (a streaming call counts until
//!   its stream opens); one more is refused at once with
//!   RESOURCE_EXHAUSTED, so an overloaded gateway answers instead of
//!   queueing without bound.
//! - [`Deadline`]: a unary call that has not answered within the gateway's
//!   timeout (or the client's `grpc-timeout`, if sooner) is answered with
//!   DEADLINE_EXCEEDED.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Semaphore;
use tonic::Status;
use tower::{Layer, Service};

use super::{HttpRequest, HttpResponse, ResponseFuture, is_grpc, status_response};
use crate::policy::Rule;
use crate::upstream::parse_grpc_timeout;

#[derive(Debug, Clone)]
pub struct ShedLayer {
    permits: Arc<Semaphore>,
    limit: usize,
}

impl ShedLayer {
    pub fn new(limit: usize) -> Self {
        ShedLayer {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }
}

impl<S> Layer<S> for ShedLayer {
    type Service = Shed<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Shed {
            inner,
            permits: self.permits.clone(),
            limit: self.limit,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Shed<S> {
    inner: S,
    permits: Arc<Semaphore>,
    limit: usize,
}

impl<S, E> Service<HttpRequest> for Shed<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = E>,
    S::Future: Send + 'static,
    E: Send + 'static,
{
    type Response = HttpResponse;
    type Error = E;
    type Future = ResponseFuture<E>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let Ok(permit) = self.permits.clone().try_acquire_owned() else {
            metrics::counter!("icc_gateway_shed_total").increment(1);
            let status = Status::resource_exhausted(format!(
                "the gateway is at capacity ({} calls in flight); retry shortly",
                self.limit
            ));
            return Box::pin(std::future::ready(Ok(status_response(status))));
        };
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await;
            drop(permit);
            response
        })
    }
}

#[derive(Debug, Clone)]
pub struct DeadlineLayer {
    timeout: Duration,
}

impl DeadlineLayer {
    pub fn new(timeout: Duration) -> Self {
        DeadlineLayer { timeout }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadline {
            inner,
            timeout: self.timeout,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Deadline<S> {
    inner: S,
    timeout: Duration,
}

impl<S, E> Service<HttpRequest> for Deadline<S>
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

    fn call(&mut self, request: HttpRequest) -> Self::Future {
        let unary = is_grpc(&request)
            && request
                .extensions()
                .get::<&'static Rule>()
                .is_some_and(|r| r.is_unary());
        if !unary {
            return Box::pin(self.inner.call(request));
        }
        let theirs = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let timeout = theirs.map_or(self.timeout, |t| t.min(self.timeout));
        let future = self.inner.call(request);
        Box::pin(async move {
            match tokio::time::timeout(timeout, future).await {
                Ok(response) => response,
                Err(_) => Ok(status_response(Status::deadline_exceeded(format!(
                    "no answer within the deadline of {} ms",
                    timeout.as_millis()
                )))),
            }
        })
    }
}
