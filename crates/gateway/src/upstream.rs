//! Calls to the services behind the gateway.
//!
//! Each service is one balanced channel over its configured addresses
//! (lazy connections that reconnect by themselves, so a service that comes
//! back is used again without restarting the gateway). Every call has a
//! deadline: the gateway's, or the client's `grpc-timeout` when shorter.
//! Only idempotent reads ([`Kind::Read`] in the role table) are retried
//! when a service is unavailable, a bounded number of times with jittered
//! backoff, and only while the deadline allows; other calls are retried
//! only when they provably never left the gateway (the connection could
//! not be made), like gRPC's transparent retries. Statuses coming back are cleaned: codes written for
//! users pass with their message, transport and internal failures become a
//! plain UNAVAILABLE or INTERNAL that names no address or driver.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Instant;
use tokio_stream::wrappers::ReceiverStream;
use tonic::metadata::MetadataMap;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Request, Response, Status, Streaming};

use crate::layers::REQUEST_ID;
use crate::policy::{Kind, Rule};

/// A stream of responses as the generated servers want it.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

/// First retry delay; doubles per retry, plus up to as much jitter.
const RETRY_BASE: Duration = Duration::from_millis(25);

/// One service behind the gateway.
pub struct Upstream {
    /// Short name, for metrics and logs: `orders`, `ingest`, `forecast`.
    pub name: &'static str,
    /// How messages name it: "the orders service".
    label: String,
    channel: Channel,
    timeout: Duration,
    retries: u32,
}

/// Settings shared by every upstream.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub connect_timeout: Duration,
    /// Deadline of a unary call, all retries included.
    pub timeout: Duration,
    pub retries: u32,
}

