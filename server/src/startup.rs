//! Building the application from `Settings`, serving it, shutting it down.

use crate::{middleware, routes};
use app::account::ssr::providers::Providers;
use app::account::ssr::AuthKeys;
use app::github::ssr::analyze::Dictionaries;
use app::github::ssr::client::GithubApi;
use app::github::ssr::import::ImportHandler;
use app::platform::ssr::config::{redact_url, Settings};
use app::platform::ssr::db;
use app::platform::ssr::jobs::{JobQueue, Worker, WorkerConfig};
use app::platform::ssr::metrics::Metrics;
use app::platform::ssr::state::{AppState, Services};
use app::platform::ssr::store::{Limiter, MemoryStore, RedisStore, SharedStore};
use app::profile::ssr::profiles::IMPORT_KIND;
use app::resume::ssr::generate::{ResumeHandler, Writer, GENERATE_KIND, SECTION_KIND};
use app::{shell, App};
use axum::{
    http::{HeaderName, Request},
    routing::get,
    Router,
};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use secrecy::ExposeSecret;
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::{CompressionLayer, DefaultPredicate, Predicate},
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

/// Leptos options from the variables cargo-leptos sets, with the project's
/// values where it has not run (tests, the Docker image sets them too).
/// A variable that is set but cannot be read is an error, never a silent
/// default (a typo in `LEPTOS_SITE_ADDR` must not serve on port 3000).
pub fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let var = |k: &str, d: &str| std::env::var(k).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| d.to_string());
    let env = var("LEPTOS_ENV", "DEV");
    let env = match env.to_ascii_uppercase().as_str() {
        "PROD" | "PRODUCTION" => leptos::config::Env::PROD,
        "DEV" | "DEVELOPMENT" => leptos::config::Env::DEV,
        _ => anyhow::bail!("LEPTOS_ENV={env:?}: expected PROD or DEV"),
    };
    let site_addr = var("LEPTOS_SITE_ADDR", "127.0.0.1:3000");
    let site_addr: SocketAddr = site_addr
        .parse()
        .map_err(|e| anyhow::anyhow!("LEPTOS_SITE_ADDR={site_addr:?} is not an address like 127.0.0.1:3000 ({e})"))?;
    let reload = var("LEPTOS_RELOAD_PORT", "3001");
    let reload_port: u32 =
        reload.parse().map_err(|e| anyhow::anyhow!("LEPTOS_RELOAD_PORT={reload:?} is not a port number ({e})"))?;
    Ok(LeptosOptions::builder()
        .output_name(var("LEPTOS_OUTPUT_NAME", "proofolio"))
        .site_root(var("LEPTOS_SITE_ROOT", "target/site"))
        .site_pkg_dir(var("LEPTOS_SITE_PKG_DIR", "pkg"))
        .site_addr(site_addr)
        .reload_port(reload_port)
        .env(env)
        .build())
}

/// Connect every part and log, one line each, whether it is real or an
/// embedded stand-in.
pub async fn build_state(settings: Settings, leptos_options: LeptosOptions) -> anyhow::Result<AppState> {
    let profile = if settings.profile.is_production() { "production" } else { "local" };
    tracing::info!(profile, "starting Proofolio {}", env!("CARGO_PKG_VERSION"));

    let db_url = settings.database_url();
    let db = db::connect(&db_url, settings.database.max_connections).await?;
    let kind = if settings.database.url.is_none() { "embedded stand-in" } else { "real" };
    tracing::info!(part = "database", backend = db::backend_name(&db), url = %redact_url(&db_url), "{kind}; migrations applied");

    let store = connect_store(&settings).await?;

    let public_url: Arc<str> = settings.public_url(leptos_options.site_addr).into();
    let auth = AuthKeys::from_settings(&settings, &public_url)?;
    if auth.ephemeral {
        tracing::info!(
            part = "keys",
            "embedded stand-in: generated at start-up; sign-ins end when the process restarts"
        );
    } else {
        tracing::info!(part = "keys", kid = auth.tokens.kid(), "real: from configuration");
    }
    let providers = Providers::from_settings(&settings, &public_url)?;
    log_sign_in(&settings, &providers);
    let http = app::platform::ssr::http::client(app::platform::ssr::http::ClientKind::Api)?;
    let jobs = JobQueue::with_stream_limits(
        db.clone(),
        store.clone(),
        app::platform::ssr::jobs::StreamSlots::new(settings.jobs.max_streams_per_user, settings.jobs.max_streams),
    );
    let github = GithubApi::new(http.clone(), &settings.github.api_url, &settings.github.graphql_url());
    log_internet_services(&settings);
    let writer = Writer::new(db.clone(), jobs.clone(), settings.llm.clone())?;
    // Notification streams are counted apart from job progress streams, by the same limits.
    let notify =
        Arc::new(app::notify::ssr::service::Hub::new(settings.jobs.max_streams_per_user, settings.jobs.max_streams));
    Ok(AppState::new(Services {
        writer: Arc::new(writer),
        leptos_options: Arc::new(leptos_options),
        settings: Arc::new(settings),
        db,
        limits: Arc::new(Limiter::new(store.clone())),
        store,
        jobs,
        github: Arc::new(github),
        dict: Arc::new(Dictionaries::builtin()),
        http,
        auth: Arc::new(auth),
        providers: Arc::new(providers),
        metrics: Arc::new(Metrics::new()),
        public_url,
        pending_views: Arc::default(),
        recent_viewers: Arc::default(),
        page_cache: Arc::default(),
        notify,
    }))
}

