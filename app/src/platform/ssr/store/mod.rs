//! The shared-state store behind every Redis feature of the product:
//! dedupe-with-TTL (view counts), atomic counters, an owner-token lock (one
//! import or generation per user), a rate limiter (sign-in, quotas) and
//! publish/subscribe (job progress and notifications across instances).
//!
//! Two implementations pass one conformance suite
//! (`server/tests/api/store.rs`): [`RedisStore`] for production and
//! [`MemoryStore`], the embedded stand-in for a single instance. Every
//! operation can fail with [`StoreError::Unavailable`]; callers decide how to
//! degrade (a view count is skipped, a page still renders).

mod limiter;
mod memory;
mod redis;

pub use self::limiter::{address_bucket, Limiter};
pub use self::memory::MemoryStore;
pub use self::redis::RedisStore;

use async_trait::async_trait;
use futures::stream::BoxStream;
use std::{sync::Arc, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backing service could not be reached or did not answer in time.
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The service answered with something we did not expect.
    #[error("store error: {0}")]
    Protocol(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A held lock. Only the holder of `token` can extend or release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lock {
    pub name: String,
    pub token: String,
}

/// The answer of [`Store::rate_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDecision {
    pub allowed: bool,
    /// Calls left in the current window after this one.
    pub remaining: u32,
    /// Time until the window resets.
    pub reset_after: Duration,
}

/// Messages on one channel, as they arrive. Dropping it unsubscribes.
pub type Subscription = BoxStream<'static, String>;

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// `redis` or `memory`.
    fn kind(&self) -> &'static str;

    async fn ping(&self) -> StoreResult<()>;

    /// Set `key` to `value` with a TTL only if absent. True if this call set it.
    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<bool>;
    /// Set `key` to `value` with a TTL, replacing any value (a cache entry).
    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<()>;
    async fn get(&self, key: &str) -> StoreResult<Option<String>>;
    /// True if the key existed.
    async fn delete(&self, key: &str) -> StoreResult<bool>;

    /// Atomically add `by` and return the new value (a missing key counts 0).
    async fn incr_by(&self, key: &str, by: i64) -> StoreResult<i64>;
    /// Atomically read a counter and reset it (to flush counts elsewhere).
    async fn take_counter(&self, key: &str) -> StoreResult<i64>;

    /// Take the lock `name` for `ttl` if nobody holds it.
    async fn try_lock(&self, name: &str, ttl: Duration) -> StoreResult<Option<Lock>>;
    /// Push the lock's expiry out to `ttl` from now; false if it is no longer ours.
    async fn extend_lock(&self, lock: &Lock, ttl: Duration) -> StoreResult<bool>;
    /// Release the lock; false (and nothing changed) if it is no longer ours.
    async fn release_lock(&self, lock: &Lock) -> StoreResult<bool>;

    /// Count one call against `limit` calls per fixed `window` for `key`.
    async fn rate_limit(&self, key: &str, limit: u32, window: Duration) -> StoreResult<RateDecision>;

    /// Deliver `message` to every current subscriber of `channel`, on every
    /// instance connected to the same store.
    async fn publish(&self, channel: &str, message: &str) -> StoreResult<()>;
    /// Subscribe to `channel`. The subscription is active when this returns.
    async fn subscribe(&self, channel: &str) -> StoreResult<Subscription>;
}

pub type SharedStore = Arc<dyn Store>;

/// A random token of 128 bits, hex-encoded, for lock ownership.
pub(crate) fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn millis(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}
