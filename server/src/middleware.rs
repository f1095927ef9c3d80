//! Cross-cutting HTTP layers: request ids, access logs, metrics, security
//! headers.

use app::platform::ssr::state::AppState;
use axum::{
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use std::time::Instant;

pub use app::platform::ssr::http::REQUEST_ID;

/// An inbound `x-request-id` is kept only when it is a plausible id (so a
/// client cannot put arbitrary text, or megabytes, into every log line);
/// otherwise it is dropped and a fresh one is made.
pub async fn sanitize_request_id(mut req: Request, next: Next) -> Response {
    let well_formed = |v: &HeaderValue| {
        let b = v.as_bytes();
        (1..=128).contains(&b.len()) && b.iter().all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
    };
    let ids = req.headers().get_all(REQUEST_ID).iter().count();
    if ids > 1 || req.headers().get(REQUEST_ID).is_some_and(|v| !well_formed(v)) {
        req.headers_mut().remove(REQUEST_ID);
    }
    next.run(req).await
}

/// The method as a metric label: the standard ones by name, anything else
/// (extension methods are unbounded) as `other`.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Count and time every request by route pattern (never the raw path, which
/// would explode the label space), method and status, each from a bounded
/// set of values.
pub async fn record_metrics(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let method = method_label(req.method());
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [method, route.as_str(), status.as_str()];
    state.metrics.http_requests.with_label_values(&labels).inc();
    state.metrics.http_duration.with_label_values(&labels).observe(started.elapsed().as_secs_f64());
    response
}

/// Conservative defaults for every response: no sniffing, no framing, no
/// caching of anything personal, HSTS over https, and a strict
/// Content-Security-Policy on HTML that did not set its own (pages rendered
/// by Leptos set one with their per-response script nonce).
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut response = next.run(req).await;
    let is_html = content_type_is(&response, "text/html");
    let headers = response.headers_mut();
    headers.entry(header::X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    headers.entry(header::X_FRAME_OPTIONS).or_insert(HeaderValue::from_static("DENY"));
    headers.entry(header::REFERRER_POLICY).or_insert(HeaderValue::from_static("strict-origin-when-cross-origin"));
    if is_html {
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(app::platform::csp::STATIC_PAGES));
    }
    // Pages and API answers are personal (or may become so); only the
    // static assets under /pkg and the stylesheet may be cached.
    if is_html || path.starts_with("/api/") || path.starts_with("/auth/") {
        headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-store"));
    }
    if state.is_https() {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}

fn content_type_is(response: &Response, prefix: &str) -> bool {
    response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with(prefix))
}

/// The largest request body a route accepts. Everything takes small JSON
/// or form bodies today, so the default is small; a route that needs more
/// (uploads, whole documents) gets its own line here rather than
/// inheriting a framework-wide default.
pub fn body_limit(method: &axum::http::Method, path: &str, content_type: Option<&str>) -> usize {
    use axum::http::Method;
    const KB: usize = 1024;
    let is_form = content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    match (method, path) {
        // A whole résumé document from the editor.
        (&Method::PUT, p) if p.starts_with("/api/v1/resumes/") => 512 * KB,
        // A JSON Resume file brought in.
        (&Method::POST, "/api/v1/resumes/import") => 512 * KB,
        // The same as the editor's and the import's forms: URL-encoding
        // makes Korean text up to three times longer.
        (&Method::POST, "/sfn/resumes/save" | "/sfn/resumes/import") => 1536 * KB,
        (&Method::POST, "/resumes/import-file") => 520 * KB,
        // Job postings an administrator uploads (multipart framing included).
        (&Method::POST, "/api/v1/admin/postings/import") => app::market::ssr::admin::UPLOAD_MAX + 64 * KB,
        (&Method::POST, p) if p.starts_with("/resumes/") && p.contains("/sections/") => 512 * KB,
        _ if is_form => 16 * KB,
        _ => 64 * KB,
    }
}

/// Enforce [`body_limit`]: a declared length over the limit is refused
/// before the body is read, an undeclared one is cut off as it streams, and
/// either way the client gets the JSON error shape with 413.
pub async fn limit_bodies(req: Request, next: Next) -> Response {
    use axum::response::IntoResponse;
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let limit = body_limit(req.method(), req.uri().path(), content_type);
    let too_large = || app::platform::ssr::error::AppError::TooLarge { limit_bytes: limit }.into_response();
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        // The body stays unread, so this connection cannot carry another
        // request: say so, or a client reusing it fails its next request.
        let mut res = too_large();
        res.headers_mut().insert(header::CONNECTION, axum::http::HeaderValue::from_static("close"));
        return res;
    }
    let (parts, body) = req.into_parts();
    let body = axum::body::Body::new(http_body_util::Limited::new(body, limit));
    let response = next.run(Request::from_parts(parts, body)).await;
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE && !content_type_is(&response, "application/json")
    {
        return too_large();
    }
    response
}

/// Refuse cross-site state changes that ride on cookies. Only unsafe
/// methods carrying cookies are checked: their `Origin` (or, failing that,
/// `Referer`) must be ours. Covers every route, server functions included,
/// because it is a layer on the whole router rather than a per-route choice.
///
/// A request that brings `Authorization: Bearer` authenticates with that
/// token and nothing else: its cookies are taken away before any handler
/// sees it, so the exemption follows how the request authenticated (a
/// cross-site page cannot set the header, and a header alone cannot unlock
/// the refresh or session cookies).
pub async fn csrf_origin_check(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    use axum::http::Method;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let has_bearer = req.headers().get(header::AUTHORIZATION).is_some_and(|v| v.as_bytes().starts_with(b"Bearer "));
    if has_bearer {
        req.headers_mut().remove(header::COOKIE);
    }
    let has_cookies = req.headers().contains_key(header::COOKIE);
    if unsafe_method && has_cookies && !app::platform::ssr::http::same_origin(&state, req.headers()) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site request refused");
        return axum::response::IntoResponse::into_response(app::platform::ssr::error::AppError::Forbidden);
    }
    next.run(req).await
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
        // A navigation that another site started is served signed out: the
        // refresh endpoint would not rotate tokens for it (and the browser
        // keeps calling the whole redirect chain cross-site), so sending it
        // there would loop. The next same-site click refreshes as usual.
        let from_elsewhere = parts
            .headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|site| site == "cross-site" || site == "same-site");
        if !from_elsewhere && app::account::ssr::sign_in::needs_refresh(&state, &parts) {
            let here = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = format!("/api/v1/auth/refresh?return_to={}", app::platform::ui::encode_component(here));
            return axum::response::IntoResponse::into_response(axum::response::Redirect::to(&target));
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    next.run(req).await
}
