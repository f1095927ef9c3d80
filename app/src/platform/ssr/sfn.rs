//! What every server function needs: the state, the caller, a way to send
//! the browser on, and our errors turned into the stable codes pages
//! translate ([`FnError`]). Server functions are thin: they call the same
//! service functions as the REST handlers and hold no logic of their own.

use crate::account::ssr::extract::{resolve, AuthUser};
use crate::platform::errors::{ErrorCode, FnError};
use crate::platform::ssr::error::AppError;
use crate::platform::ssr::state::AppState;
use leptos::prelude::*;

pub fn state() -> Result<AppState, FnError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("application state missing from a server function's context");
        FnError::new(ErrorCode::Internal)
    })
}

/// The signed-in user, if any.
pub async fn caller(state: &AppState) -> Result<Option<AuthUser>, FnError> {
    let Some(parts) = use_context::<http::request::Parts>() else { return Ok(None) };
    resolve(&parts, state).await.map_err(|e| {
        tracing::error!(error = ?e, "resolving the caller failed");
        FnError::new(ErrorCode::Unavailable)
    })
}

/// Who is asking (address, user agent), for the security log.
pub fn client(state: &AppState) -> crate::account::ssr::sessions::ClientInfo {
    use_context::<http::request::Parts>()
        .map(|p| crate::account::ssr::extract::client_info(&p, state.settings.server.trusted_proxy_hops()))
        .unwrap_or_default()
}

/// The signed-in user, or `not_signed_in`.
pub async fn signed_in(state: &AppState) -> Result<AuthUser, FnError> {
    caller(state).await?.ok_or_else(|| refuse(FnError::new(ErrorCode::NotSignedIn)))
}

/// Our error as a page sees it; what is ours to fix is logged here.
pub fn internal(e: AppError) -> FnError {
    let code = match &e {
        AppError::Unauthorized => ErrorCode::NotSignedIn,
        AppError::NotFound | AppError::Forbidden => ErrorCode::NotFound,
        AppError::Validation { .. } | AppError::BadRequest(_) | AppError::TooLarge { .. } => ErrorCode::Invalid,
        AppError::Conflict(_) => ErrorCode::Busy,
        AppError::Stale { .. } => ErrorCode::VersionConflict,
        AppError::RateLimited { .. } => ErrorCode::RateLimited,
        AppError::Upstream { .. } | AppError::Unavailable(_) | AppError::Store(_) => ErrorCode::Unavailable,
        AppError::Database(_) | AppError::Internal(_) => ErrorCode::Internal,
    };
    if e.status().is_server_error() {
        tracing::error!(error = ?e, "server function failed");
    }
    refuse(FnError::new(code))
}

/// The HTTP status a server function's error answers with: what the user
/// can act on is 4xx (not a server failure in logs, metrics and the
/// browser's console); only our own faults are 5xx.
fn status_of(code: ErrorCode) -> http::StatusCode {
    use http::StatusCode as S;
    match code {
        ErrorCode::NotSignedIn | ErrorCode::SignInAgainToLink => S::UNAUTHORIZED,
        ErrorCode::NotFound => S::NOT_FOUND,
        ErrorCode::Busy | ErrorCode::VersionConflict | ErrorCode::NicknameTaken | ErrorCode::IdentityInUse => {
            S::CONFLICT
        }
        ErrorCode::RateLimited | ErrorCode::Quota => S::TOO_MANY_REQUESTS,
        ErrorCode::Unavailable | ErrorCode::SignInProvider => S::SERVICE_UNAVAILABLE,
        ErrorCode::Internal => S::INTERNAL_SERVER_ERROR,
        _ => S::UNPROCESSABLE_ENTITY,
    }
}

/// `e` as the answer: its status set for a fetch from the page. A plain
/// form post (no JavaScript) is left alone: Leptos sends it back to the
/// page it came from with the error in the address.
pub fn refuse(e: FnError) -> FnError {
    let plain_form = use_context::<http::request::Parts>().is_some_and(|p| {
        p.headers.get(http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"))
    });
    if !plain_form {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(status_of(e.code));
        }
    }
    e
}

/// Send the browser to `path` when the function returns: a 303 for a plain
/// form post (no JavaScript), a redirect the client follows otherwise.
pub fn redirect(path: &str) {
    leptos_axum::redirect(path);
}

/// The changes made to `jar` as `Set-Cookie` headers on the server
/// function's response.
pub fn set_cookies(jar: axum_extra::extract::CookieJar) {
    use axum::response::IntoResponse;
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    for value in jar.into_response().headers().get_all(http::header::SET_COOKIE) {
        response.append_header(http::header::SET_COOKIE, value.clone());
    }
}
