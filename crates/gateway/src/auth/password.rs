//! Password hashing with argon2id (PHC strings in the store).
//!
//! Hashing is deliberately slow and memory-hungry (argon2id's default 19
//! MiB), so it runs a few at a time on threads of its own: a burst of
//! logins cannot starve the async workers or exhaust memory. Each of those
//! threads reuses one working memory for every hash. Allocating it afresh
//! per hash, as `Argon2::hash_password` does, grew the gateway by some 200
//! MiB per burst of 40 logins, never given back: after the first 19 MiB
//! block is freed, glibc raises its mmap threshold and serves the next ones
//! from the heap, which they fragment.

use std::cell::RefCell;
use std::sync::Arc;

use argon2::password_hash::{self, Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;
use tonic::Status;

/// Shortest and longest password accepted (auth.proto).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Hashes and verifies passwords, at most `parallel` at once.
pub struct Passwords {
    permits: Semaphore,
    /// `parallel` threads that do nothing but hash.
    threads: rayon::ThreadPool,
    /// A hash of nothing anyone knows: verifying an unknown user's password
    /// against it costs the same time as a real check, so the answer's
    /// timing does not reveal which usernames exist.
    decoy: String,
}

impl Passwords {
    pub fn new(parallel: usize) -> Arc<Self> {
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(parallel.max(1))
            .thread_name(|i| format!("password-hash-{i}"))
            .build()
            .expect("starting the password hashing threads");
        let decoy = threads
            .install(|| hash_now(&format!("decoy-{}", uuid::Uuid::now_v7())))
            .expect("argon2 with default parameters");
        Arc::new(Passwords {
            permits: Semaphore::new(parallel.max(1)),
            threads,
            decoy,
        })
    }

    /// Runs `work` on a hashing thread once a permit is free. The pool
    /// alone would bound the work too, but its queue keeps work whose
    /// caller has gone; waiting for the permit here drops with the call.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Status> {
        let _permit = self.permits.acquire().await.map_err(|_| closed())?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.threads.spawn(move || {
            let _ = done.send(work());
        });
        result
            .await
            .map_err(|_| Status::internal("a password hashing thread failed"))
    }

    /// The PHC string of a new password.
    pub async fn hash(&self, password: String) -> Result<String, Status> {
        self.run(move || hash_now(&password))
            .await?
            .map_err(icc_server::internal)
    }

    /// Whether `password` matches `phc`; with `None` (no such user) checks
    /// against the decoy and says no.
    pub async fn verify(&self, password: String, phc: Option<String>) -> Result<bool, Status> {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.decoy.clone());
        let ok = self.run(move || verify_now(&password, &phc)).await?;
        Ok(known && ok)
    }
}

fn closed() -> Status {
    Status::unavailable("the gateway is shutting down")
}

/// A short fingerprint of a stored password hash. Tokens carry their
/// user's, so that a password change signs out the tokens issued before
/// it: the hash, salt included, is new with every password.
pub fn stamp(phc: &str) -> u64 {
    use blake2::{Blake2b512, Digest};
    let digest = Blake2b512::digest(phc.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_le_bytes(first)
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
    if password.trim().is_empty() {
        return Err(icc_server::invalid_argument(
            field,
            "must not be only spaces",
        ));
    }
    Ok(())
}

thread_local! {
    /// This thread's argon2 working memory, kept from one hash to the next
    /// so that hashing does not allocate (see the module comment).
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// `argon2`'s hash of `password` with `salt`, `len` bytes long, computed
/// in this thread's kept memory. What `Argon2::hash_password` does, but
/// that allocates its 19 MiB afresh each time.
fn argon2_output(
    argon2: &Argon2,
    password: &[u8],
    salt: Salt,
    len: usize,
) -> password_hash::Result<Output> {
    let mut raw_salt = [0u8; Salt::MAX_LENGTH];
    let raw_salt = salt.decode_b64(&mut raw_salt)?;
    BLOCKS.with_borrow_mut(|blocks| {
        blocks.resize(argon2.params().block_count(), Block::default());
        Output::init_with(len, |out| {
            Ok(argon2.hash_password_into_with_memory(password, raw_salt, out, &mut blocks[..])?)
        })
    })
}

/// A new argon2id PHC string (default parameters, random salt).
fn hash_now(password: &str) -> password_hash::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())?;
    let argon2 = Argon2::default();
    let output = argon2_output(
        &argon2,
        password.as_bytes(),
        salt.as_salt(),
        Params::DEFAULT_OUTPUT_LEN,
    )?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(argon2.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` hashes to the stored `phc` under its own algorithm,
/// version, parameters and salt (what `PasswordVerifier` checks; the
/// comparison of outputs is constant-time).
fn verify_now(password: &str, phc: &str) -> bool {
    let check = || -> password_hash::Result<bool> {
        let stored = PasswordHash::new(phc)?;
        let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
            return Err(password_hash::Error::PhcStringField);
        };
        let version = stored.version.map(Version::try_from).transpose()?;
        let argon2 = Argon2::new(
            Algorithm::try_from(stored.algorithm)?,
            version.unwrap_or_default(),
            Params::try_from(&stored)?,
        );
        let output = argon2_output(&argon2, password.as_bytes(), salt, expected.len())?;
        Ok(output == expected)
    };
    check().unwrap_or_else(|e| {
        tracing::error!(error = %e, "a stored password hash is not an argon2 PHC string");
        false
    })
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

    /// The hashes made and checked in kept memory are argon2's own: stored
    /// hashes from before, and hashes with other parameters, still verify.
    #[test]
    fn kept_memory_hashes_are_the_librarys() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let ours = hash_now("correct horse battery").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery", &parsed)
                .is_ok()
        );
        let salt = SaltString::encode_b64(b"sixteen byte slt").unwrap();
        let small = Params::new(1024, 3, 2, Some(24)).unwrap();
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, small)
            .hash_password(b"another password", &salt)
            .unwrap()
            .to_string();
        // A smaller memory after a larger one, then the larger again.
        assert!(verify_now("another password", &theirs));
        assert!(!verify_now("another passwore", &theirs));
        assert!(verify_now("correct horse battery", &ours));
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, Params::default())
            .hash_password(b"old scheme password", &salt)
            .unwrap()
            .to_string();
        assert!(verify_now("old scheme password", &argon2i));
    }

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert!(check_new("password", "short").is_err());
        assert!(check_new("password", "twelve chars").is_ok());
        assert!(check_new("password", &" ".repeat(12)).is_err());
        let e = check_new("password", &"x".repeat(129)).unwrap_err();
        assert!(e.message().starts_with("password:") && !e.message().contains("xxx"));
    }
}
