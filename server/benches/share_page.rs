//! The shared page and its counts under load (issue 11's benchmarks), run
//! by `bench/share-page`:
//!
//! 1. `/r/{slug}` of a public résumé, rendered by the real application
//!    (release build, PostgreSQL + Redis, view counting on), under 64
//!    keep-alive HTTP/1.1 connections for a fixed time after a warm-up:
//!    requests/s, p50, p99, errors. Then, in the same run and under the same
//!    load, a bare axum handler serving the very bytes the application
//!    returned, and the ratio between the two.
//! 2. Exact counts: 1,000 users each liking the same résumé twice at once
//!    makes 1,000 likes; 10,000 views by one reader within the hour make 1
//!    view. On one instance, then on two instances sharing one PostgreSQL
//!    database and one Redis with the requests spread across both.
//!
//! A benchmark, not a test: it prints numbers. It fails when something does
//! not run, or loudly when a count is wrong. Without PostgreSQL or Redis it
//! says so and stops (an error under `CI=true` or
//! `PROOFOLIO_TEST_REQUIRE_SERVICES=1`).
//!
//! The application and the bare handler run on a runtime of their own (as
//! many worker threads as cores), the load generator on another, so the two
//! compete for the cores as a server and `wrk` on one machine would.
//! PostgreSQL and Redis run on the same machine too.

use app::account::ssr::entities::user;
use app::account::ssr::sessions::{self, ClientInfo};
use app::platform::ssr::config::Settings;
use app::platform::ssr::state::AppState;
use axum::body::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

/// The allocator the `server` binary runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A browser's user agent: bots and link previews are not counted, so the
/// dedupe path runs only for a reader that looks like one.
const BROWSER: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
/// What Chromium sends: every reader's browser takes gzip.
const BROWSER_ENCODINGS: &str = "gzip, deflate, br, zstd";
const ACCEPT_HTML: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
/// Two pages of Korean and English, receipts as links (the PDF benchmark's).
const RESUME: &str = include_str!("../../bench/pdf-export-resume.json");

struct Args {
    duration: Duration,
    warmup: Duration,
    connections: usize,
    likers: usize,
    views: usize,
    /// Like requests in flight at once (each user's two always together).
    in_flight: usize,
    out: PathBuf,
    load_only: bool,
    counts_only: bool,
}

fn args() -> Args {
    let mut a = Args {
        duration: Duration::from_secs(10),
        warmup: Duration::from_secs(3),
        connections: 64,
        likers: 1000,
        views: 10_000,
        in_flight: 256,
        out: std::env::temp_dir().join("proofolio-share-page"),
        load_only: false,
        counts_only: false,
    };
    let mut it = std::env::args().skip(1);
    let num = |v: Option<String>, name: &str| -> u64 {
        v.and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} needs a number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--duration" => a.duration = Duration::from_secs(num(it.next(), "--duration")),
            "--warmup" => a.warmup = Duration::from_secs(num(it.next(), "--warmup")),
            "--connections" => a.connections = num(it.next(), "--connections") as usize,
            "--likers" => a.likers = num(it.next(), "--likers") as usize,
            "--views" => a.views = num(it.next(), "--views") as usize,
            "--in-flight" => a.in_flight = num(it.next(), "--in-flight").max(2) as usize,
            "--out" => a.out = PathBuf::from(it.next().expect("--out needs a directory")),
            "--load-only" => a.load_only = true,
            "--counts-only" => a.counts_only = true,
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            other => panic!("unknown argument {other:?}"),
        }
    }
    a
}

fn main() {
    let args = args();
    std::fs::create_dir_all(&args.out).expect("create the output directory");
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("server")
        .enable_all()
        .build()
        .expect("server runtime");
    let load_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .thread_name("load")
        .enable_all()
        .build()
        .expect("load runtime");
    let servers = server_rt.handle().clone();
    let ok = load_rt.block_on(run(&args, servers));
    // Everything was stopped in `run`; do not wait for stragglers.
    load_rt.shutdown_timeout(Duration::from_secs(2));
    server_rt.shutdown_timeout(Duration::from_secs(5));
    if !ok {
        std::process::exit(1);
    }
}