impl Upstream {
    /// A balanced channel over `addrs` (`host:port` or `http://host:port`).
    /// Connections are made lazily, so this succeeds while a service is
    /// still down. Must run inside a tokio runtime.
    pub fn new(name: &'static str, addrs: &[String], settings: Settings) -> anyhow::Result<Self> {
        let endpoints = addrs
            .iter()
            .map(|a| {
                let uri = if a.contains("://") {
                    a.clone()
                } else {
                    format!("http://{a}")
                };
                Ok(Endpoint::from_shared(uri)
                    .map_err(|e| anyhow::anyhow!("{name} upstream {a:?}: {e}"))?
                    .connect_timeout(settings.connect_timeout)
                    .tcp_nodelay(true)
                    // Notice a silently dead connection within seconds.
                    .http2_keep_alive_interval(Duration::from_secs(10))
                    .keep_alive_timeout(Duration::from_secs(5))
                    .keep_alive_while_idle(true))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Upstream {
            name,
            label: format!("the {name} service"),
            channel: Channel::balance_list(endpoints.into_iter()),
            timeout: settings.timeout,
            retries: settings.retries,
        })
    }

    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The deadline of a call: ours, or the client's when sooner.
    fn deadline(&self, metadata: &MetadataMap, ours: Duration) -> Instant {
        let budget = grpc_timeout(metadata).map_or(ours, |theirs| theirs.min(ours));
        Instant::now() + budget
    }

    /// Forwards a unary call made by `call` on a clone of `client`;
    /// retries it when the role table says it is a read.
    pub async fn unary<C, Req, Resp, F, Fut>(
        &self,
        request: Request<Req>,
        client: C,
        call: F,
    ) -> Result<Response<Resp>, Status>
    where
        C: Clone,
        Req: Clone,
        F: Fn(C, Request<Req>) -> Fut,
        Fut: Future<Output = Result<Response<Resp>, Status>>,
    {
        let retryable = request
            .extensions()
            .get::<&'static Rule>()
            .is_some_and(|r| r.kind == Kind::Read);
        let deadline = self.deadline(request.metadata(), self.timeout);
        let request_id = request.metadata().get(REQUEST_ID).cloned();
        let message = request.into_inner();
        let mut attempt = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(self.deadline_exceeded());
            }
            let mut outgoing = Request::new(message.clone());
            outgoing.set_timeout(remaining);
            if let Some(id) = &request_id {
                outgoing.metadata_mut().insert(REQUEST_ID, id.clone());
            }
            let status =
                match tokio::time::timeout_at(deadline, call(client.clone(), outgoing)).await {
                    Ok(Ok(response)) => {
                        self.count(Code::Ok);
                        return Ok(Response::new(response.into_inner()));
                    }
                    Ok(Err(status)) => status,
                    Err(_) => {
                        self.count(Code::DeadlineExceeded);
                        return Err(self.deadline_exceeded());
                    }
                };
            self.count(status.code());
            let backoff = RETRY_BASE * 2u32.pow(attempt)
                + RETRY_BASE.mul_f64(rand::random::<f64>()) * 2u32.pow(attempt);
            // A read is retried when the service is unavailable or its
            // connection was lost mid-call; any call is when it never left
            // the gateway (no connection could be made), as gRPC's
            // transparent retries do.
            let lost = matches!(status.code(), Code::Unavailable | Code::Cancelled);
            if (retryable && lost || never_sent(&status))
                && attempt < self.retries
                && Instant::now() + backoff < deadline
            {
                attempt += 1;
                metrics::counter!("icc_gateway_upstream_retries_total", "upstream" => self.name)
                    .increment(1);
                tracing::debug!(upstream = self.name, attempt, "retrying a read");
                tokio::time::sleep(backoff).await;
                continue;
            }
            return Err(self.clean(status, deadline));
        }
    }

    /// Forwards a server-streaming call: the deadline covers opening the
    /// stream; its messages then flow as they come, errors cleaned.
    pub async fn server_stream<C, Req, Resp, F, Fut>(
        self: &std::sync::Arc<Self>,
        request: Request<Req>,
        client: C,
        call: F,
    ) -> Result<Response<BoxStream<Resp>>, Status>
    where
        Resp: Send + 'static,
        F: FnOnce(C, Request<Req>) -> Fut,
        Fut: Future<Output = Result<Response<Streaming<Resp>>, Status>>,
    {
        let deadline = self.deadline(request.metadata(), self.timeout);
        let outgoing = outgoing(request.metadata(), None).map(|()| request.into_inner());
        let opened = tokio::time::timeout_at(deadline, call(client, outgoing)).await;
        let stream = match opened {
            Ok(Ok(response)) => response.into_inner(),
            Ok(Err(status)) => {
                self.count(status.code());
                return Err(self.clean(status, deadline));
            }
            Err(_) => {
                self.count(Code::DeadlineExceeded);
                return Err(self.deadline_exceeded());
            }
        };
        self.count(Code::Ok);
        let me = self.clone();
        let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
        Ok(Response::new(Box::pin(
            stream.map(move |item| item.map_err(|s| me.clean(s, far))),
        )))
    }

    /// Forwards a client-streaming call (an import). A message the client
    /// sends that cannot be read (malformed, too large) cancels the
    /// upstream call, so nothing is half-imported, and is answered with
    /// its own status.
    pub async fn client_stream<C, Req, Resp, F, Fut>(
        &self,
        request: Request<Streaming<Req>>,
        timeout: Duration,
        client: C,
        call: F,
    ) -> Result<Response<Resp>, Status>
    where
        Req: Send + 'static,
        F: FnOnce(C, Request<ReceiverStream<Req>>) -> Fut,
        Fut: Future<Output = Result<Response<Resp>, Status>>,
    {
        let deadline = self.deadline(request.metadata(), timeout);
        let outgoing = outgoing(request.metadata(), Some(deadline));
        let (failed_tx, failed_rx) = tokio::sync::oneshot::channel::<Status>();
        let messages = client_messages(request.into_inner(), failed_tx);
        let outgoing = outgoing.map(|()| messages);
        let result = tokio::select! {
            r = tokio::time::timeout_at(deadline, call(client, outgoing)) => r,
            Ok(status) = failed_rx => return Err(inbound_status(status)),
        };
        match result {
            Ok(Ok(response)) => {
                self.count(Code::Ok);
                Ok(Response::new(response.into_inner()))
            }
            Ok(Err(status)) => {
                self.count(status.code());
                Err(self.clean(status, deadline))
            }
            Err(_) => {
                self.count(Code::DeadlineExceeded);
                Err(self.deadline_exceeded())
            }
        }
    }

    fn count(&self, code: Code) {
        metrics::counter!(
            "icc_gateway_upstream_calls_total",
            "upstream" => self.name,
            "code" => crate::layers::code_name(code),
        )
        .increment(1);
    }

    fn deadline_exceeded(&self) -> Status {
        Status::deadline_exceeded(format!("{} did not answer in time", self.label))
    }

    /// The status the client gets for one the service returned.
    pub fn clean(&self, status: Status, deadline: Instant) -> Status {
        let code = status.code();
        match code {
            // Written for users by the services: precise and safe to pass.
            Code::InvalidArgument
            | Code::NotFound
            | Code::AlreadyExists
            | Code::FailedPrecondition
            | Code::Aborted => Status::new(code, status.message()),
            // A response over the gateway's message limit.
            Code::OutOfRange if status.message().contains("message length too large") => {
                Status::resource_exhausted(
                    "the response is larger than the gateway's message limit",
                )
            }
            Code::OutOfRange | Code::ResourceExhausted => Status::new(code, status.message()),
            Code::DeadlineExceeded => self.deadline_exceeded(),
            Code::Cancelled if Instant::now() >= deadline => self.deadline_exceeded(),
            // Before the deadline a cancel comes from the connection, not
            // the caller (a caller who cancels waits for no answer): the
            // service went away mid-call (h2 resets the stream with CANCEL
            // when it dies), so for the caller it is unavailable.
            Code::Cancelled | Code::Unavailable | Code::Unknown => {
                tracing::warn!(upstream = self.name, code = ?code, error = status.message(), "service unavailable");
                Status::unavailable(format!("{} is unavailable; try again shortly", self.label))
            }
            Code::Unimplemented => Status::unimplemented(format!(
                "{} does not implement this method (is it older than the gateway?)",
                self.label
            )),
            // Internal, DataLoss, and auth codes (the services trust the
            // gateway; a refusal there is a misconfiguration, not the
            // caller's fault).
            _ => {
                tracing::error!(upstream = self.name, code = ?code, error = status.message(), "service failed");
                Status::internal("internal error")
            }
        }
    }
}

