//! Signed login tokens: HS256 JWTs with the username, role and expiry.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The issuer every token names; tokens of other issuers are refused.
const ISSUER: &str = "icc-gateway";
/// Clock skew tolerated on the expiry, in seconds.
const LEEWAY_S: u64 = 5;

/// A valid token's user and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub username: String,
    pub expires: DateTime<Utc>,
    /// The password stamp it was issued with.
    pub password_stamp: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// Username.
    sub: String,
    /// Role when the token was issued (informational: every call checks the
    /// user's current role in the store).
    role: String,
    iss: String,
    iat: i64,
    exp: i64,
    /// The user's password stamp when it was issued
    /// ([`super::password::stamp`]); 0 in tokens from before stamps.
    #[serde(default)]
    pwd: u64,
}

/// Why a token was refused. Messages say what to do, never echo the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token has expired; log in again")]
    Expired,
    #[error("the token is not valid; log in again")]
    Invalid,
}

/// Issues and verifies tokens with one secret.
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl Tokens {
    pub fn new(secret: &[u8], ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_S;
        validation.set_issuer(&[ISSUER]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        Tokens {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            ttl,
        }
    }

    /// A token for `username` (whose password has `password_stamp`), and
    /// when it expires.
    pub fn issue(
        &self,
        username: &str,
        role: &str,
        password_stamp: u64,
    ) -> (String, DateTime<Utc>) {
        let now = Utc::now();
        let exp = now + self.ttl;
        let claims = Claims {
            sub: username.to_owned(),
            role: role.to_owned(),
            iss: ISSUER.to_owned(),
            iat: now.timestamp(),
            exp: exp.timestamp(),
            pwd: password_stamp,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            // HS256 over serializable claims cannot fail.
            .expect("HS256 signing");
        (
            token,
            DateTime::from_timestamp(exp.timestamp(), 0).unwrap_or(exp),
        )
    }

    /// Who a valid, unexpired token belongs to, and until when.
    pub fn verify(&self, token: &str) -> Result<Verified, TokenError> {
        match jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation) {
            Ok(data) => Ok(Verified {
                username: data.claims.sub,
                expires: DateTime::from_timestamp(data.claims.exp, 0).unwrap_or_default(),
                password_stamp: data.claims.pwd,
            }),
            Err(e) if matches!(e.kind(), ErrorKind::ExpiredSignature) => Err(TokenError::Expired),
            Err(_) => Err(TokenError::Invalid),
        }
    }

    /// A token signed with this secret that expired `ago` (tests use it).
    #[doc(hidden)]
    pub fn issue_expired(&self, username: &str, role: &str, ago: Duration) -> String {
        let exp = Utc::now() - ago;
        let claims = Claims {
            sub: username.to_owned(),
            role: role.to_owned(),
            iss: ISSUER.to_owned(),
            iat: (exp - self.ttl).timestamp(),
            exp: exp.timestamp(),
            pwd: 0,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn round_trips_and_refuses_tampering() {
        let tokens = Tokens::new(SECRET, Duration::from_secs(60));
        let (token, exp) = tokens.issue("alice", "STAFF", 42);
        assert!(exp > Utc::now());
        let verified = tokens.verify(&token).unwrap();
        assert_eq!(verified.username, "alice");
        assert_eq!((verified.expires, verified.password_stamp), (exp, 42));

        // Another secret, a flipped signature byte, a changed payload.
        let other = Tokens::new(b"another-secret-another-secret-xx", Duration::from_secs(60));
        assert_eq!(other.verify(&token), Err(TokenError::Invalid));
        let mut bytes = token.clone().into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            tokens.verify(&String::from_utf8(bytes).unwrap()),
            Err(TokenError::Invalid)
        );
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], "eyJzdWIiOiJtYWxsb3J5In0", parts[2]);
        assert_eq!(tokens.verify(&forged), Err(TokenError::Invalid));
        assert_eq!(tokens.verify("not a token"), Err(TokenError::Invalid));
        assert_eq!(tokens.verify(""), Err(TokenError::Invalid));
    }

    #[test]
    fn expired_tokens_say_so() {
        let tokens = Tokens::new(SECRET, Duration::from_secs(60));
        let old = tokens.issue_expired("alice", "ADMIN", Duration::from_secs(3600));
        assert_eq!(tokens.verify(&old), Err(TokenError::Expired));
    }

    #[test]
    fn refuses_unsigned_tokens() {
        let tokens = Tokens::new(SECRET, Duration::from_secs(60));
        // {"alg":"none"} header with a valid-looking payload and no signature.
        let none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsInJvbGUiOiJBRE1JTiIsImlzcyI6ImljYy1nYXRld2F5IiwiaWF0IjoxLCJleHAiOjk5OTk5OTk5OTl9.";
        assert_eq!(tokens.verify(none), Err(TokenError::Invalid));
    }
}
