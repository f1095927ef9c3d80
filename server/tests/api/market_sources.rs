//! Job postings from job boards and feeds, against the stand-in boards
//! (`standins::boards`, their captured formats): every source kind read
//! and normalised through the admin API, failing sources reported while
//! the others run, a posting on two boards kept once, the admin API's
//! authorisation, uploads with broken records, and scheduled runs that
//! fire once per due time across two instances. Each test runs on SQLite
//! with the in-process store and on PostgreSQL with Redis.

use crate::helpers::{spawn_app_with, Backend, Jar, Options, TestApp};
use crate::imports::{get_json, post_json, signed_in_as};
use app::platform::ssr::config::{Settings, SourceSettings};
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};
use standins::boards::{BoardsStandIn, Fault};
use standins::github::fixtures::Account;
use std::time::{Duration, Instant};

/// `db_tests!` for tests that configure the application themselves (the
/// stand-in boards must be up before it starts).
macro_rules! source_tests {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name(crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name(crate::helpers::Backend::Postgres).await
            }
        }
    )* };
}

source_tests!(
    every_source_kind_is_read_and_normalised,
    failing_sources_are_reported_and_the_others_still_run,
    the_same_posting_on_two_boards_is_one_posting,
    only_administrators_may_import_or_read_runs,
    an_upload_with_broken_records_imports_the_rest,
    scheduled_runs_fire_once_per_due_time_across_two_instances,
);

const ADMIN: u64 = 7001;

fn source(kind: &str, target: &str, interval: &str, company: Option<&str>) -> SourceSettings {
    let feed = kind == "feed";
    SourceSettings {
        kind: kind.into(),
        board: (!feed).then(|| target.to_string()),
        url: feed.then(|| target.to_string()),
        interval: Some(interval.into()),
        company: company.map(Into::into),
    }
}

/// The usual five sources, each checked hourly.
fn all_sources(boards: &BoardsStandIn) -> Vec<SourceSettings> {
    vec![
        source("greenhouse", "acme", "1h", None),
        source("lever", "beta", "1h", Some("Beta")),
        source("ashby", "gamma", "1h", Some("Acme")),
        source("feed", &boards.feed_url("jobs.rss"), "1h", None),
        source("feed", &boards.feed_url("jobs.atom"), "1h", None),
    ]
}

fn configure(s: &mut Settings, boards: &BoardsStandIn, sources: Vec<SourceSettings>) {
    s.market.greenhouse_url = boards.greenhouse_url();
    s.market.lever_url = boards.lever_url();
    s.market.ashby_url = boards.ashby_url();
    s.market.sources = sources;
    s.market.fetch_timeout_secs = 1;
    s.market.scheduler_tick_ms = 100;
    s.auth.admins = vec![format!("github:{ADMIN}")];
}

/// The application with the stand-in boards, and an administrator signed in.
async fn app_with(backend: Backend, boards: &BoardsStandIn, sources: Vec<SourceSettings>) -> Option<(TestApp, Jar)> {
    let b = boards.clone();
    let tweak = Box::new(move |s: &mut Settings| configure(s, &b, sources));
    let app = spawn_app_with(backend, Options { tweak, ..Default::default() }).await?;
    let admin = signed_in_as(&app, Account::new(ADMIN, "boss")).await;
    Some((app, admin))
}

async fn run_now(app: &TestApp, admin: &Jar, key: &str) -> Value {
    let res = post_json(app, admin, "/api/v1/admin/postings/import", &json!({ "source": key })).await;
    assert_eq!(res.status(), 202, "{key}");
    let accepted: Value = res.json().await.unwrap();
    finished(app, admin, accepted["run_id"].as_str().unwrap()).await
}

/// Poll a run until it has finished; its final view.
async fn finished(app: &TestApp, admin: &Jar, run_id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, run) = get_json(app, admin, &format!("/api/v1/admin/postings/runs/{run_id}")).await;
        assert_eq!(status, 200, "{run}");
        if run["status"] == "succeeded" || run["status"] == "failed" {
            return run;
        }
        assert!(Instant::now() < deadline, "run never finished: {run}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn counts(run: &Value) -> (u64, u64, u64, u64, u64) {
    let n = |k: &str| run[k].as_u64().unwrap_or_else(|| panic!("{k} in {run}"));
    (n("read"), n("new"), n("updated"), n("duplicates"), n("rejected"))
}

