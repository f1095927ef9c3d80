//! Sign-in flows. Browser routes under `/auth` (login, callback, demo) and
//! the token API under `/api/v1/auth` (refresh, logout, logout everywhere).

use crate::account::ssr::extract::{cookie, AuthUser, Client, MaybeUser};
use crate::account::ssr::providers::{ExternalIdentity, PendingLogin, ProviderError};
use crate::account::ssr::sessions::{self, ClientInfo, RefreshOutcome};
use crate::account::ssr::tokens::ACCESS_TTL_SECS;
use crate::account::ssr::{accounts, audit, login_states, REFRESH_COOKIE_PATH};
use crate::account::types::{CookieRefreshed, ProviderView, TokenResponse};
use crate::platform::errors::ErrorCode;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::platform::ssr::store::address_bucket;
use crate::platform::web::safe_return_path;
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Json, Router,
};
use axum_extra::extract::{
    cookie::{Cookie, SameSite},
    CookieJar, PrivateCookieJar,
};
use serde::Deserialize;
use std::time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};

const LOGIN_COOKIE_PATH: &str = "/auth";
/// Demo accounts (and everything in them) go after this many days.
const DEMO_ACCOUNT_DAYS: i64 = 7;

/// `/auth/...`: the browser side of sign-in.
pub fn browser_router(state: &AppState) -> Router<AppState> {
    let router = Router::new()
        .route("/auth/{provider}/login", get(login))
        .route("/auth/{provider}/link", post(link))
        .route("/auth/{provider}/callback", get(callback));
    if crate::account::ssr::demo_offered(state) {
        router.route("/auth/demo", post(demo))
    } else {
        // No demo sign-in: the route does not exist.
        router
    }
}

/// `/api/v1/auth/...`
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(refresh, refresh_and_return))
        .routes(routes!(logout))
        .routes(routes!(logout_all))
        .routes(routes!(providers))
}

fn base_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    path: &'static str,
    max_age: Duration,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.is_https())
        .max_age(time::Duration::seconds(max_age.as_secs() as i64))
        .build()
}

/// Set the browser's credentials for a session.
fn with_session_cookies(state: &AppState, jar: CookieJar, access: String, refresh: String) -> CookieJar {
    let refresh_age = Duration::from_secs(sessions::REFRESH_TTL_DAYS as u64 * 86_400);
    let names = state.cookie_names();
    jar.add(base_cookie(state, names.access, access, "/", Duration::from_secs(ACCESS_TTL_SECS as u64)))
        .add(base_cookie(state, names.refresh, refresh, REFRESH_COOKIE_PATH, refresh_age))
        .add(base_cookie(state, names.signed_in, "1".into(), "/", refresh_age))
}

/// Forget the browser's credentials (sign-out, deletion, a dead session).
pub fn without_session_cookies(state: &AppState, jar: CookieJar) -> CookieJar {
    let names = state.cookie_names();
    let secure = state.is_https();
    jar.remove(Cookie::build(names.access).path("/").secure(secure))
        .remove(Cookie::build(names.refresh).path(REFRESH_COOKIE_PATH).secure(secure))
        .remove(Cookie::build(names.signed_in).path("/").secure(secure))
}

/// Per-address limit on sign-in, callback and refresh (IPv6 by /64). With
/// the store down it falls back to this instance's counters, never open.
async fn rate_limit(state: &AppState, bucket: &str, client: &ClientInfo) -> AppResult<()> {
    let key = format!("rl:auth:{bucket}:{}", address_bucket(client.ip.as_deref()));
    let d = state.limits.check(&key, state.settings.auth.rate_limit_per_minute, Duration::from_secs(60)).await;
    if d.allowed {
        Ok(())
    } else {
        Err(AppError::RateLimited { retry_after_secs: d.reset_after.as_secs().max(1) })
    }
}

/// A failed sign-in goes back to the sign-in page, which says what happened
/// in the reader's language (the browser is mid-redirect; JSON would strand
/// the user). Only a code travels: nothing from the request is echoed. The
/// detail, if any, is logged.
fn failure_page(code: ErrorCode, detail: &str) -> Response {
    if !detail.is_empty() {
        tracing::warn!(code = code.as_str(), detail, "sign-in failed");
    }
    Redirect::to(&format!("/signin?error={}", code.as_str())).into_response()
}

#[derive(Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// Start signing in with a provider (a link or a GET form; signing in
/// changes nothing of an existing account, so it may be a GET).
async fn login(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(q): Query<LoginQuery>,
    Client(client): Client,
    jar: PrivateCookieJar,
) -> Result<Response, AppError> {
    begin(state, provider_id, q.return_to, None, client, jar).await
}

