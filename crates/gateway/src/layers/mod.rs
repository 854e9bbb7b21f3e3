//! The gateway's tower layers, each a small service of its own. They are
//! stacked, in one place, by [`crate::serve`](fn@crate::serve).
//!
//! - [`request_id`]: `x-request-id` (kept or generated), a tracing span,
//!   the id echoed on the response and passed on upstream;
//! - [`observe`]: classifies the call by the role table, and records
//!   requests, errors by code, latency and open streams;
//! - [`rewrite`]: tonic's own rejections as the codes this API promises,
//!   and grpc-web-text requests answered in text;
//! - [`limits`]: load shedding and the per-request timeout;
//! - [`authorize`]: tokens and roles against the role table.

pub mod authorize;
pub mod limits;
pub mod observe;
pub mod request_id;
pub mod rewrite;

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use http::header::CONTENT_TYPE;
use tonic::body::Body;
use tonic::{Code, Status};

pub use request_id::REQUEST_ID;

/// What every layer takes and gives.
pub type HttpRequest = http::Request<Body>;
pub type HttpResponse = http::Response<Body>;
/// The boxed future of a layer's response.
pub type ResponseFuture<E = Infallible> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, E>> + Send + 'static>>;

/// Whether a request is gRPC (after grpc-web translation, grpc-web
/// requests are too).
pub fn is_grpc<B>(request: &http::Request<B>) -> bool {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/grpc"))
}

/// A trailers-only gRPC response carrying `status`.
pub fn status_response(status: Status) -> HttpResponse {
    status.into_http()
}

/// A status code as gRPC spells it, for metrics labels.
pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// The `grpc-status` of a header map (response headers of a trailers-only
/// response, or trailers).
pub fn grpc_status(headers: &http::HeaderMap) -> Option<Code> {
    headers
        .get("grpc-status")
        .map(|v| Code::from_bytes(v.as_bytes()))
}
