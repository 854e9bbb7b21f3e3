//! Gateway configuration: flags, each with an environment variable.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;

/// Shortest accepted token-signing secret, in bytes.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// A secret value (signing key, password): never printed, not even by
/// `Debug`, so a logged config leaks nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; keep it out of logs and messages.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

/// gateway configuration, from flags or environment variables.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "gateway",
    version,
    about = "The Inventory Command Center's public endpoint: gRPC and grpc-web, auth and roles, live inventory fan-out"
)]
pub struct Config {
    /// Address for gRPC (HTTP/2) and grpc-web (HTTP/1.1).
    #[arg(long, env = "GATEWAY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address of the Prometheus metrics endpoint (GET /metrics).
    #[arg(long, env = "GATEWAY_METRICS_LISTEN", default_value = "127.0.0.1:9464")]
    pub metrics_listen: SocketAddr,
    /// Store URL (users live there): sqlite://PATH or mongodb://...
    #[arg(long, env = "ICC_STORE_URL", default_value = icc_store::DEFAULT_STORE_URL)]
    pub store_url: String,
    /// orders-svc addresses, comma-separated; calls are balanced over them.
    #[arg(
        long,
        env = "GATEWAY_ORDERS_UPSTREAM",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:50051"
    )]
    pub orders_upstream: Vec<String>,
    /// ingest-svc addresses, comma-separated.
    #[arg(
        long,
        env = "GATEWAY_INGEST_UPSTREAM",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:50052"
    )]
    pub ingest_upstream: Vec<String>,
    /// forecast-svc addresses, comma-separated.
    #[arg(
        long,
        env = "GATEWAY_FORECAST_UPSTREAM",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:50053"
    )]
    pub forecast_upstream: Vec<String>,
    /// HS256 key that signs login tokens, at least 32 bytes. Required.
    #[arg(long, env = "ICC_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// How long a login token is valid, in seconds.
    #[arg(long, env = "ICC_TOKEN_TTL_S", default_value_t = 8 * 3600)]
    pub token_ttl_s: u64,
    /// Username of the first admin, created only when the store has no users.
    #[arg(long, env = "ICC_ADMIN_USERNAME")]
    pub admin_username: Option<String>,
    /// Password of the first admin (12 to 128 characters).
    #[arg(long, env = "ICC_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,
    /// More users created with the first admin, as
    /// `name:ROLE:password,name:ROLE:password` (ROLE is ADMIN, STAFF or
    /// VIEWER; passwords without commas).
    #[arg(long, env = "ICC_SEED_USERS", hide_env_values = true)]
    pub seed_users: Option<Secret>,
    /// Browser origins allowed to call over grpc-web from another origin,
    /// comma-separated (e.g. http://localhost:5173), or `*`. Default: none,
    /// only the same origin (the UI the gateway serves).
    #[arg(long, env = "GATEWAY_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Directory of the web UI's built files, served for every request that
    /// is not gRPC or grpc-web (index.html for unknown paths).
    #[arg(long, env = "GATEWAY_WEB_DIR")]
    pub web_dir: Option<PathBuf>,
    /// Longest a unary call may take at the gateway, in ms (a backstop
    /// above the forwarding deadlines).
    #[arg(long, env = "GATEWAY_REQUEST_TIMEOUT_MS", default_value_t = 35_000)]
    pub request_timeout_ms: u64,
    /// Deadline of one call forwarded to orders-svc (all its retries), in
    /// ms; a shorter grpc-timeout from the client wins.
    #[arg(long, env = "GATEWAY_UPSTREAM_TIMEOUT_MS", default_value_t = 5_000)]
    pub upstream_timeout_ms: u64,
    /// Deadline of one call forwarded to ingest-svc or forecast-svc, in ms:
    /// longer, as a cold forecast of every SKU or a rebuild takes a while.
    #[arg(long, env = "GATEWAY_ANALYTICS_TIMEOUT_MS", default_value_t = 30_000)]
    pub analytics_timeout_ms: u64,
    /// Deadline of a forwarded import (client stream), in ms.
    #[arg(long, env = "GATEWAY_IMPORT_TIMEOUT_MS", default_value_t = 120_000)]
    pub import_timeout_ms: u64,
    /// Longest wait for a TCP connection to a service, in ms.
    #[arg(long, env = "GATEWAY_CONNECT_TIMEOUT_MS", default_value_t = 1_000)]
    pub connect_timeout_ms: u64,
    /// Retries of an idempotent read that found its service unavailable.
    #[arg(long, env = "GATEWAY_READ_RETRIES", default_value_t = 2)]
    pub read_retries: u32,
    /// Calls in flight at once; more are refused with RESOURCE_EXHAUSTED.
    #[arg(long, env = "GATEWAY_MAX_CONCURRENT_REQUESTS", default_value_t = 512)]
    pub max_concurrent_requests: usize,
    /// Largest request or response message, in bytes.
    #[arg(long, env = "GATEWAY_MAX_MESSAGE_BYTES", default_value_t = 4 * 1024 * 1024)]
    pub max_message_bytes: usize,
    /// Inventory changes a watcher may fall behind by before it is sent a
    /// fresh snapshot instead.
    #[arg(long, env = "GATEWAY_WATCH_BUFFER", default_value_t = 1024)]
    pub watch_buffer: usize,
    /// Recent inventory changes kept so that watchers can resume from a seq.
    #[arg(long, env = "GATEWAY_RESUME_WINDOW", default_value_t = 10_000)]
    pub resume_window: usize,
    /// How often the services' health is checked, in ms.
    #[arg(long, env = "GATEWAY_HEALTH_INTERVAL_MS", default_value_t = 2_000)]
    pub health_interval_ms: u64,
}

