//! Redis implementation: one multiplexed `ConnectionManager` (reconnects by
//! itself) for commands, Lua scripts where a check and a write must be one
//! step, and a dedicated connection per subscription that re-subscribes
//! after a drop. Every key and channel carries the configured prefix, so
//! instances (and tests) can share one Redis without seeing each other.

use super::{millis, new_token, Lock, RateDecision, Store, StoreError, StoreResult, Subscription};
use async_trait::async_trait;
use futures::StreamExt;
use redis::{aio::ConnectionManager, AsyncCommands, Script};
use std::time::Duration;
use tokio::sync::{mpsc, RwLock};
use tokio_stream::wrappers::ReceiverStream;

const RELEASE: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"#;

const EXTEND: &str = r#"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
"#;

/// Fixed window: the first call of a window starts its clock.
const RATE_LIMIT: &str = r#"
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"#;

pub struct RedisStore {
    client: redis::Client,
    prefix: String,
    connect_timeout: Duration,
    response_timeout: Duration,
    conn: RwLock<Option<ConnectionManager>>,
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

fn classify(e: redis::RedisError) -> StoreError {
    if e.is_io_error() || e.is_timeout() || e.is_connection_dropped() || e.is_connection_refusal() {
        unavailable(e)
    } else {
        StoreError::Protocol(e.to_string())
    }
}

impl RedisStore {
    /// Parses the URL; does not connect. The first operation connects, and a
    /// Redis that is down at start-up only makes operations fail until it is up.
    pub fn new(
        url: &str,
        prefix: impl Into<String>,
        connect_timeout: Duration,
        response_timeout: Duration,
    ) -> StoreResult<Self> {
        let client = redis::Client::open(url).map_err(|e| StoreError::Protocol(format!("invalid redis url: {e}")))?;
        Ok(Self { client, prefix: prefix.into(), connect_timeout, response_timeout, conn: RwLock::new(None) })
    }

    fn key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    async fn conn(&self) -> StoreResult<ConnectionManager> {
        if let Some(conn) = self.conn.read().await.as_ref() {
            return Ok(conn.clone());
        }
        let mut slot = self.conn.write().await;
        if let Some(conn) = slot.as_ref() {
            return Ok(conn.clone());
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.connect_timeout))
            .set_response_timeout(Some(self.response_timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_secs(2));
        let conn = tokio::time::timeout(
            self.connect_timeout + Duration::from_millis(200),
            self.client.get_connection_manager_with_config(config),
        )
        .await
        .map_err(|_| unavailable("timed out connecting to redis"))?
        .map_err(classify)?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// Bounds every command: a hung server is an unavailable server.
    async fn run<T>(&self, f: impl AsyncFnOnce(ConnectionManager) -> redis::RedisResult<T>) -> StoreResult<T> {
        let conn = self.conn().await?;
        tokio::time::timeout(self.response_timeout + Duration::from_millis(200), f(conn))
            .await
            .map_err(|_| unavailable("redis did not answer in time"))?
            .map_err(classify)
    }
}

/// A dedicated connection subscribed to `channel`, confirmed by the server.
async fn open_subscription(
    client: &redis::Client,
    channel: &str,
    timeout: Duration,
) -> StoreResult<redis::aio::PubSub> {
    let mut pubsub = tokio::time::timeout(timeout, client.get_async_pubsub())
        .await
        .map_err(|_| unavailable("timed out connecting to redis"))?
        .map_err(classify)?;
    tokio::time::timeout(timeout, pubsub.subscribe(channel))
        .await
        .map_err(|_| unavailable("redis did not confirm the subscription"))?
        .map_err(classify)?;
    Ok(pubsub)
}

#[async_trait]
impl Store for RedisStore {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.run(async |mut c| redis::cmd("PING").query_async::<String>(&mut c).await).await.map(|_| ())
    }

    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<bool> {
        let key = self.key(key);
        self.run(async |mut c| {
            let set: Option<String> =
                redis::cmd("SET").arg(&key).arg(value).arg("NX").arg("PX").arg(millis(ttl)).query_async(&mut c).await?;
            Ok(set.is_some())
        })
        .await
    }

    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<()> {
        let key = self.key(key);
        self.run(async |mut c| c.pset_ex::<_, _, ()>(&key, value, millis(ttl)).await).await
    }

    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        let key = self.key(key);
        self.run(async |mut c| c.get(&key).await).await
    }

