//! Operations endpoints: liveness, readiness, metrics.

use app::platform::api::{CheckResult, Readiness};
use app::platform::ssr::db::backend_name;
use app::platform::ssr::error::AppError;
use app::platform::ssr::state::AppState;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
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

/// Ready when the database answers: it is the one part an instance cannot
/// serve without. The store (Redis) is checked and reported too, but a store
/// outage only degrades counts and live updates; failing readiness for it
/// would take every instance out of the load balancer at the same moment — a
/// full outage caused by a dependency the pages do not need. A degraded store
/// shows as `"status": "degraded"`, in `proofolio_store_up` and in the log
/// (once per change).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready to serve (`degraded` when the store is down)", body = Readiness),
        (status = 503, description = "The database is down; `checks` names it", body = Readiness),
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
        (
            CheckResult {
                ok: error.is_none(),
                kind: kind.to_string(),
                // The reason stays in the log; the probe only needs which part.
                error: error.as_ref().map(|_| "unreachable".to_string()),
            },
            error,
        )
    };
    let (db_check, db_error) = check(backend_name(&state.db), db.map(|r| r.map_err(|e| e.to_string())));
    let (store_check, store_error) = check(state.store.kind(), store.map(|r| r.map_err(|e| e.to_string())));
    if let Some(e) = &db_error {
        tracing::warn!(part = "database", error = %e, "readiness check failed");
    }
    let store_up = i64::from(store_check.ok);
    if state.metrics.store_up.get() != store_up {
        state.metrics.store_up.set(store_up);
        match &store_error {
            Some(e) => {
                tracing::warn!(part = "store", error = %e, "store down: serving degraded (counts, live updates)")
            }
            None => tracing::info!(part = "store", "store answers again"),
        }
    }
    let status = match (db_check.ok, store_check.ok) {
        (false, _) => "unavailable",
        (true, false) => "degraded",
        (true, true) => "ready",
    };
    let code = if db_check.ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let mut checks = BTreeMap::new();
    checks.insert("database".to_string(), db_check);
    checks.insert("store".to_string(), store_check);
    (code, Json(Readiness { status: status.to_string(), checks }))
}

/// Prometheus text exposition. With `server.metrics_token` set it needs
/// that token as a Bearer; without one it is served only outside
/// `production` (the numbers describe traffic and users).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text format", content_type = "text/plain"),
        (status = 401, description = "A token is configured and this request did not bring it", body = app::platform::api::ErrorBody),
        (status = 404, description = "Production without a configured token: not served", body = app::platform::api::ErrorBody),
    ))]
pub async fn metrics(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Result<Response, AppError> {
    match &state.settings.server.metrics_token {
        Some(token) => {
            use secrecy::ExposeSecret;
            let presented = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if !app::account::ssr::crypto::constant_time_eq(presented.as_bytes(), token.expose_secret().as_bytes()) {
                return Err(AppError::Unauthorized);
            }
        }
        None if state.settings.profile.is_production() => return Err(AppError::NotFound),
        None => {}
    }
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], state.metrics.render()).into_response())
}
