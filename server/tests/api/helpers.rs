use app::platform::ssr::config::Settings;
use app::platform::ssr::state::AppState;
use app::platform::ssr::store::{MemoryStore, RedisStore, SharedStore};
use sea_orm::{ConnectionTrait, Database};
use secrecy::SecretString;
use std::{sync::Arc, time::Duration};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A temporary SQLite file and the in-process store: the embedded default.
    Sqlite,
    /// A fresh PostgreSQL database and Redis: the production set-up.
    Postgres,
}

pub fn postgres_admin_url() -> String {
    std::env::var("PROOFOLIO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn redis_url() -> String {
    std::env::var("PROOFOLIO_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Under CI (or when asked) a missing PostgreSQL or Redis fails the test;
/// elsewhere the test says loudly that it did not run.
fn services_required() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
        || std::env::var("PROOFOLIO_TEST_REQUIRE_SERVICES").is_ok_and(|v| v == "1")
}

pub fn unavailable(what: &str, err: impl std::fmt::Display) {
    if services_required() {
        panic!("{what} is required for this test but unreachable: {err}");
    }
    eprintln!("\n!!! SKIPPED: {what} is unreachable ({err}); this test did NOT run !!!\n");
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

/// A fresh, empty PostgreSQL database; its URL.
pub async fn fresh_postgres_database() -> Option<String> {
    let admin_url = postgres_admin_url();
    let admin = match Database::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) => {
            unavailable("PostgreSQL", e);
            return None;
        }
    };
    let name = unique("proofolio_test_");
    admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
    let _ = admin.close().await;
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
    Some(format!("{base}/{name}"))
}

/// A Redis store under a key prefix of its own, if Redis answers.
pub async fn fresh_redis_store() -> Option<RedisStore> {
    let store =
        RedisStore::new(&redis_url(), unique("proofolio-test:") + ":", Duration::from_secs(1), Duration::from_secs(2))
            .expect("valid redis url");
    match app::platform::ssr::store::Store::ping(&store).await {
        Ok(()) => Some(store),
        Err(e) => {
            unavailable("Redis", e);
            None
        }
    }
}

pub struct TestApp {
    pub github: standins::github::GithubStandIn,
    pub address: String,
    pub client: reqwest::Client,
    pub state: AppState,
    pub backend: Backend,
    shutdown: CancellationToken,
    worker: Option<tokio::task::JoinHandle<()>>,
    /// What this instance's claim tokens start with.
    pub worker_tag: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    /// The instance dies: its worker stops on the spot (no hand-back, its
    /// jobs keep their leases until they lapse) and it stops serving.
    pub fn kill(&mut self) {
        if let Some(w) = self.worker.take() {
            w.abort();
        }
        self.shutdown.cancel();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

pub struct Options {
    pub redis_url: Option<String>,
    pub tweak: Box<dyn FnOnce(&mut Settings) + Send>,
}

impl Default for Options {
    fn default() -> Self {
        Self { redis_url: None, tweak: Box::new(|_| {}) }
    }
}

pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, Options::default()).await
}

/// Start the real application on port 0 against its own database and
/// keyspace, with its job worker running.
pub async fn spawn_app_with(backend: Backend, options: Options) -> Option<TestApp> {
    spawn_app_on(backend, options, 0).await
}

/// As [`spawn_app_with`], listening on `port` (0: any free port).
pub async fn spawn_app_on(backend: Backend, options: Options, port: u16) -> Option<TestApp> {
    init_logging();
    let mut settings = Settings::default();
    settings.jobs.poll_interval_ms = 50;
    let github = standins::github::GithubStandIn::start().await;
    settings.auth.github = Some(app::platform::ssr::config::OAuthClientSettings {
        client_id: standins::github::CLIENT_ID.into(),
        client_secret: SecretString::from(standins::github::CLIENT_SECRET),
    });
    settings.github.web_url = github.url.clone();
    settings.github.api_url = github.url.clone();
    settings.github.graphql_url = Some(github.graphql_url());
    // GitHub is configured (the stand-in), which would hide the demo
    // sign-in; flows that want a throw-away account keep it available.
    settings.auth.demo = app::platform::ssr::config::DemoMode::Always;
    let mut dir = None;
    match backend {
        Backend::Sqlite => {
            let d = tempfile::tempdir().expect("temp dir");
            settings.database.url =
                Some(SecretString::from(format!("sqlite://{}/test.db?mode=rwc", d.path().display())));
            dir = Some(d);
        }
        Backend::Postgres => {
            let url = fresh_postgres_database().await?;
            settings.database.url = Some(SecretString::from(url));
            let url = options.redis_url.clone().unwrap_or_else(redis_url);
            settings.redis.url = Some(SecretString::from(url));
            settings.redis.key_prefix = unique("proofolio-test:") + ":";
        }
    }
    if let Some(url) = &options.redis_url {
        settings.redis.url = Some(SecretString::from(url.clone()));
    } else if backend == Backend::Postgres {
        fresh_redis_store().await?;
    }
    (options.tweak)(&mut settings);

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind the port");
    let addr = listener.local_addr().unwrap();
    let mut leptos_options = server::startup::leptos_options().expect("Leptos options");
    leptos_options.site_addr = addr;
    let state = server::startup::build_state(settings, leptos_options).await.expect("application builds");
    let shutdown = CancellationToken::new();
    let worker = server::startup::worker(&state, Duration::from_secs(2));
    let worker_tag = worker.tag().to_string();
    let worker = worker.spawn(shutdown.clone());
    let router = server::startup::router(state.clone());
    let stop = shutdown.clone();
    let limits = server::startup::ServeLimits::from_settings(&state.settings);
    tokio::spawn(server::startup::serve(
        listener,
        router,
        async move { stop.cancelled().await },
        Duration::from_secs(2),
        limits,
    ));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Some(TestApp {
        github,
        address: format!("http://{addr}"),
        client,
        state,
        backend,
        shutdown,
        worker: Some(worker),
        worker_tag,
        _dir: dir,
    })
}

/// Both store implementations, each fresh.
pub async fn store_for(kind: &str) -> Option<SharedStore> {
    match kind {
        "memory" => Some(Arc::new(MemoryStore::new())),
        _ => fresh_redis_store().await.map(|s| Arc::new(s) as SharedStore),
    }
}

/// `db_tests!(a, b)` runs `async fn a(app: TestApp)` on SQLite and PostgreSQL.
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await.expect("SQLite is always available");
                super::$name(app).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Postgres).await {
                    super::$name(app).await
                }
            }
        }
    )* };
}

