//! Domain types of users and roles (the gateway's auth).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
    Viewer,
}

/// A stored user, with the password hash (PHC string), never the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub create_time: DateTime<Utc>,
}

/// Fields of a user to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserPatch {
    pub role: Option<Role>,
    pub password_hash: Option<String>,
    pub disabled: Option<bool>,
}
