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

/// Refuse cross-site state changes that ride on cookies. A request with
/// `Authorization: Bearer` or without cookies cannot be forged by another
/// site, so only unsafe methods carrying cookies are checked: their `Origin`
/// (or, failing that, `Referer`) must be ours. Covers server functions too.
pub async fn csrf_origin_check(State(state): State<AppState>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_cookies = req.headers().contains_key(header::COOKIE);
    let has_bearer = req.headers().get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
    if unsafe_method && has_cookies && !has_bearer && !same_origin(&state, req.headers()) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        return axum::response::IntoResponse::into_response(app::ssr::error::AppError::Forbidden);
    }
    next.run(req).await
}

fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

fn same_origin(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_string)
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(origin_of));
    let Some(claimed) = claimed else { return false };
    if origin_of(&state.public_url).as_deref() == Some(claimed.as_str()) {
        return true;
    }
    // Locally the app may be reached as localhost or 127.0.0.1 alike.
    !state.settings.profile.is_production()
        && headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| claimed == format!("http://{host}"))
}

/// Page navigations with an expired access cookie but a live sign-in go
/// through the refresh endpoint and come back, so pages stay signed in with
/// or without JavaScript.
pub async fn refresh_on_navigation(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_page = req.method() == axum::http::Method::GET
        && !path.starts_with("/api/")
        && !path.starts_with("/auth/")
        && !path.starts_with("/pkg/")
        && req.headers().get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if is_page {
        let (parts, body) = req.into_parts();
        if crate::routes::auth::needs_refresh(&state, &parts) {
            let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!("/api/v1/auth/refresh?return_to={}", app::components::encode_component(here));
            return axum::response::IntoResponse::into_response(axum::response::Redirect::to(&target));
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}
