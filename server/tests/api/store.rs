//! The store conformance suite: every behaviour the product relies on, run
//! against the in-process store and against Redis.

use app::platform::ssr::store::{RedisStore, SharedStore, Store, StoreError};
use futures::StreamExt;
use std::{sync::Arc, time::Duration};

store_tests!(
    set_nx_ex_deduplicates_until_the_ttl_lapses,
    set_ex_get_and_delete_behave_like_a_cache,
    counters_are_atomic_under_concurrency,
    take_counter_reads_and_resets,
    a_lock_has_one_holder_and_only_the_holder_releases_it,
    a_lock_expires_and_can_be_extended_by_its_holder,
    the_rate_limiter_allows_the_limit_then_refuses_until_the_window_resets,
    rate_limits_hold_under_concurrency,
    published_messages_reach_every_subscriber_of_the_channel,
);

async fn set_nx_ex_deduplicates_until_the_ttl_lapses(store: SharedStore) {
    assert!(store.set_nx_ex("view:r1:visitor", "1", Duration::from_millis(400)).await.unwrap());
    assert!(!store.set_nx_ex("view:r1:visitor", "1", Duration::from_millis(400)).await.unwrap());
    assert!(store.set_nx_ex("view:r1:other", "1", Duration::from_millis(400)).await.unwrap(), "keys are independent");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        store.set_nx_ex("view:r1:visitor", "1", Duration::from_millis(400)).await.unwrap(),
        "free again after the TTL"
    );
}

async fn set_ex_get_and_delete_behave_like_a_cache(store: SharedStore) {
    assert_eq!(store.get("cache:a").await.unwrap(), None);
    store.set_ex("cache:a", "{\"x\":1}", Duration::from_secs(5)).await.unwrap();
    assert_eq!(store.get("cache:a").await.unwrap().as_deref(), Some("{\"x\":1}"));
    store.set_ex("cache:a", "two", Duration::from_millis(300)).await.unwrap();
    assert_eq!(store.get("cache:a").await.unwrap().as_deref(), Some("two"), "set_ex replaces");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(store.get("cache:a").await.unwrap(), None, "expired");
    store.set_ex("cache:b", "x", Duration::from_secs(5)).await.unwrap();
    assert!(store.delete("cache:b").await.unwrap());
    assert!(!store.delete("cache:b").await.unwrap());
}

async fn counters_are_atomic_under_concurrency(store: SharedStore) {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.incr_by("likes:r1", 1).await.unwrap() })
        })
        .collect();
    let mut seen: Vec<i64> = futures::future::join_all(tasks).await.into_iter().map(|r| r.unwrap()).collect();
    seen.sort();
    assert_eq!(seen, (1..=50).collect::<Vec<_>>(), "every increment saw a distinct value");
    assert_eq!(store.incr_by("likes:r1", -5).await.unwrap(), 45);
}

async fn take_counter_reads_and_resets(store: SharedStore) {
    assert_eq!(store.take_counter("views:r9").await.unwrap(), 0, "a missing counter is zero");
    store.incr_by("views:r9", 3).await.unwrap();
    store.incr_by("views:r9", 4).await.unwrap();
    assert_eq!(store.take_counter("views:r9").await.unwrap(), 7);
    assert_eq!(store.take_counter("views:r9").await.unwrap(), 0, "taken means reset");
    assert_eq!(store.incr_by("views:r9", 1).await.unwrap(), 1);
}

async fn a_lock_has_one_holder_and_only_the_holder_releases_it(store: SharedStore) {
    let attempts: Vec<_> = (0..10)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.try_lock("lock:import:u1", Duration::from_secs(10)).await.unwrap() })
        })
        .collect();
    let held: Vec<_> = futures::future::join_all(attempts).await.into_iter().filter_map(|r| r.unwrap()).collect();
    assert_eq!(held.len(), 1, "exactly one of ten concurrent callers gets the lock");
    let lock = held.into_iter().next().unwrap();

    let forged = app::platform::ssr::store::Lock { name: lock.name.clone(), token: "not-the-owner".into() };
    assert!(!store.release_lock(&forged).await.unwrap(), "a stranger cannot release it");
    assert!(!store.extend_lock(&forged, Duration::from_secs(10)).await.unwrap(), "nor extend it");
    assert!(store.try_lock("lock:import:u1", Duration::from_secs(10)).await.unwrap().is_none(), "still held");

    assert!(store.release_lock(&lock).await.unwrap());
    assert!(!store.release_lock(&lock).await.unwrap(), "released once");
    assert!(store.try_lock("lock:import:u1", Duration::from_secs(10)).await.unwrap().is_some(), "free again");
}