async fn rows(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    let b = app.state.db.get_database_backend();
    app.state.db.query_all_raw(sea_orm::Statement::from_string(b, sql.to_string())).await.unwrap()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    rows(app, sql).await[0].try_get::<i64>("", "n").unwrap()
}

/// One stored posting, by title.
async fn posting(app: &TestApp, title: &str) -> sea_orm::QueryResult {
    let b = app.state.db.get_database_backend();
    let sql = app::market::ssr::sql::stmt(
        b,
        "SELECT id, title, company, location, country, region, remote, employment_type, salary_min, salary_max, \
         salary_currency, posted_month, source, source_id, url, language, category, min_years FROM postings \
         WHERE title = ?",
        vec![title.into()],
    );
    let found = app.state.db.query_all_raw(sql).await.unwrap();
    assert_eq!(found.len(), 1, "exactly one posting titled {title:?}");
    found.into_iter().next().unwrap()
}

fn s(r: &sea_orm::QueryResult, c: &str) -> Option<String> {
    r.try_get::<Option<String>>("", c).unwrap()
}

/// The technologies of a posting as `id.requirement`, sorted (from the
/// list its row keeps: `rust! go? kafka`).
async fn technologies(app: &TestApp, posting_id: i32) -> Vec<String> {
    let list: String = rows(app, &format!("SELECT technologies FROM postings WHERE id = {posting_id}")).await[0]
        .try_get("", "technologies")
        .unwrap();
    let mut t: Vec<String> = list
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|item| match (item.strip_suffix('!'), item.strip_suffix('?')) {
            (Some(id), _) => format!("{id}.required"),
            (_, Some(id)) => format!("{id}.preferred"),
            _ => format!("{item}.mentioned"),
        })
        .collect();
    t.sort();
    t
}

