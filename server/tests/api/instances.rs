//! Two instances of the application on one PostgreSQL database and one
//! Redis, as production scales out: they start together on an empty
//! database, share sessions, allow one generation per user between them,
//! pass job progress from one to an event stream on the other, and take
//! over each other's jobs when one dies.

use crate::helpers::{fresh_postgres_database, redis_url, spawn_app_on, unique, Backend, Jar, Options, TestApp};
use crate::imports::events_until_done;
use base64::{engine::general_purpose::STANDARD, Engine};
use serde_json::{json, Value};
use standins::github::{fixtures::Account, GithubStandIn};
use std::time::{Duration, Instant};

/// Settings both instances share: the database, the Redis prefix, the
/// signing and encryption keys, and one GitHub (the stand-in).
pub(crate) fn shared(
    public_url: String,
    db: String,
    prefix: String,
    pem: String,
    github: String,
    graphql: String,
) -> impl Fn(&mut app::platform::ssr::config::Settings) + Clone + Send + 'static {
    move |s: &mut app::platform::ssr::config::Settings| {
        // Behind one load balancer: one public address (the token issuer,
        // the OAuth callback), here instance A's.
        s.server.public_url = Some(public_url.clone());
        s.database.url = Some(db.clone().into());
        s.redis.url = Some(redis_url().into());
        s.redis.key_prefix = prefix.clone();
        s.auth.signing_key = Some(pem.clone().into());
        s.security.encryption_key = Some("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=".to_string().into());
        s.github.web_url = github.clone();
        s.github.api_url = github.clone();
        s.github.graphql_url = Some(graphql.clone());
        s.jobs.lease_secs = 3;
        s.jobs.poll_interval_ms = 50;
    }
}

pub(crate) fn ed25519_pem() -> String {
    let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let b64 = STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"))
}

pub(crate) async fn sign_in(app: &TestApp, github: &GithubStandIn, account: Account) -> Jar {
    let (id, login) = (account.id, account.login.clone());
    github.add_account(account);
    github.sign_in_as(id, &login);
    let mut jar = Jar::default();
    let res = app.get("/auth/github/login").await;
    jar.absorb(&res);
    let consent = app.client.get(res.headers()["location"].to_str().unwrap()).send().await.unwrap();
    let callback = consent.headers()["location"].to_str().unwrap().to_string();
    let res = app.client.get(&callback).header("cookie", jar.header()).send().await.unwrap();
    assert_eq!(res.status(), 303);
    jar.absorb(&res);
    assert_eq!(crate::auth::patch_me(app, &jar, json!({ "nickname": login })).await.status(), 200);
    jar
}

async fn post(app: &TestApp, jar: &Jar, path: &str, body: Value) -> reqwest::Response {
    crate::imports::post_json(app, jar, path, &body).await
}

async fn get(app: &TestApp, jar: &Jar, path: &str) -> Value {
    crate::imports::get_json(app, jar, path).await.1
}

async fn finished_job(app: &TestApp, id: &str) -> app::platform::ssr::entities::job::Model {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let job = app.state.jobs.get(id).await.unwrap().unwrap();
        if job.status.is_finished() {
            return job;
        }
        assert!(Instant::now() < deadline, "job never finished: {job:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behave_as_one() {
    let Some(db) = fresh_postgres_database().await else { return };
    if crate::helpers::fresh_redis_store().await.is_none() {
        return;
    }
    let github = GithubStandIn::start().await;
    let free_port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (port_a, port_b) = (free_port(), free_port());
    let tweak = shared(
        format!("http://127.0.0.1:{port_a}"),
        db,
        unique("proofolio-test:") + ":",
        ed25519_pem(),
        github.url.clone(),
        github.graphql_url(),
    );
    let (ta, tb) = (tweak.clone(), tweak.clone());
    // Both start at the same moment on the empty database: the migrations
    // take turns (an advisory lock) instead of one crashing.
    let (a, b) = tokio::join!(
        spawn_app_on(Backend::Postgres, Options { redis_url: None, tweak: Box::new(ta) }, port_a),
        spawn_app_on(Backend::Postgres, Options { redis_url: None, tweak: Box::new(tb) }, port_b),
    );
    let (mut a, mut b) = (a.expect("instance A starts"), b.expect("instance B starts"));

    // A session made on A works on B.
    let jar = sign_in(&a, &github, Account::new(700, "scaled").with_generated_repos(30)).await;
    let me = get(&b, &jar, "/api/v1/me").await;
    assert_eq!(me["nickname"], "scaled", "{me}");

    // An import started on A, followed live on both instances.
    github.set_latency(Duration::from_millis(300));
    let res = post(&a, &jar, "/api/v1/imports", json!({})).await;
    assert_eq!(res.status(), 202);
    let job = res.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_string();
    let (on_a, on_b) = tokio::join!(events_until_done(&a, &jar, &job), events_until_done(&b, &jar, &job));
    for (name, text) in [("A", &on_a), ("B", &on_b)] {
        assert!(text.matches("event: progress").count() >= 2, "{name} saw progress as it happened: {text}");
        assert!(text.contains("\"status\":\"succeeded\""), "{name}: {text}");
    }
    github.set_latency(Duration::ZERO);

    // One generation per user across both instances.
    let (ra, rb) = tokio::join!(
        post(&a, &jar, "/api/v1/resumes", json!({ "language": "ko" })),
        post(&b, &jar, "/api/v1/resumes", json!({ "language": "ko" })),
    );
    let mut statuses = [ra.status().as_u16(), rb.status().as_u16()];
    statuses.sort();
    if statuses == [202, 202] {
        // The deterministic writer can finish the first before the second
        // request is read (a loaded machine): then the two must not overlap.
        let (ja, jb) = (ra.json::<Value>().await.unwrap(), rb.json::<Value>().await.unwrap());
        let mut jobs = Vec::new();
        for j in [&ja, &jb] {
            jobs.push(finished_job(&a, j["job_id"].as_str().unwrap_or_else(|| panic!("{j}"))).await);
        }
        jobs.sort_by_key(|j| j.created_at);
        assert!(jobs[0].finished_at.unwrap() <= jobs[1].created_at, "two generations of one user overlapped: {jobs:?}");
    } else {
        assert_eq!(statuses, [202, 409], "one runs, the other is told so");
    }

    // A job held by one instance is taken over by the other when it dies.
    let jar2 = sign_in(&b, &github, Account::new(701, "survivor").with_generated_repos(120)).await;
    github.set_latency(Duration::from_millis(400));
    let res = post(&b, &jar2, "/api/v1/imports", json!({})).await;
    let job = res.json::<Value>().await.unwrap()["job_id"].as_str().unwrap().to_string();
    let holder = loop {
        let row = a.state.jobs.get(&job).await.unwrap().unwrap();
        if let Some(token) = row.locked_by {
            break token.split(':').next().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (dead, alive) = if holder == a.worker_tag { (&mut a, &b) } else { (&mut b, &a) };
    assert_eq!(holder, dead.worker_tag);
    dead.kill();
    github.set_latency(Duration::ZERO);
    let done = finished_job(alive, &job).await;
    assert_eq!(done.status, app::platform::ssr::entities::job::JobStatus::Succeeded, "{done:?}");
    assert_eq!(done.attempts, 2, "the second instance ran it as the second attempt");
    assert!(done.locked_by.is_none());
    let skills = get(alive, &jar2, "/api/v1/me/skills").await;
    assert!(skills["profile"]["repositories"].as_array().is_some_and(|r| !r.is_empty()), "{skills}");
}