async fn a_lock_expires_and_can_be_extended_by_its_holder(store: SharedStore) {
    let lock = store.try_lock("lock:gen:u2", Duration::from_millis(400)).await.unwrap().unwrap();
    assert!(store.extend_lock(&lock, Duration::from_millis(1500)).await.unwrap());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(store.try_lock("lock:gen:u2", Duration::from_secs(1)).await.unwrap().is_none(), "extension kept it");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let next = store.try_lock("lock:gen:u2", Duration::from_secs(5)).await.unwrap();
    assert!(next.is_some(), "an expired lock is free");
    assert!(!store.release_lock(&lock).await.unwrap(), "the old holder cannot release the new holder's lock");
    assert!(store.release_lock(&next.unwrap()).await.unwrap());
}

async fn the_rate_limiter_allows_the_limit_then_refuses_until_the_window_resets(store: SharedStore) {
    let window = Duration::from_millis(800);
    for expected_remaining in [2, 1, 0] {
        let d = store.rate_limit("rl:ip:1.2.3.4", 3, window).await.unwrap();
        assert!(d.allowed);
        assert_eq!(d.remaining, expected_remaining);
    }
    let refused = store.rate_limit("rl:ip:1.2.3.4", 3, window).await.unwrap();
    assert!(!refused.allowed);
    assert!(refused.reset_after > Duration::ZERO && refused.reset_after <= window, "{:?}", refused.reset_after);
    assert!(store.rate_limit("rl:ip:5.6.7.8", 3, window).await.unwrap().allowed, "other keys are unaffected");
    tokio::time::sleep(refused.reset_after + Duration::from_millis(100)).await;
    assert!(store.rate_limit("rl:ip:1.2.3.4", 3, window).await.unwrap().allowed, "a new window");
}

async fn rate_limits_hold_under_concurrency(store: SharedStore) {
    let calls: Vec<_> = (0..40)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.rate_limit("rl:quota:u3", 10, Duration::from_secs(30)).await.unwrap() })
        })
        .collect();
    let allowed = futures::future::join_all(calls).await.into_iter().filter(|d| d.as_ref().unwrap().allowed).count();
    assert_eq!(allowed, 10, "exactly the limit gets through");
}

async fn published_messages_reach_every_subscriber_of_the_channel(store: SharedStore) {
    let mut a = store.subscribe("events:u1").await.unwrap();
    let mut b = store.subscribe("events:u1").await.unwrap();
    let mut other = store.subscribe("events:u2").await.unwrap();
    store.publish("events:u1", "liked r1").await.unwrap();
    store.publish("events:u1", "commented r1").await.unwrap();
    for sub in [&mut a, &mut b] {
        let first = tokio::time::timeout(Duration::from_secs(2), sub.next()).await.unwrap();
        let second = tokio::time::timeout(Duration::from_secs(2), sub.next()).await.unwrap();
        assert_eq!((first.as_deref(), second.as_deref()), (Some("liked r1"), Some("commented r1")));
    }
    assert!(
        tokio::time::timeout(Duration::from_millis(300), other.next()).await.is_err(),
        "other channels hear nothing"
    );
    store.publish("nobody-listens", "x").await.expect("publishing to an empty channel is fine");
}

#[tokio::test]
async fn an_unreachable_redis_gives_errors_callers_can_degrade_on() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    let store =
        RedisStore::new("redis://127.0.0.1:1", "p:", Duration::from_millis(300), Duration::from_millis(300)).unwrap();
    let started = std::time::Instant::now();
    let err = store.incr_by("views:x", 1).await.unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(matches!(store.try_lock("l", Duration::from_secs(1)).await, Err(StoreError::Unavailable(_))));
    assert!(matches!(store.subscribe("c").await, Err(StoreError::Unavailable(_))));
    assert!(started.elapsed() < Duration::from_secs(5), "failing fast, not hanging: {:?}", started.elapsed());
}

#[tokio::test]
async fn two_redis_stores_with_different_prefixes_do_not_see_each_other() {
    let (Some(a), Some(b)) = (crate::helpers::fresh_redis_store().await, crate::helpers::fresh_redis_store().await)
    else {
        return;
    };
    a.set_ex("k", "from a", Duration::from_secs(5)).await.unwrap();
    assert_eq!(b.get("k").await.unwrap(), None);
    assert_eq!(a.get("k").await.unwrap().as_deref(), Some("from a"));
}