async fn every_source_kind_is_read_and_normalised(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let Some((app, admin)) = app_with(backend, &boards, all_sources(&boards)).await else { return };

    let gh = run_now(&app, &admin, "greenhouse:acme").await;
    assert_eq!((gh["status"].as_str(), counts(&gh)), (Some("succeeded"), (3, 3, 0, 0, 0)), "{gh}");
    assert_eq!(gh["triggered_by"], "admin");
    let lever = run_now(&app, &admin, "lever:beta").await;
    assert_eq!(counts(&lever), (2, 2, 0, 0, 0), "{lever}");
    let ashby = run_now(&app, &admin, "ashby:gamma").await;
    assert_eq!(counts(&ashby), (2, 1, 0, 1, 0), "the unlisted job is not read, the cross-posted one is known: {ashby}");
    let rss = run_now(&app, &admin, &format!("feed:{}", boards.feed_url("jobs.rss"))).await;
    assert_eq!(counts(&rss), (2, 2, 0, 0, 0), "{rss}");
    let atom = run_now(&app, &admin, &format!("feed:{}", boards.feed_url("jobs.atom"))).await;
    assert_eq!(counts(&atom), (2, 2, 0, 0, 0), "{atom}");
    assert_eq!(boards.requests("greenhouse:acme"), 1);

    // Greenhouse: escaped HTML read as text, the company from the answer,
    // the first publication date, sections as required / preferred.
    let p = posting(&app, "Backend Engineer (Rust)").await;
    assert_eq!(
        (s(&p, "company"), s(&p, "region"), s(&p, "country"), s(&p, "posted_month")),
        (Some("Acme".into()), Some("seoul".into()), Some("KR".into()), Some("2026-09".into()))
    );
    assert_eq!(
        (s(&p, "source"), s(&p, "source_id"), s(&p, "url"), s(&p, "category")),
        (
            Some("greenhouse:acme".into()),
            Some("4012345".into()),
            Some("https://boards.greenhouse.io/acme/jobs/4012345".into()),
            Some("backend".into())
        )
    );
    assert_eq!(p.try_get::<Option<i16>>("", "min_years").unwrap(), Some(3));
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    for t in ["rust.required", "postgresql.required", "docker.required", "kubernetes.preferred", "kafka.preferred"] {
        assert!(techs.contains(&t.to_string()), "{t} in {techs:?}");
    }
    let p = posting(&app, "프론트엔드 개발자").await;
    assert_eq!(
        (s(&p, "region"), s(&p, "employment_type"), s(&p, "language")),
        (Some("seoul".into()), Some("full-time".into()), Some("ko".into()))
    );
    assert_eq!(
        technologies(&app, p.try_get("", "id").unwrap()).await,
        vec!["nextjs.preferred", "react.required", "typescript.required"]
    );
    // The description's script is not text: the posting is read without it.
    let p = posting(&app, "Data Engineer").await;
    assert_eq!(s(&p, "region").as_deref(), Some("gyeonggi"));
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    assert!(
        techs.contains(&"spark.required".to_string()) && techs.contains(&"airflow.required".to_string()),
        "{techs:?}"
    );

    // Lever: lists as sections, the commitment, the pay range, the
    // configured company; a title with a script tag is kept as text.
    let p = posting(&app, "Machine Learning Engineer").await;
    assert_eq!((s(&p, "company"), s(&p, "employment_type")), (Some("Beta".into()), Some("full-time".into())));
    assert_eq!(
        (
            p.try_get::<Option<i64>>("", "salary_min").unwrap(),
            p.try_get::<Option<i64>>("", "salary_max").unwrap(),
            s(&p, "salary_currency")
        ),
        (Some(120_000), Some(160_000), Some("USD".into()))
    );
    assert_eq!(s(&p, "posted_month").as_deref(), Some("2026-10"), "createdAt in milliseconds");
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    assert!(
        techs.contains(&"pytorch.required".to_string()) && techs.contains(&"kubernetes.preferred".to_string()),
        "{techs:?}"
    );
    let p = posting(&app, "DevOps 엔지니어 <script>alert(\"lever\")</script>").await;
    assert_eq!(
        (p.try_get::<bool>("", "remote").unwrap(), s(&p, "employment_type"), s(&p, "region")),
        (true, Some("contract".into()), Some("busan".into()))
    );
    assert_eq!(
        technologies(&app, p.try_get("", "id").unwrap()).await,
        vec!["aws.required", "kubernetes.preferred", "terraform.required"]
    );

    // Ashby: remote, a contract, the pay summary.
    let p = posting(&app, "Security Engineer").await;
    assert_eq!((p.try_get::<bool>("", "remote").unwrap(), s(&p, "employment_type")), (true, Some("contract".into())));
    assert_eq!(
        (p.try_get::<Option<i64>>("", "salary_min").unwrap(), p.try_get::<Option<i64>>("", "salary_max").unwrap()),
        (Some(120_000), Some(150_000))
    );
    assert_eq!(s(&p, "source").as_deref(), Some("ashby:gamma"));

    // RSS: escaped HTML and CDATA, RFC 2822 dates; Atom: html content.
    let p = posting(&app, "Go 백엔드 개발자").await;
    assert_eq!(
        (s(&p, "url"), s(&p, "posted_month"), s(&p, "source_id"), s(&p, "source")),
        (
            Some("https://jobs.example.kr/p/101".into()),
            Some("2026-10".into()),
            Some("example-jobs-101".into()),
            Some("feed:127.0.0.1".into())
        )
    );
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    assert!(
        techs.contains(&"go.required".to_string()) && techs.contains(&"kubernetes.preferred".to_string()),
        "{techs:?}"
    );
    let p = posting(&app, "Android Developer").await;
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    assert!(
        techs.contains(&"kotlin.required".to_string()) && techs.contains(&"graphql.preferred".to_string()),
        "{techs:?}"
    );
    let p = posting(&app, "게임 서버 개발자").await;
    assert_eq!(s(&p, "url").as_deref(), Some("https://careers.delta.example/jobs/game-server"));
    let techs = technologies(&app, p.try_get("", "id").unwrap()).await;
    assert!(techs.contains(&"cpp.required".to_string()) && techs.contains(&"redis.preferred".to_string()), "{techs:?}");
    posting(&app, "QA Automation Engineer").await;
    // Nobody's name or address from a feed is kept anywhere.
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM postings WHERE title LIKE '%김채용%' OR company LIKE '%recruit@%'")
            .await,
        0
    );

    // Reading a board again finds everything known.
    let again = run_now(&app, &admin, "greenhouse:acme").await;
    assert_eq!(counts(&again), (3, 0, 0, 3, 0), "{again}");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM postings").await, 10);

    // The market counts them under their boards.
    let (_, top) = get_json(&app, &Jar::default(), "/api/v1/market/top?category=frontend").await;
    assert!(top["sources"].as_array().unwrap().iter().any(|s| s["source"] == "greenhouse:acme"), "{top}");
}

