//! Who is asking: a Bearer token (API clients) or the access cookie
//! (browsers). Every request re-checks that its session is still live, so
//! "sign out everywhere" and refresh-token reuse take effect at once.

use super::sessions;
use crate::platform::ssr::error::AppError;
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{ConnectInfo, FromRef, FromRequestParts},
    http::{header, request::Parts},
};
use std::net::SocketAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Bearer,
    Cookie,
}

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user_id: String,
    pub session_id: String,
    pub via: Via,
}

/// The named cookie's value from a request.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
        |kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        },
    )
}

pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Resolve the caller, if any. `Err` only for infrastructure failures.
pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<AuthUser>, AppError> {
    let (token, via) = match bearer(parts) {
        Some(t) => (t, Via::Bearer),
        None => match cookie(parts, state.cookie_names().access) {
            Some(t) => (t, Via::Cookie),
            None => return Ok(None),
        },
    };
    let Some(claims) = state.auth.tokens.verify(token) else {
        return Ok(None);
    };
    if sessions::live(&state.db, &claims.sub, &claims.sid).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(AuthUser { user_id: claims.sub, session_id: claims.sid, via }))
}

impl<S> FromRequestParts<S> for AuthUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let state = AppState::from_ref(state);
        let user = resolve(parts, &state).await?.ok_or(AppError::Unauthorized)?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller if signed in; never rejects for a missing or bad token.
pub struct MaybeUser(pub Option<AuthUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match AuthUser::from_request_parts(parts, state).await {
            Ok(u) => Ok(MaybeUser(Some(u))),
            Err(AppError::Unauthorized) => Ok(MaybeUser(None)),
            Err(e) => Err(e),
        }
    }
}

/// The caller's address and user agent, for rate limits and the session list.
///
/// Behind `trusted_hops` proxies (0: none, the connection's peer is the
/// client), each proxy appends the address it saw to `X-Forwarded-For`. Only
/// the entries our own proxies wrote can be believed, and they are the
/// rightmost ones: the client address is the entry `trusted_hops` from the
/// right. Everything to its left came from the client and is ignored — taking
/// the leftmost entry would let any client choose its own address (and with
/// it, its rate-limit bucket and what the security log records).
pub fn client_info(parts: &Parts, trusted_hops: u32) -> sessions::ClientInfo {
    let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let forwarded = (trusted_hops > 0).then(|| forwarded_client(&parts.headers, trusted_hops)).flatten();
    let ip = forwarded.or(peer).map(|ip| ip.to_string());
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    sessions::ClientInfo { ip, user_agent }
}

/// The address `trusted_hops` entries from the right of every
/// `X-Forwarded-For` header (in order). With fewer entries than hops every
/// entry was written by a trusted proxy, so the leftmost is the client.
fn forwarded_client(headers: &http::HeaderMap, trusted_hops: u32) -> Option<std::net::IpAddr> {
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let index = entries.len().saturating_sub(trusted_hops as usize);
    entries.get(index)?.parse().ok()
}

pub struct Client(pub sessions::ClientInfo);

impl<S> FromRequestParts<S> for Client
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(Client(client_info(parts, state.settings.server.trusted_proxy_hops())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(xff: &[&str], hops: u32) -> Option<String> {
        let mut req = http::Request::builder().uri("/");
        for v in xff {
            req = req.header("x-forwarded-for", *v);
        }
        let (mut parts, ()) = req.body(()).unwrap().into_parts();
        parts.extensions.insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 9], 4000))));
        client_info(&parts, hops).ip
    }

    #[test]
    fn the_address_our_proxy_saw_wins_over_what_the_client_wrote() {
        // One load balancer that appends: the client forged "1.2.3.4".
        assert_eq!(client(&["1.2.3.4, 203.0.113.7"], 1).as_deref(), Some("203.0.113.7"));
        // Two hops (CDN, then load balancer).
        assert_eq!(client(&["1.2.3.4, 203.0.113.7, 198.51.100.2"], 2).as_deref(), Some("203.0.113.7"));
        // Several headers count as one list, in order.
        assert_eq!(client(&["1.2.3.4", "203.0.113.7"], 1).as_deref(), Some("203.0.113.7"));
        // Fewer entries than hops: all were written by our proxies.
        assert_eq!(client(&["203.0.113.7"], 2).as_deref(), Some("203.0.113.7"));
        // No proxy trusted: the header is ignored, the peer is the client.
        assert_eq!(client(&["1.2.3.4"], 0).as_deref(), Some("10.0.0.9"));
        // Garbage where the proxy's entry should be: the peer.
        assert_eq!(client(&["1.2.3.4, <script>"], 1).as_deref(), Some("10.0.0.9"));
        assert_eq!(client(&[], 1).as_deref(), Some("10.0.0.9"));
        assert_eq!(client(&["2001:db8::1"], 1).as_deref(), Some("2001:db8::1"));
    }
}
