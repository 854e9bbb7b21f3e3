//! Work over every active SKU: the ForecastAll stream and the advice behind
//! ListReorderAdvice. SKUs run concurrently (twice the worker count, so
//! store reads overlap the CPU work, which the core bounds to the worker
//! count); a run stops starting work as soon as its client is gone.

use std::sync::Arc;

use futures::StreamExt;
use icc_proto::v1 as pb;
use pb::forecast_all_response::Event;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tonic::Status;

use crate::core::ForecastCore;
use crate::error::Error;
use crate::models::ModelChoice;

/// Messages buffered between the run and a slow client.
const STREAM_BUFFER: usize = 16;

/// Starts a ForecastAll run; its messages arrive on the returned receiver.
/// The run ends when every SKU is done, when the receiver is dropped (the
/// client cancelled), or when `stop` fires (shutdown).
pub fn forecast_all(
    core: Arc<ForecastCore>,
    choice: ModelChoice,
    horizon: usize,
    stop: CancellationToken,
) -> mpsc::Receiver<Result<pb::ForecastAllResponse, Status>> {
    let (tx, rx) = mpsc::channel(STREAM_BUFFER);
    tokio::spawn(async move {
        let _run = core.stats().run();
        let out = Out { tx, stop };
        let products = match core.active_products().await {
            Ok(p) => p,
            Err(e) => {
                out.send(Err(e.into())).await;
                return;
            }
        };
        let total = products.len() as i64;
        tracing::info!(
            total,
            model = choice.name(),
            horizon,
            "forecast-all started"
        );
        if !out.send(progress(0, total)).await {
            return;
        }
        let every = (total / 100).max(1);
        let width = core.settings().workers.max(1) * 2;
        let mut results = futures::stream::iter(products)
            .map(|p| {
                let core = core.clone();
                async move {
                    let result = core.forecast_known(&p.sku, choice, horizon).await;
                    (p.sku, result)
                }
            })
            .buffer_unordered(width);
        let mut done = 0i64;
        loop {
            let next = tokio::select! {
                biased;
                _ = out.tx.closed() => {
                    tracing::info!(done, total, "forecast-all cancelled by the client");
                    return;
                }
                _ = out.stop.cancelled() => {
                    out.shutting_down();
                    return;
                }
                next = results.next() => next,
            };
            let Some((sku, result)) = next else { break };
            done += 1;
            let event = match result {
                Ok(served) => Event::Result(pb::GetForecastResponse {
                    forecast: Some(served.forecast),
                    reused: served.reused,
                }),
                Err(e) => Event::Failure(failure(sku, e)),
            };
            let message = pb::ForecastAllResponse { event: Some(event) };
            if !out.send(Ok(message)).await {
                return;
            }
            if (done % every == 0 || done == total) && !out.send(progress(done, total)).await {
                return;
            }
        }
        tracing::info!(total, "forecast-all finished");
    });
    rx
}

/// Reorder advice for every active product (default policy per product,
/// `horizon` days), and the SKUs that could not be advised.
pub async fn advice_all(
    core: &Arc<ForecastCore>,
    horizon: usize,
) -> Result<(Vec<pb::ReorderAdvice>, Vec<pb::ForecastFailure>), Error> {
    let _run = core.stats().run();
    let products = core.active_products().await?;
    let width = core.settings().workers.max(1) * 2;
    let results: Vec<_> = futures::stream::iter(products)
        .map(|p| async move {
            let result = core.advice(&p, None, None, horizon).await;
            (p.sku, result)
        })
        .buffer_unordered(width)
        .collect()
        .await;
    let mut advice = Vec::with_capacity(results.len());
    let mut skipped = Vec::new();
    for (sku, result) in results {
        match result {
            Ok(a) => advice.push(a),
            Err(e @ (Error::InsufficientHistory { .. } | Error::UnknownSku(_))) => {
                skipped.push(failure(sku, e));
            }
            // The store or a bug: the listing would be wrong, not short.
            Err(e) => return Err(e),
        }
    }
    skipped.sort_by(|a, b| a.sku.cmp(&b.sku));
    Ok((advice, skipped))
}

/// A SKU's failure as reported to clients: the message for what a user
/// can act on, no internal detail (that is logged).
fn failure(sku: String, e: Error) -> pb::ForecastFailure {
    let reason = match &e {
        Error::Internal(detail) => {
            tracing::error!(sku, error = %detail, "forecast failed");
            "internal error".to_owned()
        }
        other => other.to_string(),
    };
    pb::ForecastFailure { sku, reason }
}

fn progress(done: i64, total: i64) -> Result<pb::ForecastAllResponse, Status> {
    Ok(pb::ForecastAllResponse {
        event: Some(Event::Progress(pb::ForecastProgress { done, total })),
    })
}

struct Out {
    tx: mpsc::Sender<Result<pb::ForecastAllResponse, Status>>,
    stop: CancellationToken,
}

impl Out {
    /// Sends unless the client is gone or the server stops; false then.
    async fn send(&self, message: Result<pb::ForecastAllResponse, Status>) -> bool {
        tokio::select! {
            sent = self.tx.send(message) => sent.is_ok(),
            _ = self.stop.cancelled() => {
                self.shutting_down();
                false
            }
        }
    }

    fn shutting_down(&self) {
        let _ = self
            .tx
            .try_send(Err(Status::unavailable("forecast-svc is shutting down")));
    }
}
