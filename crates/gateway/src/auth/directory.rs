//! Users as the gateway sees them: the store, behind a short cache, and the
//! first users created from configuration.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use icc_store::{Role, Store, StoreError, UserRecord};
use tonic::Status;

use super::password::{self, Passwords};
use crate::Secret;

/// How long a user's role and disabled flag are trusted without asking the
/// store. Changes made through this gateway apply at once; changes through
/// another gateway within this long.
const CACHE_TTL: Duration = Duration::from_secs(2);

/// What a token's user may do right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Signed-in users may act in `role` with tokens that carry
    /// `password_stamp` (a token from before a password change does not).
    Active {
        role: Role,
        password_stamp: u64,
    },
    Disabled,
    /// The user no longer exists.
    Unknown,
}

impl Standing {
    /// The role of a user whose token carries `password_stamp`, or
    /// UNAUTHENTICATED saying why the token no longer stands: the same
    /// answer for a new call and for an open stream.
    pub fn signed_in_role(self, password_stamp: u64) -> Result<Role, Status> {
        match self {
            Standing::Active {
                role,
                password_stamp: current,
            } if current == password_stamp => Ok(role),
            Standing::Active { .. } => Err(Status::unauthenticated(PASSWORD_CHANGED)),
            Standing::Disabled => Err(Status::unauthenticated("the user is disabled")),
            Standing::Unknown => Err(Status::unauthenticated(
                "the token's user does not exist; log in again",
            )),
        }
    }
}

/// Why a token issued before its user's password changed is refused.
pub const PASSWORD_CHANGED: &str =
    "the password has changed since this token was issued; log in again";

/// User look-ups for every authorized call.
pub struct Directory {
    store: Arc<dyn Store>,
    cache: Mutex<HashMap<String, (Instant, Standing)>>,
}

impl Directory {
    pub fn new(store: Arc<dyn Store>) -> Arc<Self> {
        Arc::new(Directory {
            store,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// The user's current standing (cached for two seconds, `CACHE_TTL`).
    pub async fn standing(&self, username: &str) -> Result<Standing, Status> {
        if let Some((at, standing)) = self.cache().get(username)
            && at.elapsed() < CACHE_TTL
        {
            return Ok(*standing);
        }
        let standing = match self.store.get_user(username).await {
            Ok(u) if u.disabled => Standing::Disabled,
            Ok(u) => Standing::Active {
                role: u.role,
                password_stamp: password::stamp(&u.password_hash),
            },
            Err(StoreError::NotFound(_)) => Standing::Unknown,
            Err(e) => return Err(icc_server::store_status(e)),
        };
        self.cache()
            .insert(username.to_owned(), (Instant::now(), standing));
        Ok(standing)
    }

    /// Forgets a user's cached standing (after an update).
    pub fn invalidate(&self, username: &str) {
        self.cache().remove(username);
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Standing)>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Longest username.
pub const MAX_USERNAME_CHARS: usize = 64;

/// A username: 3 to 64 characters from a-z, 0-9, '.', '_' and '-'.
pub fn check_username(field: &str, name: &str) -> Result<(), Status> {
    let n = name.chars().count();
    if !(3..=MAX_USERNAME_CHARS).contains(&n) {
        return Err(icc_server::invalid_argument(
            field,
            format!("must be 3 to {MAX_USERNAME_CHARS} characters, got {n}"),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err(icc_server::invalid_argument(
            field,
            format!("{name:?} may hold only a-z, 0-9, '.', '_' and '-'"),
        ));
    }
    Ok(())
}

/// A user to create at first start.
pub struct Seed {
    pub username: String,
    pub role: Role,
    pub password: Secret,
}

/// Parses `name:ROLE:password,...` (the ICC_SEED_USERS format).
pub fn parse_seeds(spec: &str) -> anyhow::Result<Vec<Seed>> {
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
        .map(|(i, entry)| {
            let mut parts = entry.splitn(3, ':');
            let (Some(username), Some(role), Some(password)) =
                (parts.next(), parts.next(), parts.next())
            else {
                anyhow::bail!(
                    "ICC_SEED_USERS entry {}: expected name:ROLE:password",
                    i + 1
                );
            };
            let role = match role.to_ascii_uppercase().as_str() {
                "ADMIN" => Role::Admin,
                "STAFF" => Role::Staff,
                "VIEWER" => Role::Viewer,
                other => anyhow::bail!(
                    "ICC_SEED_USERS entry {}: role {other:?} is not ADMIN, STAFF or VIEWER",
                    i + 1
                ),
            };
            Ok(Seed {
                username: username.to_owned(),
                role,
                password: Secret::new(password),
            })
        })
        .collect()
}

/// Creates the first admin (and any seed users) when the store has no
/// users at all; otherwise leaves the users alone.
pub async fn bootstrap(
    store: &Arc<dyn Store>,
    passwords: &Passwords,
    admin: Option<(String, Secret)>,
    seeds: Vec<Seed>,
) -> anyhow::Result<()> {
    let existing = store.count_users().await?;
    if existing > 0 {
        if admin.is_some() {
            tracing::info!(
                users = existing,
                "users exist; the configured first admin is not needed"
            );
        }
        return Ok(());
    }
    let Some((username, password)) = admin else {
        tracing::warn!(
            "the store has no users and no first admin is configured: nobody can log in \
             until ICC_ADMIN_USERNAME and ICC_ADMIN_PASSWORD are set"
        );
        return Ok(());
    };
    let all = std::iter::once(Seed {
        username,
        role: Role::Admin,
        password,
    })
    .chain(seeds);
    for seed in all {
        check_username("username", &seed.username)
            .and_then(|()| password::check_new("password", seed.password.expose()))
            .map_err(|s| anyhow::anyhow!("first user {:?}: {}", seed.username, s.message()))?;
        let hash = passwords
            .hash(seed.password.expose().to_owned())
            .await
            .map_err(|s| anyhow::anyhow!("{}", s.message()))?;
        let record = UserRecord {
            username: seed.username.clone(),
            role: seed.role,
            password_hash: hash,
            disabled: false,
            create_time: chrono::Utc::now(),
        };
        match store.create_user(record).await {
            // Another gateway on the same store got there first.
            Ok(_) | Err(StoreError::AlreadyExists(_)) => {
                tracing::info!(username = %seed.username, role = ?seed.role, "created user at first start");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("u", "alice").is_ok());
        assert!(check_username("u", "a.b_c-9").is_ok());
        assert!(check_username("u", "al").is_err());
        assert!(check_username("u", "Alice").is_err());
        assert!(check_username("u", &"a".repeat(65)).is_err());
    }

    #[test]
    fn seeds_parse() {
        let s = parse_seeds("staff:STAFF:pw with:colon, viewer:viewer:another-one").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].role, Role::Staff);
        assert_eq!(s[0].password.expose(), "pw with:colon");
        assert_eq!(s[1].role, Role::Viewer);
        assert!(parse_seeds("x:BOSS:pw").is_err());
        assert!(parse_seeds("x-no-role").is_err());
        assert!(parse_seeds("").unwrap().is_empty());
    }
}
