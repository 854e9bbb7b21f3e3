//! Streams end when their caller is no longer signed in.
//!
//! The authorize layer checks a call when it opens; a live stream can stay
//! open for hours after. So the gateway's own streams recheck their caller
//! as often as the user directory refreshes: once the token has expired,
//! the user's password has changed, or the user is disabled or deleted, the
//! stream ends with UNAUTHENTICATED, as every new call of that token would.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tonic::Status;

use super::Caller;
use super::directory::Directory;
use super::token::TokenError;
use crate::upstream::BoxStream;

/// How often an open stream rechecks its caller.
pub const RECHECK: Duration = Duration::from_secs(2);

/// `stream` until it ends or `caller` is no longer signed in.
pub fn while_signed_in<T: Send + 'static>(
    stream: BoxStream<T>,
    caller: Caller,
    directory: Arc<Directory>,
    recheck: Duration,
) -> BoxStream<T> {
    let start = tokio::time::Instant::now() + recheck;
    let state = Guard {
        stream,
        caller,
        directory,
        ticks: tokio::time::interval_at(start, recheck),
        ended: false,
    };
    Box::pin(futures::stream::unfold(state, |mut g| async move {
        if g.ended {
            return None;
        }
        loop {
            tokio::select! {
                item = g.stream.next() => return item.map(|item| (item, g)),
                _ = g.ticks.tick() => {
                    if let Err(status) = signed_in(&g.caller, &g.directory).await {
                        g.ended = true;
                        return Some((Err(status), g));
                    }
                }
            }
        }
    }))
}

struct Guard<T> {
    stream: BoxStream<T>,
    caller: Caller,
    directory: Arc<Directory>,
    ticks: tokio::time::Interval,
    ended: bool,
}

/// UNAUTHENTICATED, as for a new call, once `caller` is signed out.
async fn signed_in(caller: &Caller, directory: &Directory) -> Result<(), Status> {
    let username = &caller.username;
    if chrono::Utc::now() >= caller.token_expires {
        tracing::info!(username, "stream ended: the token expired");
        return Err(Status::unauthenticated(TokenError::Expired.to_string()));
    }
    match directory.standing(username).await {
        Ok(standing) => standing
            .signed_in_role(caller.password_stamp)
            .map(|_| ())
            .inspect_err(|status| {
                tracing::info!(username, reason = status.message(), "stream ended");
            }),
        // The store is briefly unreachable: keep the stream; the next
        // recheck asks again.
        Err(status) => {
            tracing::warn!(username, %status, "could not recheck a stream's caller");
            Ok(())
        }
    }
}
