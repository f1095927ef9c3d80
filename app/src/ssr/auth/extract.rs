//! Who is asking: a Bearer token (API clients) or the access cookie
//! (browsers). Every request re-checks that its session is still live, so
//! "sign out everywhere" and refresh-token reuse take effect at once.

use super::{sessions, ACCESS_COOKIE};
use crate::ssr::{error::AppError, state::AppState};
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
        None => match cookie(parts, ACCESS_COOKIE) {
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
pub fn client_info(parts: &Parts, trust_proxy: bool) -> sessions::ClientInfo {
    let forwarded = trust_proxy
        .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|ip| ip.trim().to_string())
        .filter(|ip| ip.parse::<std::net::IpAddr>().is_ok());
    let ip = forwarded.or_else(|| parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()));
    let user_agent = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string);
    sessions::ClientInfo { ip, user_agent }
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
        Ok(Client(client_info(parts, state.settings.server.trust_proxy)))
    }
}