/// Under CI (or when asked) missing services are an error; elsewhere a
/// loud note.
fn unavailable(what: &str, err: impl std::fmt::Display) -> bool {
    let required = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("PROOFOLIO_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1");
    eprintln!("\n!!! SKIPPED: {what} is unreachable ({err}); the share-page benchmark did NOT run !!!\n");
    !required
}

async fn run(args: &Args, servers: Handle) -> bool {
    let services = match Services::check(&args.out).await {
        Ok(s) => s,
        Err((what, e)) => return unavailable(what, e),
    };
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    println!(
        "Shared page benchmark on {cores} cores: release build, PostgreSQL + Redis, logs in {}",
        args.out.join("server.log").display()
    );

    if !args.counts_only {
        let one = Cluster::start(&services, &servers, 1, None).await;
        load(args, &one, &servers).await;
        one.stop(&services).await;
        // The same page with nothing kept: what rendering each request costs.
        let off = Cluster::start(&services, &servers, 1, Some(0)).await;
        rendered(args, &off).await;
        off.stop(&services).await;
    }
    if !args.load_only {
        for n in [1, 2] {
            let cluster = Cluster::start(&services, &servers, n, None).await;
            likes(args, &cluster).await;
            views(args, &cluster).await;
            cluster.stop(&services).await;
        }
    }
    true
}

/// The PostgreSQL server and Redis the instances use, and the log file.
struct Services {
    admin_url: String,
    redis_url: String,
    log: Arc<std::sync::Mutex<std::fs::File>>,
}

impl Services {
    async fn check(out: &std::path::Path) -> Result<Self, (&'static str, String)> {
        let admin_url = std::env::var("PROOFOLIO_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let redis_url = std::env::var("PROOFOLIO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
        let admin = Database::connect(&admin_url).await.map_err(|e| ("PostgreSQL", e.to_string()))?;
        let _ = admin.close().await;
        let client = redis::Client::open(redis_url.as_str()).map_err(|e| ("Redis", e.to_string()))?;
        let mut c = tokio::time::timeout(Duration::from_secs(2), client.get_multiplexed_async_connection())
            .await
            .map_err(|_| ("Redis", "no answer in 2 s".to_string()))?
            .map_err(|e| ("Redis", e.to_string()))?;
        redis::cmd("PING").query_async::<String>(&mut c).await.map_err(|e| ("Redis", e.to_string()))?;
        let file = std::fs::File::create(out.join("server.log")).expect("create the log file");
        let log = Arc::new(std::sync::Mutex::new(file));
        // The application's own log filter (`Settings::default().log`): the
        // per-request span and whatever the app logs at info and above, as
        // in production, written to a file instead of the terminal.
        let writer = log.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(&Settings::default().log.filter))
            .with_target(false)
            .with_ansi(false)
            .with_writer(move || LogFile(writer.clone()))
            .try_init();
        Ok(Self { admin_url, redis_url, log })
    }

    async fn fresh_database(&self) -> (String, String) {
        let admin = Database::connect(&self.admin_url).await.expect("PostgreSQL");
        let name = format!("proofolio_bench_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create the bench database");
        let _ = admin.close().await;
        let base = self.admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&self.admin_url);
        (name.clone(), format!("{base}/{name}"))
    }

    /// Drop what a run left: its database and its keys.
    async fn clean(&self, database: &str, prefix: &str) {
        if let Ok(admin) = Database::connect(&self.admin_url).await {
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)")).await;
            let _ = admin.close().await;
        }
        if let Ok(mut c) =
            redis::Client::open(self.redis_url.as_str()).unwrap().get_multiplexed_async_connection().await
        {
            let keys: Vec<String> =
                redis::cmd("KEYS").arg(format!("{prefix}*")).query_async(&mut c).await.unwrap_or_default();
            for chunk in keys.chunks(500) {
                let _: Result<(), _> = redis::cmd("DEL").arg(chunk).query_async(&mut c).await;
            }
        }
        let _ = std::io::Write::flush(&mut *self.log.lock().unwrap());
    }
}

