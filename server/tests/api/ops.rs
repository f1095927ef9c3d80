//! Operations: health, readiness (and what happens when Redis is down),
//! metrics, request ids, JSON errors, the OpenAPI document, graceful
//! shutdown.

use crate::helpers::{spawn_app_with, Backend, Options, TestApp};
use serde_json::Value;
use std::time::Duration;

db_tests!(
    healthz_answers_while_the_process_lives,
    readyz_names_each_part_and_its_backend,
    metrics_count_requests_by_route_and_status,
    every_response_carries_a_request_id,
    unknown_api_routes_answer_json_404,
    the_openapi_document_and_swagger_ui_are_served,
    the_language_switch_remembers_and_never_redirects_off_site,
    pages_carry_a_nonce_csp_and_personal_answers_are_not_cached,
    odd_methods_and_request_ids_cannot_grow_metrics_or_logs,
    bodies_over_a_routes_limit_get_a_json_413,
);

async fn healthz_answers_while_the_process_lives(app: TestApp) {
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
}

async fn readyz_names_each_part_and_its_backend(app: TestApp) {
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ready");
    let (db, store) = match app.backend {
        Backend::Sqlite => ("sqlite", "memory"),
        Backend::Postgres => ("postgres", "redis"),
    };
    assert_eq!(body["checks"]["database"]["kind"], db);
    assert_eq!(body["checks"]["store"]["kind"], store);
    assert_eq!(body["checks"]["store"]["ok"], true);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("proofolio_store_up 1"), "{metrics}");
}

async fn metrics_count_requests_by_route_and_status(app: TestApp) {
    for _ in 0..3 {
        app.get("/healthz").await;
    }
    app.get("/api/v1/no-such-thing").await;
    let res = app.get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    assert!(text.contains(r#"proofolio_http_requests_total{method="GET",route="/healthz",status="200"} 3"#), "{text}");
    assert!(text.contains(r#"status="404""#), "404s are counted too");
    assert!(text.contains(
        r#"proofolio_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="0.005"}"#
    ));
}

async fn every_response_carries_a_request_id(app: TestApp) {
    let res = app.get("/").await;
    let id = res.headers().get("x-request-id").expect("generated request id").to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "trace-me-123").send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-123", "a caller's well-formed id is kept");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    for bad in ["has spaces in it", "<script>", &"x".repeat(129), "a\"b"] {
        let res = app.client.get(app.url("/healthz")).header("x-request-id", bad).send().await.unwrap();
        let id = res.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, bad);
        assert_eq!(id.len(), 36, "replaced by a fresh UUID: {id}");
    }
}

/// Every HTML page gets a Content-Security-Policy whose script nonce is
/// fresh per response and is the one on the page's own scripts; no
/// `unsafe-inline` scripts; nothing frames the page. Personal answers are
/// never stored by caches; static assets may be.
async fn pages_carry_a_nonce_csp_and_personal_answers_are_not_cached(app: TestApp) {
    let page = |path: &'static str| {
        let app = &app;
        async move {
            let res = app.get(path).await;
            let Some(csp) = res.headers().get("content-security-policy").map(|v| v.to_str().unwrap().to_string())
            else {
                panic!("{path}: {} {:?} has no CSP", res.status(), res.headers());
            };
            let cache = res.headers().get("cache-control").map(|v| v.to_str().unwrap().to_string());
            (csp, cache, res.text().await.unwrap())
        }
    };
    let (csp, cache, html) = page("/").await;
    let nonce = csp.split("'nonce-").nth(1).and_then(|r| r.split('\'').next()).expect("a script nonce").to_string();
    assert!(nonce.len() >= 16, "{csp}");
    let script_src = csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{csp}");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
    let scripts = html.matches("<script").count();
    let with_nonce = html.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(
        scripts > 0 && with_nonce >= scripts,
        "every inline script is allowed by the nonce: {scripts} vs {with_nonce}"
    );
    assert_eq!(cache.as_deref(), Some("private, no-store"));
    let (csp2, _, _) = page("/").await;
    assert_ne!(csp, csp2, "a fresh nonce per response");
    let (csp404, _, _) = page("/no/such/page").await;
    assert!(csp404.contains("'nonce-"), "error pages too: {csp404}");
    // The API docs are not a Leptos page: no inline script at all.
    let (docs_csp, _, _) = page("/api/v1/docs/").await;
    let docs_scripts = docs_csp.split(';').find(|d| d.trim().starts_with("script-src")).unwrap();
    assert_eq!(docs_scripts.trim(), "script-src 'self'", "{docs_csp}");
    let api = app.get("/api/v1/auth/providers").await;
    assert_eq!(api.headers()["cache-control"], "private, no-store");
    assert!(api.headers().get("strict-transport-security").is_none(), "no HSTS over plain http");
    let health = app.get("/healthz").await;
    assert!(health.headers().get("cache-control").is_none(), "impersonal answers are left alone");
}

