//! Operations endpoints: liveness, readiness, metrics.

use app::{
    api_types::{CheckResult, Readiness},
    ssr::{db::backend_name, state::AppState},
};
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::IntoResponse,
    Json,
};
use std::{collections::BTreeMap, time::Duration};

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// The process is alive (it answers). Says nothing of its dependencies.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is alive", body = Object)))]
pub async fn healthz() -> impl IntoResponse {
    Json(serde_json::json!({ "status": "ok" }))
}

/// The database and the store both answer; 503 names the part that does not.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Readiness),
        (status = 503, description = "A dependency is down; `checks` names it", body = Readiness),
    ))]
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (db, store) = tokio::join!(
        tokio::time::timeout(CHECK_TIMEOUT, state.db.ping()),
        tokio::time::timeout(CHECK_TIMEOUT, state.store.ping()),
    );
    let check = |kind: &str, r: Result<Result<(), String>, tokio::time::error::Elapsed>| {
        let error = match r {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e),
            Err(_) => Some("timed out".to_string()),
        };
        if let Some(e) = &error {
            tracing::warn!(part = kind, error = %e, "readiness check failed");
        }
        CheckResult {
            ok: error.is_none(),
            kind: kind.to_string(),
            // The reason stays in the log; the probe only needs which part.
            error: error.map(|_| "unreachable".to_string()),
        }
    };
    let mut checks = BTreeMap::new();
    checks.insert("database".to_string(), check(backend_name(&state.db), db.map(|r| r.map_err(|e| e.to_string()))));
    checks.insert("store".to_string(), check(state.store.kind(), store.map(|r| r.map_err(|e| e.to_string()))));
    let ready = checks.values().all(|c| c.ok);
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = Readiness { status: if ready { "ready" } else { "unavailable" }.to_string(), checks };
    (status, Json(body))
}

/// Prometheus text exposition.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render())
}