struct LogFile(Arc<std::sync::Mutex<std::fs::File>>);

impl std::io::Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.0.lock().unwrap().flush()
    }
}

/// Run `f` on the server runtime (the application's pools and tasks live
/// there) and wait for it here.
async fn on<T: Send + 'static>(servers: &Handle, f: impl Future<Output = T> + Send + 'static) -> T {
    servers.spawn(f).await.expect("server task")
}

/// One application instance, as `server::startup::run` starts it: the
/// router, the job worker and the view-counter flusher.
struct Instance {
    address: String,
    addr: SocketAddr,
    state: AppState,
    stop: CancellationToken,
}

/// One or more instances on one fresh database and one Redis key prefix,
/// with the same signing and encryption keys (behind one load balancer).
struct Cluster {
    instances: Vec<Instance>,
    database: String,
    prefix: String,
    http: reqwest::Client,
    servers: Handle,
}

impl Cluster {
    /// `page_cache_ms`: the setting, when not its default.
    async fn start(services: &Services, servers: &Handle, n: usize, page_cache_ms: Option<u64>) -> Self {
        let (database, db_url) = services.fresh_database().await;
        let prefix = format!("proofolio-bench:{}:", uuid::Uuid::new_v4().simple());
        let pem = ed25519_pem();
        let listeners: Vec<std::net::TcpListener> =
            (0..n).map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port")).collect();
        let public_url = format!("http://{}", listeners[0].local_addr().unwrap());
        let mut instances = Vec::new();
        for listener in listeners {
            let mut settings = Settings::default();
            if let Some(ms) = page_cache_ms {
                settings.sharing.page_cache_ms = ms;
            }
            settings.server.public_url = Some(public_url.clone());
            settings.database.url = Some(SecretString::from(db_url.clone()));
            settings.redis.url = Some(SecretString::from(services.redis_url.clone()));
            settings.redis.key_prefix = prefix.clone();
            settings.auth.signing_key = Some(SecretString::from(pem.clone()));
            settings.security.encryption_key =
                Some(SecretString::from("q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=".to_string()));
            instances.push(on(servers, Instance::start(settings, listener)).await);
        }
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1024)
            .build()
            .unwrap();
        Self { instances, database, prefix, http, servers: servers.clone() }
    }

    async fn stop(self, services: &Services) {
        for i in &self.instances {
            i.stop.cancel();
        }
        let states: Vec<AppState> = self.instances.iter().map(|i| i.state.clone()).collect();
        on(&self.servers, async move {
            // Let the flushers and the worker finish, then close the pools.
            tokio::time::sleep(Duration::from_millis(500)).await;
            for s in states {
                let _ = s.db.clone().close().await;
            }
        })
        .await;
        services.clean(&self.database, &self.prefix).await;
    }

    fn a(&self) -> &Instance {
        &self.instances[0]
    }

    /// `n` users with a live session each (made through the application's
    /// own services, as a sign-in would), and their bearer tokens.
    async fn users(&self, n: usize) -> Vec<(String, String)> {
        let state = self.a().state.clone();
        on(&self.servers, async move {
            let now = chrono::Utc::now();
            let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
            for chunk in ids.chunks(500) {
                user::Entity::insert_many(chunk.iter().map(|id| user::ActiveModel {
                    id: sea_orm::Set(id.clone()),
                    nickname: sea_orm::Set(None),
                    nickname_key: sea_orm::Set(None),
                    display_name: sea_orm::Set(None),
                    avatar_url: sea_orm::Set(None),
                    email: sea_orm::Set(None),
                    created_at: sea_orm::Set(now),
                    updated_at: sea_orm::Set(now),
                }))
                .exec_without_returning(&state.db)
                .await
                .expect("insert users");
            }
            let client = ClientInfo { ip: Some("127.0.0.1".into()), user_agent: Some(BROWSER.into()) };
            futures::stream::iter(ids)
                .map(|id| {
                    let (state, client) = (state.clone(), client.clone());
                    async move {
                        let issued = sessions::open(&state.db, &id, "demo", &client).await.expect("open a session");
                        let token = state.auth.tokens.issue(&id, &issued.session_id);
                        (id, token)
                    }
                })
                .buffer_unordered(8)
                .collect()
                .await
        })
        .await
    }

    /// A written résumé of a new user's, shared publicly as `slug`, made
    /// over the API as a client would (import a JSON Resume, share it).
    async fn public_resume(&self, slug: &str) -> (String, String) {
        let (_, token) = self.users(1).await.remove(0);
        let a = self.a();
        let doc: Value = serde_json::from_str(RESUME).expect("the résumé is JSON");
        let res = self
            .http
            .post(format!("{}/api/v1/resumes/import", a.address))
            .bearer_auth(&token)
            .json(&doc)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "import: {:?}", res.text().await);
        let id = res.json::<Value>().await.unwrap()["id"].as_str().expect("an id").to_string();
        let res = self
            .http
            .put(format!("{}/api/v1/resumes/{id}/visibility", a.address))
            .bearer_auth(&token)
            .json(&json!({ "visibility": "public", "slug": slug }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "share: {:?}", res.text().await);
        (id, token)
    }

    /// The owner's view of the counts (the API), after both instances have
    /// flushed their counters when `flush`.
    async fn share_view(&self, owner: &str, id: &str) -> Value {
        let res = self
            .http
            .get(format!("{}/api/v1/resumes/{id}/share", self.a().address))
            .bearer_auth(owner)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    async fn flush(&self) {
        for i in &self.instances {
            let state = i.state.clone();
            on(&self.servers, async move { app::share::ssr::views::flush(&state).await.expect("flush") }).await;
        }
    }
}

