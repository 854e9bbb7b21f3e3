//! Password hashing with argon2id (PHC strings in the store).
//!
//! Hashing is deliberately slow and memory-hungry, so it runs on the
//! blocking pool, a few at a time: a burst of logins cannot starve the
//! async workers or exhaust memory.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use tokio::sync::Semaphore;
use tonic::Status;

/// Shortest and longest password accepted (auth.proto).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Hashes and verifies passwords, at most `parallel` at once.
pub struct Passwords {
    permits: Semaphore,
    /// A hash of nothing anyone knows: verifying an unknown user's password
    /// against it costs the same time as a real check, so the answer's
    /// timing does not reveal which usernames exist.
    decoy: String,
}

impl Passwords {
    pub fn new(parallel: usize) -> Arc<Self> {
        let decoy = hash_now(&format!("decoy-{}", uuid::Uuid::now_v7()))
            .expect("argon2 with default parameters");
        Arc::new(Passwords {
            permits: Semaphore::new(parallel.max(1)),
            decoy,
        })
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: String) -> Result<String, Status> {
        let _permit = self.permits.acquire().await.map_err(|_| closed())?;
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(icc_server::internal)?
            .map_err(icc_server::internal)
    }

    /// Whether `password` matches `phc`; with `None` (no such user) checks
    /// against the decoy and says no.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Status> {
        let _permit = self.permits.acquire().await.map_err(|_| closed())?;
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy.clone());
        let ok = tokio::task::spawn_blocking(move || verify_now(&password, &phc))
            .await
            .map_err(icc_server::internal)?;
        Ok(known && ok)
    }
}

fn closed() -> Status {
    Status::unavailable("the gateway is shutting down")
}

/// Checks a new password's length; the message never contains it.
pub fn check_new(field: &str, password: &str) -> Result<(), Status> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(icc_server::invalid_argument(
            field,
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters, got {n}"),
        ));
    }
    Ok(())
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_now(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "a stored password hash is not a PHC string");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ_by_salt() {
        let p = Passwords::new(2);
        let a = p.hash("correct horse battery".into()).await.unwrap();
        let b = p.hash("correct horse battery".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(!a.contains("correct"));
        assert!(
            p.verify("correct horse battery".into(), Some(a.clone()))
                .await
                .unwrap()
        );
        assert!(
            !p.verify("wrong horse battery".into(), Some(a))
                .await
                .unwrap()
        );
        assert!(!p.verify("anything at all".into(), None).await.unwrap());
        assert!(
            !p.verify("x".into(), Some("not a phc".into()))
                .await
                .unwrap()
        );
    }

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert!(check_new("password", "short").is_err());
        assert!(check_new("password", "twelve chars").is_ok());
        let e = check_new("password", &"x".repeat(129)).unwrap_err();
        assert!(e.message().starts_with("password:") && !e.message().contains("xxx"));
    }
}
