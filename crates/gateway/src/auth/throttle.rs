//! Failed sign-ins are rationed, so that guessing passwords is slow and a
//! flood of wrong ones cannot queue up the password hashing that everyone's
//! sign-in waits for.
//!
//! Each client address, and each username at each address, has a leaky
//! bucket of failures: a failure adds one, and the bucket drains one every
//! `drain`. While a bucket is full, sign-ins from that address (or for
//! that username from it) are refused at once, before any hashing. Only
//! failures count, so a user's own correct logins never fill a bucket; and
//! a username's bucket is per address, so a stranger's guesses from
//! elsewhere cannot lock its owner out.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How many failures a bucket holds, and how fast it drains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowance {
    pub burst: u32,
    pub drain: Duration,
}

/// Failures allowed for one username at one address: 5, then one every
/// 12 s (5 a minute).
pub const PER_USERNAME: Allowance = Allowance {
    burst: 5,
    drain: Duration::from_secs(12),
};
/// Failures allowed from one address over all usernames: 20, then one
/// every 3 s (20 a minute).
pub const PER_ADDRESS: Allowance = Allowance {
    burst: 20,
    drain: Duration::from_secs(3),
};
/// Buckets kept before the drained ones are dropped.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Username(IpAddr, String),
}

/// Failures in a bucket as of `at`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: f64,
    at: Instant,
}

impl Bucket {
    fn level(&self, now: Instant, allowance: Allowance) -> f64 {
        let drained =
            now.saturating_duration_since(self.at).as_secs_f64() / allowance.drain.as_secs_f64();
        (self.level - drained).max(0.0)
    }
}

/// The failure buckets of every address and username.
#[derive(Debug)]
pub struct LoginThrottle {
    per_username: Allowance,
    per_address: Allowance,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        Self::new(PER_USERNAME, PER_ADDRESS)
    }
}

impl LoginThrottle {
    pub fn new(per_username: Allowance, per_address: Allowance) -> Self {
        LoginThrottle {
            per_username,
            per_address,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(wait)` when `username` may not try again from `address` for
    /// `wait`. An unknown address (not a TCP peer) is not rationed.
    pub fn check(&self, address: Option<IpAddr>, username: &str) -> Result<(), Duration> {
        self.check_at(address, username, Instant::now())
    }

    /// Counts a failed sign-in.
    pub fn failed(&self, address: Option<IpAddr>, username: &str) {
        self.failed_at(address, username, Instant::now());
    }

    fn keys(address: IpAddr, username: &str) -> [Key; 2] {
        [
            Key::Address(address),
            Key::Username(address, username.to_owned()),
        ]
    }

    fn allowance(&self, key: &Key) -> Allowance {
        match key {
            Key::Address(_) => self.per_address,
            Key::Username(..) => self.per_username,
        }
    }

    fn check_at(
        &self,
        address: Option<IpAddr>,
        username: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(address) = address else {
            return Ok(());
        };
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let wait = Self::keys(address, username)
            .iter()
            .filter_map(|key| {
                let allowance = self.allowance(key);
                let level = buckets.get(key)?.level(now, allowance);
                // Full: wait until one failure has drained.
                let over = level - f64::from(allowance.burst) + 1.0;
                (over > 0.0).then(|| allowance.drain.mul_f64(over))
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    fn failed_at(&self, address: Option<IpAddr>, username: &str, now: Instant) {
        let Some(address) = address else {
            return;
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            buckets.retain(|key, bucket| bucket.level(now, self.allowance(key)) > 0.0);
        }
        for key in Self::keys(address, username) {
            let allowance = self.allowance(&key);
            let bucket = buckets.entry(key).or_insert(Bucket {
                level: 0.0,
                at: now,
            });
            // Capped: failures that passed the check together fill it, no more.
            let level = (bucket.level(now, allowance) + 1.0).min(f64::from(allowance.burst));
            *bucket = Bucket { level, at: now };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    const THERE: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 7)));

    fn throttle() -> LoginThrottle {
        let per = |burst, secs| Allowance {
            burst,
            drain: Duration::from_secs(secs),
        };
        LoginThrottle::new(per(3, 10), per(5, 2))
    }

    #[test]
    fn a_username_is_refused_after_its_burst_and_drains_back() {
        let t = throttle();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(t.check_at(HERE, "ann", t0), Ok(()));
            t.failed_at(HERE, "ann", t0);
        }
        assert_eq!(t.check_at(HERE, "ann", t0), Err(Duration::from_secs(10)));
        let later = t0 + Duration::from_secs(4);
        let wait = t.check_at(HERE, "ann", later).unwrap_err();
        assert!((wait.as_secs_f64() - 6.0).abs() < 1e-6, "{wait:?}");
        // One failure drained: one more try.
        let later = t0 + Duration::from_secs(10);
        assert_eq!(t.check_at(HERE, "ann", later), Ok(()));
        t.failed_at(HERE, "ann", later);
        assert!(t.check_at(HERE, "ann", later).is_err());
        // Other usernames from here, and ann from elsewhere, are not held.
        assert_eq!(t.check_at(HERE, "bob", later), Ok(()));
        assert_eq!(t.check_at(THERE, "ann", later), Ok(()));
    }

    #[test]
    fn an_address_is_refused_after_its_burst_over_all_usernames() {
        let t = throttle();
        let t0 = Instant::now();
        for name in ["a", "b", "c", "d", "e"] {
            assert_eq!(t.check_at(HERE, name, t0), Ok(()));
            t.failed_at(HERE, name, t0);
        }
        assert_eq!(t.check_at(HERE, "f", t0), Err(Duration::from_secs(2)));
        assert_eq!(t.check_at(THERE, "f", t0), Ok(()));
        assert_eq!(t.check_at(HERE, "f", t0 + Duration::from_secs(2)), Ok(()));
    }

    #[test]
    fn unknown_addresses_are_not_rationed_and_drained_buckets_are_pruned() {
        let t = throttle();
        let t0 = Instant::now();
        for _ in 0..10 {
            t.failed_at(None, "ann", t0);
        }
        assert_eq!(t.check_at(None, "ann", t0), Ok(()));
        for i in 0..=PRUNE_ABOVE {
            t.failed_at(THERE, &format!("u{i}"), t0);
        }
        // However many failures passed the check together, the address is
        // held for one drain at most.
        assert_eq!(t.check_at(THERE, "new", t0), Err(Duration::from_secs(2)));
        let much_later = t0 + Duration::from_secs(60);
        t.failed_at(HERE, "ann", much_later);
        let kept = t.buckets.lock().unwrap().len();
        assert_eq!(kept, 2, "only the latest failure's two buckets are left");
    }
}
