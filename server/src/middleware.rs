//! Cross-cutting HTTP layers: request ids, access logs, metrics, security
//! headers.

use app::ssr::state::AppState;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use std::time::Instant;

pub const REQUEST_ID: &str = "x-request-id";

/// Count and time every request by route pattern (never the raw path, which
/// would explode the label space), method and status.
pub async fn record_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [method.as_str(), route.as_str(), status.as_str()];
    state.metrics.http_requests.with_label_values(&labels).inc();
    state.metrics.http_duration.with_label_values(&labels).observe(started.elapsed().as_secs_f64());
    response
}

/// Conservative defaults for every response.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    response
}
