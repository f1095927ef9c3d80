//! Rate limits that never fail open.
//!
//! The limits (sign-in, callback, refresh, preview) live in the shared store
//! so they hold across instances. When the store is unreachable, allowing
//! every request would switch all of them off at once — exactly what an
//! attacker who can exhaust Redis wants. Instead each instance falls back to
//! its own in-process limiter: per instance rather than global, so a client
//! behind N instances may get up to N times the limit during an outage, but
//! never unlimited. The switch is logged once per change of state.

use super::{MemoryStore, RateDecision, SharedStore, Store};
use std::{
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

pub struct Limiter {
    shared: SharedStore,
    local: MemoryStore,
    degraded: AtomicBool,
}

impl Limiter {
    pub fn new(shared: SharedStore) -> Self {
        Self { shared, local: MemoryStore::new(), degraded: AtomicBool::new(false) }
    }

    /// Count one call against `limit` calls per `window` for `key`.
    pub async fn check(&self, key: &str, limit: u32, window: Duration) -> RateDecision {
        match self.shared.rate_limit(key, limit, window).await {
            Ok(decision) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("rate limits are shared across instances again");
                }
                decision
            }
            Err(e) => {
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %e, "store unavailable: rate limits fall back to this instance's own counters");
                }
                // The in-process store cannot be unavailable; should it ever
                // answer an error, refuse rather than allow.
                self.local.rate_limit(key, limit, window).await.unwrap_or(RateDecision {
                    allowed: false,
                    remaining: 0,
                    reset_after: window,
                })
            }
        }
    }
}

/// The bucket a client address is limited under. IPv6 clients get a whole
/// /64 from their provider, so counting single addresses would let one
/// client rotate through 2^64 of them; IPv4 addresses count one by one.
pub fn address_bucket(ip: Option<&str>) -> String {
    use std::net::IpAddr;
    match ip.and_then(|ip| ip.parse::<IpAddr>().ok()) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn ipv6_addresses_share_their_64_and_ipv4_counts_alone() {
        assert_eq!(address_bucket(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(address_bucket(Some("2001:db8:1:2:ffff:1:2:3")), "2001:db8:1:2::/64");
        assert_ne!(address_bucket(Some("2001:db8:1:3::1")), "2001:db8:1:2::/64");
        assert_eq!(address_bucket(Some("::ffff:10.0.0.1")), "10.0.0.1");
        assert_eq!(address_bucket(Some("10.0.0.1")), "10.0.0.1");
        assert_eq!(address_bucket(Some("not an address")), "unknown");
        assert_eq!(address_bucket(None), "unknown");
    }

    #[tokio::test]
    async fn with_the_store_down_limits_still_limit() {
        // A real Redis client pointed at a port nothing listens on: every
        // call fails as it does during an outage.
        let down = crate::platform::ssr::store::RedisStore::new(
            "redis://127.0.0.1:1",
            "limiter-test:",
            Duration::from_millis(200),
            Duration::from_millis(200),
        )
        .unwrap();
        let limiter = Limiter::new(Arc::new(down));
        let window = Duration::from_secs(60);
        for _ in 0..3 {
            assert!(limiter.check("k", 3, window).await.allowed);
        }
        assert!(!limiter.check("k", 3, window).await.allowed, "the fourth call is refused, not allowed");
        assert!(limiter.check("other", 3, window).await.allowed, "other keys have their own count");
    }
}