/// Redis when configured (reachable or not yet: features degrade until it
/// is), else the in-process store.
async fn connect_store(settings: &Settings) -> anyhow::Result<SharedStore> {
    Ok(match &settings.redis.url {
        Some(url) => {
            let store = RedisStore::new(
                url.expose_secret(),
                settings.redis.key_prefix.clone(),
                Duration::from_millis(settings.redis.connect_timeout_ms),
                Duration::from_millis(settings.redis.response_timeout_ms),
            )?;
            match app::platform::ssr::store::Store::ping(&store).await {
                Ok(()) => {
                    tracing::info!(part = "store", backend = "redis", url = %redact_url(url.expose_secret()), "real")
                }
                Err(e) => tracing::warn!(part = "store", backend = "redis", error = %e,
                    "real, but not reachable yet; features that need it degrade until it is"),
            }
            Arc::new(store)
        }
        None => {
            tracing::info!(
                part = "store",
                backend = "memory",
                "embedded stand-in: in-process, for a single instance only"
            );
            Arc::new(MemoryStore::new())
        }
    })
}

fn log_sign_in(settings: &Settings, providers: &Providers) {
    let names: Vec<String> = providers.list().into_iter().map(|p| p.id).collect();
    if names.is_empty() {
        if settings.profile.is_production() {
            tracing::warn!(part = "sign-in", "no provider configured: nobody can sign in");
        } else {
            tracing::info!(part = "sign-in", "embedded stand-in: demo sign-in only (local profile)");
        }
    } else {
        tracing::info!(part = "sign-in", providers = ?names, "real");
    }
}

fn log_internet_services(settings: &Settings) {
    if settings.github.api_url.starts_with("https://api.github.com") {
        tracing::info!(part = "github", token = settings.github.token.is_some(), "real: api.github.com");
    } else {
        tracing::info!(part = "github", url = %settings.github.api_url, "stand-in GitHub");
    }
    match &settings.llm.base_url {
        Some(url) => {
            tracing::info!(part = "llm", url = %redact_url(url), model = %settings.llm.model, "real: OpenAI-compatible endpoint")
        }
        None => tracing::info!(part = "llm", "embedded stand-in: the deterministic writer (no LLM configured)"),
    }
}

