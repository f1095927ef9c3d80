//! HTTP helpers shared by every capability: the one builder for outgoing
//! clients, and the same-origin check for incoming requests.

use crate::platform::ssr::state::AppState;
use axum::http::header;
use std::time::Duration;

/// The header that carries a request's id, in and out (set or checked by
/// the server's outer layers, and by the page cache in front of the rest).
pub const REQUEST_ID: &str = "x-request-id";

/// What an outgoing client is for; each has its own timeouts, and every
/// one carries our user agent and a connect timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// JSON APIs (GitHub): 5 s to connect, 60 s per request.
    Api,
    /// Streamed answers (the LLM) run for minutes: no overall timeout; the
    /// reader watches for silence instead. 10 s to connect.
    Streaming,
    /// Identity providers' token and user-info endpoints: 15 s per request,
    /// and redirects are never followed (a redirecting token endpoint
    /// invites SSRF).
    IdentityProvider,
}

/// An outgoing HTTP client for `kind`. Fails only if TLS cannot be set up,
/// which start-up reports instead of carrying on with a client that lacks
/// its timeouts.
pub fn client(kind: ClientKind) -> Result<reqwest::Client, reqwest::Error> {
    let builder = reqwest::Client::builder().user_agent(concat!("proofolio/", env!("CARGO_PKG_VERSION")));
    match kind {
        ClientKind::Api => builder.connect_timeout(Duration::from_secs(5)).timeout(Duration::from_secs(60)),
        ClientKind::Streaming => builder.connect_timeout(Duration::from_secs(10)),
        ClientKind::IdentityProvider => builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15)),
    }
    .build()
}

fn origin_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    Some(parsed.origin().ascii_serialization())
}

/// Whether a request comes from our own pages: its `Origin` (or, failing
/// that, its `Referer`) is the public URL, or locally the host it reached.
pub fn same_origin(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
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
