//! Redis implementation: one multiplexed `ConnectionManager` (reconnects by
//! itself) for commands, Lua scripts where a check and a write must be one
//! step, and ONE pub/sub connection per instance, whatever the number of
//! subscribers: it pattern-subscribes to the instance's key prefix and fans
//! messages out in-process, so a thousand open event streams cost Redis one
//! client, not a thousand. It re-subscribes after a drop. Every key and
//! channel carries the configured prefix, so instances (and tests) can
//! share one Redis without seeing each other.

use super::{millis, new_token, Lock, RateDecision, Store, StoreError, StoreResult, Subscription};
use async_trait::async_trait;
use futures::StreamExt;
use redis::{aio::ConnectionManager, AsyncCommands, Script};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};
use tokio::sync::{broadcast, watch, OnceCell, RwLock};
use tokio_stream::wrappers::BroadcastStream;

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
    hub: OnceCell<Arc<Hub>>,
    circuit: Circuit,
}

/// Fail fast while Redis is down: after a failure the circuit opens and
/// calls fail at once (no connection attempt, no waiting behind a
/// reconnect) until it is time to probe again; one call probes, and a
/// success closes it.
#[derive(Default)]
struct Circuit {
    open_until: Mutex<Option<std::time::Instant>>,
}

const CIRCUIT_OPEN_FOR: Duration = Duration::from_secs(2);