async fn failing_sources_are_reported_and_the_others_still_run(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let rss = boards.feed_url("jobs.rss");
    let atom = boards.feed_url("jobs.atom");
    let sources = vec![
        // Due again every second, were it not for the rate limit.
        source("greenhouse", "acme", "1s", None),
        source("lever", "beta", "1h", Some("Beta")),
        source("ashby", "gamma", "1s", Some("Acme")),
        source("feed", &rss, "1h", None),
        source("feed", &atom, "1h", None),
    ];
    let Some((app, admin)) = app_with(backend, &boards, sources).await else { return };
    boards.fail("greenhouse:acme", Fault::RateLimited { retry_after_secs: 120 });
    boards.fail("lever:beta", Fault::Garbage);
    boards.fail("feed:jobs.rss", Fault::Html);
    boards.fail("feed:jobs.atom", Fault::Slow(Duration::from_secs(5)));

    // One scheduler pass queues a run of every source.
    let queued = app::market::ssr::schedule::tick(&app.state).await;
    assert_eq!(queued.len(), 5, "{queued:?}");
    let mut by_source = std::collections::BTreeMap::new();
    for id in &queued {
        let run = finished(&app, &admin, id).await;
        assert_eq!(run["triggered_by"], "schedule");
        by_source.insert(run["source"].as_str().unwrap().to_string(), run);
    }
    let error = |key: &str| by_source[key]["error"].clone();
    assert_eq!(by_source["greenhouse:acme"]["status"], "failed");
    assert_eq!(
        error("greenhouse:acme"),
        json!({ "code": "rate_limited", "message": "rate limited, retry after 120 s", "retry_after_secs": 120 })
    );
    assert_eq!(error("lever:beta")["code"], "not_json");
    assert!(error("lever:beta")["message"].as_str().unwrap().contains("binary data"), "{}", error("lever:beta"));
    assert_eq!(
        error(&format!("feed:{rss}")),
        json!({ "code": "not_a_feed", "message": "not an RSS or Atom feed: it answered an HTML page" })
    );
    assert_eq!(error(&format!("feed:{atom}"))["code"], "timeout");
    assert_eq!(error(&format!("feed:{atom}"))["message"], "no complete answer within 1 s (timed out)");
    // The healthy board ran all the same.
    let gamma = &by_source["ashby:gamma"];
    assert_eq!((gamma["status"].as_str(), counts(gamma)), (Some("succeeded"), (2, 2, 0, 0, 0)), "{gamma}");
    assert!(gamma["error"].is_null());

    // The scheduler backs off the rate-limited board until Retry-After has
    // passed, while the other one-second source comes round again.
    let (_, listed) = get_json(&app, &admin, "/api/v1/admin/postings/sources").await;
    let acme = listed["sources"].as_array().unwrap().iter().find(|s| s["key"] == "greenhouse:acme").unwrap().clone();
    let next = chrono::DateTime::parse_from_rfc3339(acme["next_run_at"].as_str().unwrap()).unwrap();
    let wait = (next.to_utc() - chrono::Utc::now()).num_seconds();
    assert!((110..=121).contains(&wait), "next run of the rate-limited board in {wait} s: {acme}");
    assert_eq!(acme["last_status"], "failed");
    assert_eq!(acme["last_error"], "rate limited, retry after 120 s");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let queued = app::market::ssr::schedule::tick(&app.state).await;
    assert_eq!(queued.len(), 1, "only ashby:gamma is due: {queued:?}");
    let again = finished(&app, &admin, &queued[0]).await;
    assert_eq!((again["source"].as_str(), counts(&again)), (Some("ashby:gamma"), (2, 0, 0, 2, 0)));
    assert_eq!((boards.requests("greenhouse:acme"), boards.requests("ashby:gamma")), (1, 2));

    // Healed, a board is read again when asked.
    boards.heal("lever:beta");
    let lever = run_now(&app, &admin, "lever:beta").await;
    assert_eq!(counts(&lever), (2, 2, 0, 0, 0), "{lever}");
    let (_, runs) = get_json(&app, &admin, "/api/v1/admin/postings/runs").await;
    assert_eq!(runs["runs"].as_array().unwrap().len(), 7, "{runs}");
    assert_eq!(runs["runs"][0]["source"], "lever:beta", "newest first");
}

