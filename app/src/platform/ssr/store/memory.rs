//! In-process stand-in for Redis: correct for one instance, shared by
//! nothing else. Expired entries are dropped lazily on access and by a sweep
//! whenever the map has grown.

use super::{new_token, Lock, RateDecision, Store, StoreResult, Subscription};
use async_trait::async_trait;
use futures::StreamExt;
use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

#[derive(Debug, Clone)]
enum Value {
    Text(String),
    Int(i64),
}

#[derive(Debug, Clone)]
struct Entry {
    value: Value,
    expires_at: Option<Instant>,
}

impl Entry {
    fn live(&self, now: Instant) -> bool {
        self.expires_at.is_none_or(|at| at > now)
    }
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, Entry>,
    sweep_at_len: usize,
}

impl Inner {
    fn live(&mut self, key: &str, now: Instant) -> Option<&mut Entry> {
        if self.entries.get(key).is_some_and(|e| !e.live(now)) {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    fn insert(&mut self, key: &str, entry: Entry, now: Instant) {
        self.entries.insert(key.to_string(), entry);
        if self.entries.len() > self.sweep_at_len {
            self.entries.retain(|_, e| e.live(now));
            self.sweep_at_len = (self.entries.len() * 2).max(1024);
        }
    }
}

pub struct MemoryStore {
    inner: Mutex<Inner>,
    channels: Mutex<HashMap<String, broadcast::Sender<String>>>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self { inner: Mutex::new(Inner::default()), channels: Mutex::new(HashMap::new()) }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner, Instant) -> T) -> T {
        // A poisoned lock only means another task panicked mid-operation;
        // every operation leaves the map consistent, so keep going.
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard, Instant::now())
    }
}

#[async_trait]
impl Store for MemoryStore {
    fn kind(&self) -> &'static str {
        "memory"
    }

    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    async fn set_nx_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<bool> {
        Ok(self.with(|m, now| {
            if m.live(key, now).is_some() {
                return false;
            }
            m.insert(key, Entry { value: Value::Text(value.into()), expires_at: Some(now + ttl) }, now);
            true
        }))
    }

    async fn set_ex(&self, key: &str, value: &str, ttl: Duration) -> StoreResult<()> {
        self.with(|m, now| m.insert(key, Entry { value: Value::Text(value.into()), expires_at: Some(now + ttl) }, now));
        Ok(())
    }

    async fn get(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self.with(|m, now| {
            m.live(key, now).map(|e| match &e.value {
                Value::Text(s) => s.clone(),
                Value::Int(i) => i.to_string(),
            })
        }))
    }

    async fn delete(&self, key: &str) -> StoreResult<bool> {
        Ok(self.with(|m, now| {
            let existed = m.live(key, now).is_some();
            m.entries.remove(key);
            existed
        }))
    }

    async fn incr_by(&self, key: &str, by: i64) -> StoreResult<i64> {
        self.with(|m, now| match m.live(key, now) {
            Some(entry) => {
                let current = match &entry.value {
                    Value::Int(i) => *i,
                    Value::Text(s) => s
                        .parse::<i64>()
                        .map_err(|_| super::StoreError::Protocol(format!("{key} does not hold an integer")))?,
                };
                let next = current
                    .checked_add(by)
                    .ok_or_else(|| super::StoreError::Protocol(format!("{key} would overflow")))?;
                entry.value = Value::Int(next);
                Ok(next)
            }
            None => {
                m.insert(key, Entry { value: Value::Int(by), expires_at: None }, now);
                Ok(by)
            }
        })
    }

    async fn take_counter(&self, key: &str) -> StoreResult<i64> {
        self.with(|m, now| {
            let value = m.live(key, now).map(|e| e.value.clone());
            m.entries.remove(key);
            match value {
                None => Ok(0),
                Some(Value::Int(i)) => Ok(i),
                Some(Value::Text(s)) => {
                    s.parse().map_err(|_| super::StoreError::Protocol(format!("{key} does not hold an integer")))
                }
            }
        })
    }

    async fn try_lock(&self, name: &str, ttl: Duration) -> StoreResult<Option<Lock>> {
        let token = new_token();
        let taken = self.set_nx_ex(name, &token, ttl).await?;
        Ok(taken.then(|| Lock { name: name.to_string(), token }))
    }

    async fn extend_lock(&self, lock: &Lock, ttl: Duration) -> StoreResult<bool> {
        Ok(self.with(|m, now| match m.live(&lock.name, now) {
            Some(Entry { value: Value::Text(t), expires_at }) if *t == lock.token => {
                *expires_at = Some(now + ttl);
                true
            }
            _ => false,
        }))
    }

    async fn release_lock(&self, lock: &Lock) -> StoreResult<bool> {
        Ok(self.with(|m, now| match m.live(&lock.name, now) {
            Some(Entry { value: Value::Text(t), .. }) if *t == lock.token => {
                m.entries.remove(&lock.name);
                true
            }
            _ => false,
        }))
    }

    async fn rate_limit(&self, key: &str, limit: u32, window: Duration) -> StoreResult<RateDecision> {
        Ok(self.with(|m, now| {
            let (count, expires_at) = match m.live(key, now) {
                Some(Entry { value: Value::Int(count), expires_at: Some(at) }) => {
                    *count += 1;
                    (*count, *at)
                }
                _ => {
                    let at = now + window;
                    m.insert(key, Entry { value: Value::Int(1), expires_at: Some(at) }, now);
                    (1, at)
                }
            };
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            RateDecision {
                allowed: count <= limit,
                remaining: limit.saturating_sub(count),
                reset_after: expires_at.saturating_duration_since(now),
            }
        }))
    }

    async fn publish(&self, channel: &str, message: &str) -> StoreResult<()> {
        let channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(sender) = channels.get(channel) {
            // No receivers is not an error: nobody is listening right now.
            let _ = sender.send(message.to_string());
        }
        Ok(())
    }

    async fn subscribe(&self, channel: &str) -> StoreResult<Subscription> {
        let mut channels = self.channels.lock().unwrap_or_else(|p| p.into_inner());
        channels.retain(|_, s| s.receiver_count() > 0);
        let receiver = channels.entry(channel.to_string()).or_insert_with(|| broadcast::channel(256).0).subscribe();
        Ok(BroadcastStream::new(receiver)
            // A slow subscriber misses messages (`Lagged`) rather than
            // blocking publishers, as with Redis.
            .filter_map(|m| async move { m.ok() })
            .boxed())
    }
}
