//! Redis going away for real (a private `redis-server`, killed mid-run and
//! started again) and event streams that clients abandon: pages keep
//! serving, limits and the one-generation rule hold without Redis, nothing
//! needs a restart afterwards, and abandoned streams free everything they
//! held.

use crate::helpers::{spawn_app_with, Backend, Jar, Options, PrivateRedis, TestApp};
use crate::imports::{events_until_done, get_json, import, post_json, signed_in_as};
use crate::resumes::settled;
use app::platform::ssr::jobs::NewJob;
use app::profile::ssr::profiles::IMPORT_KIND;
use serde_json::{json, Value};
use standins::github::fixtures::{Account, Repo};
use std::time::{Duration, Instant};

async fn user_with_profile(app: &TestApp, id: u64, login: &str) -> Jar {
    let jar =
        signed_in_as(app, Account::new(id, login).with_repo(Repo::new("svc").language("Rust", 50_000).topic("axum")))
            .await;
    import(app, &jar).await;
    jar
}

async fn create(app: &TestApp, jar: &Jar) -> reqwest::Response {
    post_json(app, jar, "/api/v1/resumes", &json!({ "language": "ko" })).await
}

async fn open_stream(app: &TestApp, jar: &Jar, job: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/imports/{job}/events")))
        .header("cookie", jar.header())
        .send()
        .await
        .unwrap()
}

/// A user opens streams on an import that will not change for an hour,
/// then walks away. The streams are capped per user; on PostgreSQL + Redis
/// they all share the instance's one pub/sub connection (Redis's own client
/// list says so); once the clients are gone, every watcher ends and its
/// slot frees — nothing waits for the job to change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_event_streams_end_and_share_one_redis_connection() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let redis = match backend {
            Backend::Postgres => match PrivateRedis::start().await {
                Some(r) => Some(r),
                None => continue,
            },
            Backend::Sqlite => None,
        };
        let options = Options {
            redis_url: redis.as_ref().map(|r| r.url()),
            tweak: Box::new(|s| s.jobs.max_streams_per_user = 4),
        };
        let Some(app) = spawn_app_with(backend, options).await else { continue };
        let jar = signed_in_as(&app, Account::new(601, "streamer")).await;
        let me = get_json(&app, &jar, "/api/v1/me").await.1;
        let mut later = NewJob::new(IMPORT_KIND, json!({ "user_id": me["id"] })).owned_by(me["id"].as_str().unwrap());
        later.run_at = Some(chrono::Utc::now() + chrono::Duration::hours(1));
        let job = app.state.jobs.enqueue(later).await.unwrap();

        let before = match &redis {
            Some(r) => r.clients().await,
            None => 0,
        };
        let mut streams = Vec::new();
        for _ in 0..4 {
            let mut res = open_stream(&app, &jar, &job).await;
            assert_eq!(res.status(), 200);
            let first = tokio::time::timeout(Duration::from_secs(10), res.chunk()).await.unwrap().unwrap().unwrap();
            assert!(String::from_utf8_lossy(&first).contains("event: progress"));
            streams.push(res);
        }
        let res = open_stream(&app, &jar, &job).await;
        assert_eq!(res.status(), 429, "a fifth stream of the same user ({backend:?})");
        assert_eq!(res.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
        if let Some(r) = &redis {
            let during = r.clients().await;
            assert!(during <= before + 1, "four streams, at most one more Redis client: {before} -> {during}");
        }
        assert_eq!(app.state.jobs.open_streams(), 4);

        drop(streams); // the user closed the tabs
        let deadline = Instant::now() + Duration::from_secs(20);
        while app.state.jobs.open_streams() > 0 {
            assert!(Instant::now() < deadline, "abandoned watchers still running ({backend:?})");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let res = open_stream(&app, &jar, &job).await;
        assert_eq!(res.status(), 200, "the slots are free again");
        if let Some(r) = &redis {
            assert!(r.clients().await <= before + 1, "and no Redis connection was left behind");
        }
    }
}

/// Redis is killed mid-run, then started again. Meanwhile pages (a résumé
/// included) and sign-in refresh keep working, readiness says degraded but
/// stays 200, and generation stays guarded by the database: two at once
/// run one, the daily quota holds. Afterwards everything is back without a
/// restart, live progress included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_outage_degrades_and_recovers_without_a_restart() {
    let Some(mut redis) = PrivateRedis::start().await else { return };
    // A model that takes a couple of seconds, so two requests really overlap.
    let llm = standins::llm::LlmStandIn::start().await;
    llm.set_chunk_delay(Duration::from_millis(40));
    let llm_url = llm.base_url.clone();
    let options = Options {
        redis_url: Some(redis.url()),
        tweak: Box::new(move |s| {
            s.llm.daily_limit = 3;
            s.llm.base_url = Some(llm_url);
            s.llm.model = "standin-model".into();
            s.llm.timeout_secs = 10;
        }),
    };
    let Some(app) = spawn_app_with(Backend::Postgres, options).await else { return };
    let jar = user_with_profile(&app, 610, "outage").await;
    let res = create(&app, &jar).await;
    assert_eq!(res.status(), 202);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(settled(&app, &jar, &id).await["status"], "ready");
    assert_eq!(app.get("/readyz").await.json::<Value>().await.unwrap()["status"], "ready");

    redis.kill();

    let page = app.client.get(app.url(&format!("/resumes/{id}"))).header("cookie", jar.header()).send().await.unwrap();
    assert_eq!(page.status(), 200, "the résumé page serves");
    assert_eq!(app.get("/").await.status(), 200);
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "sign-in refresh works");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "degraded");

    // Two generations at once: one runs, one is refused — never both.
    let (a, b) = tokio::join!(create(&app, &jar), create(&app, &jar));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [202, 409], "guarded by the database while Redis is down");
    let started = if a.status() == 202 { a } else { b };
    let second = started.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(settled(&app, &jar, &second).await["status"], "ready", "generation works without Redis");
    let third = create(&app, &jar).await;
    assert_eq!(third.status(), 202);
    let third = third.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    settled(&app, &jar, &third).await;
    assert_eq!(create(&app, &jar).await.status(), 429, "the daily quota holds without Redis");

    redis.up().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let body: Value = app.get("/readyz").await.json().await.unwrap();
        if body["status"] == "ready" {
            break;
        }
        assert!(Instant::now() < deadline, "the store never came back: {body}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Live progress flows through Redis again: a second user's import,
    // followed as events, sees its progress and its end.
    let other = signed_in_as(&app, Account::new(611, "after-outage").with_generated_repos(60)).await;
    let res = crate::imports::post(&app, &other, "/api/v1/imports").await;
    assert_eq!(res.status(), 202);
    let job = res.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_string();
    let text = events_until_done(&app, &other, &job).await;
    assert!(text.contains("\"status\":\"succeeded\""), "{text}");
}
