//! Authorization of every gRPC call against the role table.
//!
//! - a path not in the table: UNIMPLEMENTED, nothing forwarded (default
//!   deny);
//! - an open method (health, reflection, Login): passes;
//! - otherwise a valid, unexpired token of an existing, enabled user is
//!   required (else UNAUTHENTICATED), whose current role in the store
//!   includes the method's (else PERMISSION_DENIED). The caller goes into
//!   the request's extensions.
//!
//! The token is read from `authorization: Bearer <token>` and never logged.

use std::task::{Context, Poll};

use http::header::AUTHORIZATION;
use tonic::Status;
use tower::{Layer, Service};

use super::{HttpRequest, HttpResponse, ResponseFuture, is_grpc, status_response};
use crate::auth::{AuthState, Caller};
use crate::policy::{self, Access, Rule, role_name};

/// Longest path echoed in an UNIMPLEMENTED message.
const MAX_ECHOED_PATH: usize = 100;

#[derive(Clone)]
pub struct AuthorizeLayer {
    auth: AuthState,
}

impl AuthorizeLayer {
    pub fn new(auth: AuthState) -> Self {
        AuthorizeLayer { auth }
    }
}

impl<S> Layer<S> for AuthorizeLayer {
    type Service = Authorize<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Authorize {
            inner,
            auth: self.auth.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Authorize<S> {
    inner: S,
    auth: AuthState,
}

/// The bearer token of a request, if it has one.
fn bearer(request: &HttpRequest) -> Result<&str, Status> {
    let Some(value) = request.headers().get(AUTHORIZATION) else {
        return Err(Status::unauthenticated(
            "missing token: log in with AuthService/Login and send `authorization: Bearer <token>`",
        ));
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Status::unauthenticated("the authorization metadata must be `Bearer <token>`")
        })
}

impl<S, E> Service<HttpRequest> for Authorize<S>
where
    S: Service<HttpRequest, Response = HttpResponse, Error = E> + Clone + Send + 'static,
    S::Future: Send + 'static,
    E: Send + 'static,
{
    type Response = HttpResponse;
    type Error = E;
    type Future = ResponseFuture<E>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: HttpRequest) -> Self::Future {
        let refuse = |status: Status| -> Self::Future {
            Box::pin(std::future::ready(Ok(status_response(status))))
        };
        if !is_grpc(&request) {
            return Box::pin(self.inner.call(request));
        }
        let path = request.uri().path();
        let rule: Option<&'static Rule> = request
            .extensions()
            .get::<&'static Rule>()
            .copied()
            .or_else(|| policy::lookup(path));
        let Some(rule) = rule else {
            let shown: String = path.chars().take(MAX_ECHOED_PATH).collect();
            return refuse(Status::unimplemented(format!(
                "unknown method {shown}: the gateway serves icc.v1 services, health and reflection"
            )));
        };
        let Access::AtLeast(need) = rule.access else {
            return Box::pin(self.inner.call(request));
        };
        let token = match bearer(&request) {
            Ok(token) => token,
            Err(status) => return refuse(status),
        };
        let (username, token_expires, password_stamp) = match self.auth.tokens.verify(token) {
            Ok(v) => (v.username, v.expires, v.password_stamp),
            Err(e) => return refuse(Status::unauthenticated(e.to_string())),
        };
        // The ready inner service serves this call; a fresh clone waits for
        // the next one.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let directory = self.auth.directory.clone();
        Box::pin(async move {
            let standing = directory.standing(&username).await;
            let role = match standing.and_then(|s| s.signed_in_role(password_stamp)) {
                Ok(role) => role,
                Err(status) => return Ok(status_response(status)),
            };
            if !policy::allows(role, need) {
                tracing::info!(username = %username, role = role_name(role), method = rule.path, "permission denied");
                return Ok(status_response(Status::permission_denied(format!(
                    "{} may not call {}: it needs {}",
                    role_name(role),
                    rule.path.trim_start_matches('/'),
                    role_name(need)
                ))));
            }
            request.extensions_mut().insert(Caller {
                username,
                role,
                token_expires,
                password_stamp,
            });
            inner.call(request).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_auth(value: &str) -> HttpRequest {
        http::Request::builder()
            .header(AUTHORIZATION, value)
            .body(tonic::body::Body::empty())
            .unwrap()
    }

    #[test]
    fn reads_bearer_tokens() {
        let token = |value: &str| {
            bearer(&with_auth(value))
                .map(str::to_owned)
                .map_err(|s| s.message().to_owned())
        };
        assert_eq!(token("Bearer abc.def").as_deref(), Ok("abc.def"));
        assert_eq!(token("bearer  abc ").as_deref(), Ok("abc"));
        for malformed in ["Basic abc", "Bearer ", "abc"] {
            let e = token(malformed).unwrap_err();
            assert!(e.contains("must be `Bearer <token>`"), "{malformed}: {e}");
        }
        let none = http::Request::builder()
            .body(tonic::body::Body::empty())
            .unwrap();
        let e = bearer(&none).unwrap_err();
        assert!(e.message().starts_with("missing token"), "{e:?}");
    }
}