/// The job worker with every handler the product has.
pub fn worker(state: &AppState, shutdown_grace: Duration) -> Worker {
    let cfg = &state.settings.jobs;
    Worker::new(
        state.jobs.clone(),
        WorkerConfig {
            concurrency: cfg.concurrency,
            poll_interval: Duration::from_millis(cfg.poll_interval_ms.max(10)),
            lease: Duration::from_secs(cfg.lease_secs.max(3)),
            shutdown_grace,
        },
    )
    .register(
        IMPORT_KIND,
        ImportHandler {
            db: state.db.clone(),
            http: state.http.clone(),
            github: state.settings.github.clone(),
            keys: state.auth.clone(),
            dict: state.dict.clone(),
        },
    )
    .register(GENERATE_KIND, ResumeHandler((*state.writer).clone()))
    .register(SECTION_KIND, ResumeHandler((*state.writer).clone()))
    .register(
        app::market::ssr::runs::INGEST_KIND,
        app::market::ssr::runs::IngestHandler {
            db: state.db.clone(),
            http: state.http.clone(),
            dict: state.dict.clone(),
            market: state.settings.market.clone(),
        },
    )
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = OpenApiRouter::<AppState>::with_openapi(<routes::api::ApiDoc as utoipa::OpenApi>::openapi())
        .routes(utoipa_axum::routes!(routes::ops::healthz))
        .routes(utoipa_axum::routes!(routes::ops::readyz))
        .routes(utoipa_axum::routes!(routes::ops::metrics))
        .nest("/api/v1", routes::api::router())
        .split_for_parts();

    let leptos_options = (*state.leptos_options).clone();
    // Generated once per process. Leptos suppresses resource loading
    // process-wide while it generates a route list, so a page rendering
    // meanwhile (another app instance in the same process: the test suite)
    // would wait for ever on its resources (leptos-rs/leptos#4773).
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    let leptos_routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let context_state = state.clone();
    let fallback_state = state.clone();

    let request_id = HeaderName::from_static(middleware::REQUEST_ID);
    let timeout = Duration::from_secs(state.settings.server.request_timeout_secs.max(1));

    Router::new()
        .merge(api)
        .merge(SwaggerUi::new("/api/v1/docs").url("/api/v1/openapi.json", openapi))
        .route("/api", get(routes::api::not_found))
        .route("/api/{*rest}", axum::routing::any(routes::api::not_found))
        .route("/lang/{code}", get(routes::lang::switch))
        .merge(app::account::ssr::sign_in::browser_router(&state))
        .merge(app::resume::ssr::forms::browser_router())
        .merge(app::share::ssr::images::browser_router())
        .leptos_routes_with_context(&state, leptos_routes, move || provide_context(context_state.clone()), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::refresh_on_navigation))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::csrf_origin_check))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::record_metrics))
        .layer(axum::middleware::from_fn(middleware::limit_bodies))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(app::share::ssr::page_cache::compress)),
        )
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(CatchPanicLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get(middleware::REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            // The path only: query strings can carry codes and tokens.
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
        }))
        // Kept shared pages are answered here, in front of all but the
        // request id (see the module).
        .layer(axum::middleware::from_fn_with_state(state.clone(), app::share::ssr::page_cache::layer))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .layer(axum::middleware::from_fn(middleware::sanitize_request_id))
        .with_state(state)
}

/// Connection-level limits for when no proxy fronts the app.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// A client must send its whole request head within this.
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    pub max_connections: usize,
}

impl ServeLimits {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            header_read_timeout: Duration::from_secs(settings.server.header_read_timeout_secs.max(1)),
            max_connections: settings.server.max_connections.max(1),
        }
    }
}

/// Serve until `shutdown` resolves, then stop accepting and let in-flight
/// requests finish, for at most `grace`. Each connection must send its
/// request head within the header-read timeout (slow-header clients cannot
/// hold connections), and at most `max_connections` are served at once.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
    limits: ServeLimits,
) -> std::io::Result<()> {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };
    use tower::ServiceExt;

    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let permits = Arc::new(tokio::sync::Semaphore::new(limits.max_connections));
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            _ = &mut shutdown => break,
        };
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors and the like: back off, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
            req
        });
        let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service));
        let conn = graceful.watch(conn.into_owned());
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections; finishing requests in flight");
    if tokio::time::timeout(grace, graceful.shutdown()).await.is_err() {
        tracing::warn!(grace_secs = grace.as_secs(), "requests still running after the grace period; stopping anyway");
    }
    Ok(())
}

/// SIGTERM (what orchestrators send) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The binary: build, serve on `LEPTOS_SITE_ADDR`, run the worker, stop
/// cleanly on SIGTERM.
pub async fn run(settings: Settings, options: LeptosOptions) -> anyhow::Result<()> {
    let grace = Duration::from_secs(settings.server.shutdown_grace_secs);
    let addr = options.site_addr;
    let state = build_state(settings, options).await?;
    let listener = TcpListener::bind(addr).await?;
    tracing::info!(address = %listener.local_addr()?, public_url = %state.public_url, "listening");

    let shutdown = CancellationToken::new();
    let worker = worker(&state, grace).spawn(shutdown.clone());
    let flusher = tokio::spawn(app::share::ssr::views::flush_loop(state.clone(), shutdown.clone()));
    let scheduler = app::market::ssr::schedule::spawn(state.clone(), shutdown.clone());
    let signal = {
        let (shutdown, notify) = (shutdown.clone(), state.notify.clone());
        async move {
            shutdown_signal().await;
            shutdown.cancel();
            // Open tabs' streams end now (they reconnect to another instance
            // and are given what they missed) instead of holding the grace period.
            notify.close();
        }
    };
    let limits = ServeLimits::from_settings(&state.settings);
    serve(listener, router(state), signal, grace, limits).await?;
    shutdown.cancel();
    let _ = tokio::time::timeout(grace, worker).await;
    let _ = tokio::time::timeout(grace, flusher).await;
    if let Some(scheduler) = scheduler {
        let _ = tokio::time::timeout(grace, scheduler).await;
    }
    tracing::info!("stopped");
    Ok(())
}