async fn the_same_posting_on_two_boards_is_one_posting(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let Some((app, admin)) = app_with(backend, &boards, all_sources(&boards)).await else { return };
    // Either board first: the other's copy is the same posting.
    let ashby = run_now(&app, &admin, "ashby:gamma").await;
    assert_eq!(counts(&ashby), (2, 2, 0, 0, 0));
    let gh = run_now(&app, &admin, "greenhouse:acme").await;
    assert_eq!(counts(&gh), (3, 2, 0, 1, 0), "{gh}");
    let p = posting(&app, "Backend Engineer (Rust)").await;
    assert_eq!(s(&p, "source").as_deref(), Some("ashby:gamma"), "the first seen is kept");
    let (_, top) = get_json(&app, &Jar::default(), "/api/v1/market/top?category=backend").await;
    let rust = top["top"].as_array().unwrap().iter().find(|t| t["tech_id"] == "rust").unwrap().clone();
    assert_eq!(rust["postings"], 1, "counted once in the market: {top}");
}

async fn only_administrators_may_import_or_read_runs(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let Some((app, admin)) = app_with(backend, &boards, all_sources(&boards)).await else { return };
    let anonymous = Jar::default();
    // Someone else, whose GitHub login is the administrator's id: only the
    // provider's own account id counts.
    let other = signed_in_as(&app, Account::new(7002, &ADMIN.to_string())).await;
    let body = json!({ "source": "lever:beta" });
    for (jar, expected) in [(&anonymous, 401), (&other, 403)] {
        let res = post_json(&app, jar, "/api/v1/admin/postings/import", &body).await;
        assert_eq!(res.status(), expected);
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["error"]["code"], if expected == 401 { "unauthorized" } else { "forbidden" });
        for path in ["/api/v1/admin/postings/runs", "/api/v1/admin/postings/runs/x", "/api/v1/admin/postings/sources"] {
            assert_eq!(get_json(&app, jar, path).await.0, expected, "{path}");
        }
    }
    assert_eq!(boards.requests("lever:beta"), 0, "nothing ran");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM ingestion_runs").await, 0);

    // The administrator: unknown sources are named, a run in flight is one.
    let res = post_json(&app, &admin, "/api/v1/admin/postings/import", &json!({ "source": "greenhouse:nope" })).await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert!(err["error"]["fields"]["source"].as_str().unwrap().contains("lever:beta"), "{err}");
    boards.fail("lever:beta", Fault::Slow(Duration::from_millis(700)));
    let first = post_json(&app, &admin, "/api/v1/admin/postings/import", &body).await;
    assert_eq!(first.status(), 202);
    let first: Value = first.json().await.unwrap();
    let second = post_json(&app, &admin, "/api/v1/admin/postings/import", &body).await;
    assert_eq!(second.status(), 409);
    let err: Value = second.json().await.unwrap();
    assert!(err["error"]["message"].as_str().unwrap().contains(first["run_id"].as_str().unwrap()), "{err}");
    let run = finished(&app, &admin, first["run_id"].as_str().unwrap()).await;
    assert_eq!(run["status"], "succeeded", "{run}");
    assert_eq!(get_json(&app, &admin, "/api/v1/admin/postings/runs/nope").await.0, 404);

    // In the API document.
    let (_, doc) = get_json(&app, &anonymous, "/api/v1/openapi.json").await;
    for path in ["/api/v1/admin/postings/import", "/api/v1/admin/postings/runs", "/api/v1/admin/postings/runs/{id}"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    let responses = &doc["paths"]["/api/v1/admin/postings/import"]["post"]["responses"];
    assert!(responses["202"].is_object() && responses["403"].is_object(), "{responses}");
}

/// A multipart form with one file.
fn form(name: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----proofolio-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn post_raw(app: &TestApp, jar: &Jar, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/admin/postings/import"))
        .header("cookie", jar.header())
        .header("origin", &app.address)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Declare a 33 MiB body and send none of it: the answer comes from the
/// head alone (a client sending it all could meet a closed connection
/// half-way, which is the point). The status line.
async fn declared_too_large(app: &TestApp, jar: &Jar) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /api/v1/admin/postings/import HTTP/1.1\r\nHost: {host}\r\nCookie: {}\r\nOrigin: {}\r\n\
         Content-Type: text/csv\r\nContent-Length: {}\r\n\r\n",
        jar.header(),
        app.address,
        33 * 1024 * 1024
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), tcp.read(&mut buf)).await.unwrap().unwrap();
        assert!(n > 0, "closed without an answer");
        answer.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&answer).lines().next().unwrap().to_string()
}