/// Extension methods and junk ids are unbounded inputs: they must map to
/// fixed labels, so the metric series count stays flat.
async fn odd_methods_and_request_ids_cannot_grow_metrics_or_logs(app: TestApp) {
    let series = |text: &str| text.lines().filter(|l| l.starts_with("proofolio_http_requests_total{")).count();
    for i in 0..10 {
        let m = reqwest::Method::from_bytes(format!("WARM{i}").as_bytes()).unwrap();
        app.client.request(m, app.url("/healthz")).send().await.unwrap();
    }
    app.get("/metrics").await; // its own series exists from here on
    let before = series(&app.get("/metrics").await.text().await.unwrap());
    for i in 0..1000 {
        let m = reqwest::Method::from_bytes(format!("ODD{i}").as_bytes()).unwrap();
        app.client.request(m, app.url("/healthz")).send().await.unwrap();
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(series(&text), before, "1,000 odd methods added no series");
    assert!(text.contains(r#"method="other""#), "{text}");
    assert!(!text.contains("ODD"), "no method name leaks into labels");
}

/// Each route accepts what it needs, not a framework default: small JSON
/// and form bodies; a larger body gets 413 in the JSON error shape, whether
/// its length is declared or it simply keeps streaming.
async fn bodies_over_a_routes_limit_get_a_json_413(app: TestApp) {
    let big = format!("{{\"refresh_token\":\"{}\"}}", "x".repeat(100 * 1024));
    let res = app
        .client
        .post(app.url("/api/v1/auth/refresh"))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");
    assert!(body["error"]["message"].as_str().unwrap().contains("64 KB"), "{body}");

    // No Content-Length: chunks keep coming. (Straight into the router: over
    // a socket the server answers 413 and closes while the client is still
    // sending, and whether the client reads the answer first is a race.)
    use tower::ServiceExt;
    let chunks = futures::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024])));
    let req = axum::http::Request::post("/api/v1/auth/refresh")
        .header("content-type", "application/json")
        .body(axum::body::Body::from_stream(chunks))
        .unwrap();
    let res = server::startup::router(app.state.clone()).oneshot(req).await.unwrap();
    assert_eq!(res.status(), 413);
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap();
    let body: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");

    // Forms are smaller still.
    let res =
        app.client.post(app.url("/auth/demo")).form(&[("return_to", "x".repeat(20 * 1024))]).send().await.unwrap();
    assert_eq!(res.status(), 413);
    // A normal body is unaffected.
    let res =
        app.client.post(app.url("/api/v1/auth/refresh")).json(&serde_json::json!({"refresh_token": "nope"})).send();
    assert_eq!(res.await.unwrap().status(), 401);
}

async fn unknown_api_routes_answer_json_404(app: TestApp) {
    for path in ["/api/v1/does-not-exist", "/api", "/api/v2/anything"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        assert!(body["error"]["message"].is_string());
    }
    let res = app.client.post(app.url("/api/v1/nope")).send().await.unwrap();
    assert_eq!(res.status(), 404);
}

async fn the_openapi_document_and_swagger_ui_are_served(app: TestApp) {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/version",
        "/api/v1/me",
        "/api/v1/me/sessions",
        "/api/v1/me/sessions/{id}",
        "/api/v1/me/identities/{id}",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/logout-all",
        "/api/v1/auth/providers",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"].is_object());
    assert!(doc["paths"]["/api/v1/me"]["delete"].is_object() && doc["paths"]["/api/v1/me"]["patch"].is_object());
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let ui = app.get("/api/v1/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger-ui"));
    let version: Value = app.get("/api/v1/version").await.json().await.unwrap();
    assert_eq!(version["name"], "proofolio");
}

async fn the_language_switch_remembers_and_never_redirects_off_site(app: TestApp) {
    let res = app.get("/lang/en?next=/some/page%23how").await;
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/some/page#how");
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=en;") && cookie.contains("Path=/"), "{cookie}");
    for evil in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let res = app.client.get(app.url("/lang/ko")).query(&[("next", evil)]).send().await.unwrap();
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
    assert_eq!(app.get("/lang/xx").await.status(), 404);
}

/// `/metrics` behind a token when one is configured; not served in
/// production without one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_their_token_when_one_is_set() {
    let options = Options {
        tweak: Box::new(|s| s.server.metrics_token = Some("scrape-secret-0123456789".to_string().into())),
        ..Default::default()
    };
    let app = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    assert_eq!(app.get("/metrics").await.status(), 401);
    let res = app.client.get(app.url("/metrics")).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(res.status(), 401);
    let res = app.client.get(app.url("/metrics")).bearer_auth("scrape-secret-0123456789").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("proofolio_http_requests_total"));

    let options = Options {
        tweak: Box::new(|s| s.profile = app::platform::ssr::config::Profile::Production),
        ..Default::default()
    };
    let prod = spawn_app_with(Backend::Sqlite, options).await.unwrap();
    assert_eq!(prod.get("/metrics").await.status(), 404);
}