impl Circuit {
    /// `Err` while open; the first caller after the open period probes.
    fn check(&self) -> StoreResult<()> {
        let mut open = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        match *open {
            Some(until) if std::time::Instant::now() < until => {
                Err(unavailable("redis is down (circuit open; probing again shortly)"))
            }
            Some(_) => {
                // This caller probes; the others keep failing fast meanwhile.
                *open = Some(std::time::Instant::now() + CIRCUIT_OPEN_FOR);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Open right now (without taking the probe).
    fn is_open(&self) -> bool {
        let open = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        open.is_some_and(|until| std::time::Instant::now() < until)
    }

    fn record<T>(&self, result: &StoreResult<T>) {
        let mut open = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        match result {
            Err(StoreError::Unavailable(_)) => *open = Some(std::time::Instant::now() + CIRCUIT_OPEN_FOR),
            _ => *open = None,
        }
    }
}

/// The instance's one pub/sub connection and its local subscribers.
struct Hub {
    channels: Mutex<HashMap<String, broadcast::Sender<String>>>,
    /// True while the pattern subscription is confirmed.
    up: watch::Sender<bool>,
}

impl Hub {
    fn deliver(&self, channel: &str, payload: String) {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = channels.get(channel) {
            if tx.send(payload).is_err() {
                // Nobody listens any more.
                channels.remove(channel);
            }
        }
    }

    fn receiver(&self, channel: &str) -> broadcast::Receiver<String> {
        let mut channels = self.channels.lock().unwrap_or_else(|e| e.into_inner());
        channels.retain(|_, tx| tx.receiver_count() > 0);
        channels.entry(channel.to_string()).or_insert_with(|| broadcast::channel(64).0).subscribe()
    }
}

/// Escape glob characters so the prefix matches itself only.
fn glob_escape(s: &str) -> String {
    s.chars().flat_map(|c| if matches!(c, '*' | '?' | '[' | ']' | '\\') { vec!['\\', c] } else { vec![c] }).collect()
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
        Ok(Self {
            client,
            prefix: prefix.into(),
            connect_timeout,
            response_timeout,
            conn: RwLock::new(None),
            hub: OnceCell::new(),
            circuit: Circuit::default(),
        })
    }

    /// The shared subscription, started on first use. It lives as long as
    /// the process (one task, one connection), reconnecting with backoff.
    async fn hub(&self) -> Arc<Hub> {
        self.hub
            .get_or_init(|| async {
                let (up, _) = watch::channel(false);
                let hub = Arc::new(Hub { channels: Mutex::new(HashMap::new()), up });
                let pattern = format!("{}*", glob_escape(&self.prefix));
                let timeout = self.connect_timeout.max(self.response_timeout);
                tokio::spawn(run_hub(Arc::downgrade(&hub), self.client.clone(), pattern, timeout));
                hub
            })
            .await
            .clone()
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

    /// Bounds every command: a hung server is an unavailable server; a
    /// down one fails fast through the circuit.
    async fn run<T>(&self, f: impl AsyncFnOnce(ConnectionManager) -> redis::RedisResult<T>) -> StoreResult<T> {
        self.circuit.check()?;
        let result = async {
            let conn = self.conn().await?;
            tokio::time::timeout(self.response_timeout + Duration::from_millis(200), f(conn))
                .await
                .map_err(|_| unavailable("redis did not answer in time"))?
                .map_err(classify)
        }
        .await;
        self.circuit.record(&result);
        result
    }
}

/// The hub's connection: pattern-subscribed to the prefix, confirmed.
async fn open_hub(client: &redis::Client, pattern: &str, timeout: Duration) -> StoreResult<redis::aio::PubSub> {
    let mut pubsub = tokio::time::timeout(timeout, client.get_async_pubsub())
        .await
        .map_err(|_| unavailable("timed out connecting to redis"))?
        .map_err(classify)?;
    tokio::time::timeout(timeout, pubsub.psubscribe(pattern))
        .await
        .map_err(|_| unavailable("redis did not confirm the subscription"))?
        .map_err(classify)?;
    Ok(pubsub)
}

/// Keep the shared subscription up and deliver what arrives; ends when the
/// store is gone.
async fn run_hub(hub: std::sync::Weak<Hub>, client: redis::Client, pattern: String, timeout: Duration) {
    let mut backoff = Duration::from_millis(100);
    loop {
        match open_hub(&client, &pattern, timeout).await {
            Ok(pubsub) => {
                backoff = Duration::from_millis(100);
                let Some(h) = hub.upgrade() else { return };
                h.up.send_replace(true);
                drop(h);
                let mut messages = pubsub.into_on_message();
                while let Some(msg) = messages.next().await {
                    let Some(h) = hub.upgrade() else { return };
                    let (Ok(channel), Ok(payload)) = (msg.get_channel::<String>(), msg.get_payload::<String>()) else {
                        continue;
                    };
                    h.deliver(&channel, payload);
                }
                let Some(h) = hub.upgrade() else { return };
                h.up.send_replace(false);
                tracing::warn!("redis subscription dropped; re-subscribing");
            }
            Err(e) => {
                if hub.strong_count() == 0 {
                    return;
                }
                tracing::debug!(error = %e, "redis subscription unavailable");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
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
        let hub = self.hub().await;
        // Known down: the caller falls back to polling at once instead of
        // waiting out the connect timeout.
        if self.circuit.is_open() && !*hub.up.borrow() {
            return Err(unavailable("redis is down (circuit open)"));
        }
        let mut up = hub.up.subscribe();
        let timeout = self.connect_timeout.max(self.response_timeout) + Duration::from_millis(200);
        // Subscribed means: the shared subscription is confirmed now.
        match tokio::time::timeout(timeout, up.wait_for(|up| *up)).await {
            Ok(Ok(_)) => {}
            _ => return Err(unavailable("redis subscription is not up")),
        }
        let rx = hub.receiver(&channel);
        Ok(BroadcastStream::new(rx).filter_map(|m| async move { m.ok() }).boxed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_down_redis_fails_fast_until_it_is_time_to_probe() {
        // Nothing listens on port 1.
        let store =
            RedisStore::new("redis://127.0.0.1:1", "t:", Duration::from_millis(300), Duration::from_millis(300))
                .unwrap();
        let first = store.get("k").await.unwrap_err().to_string();
        assert!(!first.contains("circuit open"), "the first call really tried: {first}");
        for _ in 0..50 {
            let e = store.get("k").await.unwrap_err().to_string();
            assert!(e.contains("circuit open"), "later calls fail at once: {e}");
        }
        *store.circuit.open_until.lock().unwrap() = Some(std::time::Instant::now());
        let probe = store.get("k").await.unwrap_err().to_string();
        assert!(!probe.contains("circuit open"), "then one call probes again: {probe}");
    }
}