/// Start linking another provider to the signed-in account. A POST, so it
/// passes the router's origin check: another site cannot make a signed-in
/// browser link whatever account it holds at that provider.
async fn link(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    user: AuthUser,
    Client(client): Client,
    jar: PrivateCookieJar,
    axum::Form(form): axum::Form<LoginQuery>,
) -> Result<Response, AppError> {
    begin(state, provider_id, form.return_to, Some(user.user_id), client, jar).await
}

async fn begin(
    state: AppState,
    provider_id: String,
    return_to: Option<String>,
    link_user: Option<String>,
    client: ClientInfo,
    jar: PrivateCookieJar,
) -> Result<Response, AppError> {
    rate_limit(&state, "login", &client).await?;
    let Some(provider) = state.providers.get(&provider_id) else {
        return Err(AppError::NotFound);
    };
    let return_to = return_to.as_deref().and_then(safe_return_path).unwrap_or_else(|| "/".into());
    let (url, pending) = match state.providers.begin(provider, return_to, link_user).await {
        Ok(x) => x,
        Err(e) => return Ok(failure_page(ErrorCode::SignInProvider, &e.to_string())),
    };
    login_states::record(&state.db, &pending.state).await?;
    let value = serde_json::to_string(&pending).map_err(anyhow::Error::from)?;
    let jar = jar.add(
        Cookie::build((state.cookie_names().login, value))
            .path(LOGIN_COOKIE_PATH)
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(state.is_https())
            .max_age(time::Duration::minutes(login_states::TTL_MINUTES))
            .build(),
    );
    Ok((jar, Redirect::to(&url)).into_response())
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

fn same_secret(a: &str, b: &str) -> bool {
    // Compare digests, not the strings, so timing says nothing.
    crate::account::ssr::crypto::sha256_hex(a) == crate::account::ssr::crypto::sha256_hex(b)
}

#[allow(clippy::too_many_arguments)]
async fn callback(
    State(state): State<AppState>,
    Path(provider_id): Path<String>,
    Query(q): Query<CallbackQuery>,
    MaybeUser(current): MaybeUser,
    Client(client): Client,
    private: PrivateCookieJar,
    jar: CookieJar,
) -> Result<Response, AppError> {
    rate_limit(&state, "callback", &client).await?;
    let login_cookie = state.cookie_names().login;
    let pending: Option<PendingLogin> = private.get(login_cookie).and_then(|c| serde_json::from_str(c.value()).ok());
    // The login cookie is single-use whatever happens next.
    let private = private.remove(Cookie::build(login_cookie).path(LOGIN_COOKIE_PATH).secure(state.is_https()));
    let fail = |private: PrivateCookieJar, code: ErrorCode, detail: &str| {
        (private, failure_page(code, detail)).into_response()
    };

    let Some(provider) = state.providers.get(&provider_id) else {
        return Err(AppError::NotFound);
    };
    let Some(pending) = pending.filter(|p| p.provider == provider_id) else {
        return Ok(fail(private, ErrorCode::SignInExpired, "no login cookie for this provider"));
    };
    if q.error.is_some() {
        return Ok(fail(private, ErrorCode::SignInCancelled, ""));
    }
    let (Some(code), Some(returned_state)) = (q.code.as_deref(), q.state.as_deref()) else {
        return Ok(fail(private, ErrorCode::SignInUnverified, "the callback had no code or state"));
    };
    if !same_secret(returned_state, &pending.state) {
        tracing::warn!(provider = %provider_id, ip = ?client.ip, "sign-in state mismatch");
        return Ok(fail(private, ErrorCode::SignInUnverified, "state mismatch"));
    }
    // Single use on the server as well: a replayed callback or a copied
    // login cookie finds the attempt already consumed.
    if !login_states::consume(&state.db, &pending.state).await? {
        tracing::warn!(provider = %provider_id, ip = ?client.ip, "sign-in state reused or expired");
        return Ok(fail(private, ErrorCode::SignInExpired, "login state reused or expired"));
    }
    let ext = match state.providers.complete(provider, code, &pending).await {
        Ok(ext) => ext,
        Err(ProviderError::Rejected(m)) => return Ok(fail(private, ErrorCode::SignInRejected, &m)),
        Err(ProviderError::Unavailable(m)) => return Ok(fail(private, ErrorCode::SignInProvider, &m)),
    };

    if let Some(link_user) = &pending.link_user {
        // Linking: the same user must still be signed in.
        if current.as_ref().map(|u| &u.user_id) != Some(link_user) {
            return Ok(fail(private, ErrorCode::SignInAgainToLink, ""));
        }
        return match accounts::sign_in(&state.db, &state.auth.sealer, ext, Some(link_user), &client).await {
            Ok(_) => Ok((private, Redirect::to(&pending.return_to)).into_response()),
            Err(AppError::Conflict(m)) => Ok(fail(private, ErrorCode::IdentityInUse, &m)),
            Err(e) => Err(e),
        };
    }
    let (jar, target) = start_session(&state, jar, ext, &pending.return_to, &client).await?;
    Ok((private, jar, Redirect::to(&target)).into_response())
}

/// Sign the user in: a new session, cookies, and where to go next (the
/// nickname page first, on a first sign-in).
async fn start_session(
    state: &AppState,
    jar: CookieJar,
    ext: ExternalIdentity,
    return_to: &str,
    client: &ClientInfo,
) -> AppResult<(CookieJar, String)> {
    let provider = ext.provider.clone();
    let signed = accounts::sign_in(&state.db, &state.auth.sealer, ext, None, client).await?;
    let issued = sessions::open(&state.db, &signed.user.id, &provider, client).await?;
    let access = state.auth.tokens.issue(&signed.user.id, &issued.session_id);
    let jar = with_session_cookies(state, jar, access, issued.refresh_token);
    let target = if signed.user.nickname.is_none() {
        format!("/welcome?return_to={}", crate::platform::ui::encode_component(return_to))
    } else {
        return_to.to_string()
    };
    Ok((jar, target))
}

#[derive(Deserialize)]
pub struct DemoForm {
    return_to: Option<String>,
}

/// The embedded default's sign-in: a clearly labelled throw-away account of
/// the visitor's own (nobody sees anyone else's sessions or data), so a
/// newcomer can try everything with nothing configured. Only offered when
/// [`crate::account::ssr::demo_offered`] says so; same-origin forms only, so no
/// other site can sign a visitor in (login CSRF).
async fn demo(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    axum::Form(form): axum::Form<DemoForm>,
) -> Result<Response, AppError> {
    if !crate::platform::ssr::http::same_origin(&state, &headers) {
        tracing::warn!("cross-site demo sign-in refused");
        return Err(AppError::Forbidden);
    }
    rate_limit(&state, "login", &client).await?;
    accounts::sweep_demo_accounts(&state.db, chrono::Duration::days(DEMO_ACCOUNT_DAYS)).await?;
    let return_to = form.return_to.as_deref().and_then(safe_return_path).unwrap_or_else(|| "/".into());
    let visitor = uuid::Uuid::new_v4().simple().to_string();
    let ext = ExternalIdentity {
        provider: "demo".into(),
        subject: visitor.clone(),
        login: Some(format!("demo-{}", &visitor[..8])),
        name: Some("Demo Developer".into()),
        email: None,
        email_verified: false,
        avatar_url: None,
        access_token: None,
        scopes: None,
    };
    let (jar, target) = start_session(&state, jar, ext, &return_to, &client).await?;
    Ok((jar, Redirect::to(&target)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
pub struct RefreshRequest {
    /// API clients send the refresh token here; browsers send the cookie.
    pub refresh_token: Option<String>,
}

async fn do_refresh(state: &AppState, token: &str, client: &ClientInfo) -> AppResult<(String, String)> {
    rate_limit(state, "refresh", client).await?;
    match sessions::refresh(&state.db, token, client, state.settings.auth.session_policy()).await? {
        RefreshOutcome::Rotated { user_id, issued } => {
            Ok((state.auth.tokens.issue(&user_id, &issued.session_id), issued.refresh_token))
        }
        RefreshOutcome::Invalid | RefreshOutcome::Reused => Err(AppError::Unauthorized),
    }
}

/// Exchange a refresh token for a new access token and a new refresh token.
/// The old refresh token stops working; presenting it again revokes the
/// whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth",
    request_body(content = Option<RefreshRequest>, description = "API clients: the refresh token. Browsers: empty (the cookie is used)."),
    responses(
        (status = 200, description = "API clients (token in the body): new tokens. Browsers (cookie): the new tokens are set as HttpOnly cookies and only `expires_in` is returned.", body = TokenResponse),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token", body = crate::platform::api::ErrorBody),
        (status = 429, description = "Too many requests from this address", body = crate::platform::api::ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    jar: CookieJar,
    body: Option<Json<RefreshRequest>>,
) -> Result<Response, AppError> {
    let from_body = body.and_then(|b| b.0.refresh_token);
    let (token, via_cookie) = match from_body {
        Some(t) => (t, false),
        None => match jar.get(state.cookie_names().refresh) {
            Some(c) => (c.value().to_string(), true),
            None => return Err(AppError::Unauthorized),
        },
    };
    match do_refresh(&state, &token, &client).await {
        Ok((access, refresh)) if via_cookie => {
            let body = CookieRefreshed { expires_in: ACCESS_TTL_SECS };
            Ok((with_session_cookies(&state, jar, access, refresh), Json(body)).into_response())
        }
        Ok((access, refresh)) => {
            let body = TokenResponse {
                access_token: access,
                token_type: "Bearer".into(),
                expires_in: ACCESS_TTL_SECS,
                refresh_token: Some(refresh),
            };
            Ok(Json(body).into_response())
        }
        Err(AppError::Unauthorized) if via_cookie => {
            Ok((without_session_cookies(&state, jar), AppError::Unauthorized).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReturnQuery {
    /// Same-site path to go back to.
    return_to: Option<String>,
}

/// Browsers only: renew the session cookies during a page navigation, then
/// go back to `return_to`. Pages redirect here when the access cookie has
/// expired; it works without JavaScript.
#[utoipa::path(get, path = "/auth/refresh", tag = "auth", params(ReturnQuery),
    responses((status = 303, description = "Back to `return_to`, signed in or (if the session ended) signed out")))]
pub async fn refresh_and_return(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
    Query(q): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let target = q.return_to.as_deref().and_then(safe_return_path).unwrap_or_else(|| "/".into());
    // A navigation started by another site must not rotate tokens.
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).unwrap_or("none");
    if site == "cross-site" || site == "same-site" {
        return Ok(Redirect::to(&target).into_response());
    }
    let Some(token) = jar.get(state.cookie_names().refresh).map(|c| c.value().to_string()) else {
        return Ok((without_session_cookies(&state, jar), Redirect::to(&target)).into_response());
    };
    match do_refresh(&state, &token, &client).await {
        Ok((access, refresh)) => {
            Ok((with_session_cookies(&state, jar, access, refresh), Redirect::to(&target)).into_response())
        }
        Err(AppError::Unauthorized) => {
            Ok((without_session_cookies(&state, jar), Redirect::to(&target)).into_response())
        }
        Err(e) => Err(e),
    }
}

fn wants_html(headers: &HeaderMap) -> bool {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let accepts_html =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    is_form || accepts_html
}

fn signed_out(state: &AppState, jar: CookieJar, headers: &HeaderMap) -> Response {
    if wants_html(headers) {
        (without_session_cookies(state, jar), Redirect::to("/")).into_response()
    } else {
        (without_session_cookies(state, jar), StatusCode::NO_CONTENT).into_response()
    }
}

/// End this session: its refresh token and access tokens stop working.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out (browsers submitting a form get a redirect home)")))]
pub async fn logout(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let session = match &user {
        Some(u) => Some((u.user_id.clone(), u.session_id.clone())),
        None => match jar.get(state.cookie_names().refresh) {
            Some(c) => sessions::by_refresh_token(&state.db, c.value()).await?.map(|s| (s.user_id, s.id)),
            None => None,
        },
    };
    if let Some((user_id, session_id)) = session {
        if sessions::revoke(&state.db, &session_id, "signed_out").await? {
            audit::record(&state.db, audit::Event::new("signed_out", &client).user(&user_id).session(&session_id))
                .await?;
        }
    }
    Ok(signed_out(&state, jar, &headers))
}

/// End every session of the signed-in user, on every device.
#[utoipa::path(post, path = "/auth/logout-all", tag = "auth",
    responses(
        (status = 204, description = "Every session ended"),
        (status = 401, description = "Not signed in", body = crate::platform::api::ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn logout_all(
    State(state): State<AppState>,
    user: AuthUser,
    Client(client): Client,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let ended = sessions::revoke_all(&state.db, &user.user_id, "signed_out_everywhere").await?;
    audit::record(
        &state.db,
        audit::Event::new("signed_out_everywhere", &client).user(&user.user_id).detail(format!("{ended} sessions")),
    )
    .await?;
    Ok(signed_out(&state, jar, &headers))
}

/// The sign-in options this server offers.
#[utoipa::path(get, path = "/auth/providers", tag = "auth",
    responses((status = 200, description = "Configured providers, and whether the demo sign-in exists", body = Vec<ProviderView>)))]
pub async fn providers(State(state): State<AppState>) -> Json<Vec<ProviderView>> {
    Json(crate::account::ssr::provider_views(&state))
}

/// Used by the page middleware: is there a signed-in hint but no valid access cookie?
pub fn needs_refresh(state: &AppState, parts: &axum::http::request::Parts) -> bool {
    let names = state.cookie_names();
    cookie(parts, names.signed_in).is_some()
        && cookie(parts, names.access).and_then(|t| state.auth.tokens.verify(t)).is_none()
}
