//! The MongoDB store URL: a driver connection string (`mongodb://` or
//! `mongodb+srv://`) whose path names the OLTP database, plus one option of
//! our own, `olapDatabase`, which is removed before the driver sees the
//! string (the driver refuses options it does not know).
//!
//! - OLTP database: the path (`mongodb://host/shop` -> `shop`), `icc` when
//!   the path is empty.
//! - OLAP database: `olapDatabase=NAME`, else the OLTP name + `_olap`
//!   (`icc_olap` by default). Naming the OLTP database keeps everything in
//!   one database.

use mongodb::options::ConnectionString;

use crate::{StoreError, StoreResult};

/// The OLTP database when the URL names none.
pub const DEFAULT_DATABASE: &str = "icc";
/// Appended to the OLTP database's name to name the OLAP database.
pub const OLAP_SUFFIX: &str = "_olap";
/// The store URL option (ours, not the driver's) naming the OLAP database.
pub const OLAP_DATABASE_OPTION: &str = "olapDatabase";

/// Where the store lives, as parsed from its URL.
#[derive(Clone, PartialEq, Eq)]
pub struct MongoConfig {
    /// The connection string handed to the driver (our option removed).
    pub connection_string: String,
    /// Products, orders, stock movements, users, counters and the change
    /// feed.
    pub oltp_database: String,
    /// Sales events, daily sales, features, watermarks, forecasts and
    /// checkpoints.
    pub olap_database: String,
}

impl std::fmt::Debug for MongoConfig {
    // The connection string may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoConfig")
            .field("oltp_database", &self.oltp_database)
            .field("olap_database", &self.olap_database)
            .finish_non_exhaustive()
    }
}

impl MongoConfig {
    /// Parses a store URL without touching the network (`mongodb+srv` names
    /// are resolved later, when the client is built).
    pub fn parse(url: &str) -> StoreResult<Self> {
        if !(url.starts_with("mongodb://") || url.starts_with("mongodb+srv://")) {
            return Err(StoreError::InvalidArgument(
                "a MongoDB store URL starts with mongodb:// or mongodb+srv://".into(),
            ));
        }
        let (connection_string, olap) = take_option(url, OLAP_DATABASE_OPTION);
        let parsed = ConnectionString::parse(&connection_string).map_err(|e| {
            StoreError::InvalidArgument(format!("bad MongoDB store URL: {}", e.kind))
        })?;
        let oltp_database = parsed
            .default_database
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE.to_owned());
        let olap_database = olap.unwrap_or_else(|| format!("{oltp_database}{OLAP_SUFFIX}"));
        check_database_name(&oltp_database)?;
        check_database_name(&olap_database)?;
        Ok(MongoConfig {
            connection_string,
            oltp_database,
            olap_database,
        })
    }
}

/// Removes every `name=value` option (name case-insensitive) from a URL's
/// query string; returns the URL without it and the last value given.
pub fn take_option(url: &str, name: &str) -> (String, Option<String>) {
    let Some((base, query)) = url.split_once('?') else {
        return (url.to_owned(), None);
    };
    let mut value = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let (key, v) = pair.split_once('=').unwrap_or((pair, ""));
            if key.eq_ignore_ascii_case(name) {
                value = Some(v.to_owned());
                false
            } else {
                !pair.is_empty()
            }
        })
        .collect();
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (url, value)
}

/// MongoDB's database name rules: not empty, under 64 bytes, none of
/// `/\. "$*<>:|?` and no NUL.
pub fn check_database_name(name: &str) -> StoreResult<()> {
    const FORBIDDEN: &[char] = &['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?'];
    if name.is_empty() || name.len() >= 64 || name.contains(FORBIDDEN) || name.contains('\0') {
        return Err(StoreError::InvalidArgument(format!(
            "bad MongoDB database name {name:?}: 1 to 63 bytes, none of /\\. \"$*<>:|?"
        )));
    }
    Ok(())
}

/// `uri` with its default database replaced by `database`. When the URI has
/// credentials and no `authSource`, the database it authenticated against
/// (its old default database, or `admin`) is kept as `authSource`.
pub fn with_database(uri: &str, database: &str) -> String {
    let (base, options) = match uri.split_once('?') {
        Some((base, options)) => (base, options),
        None => (uri, ""),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let authority = &base[authority_start..authority_end];
    let old_database = base[authority_end..].trim_start_matches('/');

    let mut options: Vec<String> = options
        .split('&')
        .filter(|o| !o.is_empty())
        .map(str::to_owned)
        .collect();
    let has_auth_source = options
        .iter()
        .any(|o| o.to_ascii_lowercase().starts_with("authsource="));
    if authority.contains('@') && !has_auth_source {
        let source = if old_database.is_empty() {
            "admin"
        } else {
            old_database
        };
        options.push(format!("authSource={source}"));
    }
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if !options.is_empty() {
        out.push('?');
        out.push_str(&options.join("&"));
    }
    out
}
