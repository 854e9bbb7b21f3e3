//! Draining cursors and cutting pages.

use mongodb::{ClientSession, Cursor, SessionCursor};
use serde::de::DeserializeOwned;

use crate::model::Page;

/// Every document a cursor yields.
pub async fn all<T: DeserializeOwned>(mut cursor: Cursor<T>) -> mongodb::error::Result<Vec<T>> {
    let mut out = Vec::new();
    while cursor.advance().await? {
        out.push(cursor.deserialize_current()?);
    }
    Ok(out)
}

/// Every document a cursor opened in a session (transaction) yields.
pub async fn all_in<T: DeserializeOwned>(
    mut cursor: SessionCursor<T>,
    session: &mut ClientSession,
) -> mongodb::error::Result<Vec<T>> {
    let mut out = Vec::new();
    while let Some(item) = cursor.next(session).await {
        out.push(item?);
    }
    Ok(out)
}

/// A query limit one past the page size, to learn whether a page follows.
pub fn limit_plus_one(size: usize) -> i64 {
    i64::try_from(size)
        .unwrap_or(i64::MAX - 1)
        .saturating_add(1)
}

/// Cuts a `size + 1` result to a page and sets the next cursor.
pub fn paginate<T>(mut items: Vec<T>, size: usize, cursor: impl Fn(&T) -> String) -> Page<T> {
    let next = if items.len() > size {
        items.truncate(size);
        items.last().map(cursor)
    } else {
        None
    };
    Page { items, next }
}