/// The messages a client streams, relayed for the upstream call by a task.
/// The first one that cannot be read goes to `failed`, and the relay then
/// never ends its stream (ending it would make the service commit what
/// came so far): the caller cancels the upstream call instead.
fn client_messages<Req: Send + 'static>(
    mut inbound: Streaming<Req>,
    failed: tokio::sync::oneshot::Sender<Status>,
) -> ReceiverStream<Req> {
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            match inbound.next().await {
                Some(Ok(m)) => {
                    if tx.send(m).await.is_err() {
                        return;
                    }
                }
                Some(Err(status)) => {
                    let _ = failed.send(status);
                    // Hold the stream open until the upstream call is gone.
                    tx.closed().await;
                    return;
                }
                None => return,
            }
        }
    });
    ReceiverStream::new(rx)
}

/// Whether a call failed before it was sent: connecting failed.
fn never_sent(status: &Status) -> bool {
    let mut cause = std::error::Error::source(status);
    while let Some(e) = cause {
        if e.is::<tonic::ConnectError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// An empty outgoing request carrying the request id of an incoming one's
/// `metadata` (and the deadline, when given).
fn outgoing(metadata: &MetadataMap, deadline: Option<Instant>) -> Request<()> {
    let mut outgoing = Request::new(());
    if let Some(id) = metadata.get(REQUEST_ID) {
        outgoing.metadata_mut().insert(REQUEST_ID, id.clone());
    }
    if let Some(deadline) = deadline {
        outgoing.set_timeout(deadline.saturating_duration_since(Instant::now()));
    }
    outgoing
}

/// The status for a message the client streamed that could not be read.
pub fn inbound_status(status: Status) -> Status {
    match status.code() {
        Code::OutOfRange if status.message().contains("message length too large") => {
            Status::resource_exhausted(format!(
                "a request message is too large: {}",
                status.message()
            ))
        }
        Code::Internal => {
            Status::invalid_argument(format!("malformed request message: {}", status.message()))
        }
        _ => status,
    }
}

/// The client's `grpc-timeout`, if it sent a valid one.
pub fn grpc_timeout(metadata: &MetadataMap) -> Option<Duration> {
    parse_grpc_timeout(metadata.get("grpc-timeout")?.to_str().ok()?)
}

/// A `grpc-timeout` value: up to 8 digits and a unit (H, M, S, m, u, n).
pub fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(v: &str) -> MetadataMap {
        let mut m = MetadataMap::new();
        m.insert("grpc-timeout", v.parse().unwrap());
        m
    }

    #[test]
    fn parses_grpc_timeouts() {
        assert_eq!(grpc_timeout(&md("5S")), Some(Duration::from_secs(5)));
        assert_eq!(grpc_timeout(&md("250m")), Some(Duration::from_millis(250)));
        assert_eq!(grpc_timeout(&md("1H")), Some(Duration::from_secs(3600)));
        assert_eq!(grpc_timeout(&md("S")), None);
        assert_eq!(grpc_timeout(&md("123456789S")), None);
        assert_eq!(grpc_timeout(&md("5x")), None);
        assert_eq!(grpc_timeout(&MetadataMap::new()), None);
    }

    #[tokio::test]
    async fn cleans_statuses_without_leaking_internals() {
        let up = Upstream::new(
            "orders",
            &["127.0.0.1:1".to_owned()],
            Settings {
                connect_timeout: Duration::from_millis(100),
                timeout: Duration::from_secs(1),
                retries: 0,
            },
        )
        .unwrap();
        let later = Instant::now() + Duration::from_secs(60);
        let cases = [
            (
                Status::failed_precondition("not enough stock for A: requested 5, available 1"),
                Code::FailedPrecondition,
                "available 1",
            ),
            (
                Status::unavailable("tcp connect error: 10.0.0.7:50051: Connection refused"),
                Code::Unavailable,
                "the orders service is unavailable",
            ),
            (
                Status::unknown("h2 protocol error: connection reset at /srv/orders"),
                Code::Unavailable,
                "the orders service is unavailable",
            ),
            (
                Status::cancelled("h2 protocol error: stream reset: CANCEL"),
                Code::Unavailable,
                "the orders service is unavailable",
            ),
            (
                Status::internal("sqlite: disk I/O error at /var/lib/icc.db"),
                Code::Internal,
                "internal error",
            ),
            (
                Status::data_loss("page 7 corrupt"),
                Code::Internal,
                "internal error",
            ),
            (
                Status::unauthenticated("mtls: bad peer cert"),
                Code::Internal,
                "internal error",
            ),
            (
                Status::deadline_exceeded("Timeout expired"),
                Code::DeadlineExceeded,
                "did not answer in time",
            ),
            (
                Status::out_of_range(
                    "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
                ),
                Code::ResourceExhausted,
                "message limit",
            ),
            (
                Status::unimplemented(""),
                Code::Unimplemented,
                "does not implement",
            ),
        ];
        for (status, code, says) in cases {
            let cleaned = up.clean(status, later);
            assert_eq!(cleaned.code(), code, "{cleaned:?}");
            assert!(cleaned.message().contains(says), "{cleaned:?}");
            for secret in ["10.0.0.7", "/srv", "sqlite", "/var/lib", "page 7", "mtls"] {
                assert!(!cleaned.message().contains(secret), "{cleaned:?}");
            }
            assert!(cleaned.metadata().is_empty());
        }
    }

    #[test]
    fn unreadable_client_messages_are_the_clients_fault() {
        let s = inbound_status(Status::internal(
            "failed to decode Protobuf message: invalid wire type",
        ));
        assert_eq!(s.code(), Code::InvalidArgument);
        let s = inbound_status(Status::out_of_range(
            "Error, decoded message length too large: found 9 bytes, the limit is: 4 bytes",
        ));
        assert_eq!(s.code(), Code::ResourceExhausted);
    }
}
