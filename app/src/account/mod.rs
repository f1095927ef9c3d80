//! Accounts: sign-in, the first-sign-in nickname, linked sign-in methods,
//! sessions, deleting the account. This file holds the server functions
//! the account pages read and change through (forms that post to them work
//! without JavaScript); `types` the wire types; `pages` the pages; `ssr`
//! the services, entities and the sign-in and REST handlers.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod types;

use crate::account::types::{MeView, ProviderView, SessionView};
use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;

/// The signed-in user, or `None`.
#[server(prefix = "/sfn", endpoint = "me")]
pub async fn current_user() -> Result<Option<MeView>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    crate::account::ssr::views::me_view(&state.db, &user.user_id).await.map(Some).map_err(sfn::internal)
}

/// The signed-in user's live sessions (empty when signed out).
#[server(prefix = "/sfn", endpoint = "sessions")]
pub async fn my_sessions() -> Result<Vec<SessionView>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(vec![]) };
    crate::account::ssr::views::session_views(&state.db, &user).await.map_err(sfn::internal)
}

/// How one can sign in here.
#[server(prefix = "/sfn", endpoint = "providers")]
pub async fn sign_in_options() -> Result<Vec<ProviderView>, FnError> {
    let state = sfn::state()?;
    Ok(crate::account::ssr::provider_views(&state))
}

/// A free nickname made from the user's provider profile.
#[server(prefix = "/sfn", endpoint = "nickname_suggestion")]
pub async fn nickname_suggestion() -> Result<String, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(String::new()) };
    let me = crate::account::ssr::views::me_view(&state.db, &user.user_id).await.map_err(sfn::internal)?;
    let hint = me
        .identities
        .iter()
        .find_map(|i| i.login.clone())
        .or(me.display_name.clone())
        .or_else(|| me.email.as_ref().and_then(|e| e.split('@').next().map(str::to_string)))
        .unwrap_or_default();
    crate::account::ssr::accounts::suggest_nickname(&state.db, &hint).await.map_err(sfn::internal)
}

/// The signed-in user, read once per page and shared by the header and the page.
#[derive(Clone, Copy)]
pub struct Me(pub Resource<Result<Option<MeView>, FnError>>);

pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// Choose a nickname (first sign-in, or settings). On success the browser
/// goes on to `return_to` (first sign-in) or back to settings.
#[server(prefix = "/sfn", endpoint = "account/nickname")]
pub async fn set_nickname(nickname: String, return_to: Option<String>, from: Option<String>) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    match crate::account::ssr::accounts::set_nickname(&state.db, &user.user_id, &nickname).await {
        Ok(_) if from.as_deref() == Some("settings") => sfn::redirect("/settings/account"),
        Ok(_) => sfn::redirect(
            &return_to.as_deref().and_then(crate::platform::web::safe_return_path).unwrap_or_else(|| "/".into()),
        ),
        Err(AppError::Validation { fields }) => {
            let code = match fields.get("nickname").map(String::as_str) {
                Some("taken") => ErrorCode::NicknameTaken,
                Some("too_short" | "too_long") => ErrorCode::NicknameLength,
                Some("invalid_characters") => ErrorCode::NicknameCharacters,
                _ => ErrorCode::Invalid,
            };
            return Err(sfn::refuse(
                FnError::new(code).with_value(nickname).with_suggestion(fields.get("suggestion").cloned()),
            ));
        }
        Err(e) => return Err(sfn::internal(e)),
    }
    Ok(())
}

/// Unlink a sign-in method (never the last one).
#[server(prefix = "/sfn", endpoint = "account/unlink")]
pub async fn unlink_identity(id: String) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    use crate::platform::ssr::error::AppError;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let client = sfn::client(&state);
    match crate::account::ssr::accounts::unlink(&state.db, &user.user_id, &id, &client).await {
        Ok(()) => Ok(()),
        Err(AppError::Conflict(_)) => Err(sfn::refuse(FnError::new(ErrorCode::LastIdentity))),
        Err(e) => Err(sfn::internal(e)),
    }
}

/// Sign out one of my sessions (another device, or this one).
#[server(prefix = "/sfn", endpoint = "account/end_session")]
pub async fn end_session(id: String) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let client = sfn::client(&state);
    crate::account::ssr::sessions::end_own(&state.db, &user.user_id, &id, &client).await.map_err(sfn::internal)
}

/// Delete my account and everything in it, confirmed by typing the
/// nickname; signs this browser out and goes home.
#[server(prefix = "/sfn", endpoint = "account/delete")]
pub async fn delete_account(confirm: String) -> Result<(), FnError> {
    use crate::platform::errors::ErrorCode;
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let me = crate::account::ssr::accounts::get(&state.db, &user.user_id)
        .await
        .map_err(sfn::internal)?
        .ok_or_else(|| sfn::refuse(FnError::new(ErrorCode::NotSignedIn)))?;
    if confirm.trim() != me.nickname.as_deref().unwrap_or("delete") {
        return Err(sfn::refuse(FnError::new(ErrorCode::ConfirmMismatch)));
    }
    crate::account::ssr::accounts::delete(&state.db, &user.user_id).await.map_err(sfn::internal)?;
    sfn::set_cookies(crate::account::ssr::sign_in::without_session_cookies(&state, Default::default()));
    sfn::redirect("/");
    Ok(())
}