/// `store_tests!(a, b)` runs `async fn a(store: SharedStore)` on both stores.
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => { $(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn memory() {
                super::$name(crate::helpers::store_for("memory").await.unwrap()).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn redis() {
                if let Some(store) = crate::helpers::store_for("redis").await {
                    super::$name(store).await
                }
            }
        }
    )* };
}

/// Everything every test app logs, to check that no secret ever appears.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.get().expect("logging initialised").lock().unwrap()).to_string()
}

static LOGS: std::sync::OnceLock<Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();

struct Capture(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logging() {
    LOGS.get_or_init(|| {
        let buf = Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = buf.clone();
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                "debug,sqlx=warn,sea_orm=info,hyper=info,h2=info,rustls=info,reqwest=info,hyper_util=info",
            ))
            .with_writer(move || Capture(writer.clone()))
            .try_init();
        buf
    });
}

/// A browser's cookies, by hand: what `Set-Cookie` set, sent back as `Cookie`.
#[derive(Default, Clone, Debug)]
pub struct Jar(pub std::collections::BTreeMap<String, String>);

impl Jar {
    pub fn absorb(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all("set-cookie") {
            let v = v.to_str().unwrap();
            let pair = v.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = v.contains("Max-Age=0") || value.is_empty();
            if expired {
                self.0.remove(name);
            } else {
                self.0.insert(name.to_string(), value.to_string());
            }
        }
    }
    pub fn header(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// A Redis server of the test's own (`redis-server` on a free port, nothing
/// on disk), which the test can kill and start again: a real outage, not a
/// wrong URL. `None` (said loudly) when `redis-server` is not installed.
pub struct PrivateRedis {
    pub port: u16,
    child: Option<std::process::Child>,
}

impl PrivateRedis {
    pub async fn start() -> Option<Self> {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            l.local_addr().unwrap().port()
        };
        let mut me = Self { port, child: None };
        if let Err(e) = me.up().await {
            unavailable("redis-server (to start a private Redis)", e);
            return None;
        }
        Some(me)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Start (again) on the same port, and wait until it answers.
    pub async fn up(&mut self) -> std::io::Result<()> {
        let child = std::process::Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()?;
        self.child = Some(child);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(mut c) = redis::Client::open(self.url()).unwrap().get_multiplexed_async_connection().await {
                if redis::cmd("PING").query_async::<String>(&mut c).await.is_ok() {
                    return Ok(());
                }
            }
            if tokio::time::Instant::now() > deadline {
                return Err(std::io::Error::other("redis-server did not answer"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: connections drop at once, as in a crash.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// The clients connected right now (CLIENT LIST), the asking one excluded.
    pub async fn clients(&self) -> usize {
        let mut c = redis::Client::open(self.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
        let list: String = redis::cmd("CLIENT").arg("LIST").query_async(&mut c).await.unwrap();
        list.lines().count().saturating_sub(1)
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        self.kill();
    }
}
