//! Authentication and users: tokens, password hashes, the user directory
//! and the AuthService the gateway serves itself.

pub mod directory;
pub mod password;
mod service;
pub mod signed_in;
pub mod throttle;
pub mod token;

use std::sync::Arc;

use icc_store::Role;

pub use directory::{Directory, Standing};
pub use password::Passwords;
pub use service::Auth;
pub use throttle::LoginThrottle;
pub use token::{TokenError, Tokens};

/// The authenticated caller of a request, put in its extensions by the
/// authorize layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub username: String,
    pub role: Role,
    /// When the caller's token expires.
    pub token_expires: chrono::DateTime<chrono::Utc>,
    /// The password stamp the token was issued with.
    pub password_stamp: u64,
}

/// Everything the authorize layer and the AuthService share.
#[derive(Clone)]
pub struct AuthState {
    pub tokens: Arc<Tokens>,
    pub directory: Arc<Directory>,
    pub passwords: Arc<Passwords>,
    pub throttle: Arc<LoginThrottle>,
}