impl Instance {
    async fn start(settings: Settings, listener: std::net::TcpListener) -> Self {
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let addr = listener.local_addr().unwrap();
        let mut options = server::startup::leptos_options().expect("Leptos options");
        options.site_addr = addr;
        let grace = Duration::from_secs(2);
        let state = server::startup::build_state(settings, options).await.expect("the application builds");
        let stop = CancellationToken::new();
        server::startup::worker(&state, grace).spawn(stop.clone());
        tokio::spawn(app::share::ssr::views::flush_loop(state.clone(), stop.clone()));
        let limits = server::startup::ServeLimits::from_settings(&state.settings);
        let shutdown = stop.clone();
        tokio::spawn(server::startup::serve(
            listener,
            server::startup::router(state.clone()),
            async move { shutdown.cancelled().await },
            grace,
            limits,
        ));
        Self { address: format!("http://{addr}"), addr, state, stop }
    }
}

fn ed25519_pem() -> String {
    use base64::Engine;
    let pkcs8 = ring::signature::Ed25519KeyPair::generate_pkcs8(&ring::rand::SystemRandom::new()).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap()).collect();
    format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"))
}

// ---------------------------------------------------------------------------
// The load generator: one task per connection, HTTP/1.1 kept alive, the
// next request sent when the last answer has been read whole.

#[derive(Default)]
struct Tally {
    /// Microseconds, of the requests that started after the warm-up and
    /// ended before the end.
    latencies: Vec<u32>,
    errors: u64,
    statuses: std::collections::BTreeMap<u16, u64>,
    bytes: u64,
    measured: Duration,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
        self.bytes += other.bytes;
    }

    fn requests_per_sec(&self) -> f64 {
        self.latencies.len() as f64 / self.measured.as_secs_f64()
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((self.latencies.len() as f64 * p).ceil() as usize).clamp(1, self.latencies.len()) - 1;
        self.latencies[i] as f64 / 1000.0
    }
}

