//! tonic's own rejections of a request, as the codes this API promises;
//! and grpc-web-text answered in text.
//!
//! They happen before any handler runs, so they always arrive as
//! trailers-only responses: rewriting the headers is enough.
//! - a message over the size limit: OUT_OF_RANGE becomes
//!   RESOURCE_EXHAUSTED (as gRPC specifies; icc-server does this);
//! - a request body that is not a valid gRPC frame or protobuf message:
//!   tonic says INTERNAL, but the fault is the client's, and INTERNAL
//!   means a bug here, so it becomes INVALID_ARGUMENT.

use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};

use super::{HttpResponse, grpc_status};

/// Messages tonic gives a request it cannot decode.
const DECODE_FAILURES: [&str; 6] = [
    "Missing request message",
    "tonic-web:",
    "failed to decode Protobuf message",
    "Unexpected EOF decoding stream",
    "protocol error: received message with",
    "Error decompressing",
];

/// A `MapRequestLayer` function: a grpc-web-text request without an
/// Accept header is answered in grpc-web-text too (tonic-web picks the
/// answer's encoding by Accept alone, and would answer in binary, which a
/// text client cannot read).
pub fn text_answers_for_text<B>(mut request: http::Request<B>) -> http::Request<B> {
    let text = request
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/grpc-web-text"));
    if text && !request.headers().contains_key(ACCEPT) {
        let accept = HeaderValue::from_static("application/grpc-web-text");
        request.headers_mut().insert(ACCEPT, accept);
    }
    request
}

/// A `MapResponseLayer` function.
pub fn rewrite_status(response: HttpResponse) -> HttpResponse {
    let mut response = icc_server::oversize_as_resource_exhausted(response);
    if grpc_status(response.headers()) == Some(tonic::Code::Internal) {
        let message = response
            .headers()
            .get("grpc-message")
            .and_then(|v| v.to_str().ok())
            .map(|m| m.replace("%20", " "))
            .unwrap_or_default();
        if DECODE_FAILURES.iter().any(|f| message.contains(f)) {
            let headers = response.headers_mut();
            headers.insert("grpc-status", HeaderValue::from_static("3"));
            headers.insert(
                "grpc-message",
                HeaderValue::from_static("malformed%20request:%20not%20a%20valid%20gRPC%20message"),
            );
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use tonic::Status;

    use super::*;

    #[test]
    fn rewrites_only_what_tonic_rejected() {
        let decode = rewrite_status(
            Status::internal("failed to decode Protobuf message: buffer underflow").into_http(),
        );
        assert_eq!(decode.headers()["grpc-status"], "3");
        let eof = rewrite_status(Status::internal("Unexpected EOF decoding stream.").into_http());
        assert_eq!(eof.headers()["grpc-status"], "3");
        let big = rewrite_status(
            Status::out_of_range(
                "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
            )
            .into_http(),
        );
        assert_eq!(big.headers()["grpc-status"], "8");
        let bug = rewrite_status(Status::internal("internal error").into_http());
        assert_eq!(bug.headers()["grpc-status"], "13");
        let ok = rewrite_status(Status::not_found("x").into_http());
        assert_eq!(ok.headers()["grpc-status"], "5");
    }
}