const BACKEND: &str =
    "We run payments for small shops.\n\nRequirements:\n- 3+ years of Go\n- PostgreSQL\n\nNice to have:\n- Kafka";
const FRONTEND: &str = "프론트엔드 개발자를 찾습니다.\n\n자격요건\n- React\n- TypeScript\n\n우대사항\n- GraphQL";

async fn an_upload_with_broken_records_imports_the_rest(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let Some((app, admin)) = app_with(backend, &boards, vec![]).await else { return };

    // JSON Lines: a 10 MB posting, binary junk and a broken line among
    // good ones.
    let mut jsonl = Vec::new();
    let line = |t: &str, b: &str, u: &str| {
        json!({ "title": t, "company": "Upload Co", "body": b, "url": u, "posted_at": "2026-10-01" }).to_string()
    };
    jsonl.extend_from_slice(line("Go Backend Engineer", BACKEND, "https://upload.example/1").as_bytes());
    jsonl.push(b'\n');
    jsonl.extend_from_slice(line("Huge", &"word ".repeat(2 * 1024 * 1024), "https://upload.example/2").as_bytes());
    jsonl.push(b'\n');
    jsonl.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).filter(|&b| b != b'\n'));
    jsonl.push(b'\n');
    jsonl.extend_from_slice(line("프론트엔드 개발자 (업로드)", FRONTEND, "https://upload.example/4").as_bytes());
    jsonl.push(b'\n');
    jsonl.extend_from_slice(b"{\"title\": \"cut off\", \"body\": \n");
    assert!(jsonl.len() > 10 * 1024 * 1024);
    let (content_type, body) = form("postings.jsonl", &jsonl);
    let res = post_raw(&app, &admin, &content_type, body).await;
    assert_eq!(res.status(), 202);
    let accepted: Value = res.json().await.unwrap();
    assert_eq!(accepted["status"], "queued");
    let run_id = accepted["run_id"].as_str().unwrap();
    assert_eq!(accepted["run_url"], format!("/api/v1/admin/postings/runs/{run_id}"));
    let run = finished(&app, &admin, run_id).await;
    assert_eq!((run["status"].as_str(), counts(&run)), (Some("succeeded"), (5, 2, 0, 0, 3)), "{run}");
    assert_eq!((run["source"].as_str(), run["triggered_by"].as_str()), (Some("upload:postings.jsonl"), Some("upload")));
    let reasons: Vec<(u64, &str)> = run["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(reasons, vec![(2, "too_long"), (3, "not_text"), (5, "malformed")], "{run}");

    // CSV with broken quoting, sent as the body itself: the broken records
    // are named, the good ones after them imported.
    let csv = format!(
        "title,company,location,body,url,posted_at\n\
         Platform Engineer,CSV Co,Seoul,\"{}\",https://csv.example/1,2026-10-02\n\
         \"Broken\" title,CSV Co,Seoul,x,https://csv.example/2,2026-10-02\n\
         Web Developer,CSV Co,Busan,\"{}\",https://csv.example/4,2026-10-02\n\
         \"Never closed,CSV Co,Seoul,y,https://csv.example/3,2026-10-02\n",
        BACKEND.replace("Go", "Rust"),
        FRONTEND
    );
    let res = post_raw(&app, &admin, "text/csv; charset=utf-8", csv.into_bytes()).await;
    assert_eq!(res.status(), 202);
    let run_id = res.json::<Value>().await.unwrap()["run_id"].as_str().unwrap().to_string();
    let run = finished(&app, &admin, &run_id).await;
    assert_eq!(counts(&run), (4, 2, 0, 0, 2), "{run}");
    let rejections = run["rejections"].as_array().unwrap();
    // The first record spans lines 2–9 (its body has line breaks).
    assert_eq!(
        (rejections[0]["line"].as_u64(), rejections[0]["reason"].as_str()),
        (Some(10), Some("malformed")),
        "{run}"
    );
    assert!(rejections[0]["detail"].as_str().unwrap().contains("after a closing quote"), "{run}");
    assert_eq!(rejections[1]["line"].as_u64(), Some(19), "{run}");
    assert!(rejections[1]["detail"].as_str().unwrap().contains("never closed"), "{run}");
    posting(&app, "Web Developer").await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM ingestion_uploads").await,
        0,
        "an upload is kept only until its run has read it"
    );

    // Refused before anything runs: an empty file, an unknown format, too large.
    let (content_type, body) = form("empty.jsonl", b"  \n");
    assert_eq!(post_raw(&app, &admin, &content_type, body).await.status(), 422);
    let (content_type, body) = form("postings.xlsx", b"PK\x03\x04");
    let res = post_raw(&app, &admin, &content_type, body).await;
    assert_eq!(res.status(), 422);
    assert!(res.json::<Value>().await.unwrap()["error"]["fields"]["format"].is_string());
    assert_eq!(declared_too_large(&app, &admin).await, "HTTP/1.1 413 Payload Too Large");
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM ingestion_runs").await, 2);
}