/// `GET path` from `connections` connections spread over `targets`, for
/// `warmup + duration` (measured: `duration`), or `total` requests in all
/// when given (then everything is measured).
async fn hammer(
    targets: &[SocketAddr],
    path: &str,
    connections: usize,
    warmup: Duration,
    duration: Duration,
    total: Option<usize>,
    gzip: bool,
) -> Tally {
    let start = Instant::now();
    let (from, until) = (start + warmup, start + warmup + duration);
    let left = Arc::new(std::sync::atomic::AtomicI64::new(total.map_or(i64::MAX, |t| t as i64)));
    let tasks: Vec<_> = (0..connections)
        .map(|k| {
            let (target, path, left) = (targets[k % targets.len()], path.to_string(), left.clone());
            let counted = total.is_some();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                'connection: while Instant::now() < until {
                    let Ok(stream) = tokio::net::TcpStream::connect(target).await else {
                        tally.errors += 1;
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
                    else {
                        tally.errors += 1;
                        continue;
                    };
                    tokio::spawn(conn);
                    loop {
                        if Instant::now() >= until || left.fetch_sub(1, std::sync::atomic::Ordering::Relaxed) <= 0 {
                            break 'connection;
                        }
                        let mut req = hyper::Request::get(path.as_str())
                            .header(hyper::header::HOST, target.to_string())
                            .header(hyper::header::USER_AGENT, BROWSER)
                            .header(hyper::header::ACCEPT, ACCEPT_HTML);
                        if gzip {
                            req = req.header(hyper::header::ACCEPT_ENCODING, BROWSER_ENCODINGS);
                        }
                        let req = req.body(Empty::<Bytes>::new()).unwrap();
                        let began = Instant::now();
                        let answer = async {
                            sender.ready().await?;
                            let res = sender.send_request(req).await?;
                            let status = res.status().as_u16();
                            let body = res.into_body().collect().await?.to_bytes();
                            Ok::<_, hyper::Error>((status, body.len()))
                        }
                        .await;
                        let ended = Instant::now();
                        match answer {
                            Ok((status, len)) => {
                                if counted || (began >= from && ended <= until) {
                                    tally.latencies.push((ended - began).as_micros().min(u32::MAX as u128) as u32);
                                    *tally.statuses.entry(status).or_default() += 1;
                                    tally.bytes += len as u64;
                                    if status != 200 {
                                        tally.errors += 1;
                                    }
                                }
                            }
                            Err(_) => {
                                tally.errors += 1;
                                continue 'connection;
                            }
                        }
                    }
                }
                tally
            })
        })
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await.expect("a connection task"));
    }
    all.measured = if total.is_some() { start.elapsed() } else { duration };
    all.latencies.sort_unstable();
    all
}

/// A bare axum handler answering `/r/{slug}` with `body`, on the same
/// connection handling as the application (`server::startup::serve`).
async fn bare(body: Bytes, content_type: String, stop: CancellationToken) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/r/{slug}",
        axum::routing::get(move || {
            let (body, content_type) = (body.clone(), content_type.clone());
            async move { ([(axum::http::header::CONTENT_TYPE, content_type)], body) }
        }),
    );
    let limits = server::startup::ServeLimits::from_settings(&Settings::default());
    tokio::spawn(server::startup::serve(
        listener,
        router,
        async move { stop.cancelled().await },
        Duration::from_secs(1),
        limits,
    ));
    addr
}

/// The load results are printed as each is measured (a run stopped
/// half-way still shows what it measured).
fn print_row(name: &str, t: &Tally) {
    let max = t.latencies.last().map_or(f64::NAN, |m| *m as f64 / 1000.0);
    println!(
        "{:<34} {:>11.0} {:>8.2} {:>8.2} {:>8.1} {:>8}",
        name,
        t.requests_per_sec(),
        t.percentile_ms(0.50),
        t.percentile_ms(0.99),
        max,
        t.errors
    );
    if t.statuses.keys().any(|s| *s != 200) {
        println!("{:<34} statuses: {:?}", "", t.statuses);
    }
}