    async fn delete(&self, key: &str) -> StoreResult<bool> {
        let key = self.key(key);
        self.run(async |mut c| c.del::<_, i64>(&key).await).await.map(|n| n > 0)
    }

    async fn incr_by(&self, key: &str, by: i64) -> StoreResult<i64> {
        let key = self.key(key);
        self.run(async |mut c| c.incr(&key, by).await).await
    }

    async fn take_counter(&self, key: &str) -> StoreResult<i64> {
        let key = self.key(key);
        let value: Option<String> =
            self.run(async |mut c| redis::cmd("GETDEL").arg(&key).query_async(&mut c).await).await?;
        match value {
            None => Ok(0),
            Some(v) => v.parse().map_err(|_| StoreError::Protocol(format!("{key} does not hold an integer"))),
        }
    }

    async fn try_lock(&self, name: &str, ttl: Duration) -> StoreResult<Option<Lock>> {
        let token = new_token();
        let taken = self.set_nx_ex(name, &token, ttl).await?;
        Ok(taken.then(|| Lock { name: name.to_string(), token }))
    }

    async fn extend_lock(&self, lock: &Lock, ttl: Duration) -> StoreResult<bool> {
        let key = self.key(&lock.name);
        self.run(async |mut c| {
            Script::new(EXTEND).key(&key).arg(&lock.token).arg(millis(ttl)).invoke_async::<i64>(&mut c).await
        })
        .await
        .map(|n| n == 1)
    }

    async fn release_lock(&self, lock: &Lock) -> StoreResult<bool> {
        let key = self.key(&lock.name);
        self.run(async |mut c| Script::new(RELEASE).key(&key).arg(&lock.token).invoke_async::<i64>(&mut c).await)
            .await
            .map(|n| n == 1)
    }

    async fn rate_limit(&self, key: &str, limit: u32, window: Duration) -> StoreResult<RateDecision> {
        let key = self.key(key);
        let (count, ttl): (i64, i64) = self
            .run(async |mut c| Script::new(RATE_LIMIT).key(&key).arg(millis(window)).invoke_async(&mut c).await)
            .await?;
        let count = u32::try_from(count.max(0)).unwrap_or(u32::MAX);
        Ok(RateDecision {
            allowed: count <= limit,
            remaining: limit.saturating_sub(count),
            reset_after: Duration::from_millis(ttl.max(0) as u64),
        })
    }

    async fn publish(&self, channel: &str, message: &str) -> StoreResult<()> {
        let channel = self.key(channel);
        self.run(async |mut c| c.publish::<_, _, i64>(&channel, message).await).await.map(|_| ())
    }

    async fn subscribe(&self, channel: &str) -> StoreResult<Subscription> {
        let channel = self.key(channel);
        let timeout = self.connect_timeout.max(self.response_timeout);
        let first = open_subscription(&self.client, &channel, timeout).await?;
        let (tx, rx) = mpsc::channel::<String>(256);
        let client = self.client.clone();
        tokio::spawn(async move {
            let mut pubsub = Some(first);
            let mut backoff = Duration::from_millis(100);
            loop {
                if let Some(ps) = pubsub.take() {
                    backoff = Duration::from_millis(100);
                    let mut messages = ps.into_on_message();
                    loop {
                        tokio::select! {
                            _ = tx.closed() => return,
                            next = messages.next() => match next {
                                Some(msg) => {
                                    let Ok(payload) = msg.get_payload::<String>() else { continue };
                                    if tx.send(payload).await.is_err() {
                                        return;
                                    }
                                }
                                None => break,
                            },
                        }
                    }
                    tracing::warn!(channel = %channel, "redis subscription dropped; re-subscribing");
                }
                tokio::select! {
                    _ = tx.closed() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                match open_subscription(&client, &channel, timeout).await {
                    Ok(ps) => pubsub = Some(ps),
                    Err(e) => tracing::debug!(error = %e, "re-subscribe failed"),
                }
            }
        });
        Ok(ReceiverStream::new(rx).boxed())
    }
}