async fn scheduled_runs_fire_once_per_due_time_across_two_instances(backend: Backend) {
    let boards = BoardsStandIn::start().await;
    let sources = vec![source("ashby", "gamma", "2s", Some("Gamma"))];
    let Some((a, admin)) = app_with(backend, &boards, sources.clone()).await else { return };
    // A second instance on the same database.
    let (db_url, b_boards) = (a.state.settings.database_url(), boards.clone());
    let tweak = Box::new(move |s: &mut Settings| {
        configure(s, &b_boards, sources);
        s.database.url = Some(db_url.into());
    });
    let b = spawn_app_with(backend, Options { tweak, ..Default::default() }).await.expect("the second instance");

    // Both instances find the source due at the same moment, four times
    // each: one run.
    let spec = app::market::ssr::sources::configured(&a.state.settings.market).remove(0);
    let attempts = (0..8).map(|i| {
        let (state, spec) = (if i % 2 == 0 { a.state.clone() } else { b.state.clone() }, spec.clone());
        tokio::spawn(async move {
            app::market::ssr::schedule::enqueue(&state.db, &state.jobs, &spec, "schedule", false).await.unwrap()
        })
    });
    let outcomes: Vec<_> = futures::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    let started = outcomes.iter().filter(|o| matches!(o, app::market::ssr::schedule::Enqueued::Started { .. })).count();
    assert_eq!(started, 1, "{outcomes:?}");

    let stop = tokio_util::sync::CancellationToken::new();
    let schedulers = [
        app::market::ssr::schedule::spawn(a.state.clone(), stop.clone()).expect("a source is configured"),
        app::market::ssr::schedule::spawn(b.state.clone(), stop.clone()).expect("a source is configured"),
    ];
    tokio::time::sleep(Duration::from_millis(5_000)).await;
    stop.cancel();
    for s in schedulers {
        s.await.unwrap();
    }
    let (_, listed) = get_json(&a, &admin, "/api/v1/admin/postings/runs").await;
    let runs: Vec<Value> = listed["runs"].as_array().unwrap().clone();
    assert!((2..=5).contains(&runs.len()), "one run per due time (0, 2, 4 s): {listed}");
    let mut started: Vec<chrono::DateTime<chrono::Utc>> = Vec::new();
    for r in &runs {
        assert_eq!((r["source"].as_str(), r["triggered_by"].as_str()), (Some("ashby:gamma"), Some("schedule")));
        let run = finished(&a, &admin, r["id"].as_str().unwrap()).await;
        assert_eq!(run["status"], "succeeded", "{run}");
        started.push(chrono::DateTime::parse_from_rfc3339(run["started_at"].as_str().unwrap()).unwrap().to_utc());
    }
    started.sort();
    for pair in started.windows(2) {
        let apart = (pair[1] - pair[0]).num_milliseconds();
        assert!(apart >= 1_500, "two runs {apart} ms apart: {started:?}");
    }
    // Every run read the board exactly once, whichever instance ran it.
    assert_eq!(boards.requests("ashby:gamma"), runs.len(), "{listed}");
    assert_eq!(count(&a, "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'market_ingest'").await, runs.len() as i64);
    assert_eq!(count(&a, "SELECT COUNT(*) AS n FROM postings").await, 2, "the later runs found them known");
}