fn print_ratio(app: &Tally, bare: &Tally) {
    let ratio = app.requests_per_sec() / bare.requests_per_sec() * 100.0;
    let p99 = app.percentile_ms(0.99);
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "ratio: {ratio:.1} % of the bare handler's throughput (goal >= 50 %: {}); application p99 {p99:.1} ms \
         (goal < 20 ms: {})",
        met(ratio >= 50.0),
        met(p99 < 20.0)
    );
}

/// Count of statements run in `database` so far (transactions committed,
/// one per autocommitted statement), from PostgreSQL's statistics.
async fn statements(cluster: &Cluster) -> Option<i64> {
    let db = cluster.a().state.db.clone();
    let name = cluster.database.clone();
    on(&cluster.servers, async move {
        use sea_orm::Statement;
        // Backends report their statistics at most once a second: let
        // them land.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT xact_commit FROM pg_stat_database WHERE datname = '{name}'"),
            ))
            .await
            .ok()??;
        row.try_get_by_index::<i64>(0).ok()
    })
    .await
}

async fn load(args: &Args, cluster: &Cluster, servers: &Handle) {
    let (id, owner) = cluster.public_resume("share-bench").await;
    let a = cluster.a();
    let read = || async {
        let res = cluster
            .http
            .get(format!("{}/r/share-bench", a.address))
            .header("user-agent", BROWSER)
            .header("accept", ACCEPT_HTML)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res
    };
    // What the application answers a reader: the bytes the bare handler serves.
    let res = read().await;
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    let html = res.bytes().await.unwrap();
    let text = String::from_utf8_lossy(&html);
    assert!(text.contains("data-testid=\"shared\"") && text.contains("김옥토"), "the page renders the résumé");
    std::fs::write(args.out.join("page.html"), &html).unwrap();

    // Statements per view, measured over 200 sequential views.
    let before = statements(cluster).await;
    for _ in 0..200 {
        read().await.bytes().await.unwrap();
    }
    let after = statements(cluster).await;
    // The first reading is a statement itself.
    let queries = before.zip(after).map(|(b, a)| (a - b - 1) as f64 / 200.0);
    println!("\npage: {} bytes of HTML", html.len());
    if let Some(q) = queries {
        println!("database statements per page view (PostgreSQL's transaction count over 200 views): {q:.1}");
    }
    println!("one view at a time, no load (microseconds per call):");
    for (name, us) in on(servers, breakdown(a.state.clone(), id.clone(), "share-bench")).await {
        println!("  {name:<46} {us:>8.0}");
    }

    println!(
        "\n/r/{{slug}}: {} connections, HTTP/1.1 keep-alive, {} s measured after {} s of warm-up, one reader \
         (the view dedupe runs on every request)",
        args.connections,
        args.duration.as_secs(),
        args.warmup.as_secs()
    );
    println!("{:<34} {:>11} {:>8} {:>8} {:>8} {:>8}", "server", "requests/s", "p50 ms", "p99 ms", "max ms", "errors");
    let app = hammer(&[a.addr], "/r/share-bench", args.connections, args.warmup, args.duration, None, false).await;
    print_row("application (page kept 1 s)", &app);
    let stop = CancellationToken::new();
    let bare_addr = on(servers, bare(html.clone(), content_type, stop.clone())).await;
    let bare = hammer(&[bare_addr], "/r/share-bench", args.connections, args.warmup, args.duration, None, false).await;
    stop.cancel();
    print_row("bare axum, the same bytes", &bare);
    print_ratio(&app, &bare);
    // A browser's request: the kept page gzip'd (from its pieces).
    let gz = hammer(&[a.addr], "/r/share-bench", args.connections, args.warmup, args.duration, None, true).await;
    print_row("application, reader takes gzip", &gz);
    println!(
        "  gzip'd: {:.0} bytes a page against {:.0} plain",
        gz.bytes as f64 / gz.latencies.len().max(1) as f64,
        app.bytes as f64 / app.latencies.len().max(1) as f64
    );

    cluster.flush().await;
    let s = cluster.share_view(&owner, &id).await;
    let views = s["views"].as_i64().unwrap_or(-1);
    println!(
        "views counted for the {} application requests: {views} (one reader within the hour)",
        app.latencies.len()
    );
    if views != 1 {
        fail(&format!("one reader's {} views of /r/share-bench counted {views} times, not once", app.latencies.len()));
    }
}