impl Config {
    /// The signing secret, or a message that says how to set it.
    pub fn jwt_secret(&self) -> anyhow::Result<&Secret> {
        let Some(secret) = &self.jwt_secret else {
            bail!(
                "ICC_JWT_SECRET is not set: the gateway signs login tokens with it. \
                 Set it (or --jwt-secret) to a random string of at least {MIN_JWT_SECRET_BYTES} \
                 characters, e.g. ICC_JWT_SECRET=$(head -c 32 /dev/urandom | base64)"
            );
        };
        if secret.expose().len() < MIN_JWT_SECRET_BYTES {
            bail!(
                "ICC_JWT_SECRET is too short ({} bytes): use at least {MIN_JWT_SECRET_BYTES} \
                 random characters",
                secret.expose().len()
            );
        }
        Ok(secret)
    }

    /// Checks everything that can be checked before starting.
    pub fn validate(&self) -> anyhow::Result<()> {
        self.jwt_secret()?;
        for (name, list) in [
            ("orders", &self.orders_upstream),
            ("ingest", &self.ingest_upstream),
            ("forecast", &self.forecast_upstream),
        ] {
            if list.is_empty() {
                bail!("--{name}-upstream: give at least one address");
            }
        }
        if self.admin_username.is_some() != self.admin_password.is_some() {
            bail!("ICC_ADMIN_USERNAME and ICC_ADMIN_PASSWORD go together: set both or neither");
        }
        if self.max_concurrent_requests == 0 || self.watch_buffer == 0 {
            bail!("--max-concurrent-requests and --watch-buffer must be positive");
        }
        Ok(())
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    pub fn upstream_timeout(&self) -> Duration {
        Duration::from_millis(self.upstream_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn secrets_never_print() {
        let config = Config::parse_from([
            "gateway",
            "--jwt-secret",
            "s3cr3t-s3cr3t-s3cr3t-s3cr3t-s3cr3t",
            "--admin-username",
            "root",
            "--admin-password",
            "hunter2hunter2",
        ]);
        let shown = format!("{config:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(config.validate().is_ok());
    }

    #[test]
    fn refuses_a_missing_or_short_secret() {
        let mut missing = Config::parse_from(["gateway"]);
        missing.jwt_secret = None;
        let e = missing.validate().unwrap_err().to_string();
        assert!(e.contains("ICC_JWT_SECRET is not set"), "{e}");
        let short = Config::parse_from(["gateway", "--jwt-secret", "tiny-key"]);
        let e = short.validate().unwrap_err().to_string();
        assert!(e.contains("too short") && !e.contains("tiny"), "{e}");
    }

    #[test]
    fn upstreams_are_comma_separated_lists() {
        let c = Config::parse_from([
            "gateway",
            "--orders-upstream",
            "http://127.0.0.1:1,http://127.0.0.1:2",
        ]);
        assert_eq!(
            c.orders_upstream,
            ["http://127.0.0.1:1", "http://127.0.0.1:2"]
        );
    }
}
