//! `page_size` / `page_token` handling shared by every List RPC.
//!
//! A page token is opaque to clients: base64 of the store cursor and a
//! fingerprint of the request's filters, so a token cannot be replayed with
//! different filters (INVALID_ARGUMENT instead of a silently wrong page).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use icc_store::PageRequest;
use serde::{Deserialize, Serialize};
use tonic::Status;

/// Page size when the request gives 0.
pub const DEFAULT_PAGE_SIZE: usize = 50;
/// Largest page size accepted.
pub const MAX_PAGE_SIZE: usize = 1000;

#[derive(Serialize, Deserialize)]
struct Token {
    /// Store cursor: the last item of the previous page.
    c: String,
    /// Fingerprint of the filters the token was issued for.
    f: String,
}

/// Reads `page_size` and `page_token` into a store page request.
pub fn page_request(
    page_size: i32,
    page_token: &str,
    filters: &str,
) -> Result<PageRequest, Status> {
    let size = match usize::try_from(page_size) {
        Ok(0) => DEFAULT_PAGE_SIZE,
        Ok(n) if n <= MAX_PAGE_SIZE => n,
        _ => {
            return Err(Status::invalid_argument(format!(
                "page_size: must be between 0 and {MAX_PAGE_SIZE}, got {page_size}"
            )));
        }
    };
    if page_token.is_empty() {
        return Ok(PageRequest { size, after: None });
    }
    let bad = || Status::invalid_argument("page_token: not a token from this listing");
    let bytes = URL_SAFE_NO_PAD.decode(page_token).map_err(|_| bad())?;
    let token: Token = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if token.f != filters {
        return Err(Status::invalid_argument(
            "page_token: the filters differ from the request that issued it",
        ));
    }
    Ok(PageRequest {
        size,
        after: Some(token.c),
    })
}

/// The `next_page_token` for a store cursor; empty on the last page.
pub fn next_page_token(next: Option<String>, filters: &str) -> String {
    next.map(|c| {
        let json = serde_json::to_vec(&Token {
            c,
            f: filters.to_owned(),
        })
        .unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    })
    .unwrap_or_default()
}

/// Largest encoded size of one page's items: keeps every List response well
/// under the 4 MiB message limit whatever page_size asked for.
pub const PAGE_BYTES: usize = 3 * 1024 * 1024;

/// Cuts a page to the items that fit in [`PAGE_BYTES`] (always at least
/// one). When it cuts, the next cursor becomes the last kept item's, so the
/// client simply gets a shorter page and continues from there.
pub fn fit_page<T: prost::Message>(
    mut items: Vec<T>,
    next: Option<String>,
    cursor: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let mut total = 0;
    let fits = items
        .iter()
        .position(|item| {
            total += item.encoded_len() + 8;
            total > PAGE_BYTES
        })
        .map_or(items.len(), |cut| cut.max(1));
    if fits == items.len() {
        return (items, next);
    }
    items.truncate(fits);
    let next = items.last().map(cursor);
    (items, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_default_and_bounds() {
        assert_eq!(page_request(0, "", "").unwrap().size, DEFAULT_PAGE_SIZE);
        assert_eq!(page_request(1000, "", "").unwrap().size, 1000);
        for bad in [-1, 1001] {
            let e = page_request(bad, "", "").unwrap_err();
            assert_eq!(e.code(), tonic::Code::InvalidArgument);
            assert!(e.message().starts_with("page_size"), "{}", e.message());
        }
    }

    #[test]
    fn tokens_round_trip_and_are_bound_to_filters() {
        let token = next_page_token(Some("SKU-9".into()), "cat=a");
        assert_eq!(
            page_request(10, &token, "cat=a").unwrap().after.as_deref(),
            Some("SKU-9")
        );
        assert_eq!(
            page_request(10, &token, "cat=b").unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(
            page_request(10, "garbage!", "").unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(next_page_token(None, "x"), "");
    }

    #[test]
    fn pages_are_cut_to_the_byte_budget() {
        let big = |i: usize| prost_types::Value {
            kind: Some(prost_types::value::Kind::StringValue(format!(
                "{i}{}",
                "x".repeat(1024 * 1024)
            ))),
        };
        let cursor = |v: &prost_types::Value| match &v.kind {
            Some(prost_types::value::Kind::StringValue(s)) => s[..1].to_owned(),
            _ => String::new(),
        };
        let (kept, next) = fit_page((0..5).map(big).collect(), None, cursor);
        assert_eq!((kept.len(), next.as_deref()), (2, Some("1")));
        let (kept, next) = fit_page(vec![big(7)], Some("z".into()), cursor);
        assert_eq!(
            (kept.len(), next.as_deref()),
            (1, Some("z")),
            "a page that fits is untouched"
        );
    }
}
