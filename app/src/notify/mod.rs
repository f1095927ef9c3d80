//! Notifications: a like, a comment or a reply raises one for whoever it
//! concerns; open tabs hear of it live (server-sent events, across
//! instances through the store's pub/sub); the notifications page lists
//! them, marks them read and mutes a résumé. Pages read and change them
//! through these server functions; API clients use `/api/v1/me/notifications`
//! (ssr/routes.rs); both call the same services.

pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod texts;
pub mod types;

use crate::platform::errors::FnError;
#[cfg(feature = "ssr")]
use crate::platform::ssr::sfn;
use leptos::prelude::*;
use types::NotificationPage;

/// My unread count (`None`: signed out), for the header's badge.
#[server(prefix = "/sfn", endpoint = "notifications/unread")]
pub async fn unread_count() -> Result<Option<i64>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    ssr::service::unread(&state, &user.user_id).await.map(Some).map_err(sfn::internal)
}

/// A page of my notifications, newest first (`None`: signed out).
#[server(prefix = "/sfn", endpoint = "notifications")]
pub async fn my_notifications(cursor: Option<String>) -> Result<Option<NotificationPage>, FnError> {
    let state = sfn::state()?;
    let Some(user) = sfn::caller(&state).await? else { return Ok(None) };
    ssr::service::list(&state, &user.user_id, cursor.as_deref(), None).await.map(Some).map_err(sfn::internal)
}

/// Mark one notification read (`id`), or every one up to `up_to` (a form).
#[server(prefix = "/sfn", endpoint = "notifications/read")]
pub async fn mark_read(id: Option<i64>, up_to: Option<i64>) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    let req = types::MarkRead { ids: id.into_iter().collect(), up_to };
    ssr::service::mark_read(&state, &user.user_id, &req).await.map_err(sfn::internal)?;
    sfn::redirect(types::PAGE_URL);
    Ok(())
}

/// Mute (or unmute) résumé `id` (a form on the notifications page).
#[server(prefix = "/sfn", endpoint = "notifications/mute")]
pub async fn set_mute(id: String, mute: bool) -> Result<(), FnError> {
    let state = sfn::state()?;
    let user = sfn::signed_in(&state).await?;
    ssr::service::set_mute(&state, &user.user_id, &id, mute).await.map_err(sfn::internal)?;
    sfn::redirect(types::PAGE_URL);
    Ok(())
}