/// Redis going away must not take pages down, nor the instance out of the
/// load balancer: readiness stays 200, says the store is degraded, and the
/// metric shows it; pages keep serving.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_redis_unreachable_pages_serve_and_readiness_names_the_store() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let options = Options { redis_url: Some("redis://127.0.0.1:1".into()), ..Default::default() };
        let Some(app) = spawn_app_with(backend, options).await else { continue };
        let res = app.get("/readyz").await;
        assert_eq!(res.status(), 200, "a store outage must not fail readiness ({backend:?})");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], "degraded");
        assert_eq!(body["checks"]["store"]["ok"], false);
        assert_eq!(body["checks"]["store"]["kind"], "redis");
        assert_eq!(body["checks"]["database"]["ok"], true);
        assert!(!body.to_string().contains("127.0.0.1:1"), "no internals in the answer");
        assert_eq!(app.get("/").await.status(), 200, "pages keep serving");
        assert_eq!(app.get("/healthz").await.status(), 200);
        let metrics = app.get("/metrics").await.text().await.unwrap();
        assert!(metrics.contains("proofolio_store_up 0"), "{metrics}");
    }
}

/// SIGTERM's path: stop accepting, finish what is in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_finishes_requests_in_flight() {
    let router = axum::Router::new().route(
        "/slow",
        axum::routing::get(|| async {
            tokio::time::sleep(Duration::from_millis(700)).await;
            "finished"
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::startup::serve(
        listener,
        router,
        async move {
            let _ = rx.await;
        },
        Duration::from_secs(5),
        server::startup::ServeLimits { header_read_timeout: Duration::from_secs(10), max_connections: 100 },
    ));
    let in_flight =
        tokio::spawn(async move { reqwest::get(format!("http://{addr}/slow")).await.unwrap().text().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(200)).await;
    tx.send(()).unwrap();
    assert_eq!(in_flight.await.unwrap(), "finished", "the request in flight completed");
    tokio::time::timeout(Duration::from_secs(5), server).await.expect("server stopped").unwrap().unwrap();
    assert!(reqwest::get(format!("http://{addr}/slow")).await.is_err(), "no new connections after shutdown");
}

/// With no proxy in front, slow-header clients (slowloris) cannot hold
/// connections: one that never finishes its request head is cut off after
/// the header-read timeout, and at most `max_connections` are served at
/// once — the next client is served as soon as a slot frees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_header_clients_are_cut_off_and_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let router = axum::Router::new().route("/", axum::routing::get(|| async { "served" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = server::startup::ServeLimits { header_read_timeout: Duration::from_secs(1), max_connections: 2 };
    tokio::spawn(server::startup::serve(listener, router, std::future::pending(), Duration::from_secs(1), limits));

    // Two clients start a request and never finish its head.
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(s);
    }
    // A third, well-behaved client: it waits for a slot, then is served.
    let third = tokio::spawn(async move {
        let client = reqwest::Client::new();
        client.get(format!("http://{addr}/")).send().await.unwrap().text().await.unwrap()
    });
    // The slow ones are cut off (EOF), not kept for ever.
    for mut s in slow {
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .expect("the server closed the slow connection")
            .unwrap_or(0);
        let answer = String::from_utf8_lossy(&buf[..n]).to_string();
        assert!(n == 0 || answer.starts_with("HTTP/1.1 408"), "closed or 408: {answer:?}");
    }
    assert_eq!(tokio::time::timeout(Duration::from_secs(10), third).await.unwrap().unwrap(), "served");
}

/// The real binary, as an operator starts it: under the production profile
/// with secrets missing it refuses to start and names what is missing.
#[test]
fn production_without_its_secrets_refuses_to_start() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PROOFOLIO__PROFILE", "production")
        .env("PROOFOLIO__DATABASE__URL", "postgres://proofolio@127.0.0.1:5432/none")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .output()
        .expect("the server binary runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to start under the production profile"), "{stderr}");
    for key in ["PROOFOLIO__REDIS__URL", "PROOFOLIO__AUTH__SIGNING_KEY", "PROOFOLIO__SECURITY__ENCRYPTION_KEY"] {
        assert!(stderr.contains(key), "{key} named in: {stderr}");
    }
    assert!(!stderr.contains("PROOFOLIO__DATABASE__URL is required"), "the database URL was given");
}

/// A mistyped listen address stops start-up with a message naming it,
/// instead of quietly serving on the default port.
#[test]
fn a_bad_listen_address_refuses_to_start() {
    for (var, value) in
        [("LEPTOS_SITE_ADDR", "localhost:80800"), ("LEPTOS_RELOAD_PORT", "x"), ("LEPTOS_ENV", "staging")]
    {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
            .env(var, value)
            .output()
            .expect("the server binary runs");
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(var) && stderr.contains(value), "{var} named in: {stderr}");
    }
}
