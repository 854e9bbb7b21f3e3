//! Oversized messages as RESOURCE_EXHAUSTED.
//!
//! tonic rejects a request message over the size limit with OUT_OF_RANGE,
//! but gRPC's status code guide (and our contract) says RESOURCE_EXHAUSTED.
//! The rejection happens before any handler runs, so it always arrives as a
//! trailers-only response: rewriting its headers is enough.

use tonic::codegen::http::{HeaderValue, Response};

/// The message tonic gives an over-limit decoded message.
const TONIC_TOO_LARGE: &str = "decoded message length too large";

/// A `tower::util::MapResponseLayer` function: rewrites tonic's over-limit
/// OUT_OF_RANGE into RESOURCE_EXHAUSTED; passes everything else through.
pub fn oversize_as_resource_exhausted<B>(mut response: Response<B>) -> Response<B> {
    let headers = response.headers_mut();
    let out_of_range = headers.get("grpc-status").is_some_and(|v| v == "11");
    let too_large = headers
        .get("grpc-message")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|m| m.replace("%20", " ").contains(TONIC_TOO_LARGE));
    if out_of_range && too_large {
        headers.insert("grpc-status", HeaderValue::from_static("8"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: &'static str, message: &'static str) -> Response<()> {
        let mut r = Response::new(());
        r.headers_mut()
            .insert("grpc-status", HeaderValue::from_static(status));
        r.headers_mut()
            .insert("grpc-message", HeaderValue::from_static(message));
        r
    }

    #[test]
    fn rewrites_only_the_size_rejection() {
        let msg = "Error, decoded message length too large: found 5 bytes, the limit is: 4 bytes";
        let r = oversize_as_resource_exhausted(response("11", msg));
        assert_eq!(r.headers()["grpc-status"], "8");
        let other = oversize_as_resource_exhausted(response("11", "resume_after_seq: ahead"));
        assert_eq!(other.headers()["grpc-status"], "11");
        let ok = oversize_as_resource_exhausted(response("0", msg));
        assert_eq!(ok.headers()["grpc-status"], "0");
    }
}