/// The application rendering every request (`sharing.page_cache_ms = 0`).
async fn rendered(args: &Args, cluster: &Cluster) {
    cluster.public_resume("share-bench").await;
    let a = cluster.a();
    let t = hammer(&[a.addr], "/r/share-bench", args.connections, args.warmup, args.duration, None, false).await;
    print_row("application, every page rendered", &t);
}

/// Where one view's time goes, one request at a time (no load): the
/// reading (with its view counting), the comments, the whole page through
/// the router without a network, and the API's JSON of the same reading.
async fn breakdown(state: AppState, id: String, slug: &'static str) -> Vec<(&'static str, f64)> {
    use tower::ServiceExt;
    const N: usize = 300;
    let reader = app::share::ssr::service::Reader { user_id: None, address: "127.0.0.1", user_agent: BROWSER };
    let mut out = Vec::new();
    let mut time = |name: &'static str, took: Duration| out.push((name, took.as_secs_f64() * 1e6 / N as f64));
    let started = Instant::now();
    for _ in 0..N {
        app::share::ssr::service::read(&state, slug, &reader).await.expect("read");
    }
    time("service::read (4 queries + the view dedupe)", started.elapsed());
    let started = Instant::now();
    for _ in 0..N {
        app::share::ssr::comments::list(&state, None, &id).await.expect("comments");
    }
    time("comments::list (none yet)", started.elapsed());
    let peer: SocketAddr = "127.0.0.1:50000".parse().unwrap();
    // The page as kept for signed-out readers, and rendered anew each time.
    let mut every = (*state.settings).clone();
    every.sharing.page_cache_ms = 0;
    let render_state =
        AppState::new(app::platform::ssr::state::Services { settings: Arc::new(every), ..(*state).clone() });
    let kept = server::startup::router(state.clone());
    for (name, router, path) in [
        ("the page through the router (kept)", kept.clone(), format!("/r/{slug}")),
        ("the page through the router (rendered)", server::startup::router(render_state), format!("/r/{slug}")),
        ("the API's JSON through the router", kept, format!("/api/v1/r/{slug}")),
    ] {
        let started = Instant::now();
        for _ in 0..N {
            let mut req = axum::http::Request::get(path.as_str())
                .header("user-agent", BROWSER)
                .header("accept", ACCEPT_HTML)
                .body(axum::body::Body::empty())
                .unwrap();
            req.extensions_mut().insert(axum::extract::ConnectInfo(peer));
            let res = router.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200, "{path}");
            res.into_body().collect().await.unwrap();
        }
        time(name, started.elapsed());
    }
    out
}

fn fail(what: &str) -> ! {
    eprintln!("\n!!! WRONG COUNT: {what} !!!\n");
    std::process::exit(1);
}

fn label(cluster: &Cluster) -> String {
    match cluster.instances.len() {
        1 => "one instance".into(),
        n => format!("{n} instances on one PostgreSQL + Redis, requests spread across them"),
    }
}

