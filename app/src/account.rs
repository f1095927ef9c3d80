//! Server functions the account pages read through. Changes go through
//! plain HTML forms (see `server/src/routes/account_forms.rs`), so every
//! page works with and without JavaScript.

use crate::api_types::{MeView, ProviderView, SessionView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr_only {
    use crate::ssr::{
        auth::extract::{resolve, AuthUser},
        state::AppState,
    };
    use leptos::prelude::*;

    pub fn state() -> Result<AppState, ServerFnError> {
        use_context::<AppState>().ok_or_else(|| ServerFnError::new("application state missing"))
    }

    pub async fn caller(state: &AppState) -> Result<Option<AuthUser>, ServerFnError> {
        let Some(parts) = use_context::<http::request::Parts>() else { return Ok(None) };
        resolve(&parts, state).await.map_err(|e| {
            tracing::error!(error = ?e, "resolving the caller failed");
            ServerFnError::new("temporarily unavailable")
        })
    }

    pub fn internal(e: crate::ssr::error::AppError) -> ServerFnError {
        if e.status().is_server_error() {
            tracing::error!(error = ?e, "server function failed");
        }
        ServerFnError::new(e.public_message())
    }
}

/// The signed-in user, or `None`.
#[server(prefix = "/sfn", endpoint = "me")]
pub async fn current_user() -> Result<Option<MeView>, ServerFnError> {
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(None) };
    crate::ssr::auth::views::me_view(&state.db, &user.user_id).await.map(Some).map_err(ssr_only::internal)
}

/// The signed-in user's live sessions (empty when signed out).
#[server(prefix = "/sfn", endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, ServerFnError> {
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(vec![]) };
    crate::ssr::auth::views::session_views(&state.db, &user).await.map_err(ssr_only::internal)
}

/// How one can sign in here.
#[server(prefix = "/sfn", endpoint = "providers")]
pub async fn sign_in_options() -> Result<Vec<ProviderView>, ServerFnError> {
    let state = ssr_only::state()?;
    Ok(crate::ssr::auth::provider_views(&state))
}

/// A free nickname made from the user's provider profile.
#[server(prefix = "/sfn", endpoint = "nickname_suggestion")]
pub async fn nickname_suggestion() -> Result<String, ServerFnError> {
    let state = ssr_only::state()?;
    let Some(user) = ssr_only::caller(&state).await? else { return Ok(String::new()) };
    let me = crate::ssr::auth::views::me_view(&state.db, &user.user_id).await.map_err(ssr_only::internal)?;
    let hint = me
        .identities
        .iter()
        .find_map(|i| i.login.clone())
        .or(me.display_name.clone())
        .or_else(|| me.email.as_ref().and_then(|e| e.split('@').next().map(str::to_string)))
        .unwrap_or_default();
    crate::ssr::auth::accounts::suggest_nickname(&state.db, &hint).await.map_err(ssr_only::internal)
}

/// The signed-in user, read once per page and shared by the header and the page.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<MeView>, ServerFnError>>);

pub fn use_me() -> Me {
    expect_context::<Me>()
}