/// Every user likes the résumé twice at once (on two instances, the two
/// likes of one user go to different instances): exactly one like each.
async fn likes(args: &Args, cluster: &Cluster) {
    let slug = format!("likes-{}", cluster.instances.len());
    let (id, owner) = cluster.public_resume(&slug).await;
    let users = cluster.users(args.likers).await;
    let addresses: Vec<String> = cluster.instances.iter().map(|i| i.address.clone()).collect();
    let started = Instant::now();
    let answers: Vec<(u16, Value)> = futures::stream::iter(users.into_iter().enumerate())
        .map(|(k, (_, token))| {
            let http = cluster.http.clone();
            let urls: Vec<String> =
                (0..2).map(|j| format!("{}/api/v1/resumes/{id}/like", addresses[(k + j) % addresses.len()])).collect();
            async move {
                let put = |url: String| {
                    let (http, token) = (http.clone(), token.clone());
                    async move {
                        let res = http.put(url).bearer_auth(token).send().await.expect("a like is answered");
                        let status = res.status().as_u16();
                        (status, res.json::<Value>().await.unwrap_or(Value::Null))
                    }
                };
                let (first, second) = tokio::join!(put(urls[0].clone()), put(urls[1].clone()));
                [first, second]
            }
        })
        .buffer_unordered((args.in_flight / 2).max(1))
        .flat_map(futures::stream::iter)
        .collect()
        .await;
    let took = started.elapsed();
    let refused = answers.iter().filter(|(s, v)| *s != 200 || v["liked"] != true).count();
    let api = cluster.share_view(&owner, &id).await["likes"].as_i64().unwrap_or(-1);
    let db = cluster.a().state.db.clone();
    let id2 = id.clone();
    let rows = on(&cluster.servers, async move {
        use app::share::ssr::entities::resume_like;
        resume_like::Entity::find().filter(resume_like::Column::ResumeId.eq(id2)).count(&db).await.unwrap() as i64
    })
    .await;
    println!(
        "\nlikes, {}: {} users x 2 PUTs at once ({} requests in flight): {} likes (API), {} rows, {} refused, \
         in {:.2} s ({:.0} likes/s)",
        label(cluster),
        args.likers,
        args.in_flight,
        api,
        rows,
        refused,
        took.as_secs_f64(),
        (args.likers * 2) as f64 / took.as_secs_f64()
    );
    if api != args.likers as i64 || rows != args.likers as i64 || refused != 0 {
        fail(&format!("{} users liking twice made {api} likes ({rows} rows, {refused} refused)", args.likers));
    }
}

/// One reader (one address, one browser) opens the page `views` times
/// within the hour: one view, one distinct viewer.
async fn views(args: &Args, cluster: &Cluster) {
    let slug = format!("views-{}", cluster.instances.len());
    let (id, owner) = cluster.public_resume(&slug).await;
    let targets: Vec<SocketAddr> = cluster.instances.iter().map(|i| i.addr).collect();
    let started = Instant::now();
    let t = hammer(
        &targets,
        &format!("/r/{slug}"),
        args.connections,
        Duration::ZERO,
        Duration::from_secs(600),
        Some(args.views),
        true,
    )
    .await;
    let took = started.elapsed();
    let before = cluster.share_view(&owner, &id).await;
    cluster.flush().await;
    let after = cluster.share_view(&owner, &id).await;
    let counted = |v: &Value| (v["views"].as_i64().unwrap_or(-1), v["uniques"].as_i64().unwrap_or(-1));
    println!(
        "views, {}: {} page loads by one reader ({} connections): {} view(s), {} distinct viewer(s) \
         ({} / {} after the flush to the database), {} errors, in {:.2} s ({:.0} pages/s)",
        label(cluster),
        t.latencies.len(),
        args.connections,
        counted(&before).0,
        counted(&before).1,
        counted(&after).0,
        counted(&after).1,
        t.errors,
        took.as_secs_f64(),
        t.latencies.len() as f64 / took.as_secs_f64()
    );
    if t.latencies.len() != args.views || t.errors != 0 {
        fail(&format!("{} of {} page loads answered, {} errors", t.latencies.len(), args.views, t.errors));
    }
    if counted(&before) != (1, 1) || counted(&after) != (1, 1) {
        fail(&format!("{} views by one reader counted {:?}, then {:?}", args.views, counted(&before), counted(&after)));
    }
}
