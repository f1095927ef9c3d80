//! `/api/v1/me/notifications` (list, mark read, live events) and
//! `/api/v1/resumes/{id}/mute`. Only ever the caller's own notifications.

use super::service::{self, Live};
use crate::account::ssr::extract::{AuthUser, MaybeUser};
use crate::notify::types::{MarkRead, MuteState, NotificationPage, NotificationView, Unread, EVENTS_URL};
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{Path, Query, State},
    http::request::Parts,
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Redirect, Response,
    },
    Json,
};
use futures::StreamExt;
use serde::Deserialize;
use std::time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(events))
        .routes(routes!(mark_read))
        .routes(routes!(mute, unmute))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1–100 (default 20).
    limit: Option<u64>,
}

/// My notifications, newest first, a page at a time (keyset: the cursor
/// is the last id of the previous page), with the unread count. One about
/// a résumé I can no longer read is left out.
#[utoipa::path(get, path = "/me/notifications", tag = "notifications", params(ListQuery),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Not a cursor from this list", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<ListQuery>,
) -> AppResult<Json<NotificationPage>> {
    Ok(Json(service::list(&state, &user.user_id, q.cursor.as_deref(), q.limit).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventsQuery {
    /// Replay every notification after this id first (as the
    /// `Last-Event-ID` header does; the header wins).
    after: Option<i64>,
}

/// My notifications live, as server-sent events: first `unread` (`{"unread": n}`,
/// its `id:` the newest notification id so far), then one `notification`
/// event per new notification (`id:` its id, data a `NotificationView`),
/// and `unread` again whenever the count changes (here or in another tab).
/// A reconnecting client sends `Last-Event-ID` (or `?after=`) and first gets
/// everything after it, from the database. A browser whose access cookie
/// expired is sent through the cookie refresh and back.
#[utoipa::path(get, path = "/me/notifications/events", tag = "notifications", params(EventsQuery,
        ("Last-Event-ID" = Option<i64>, Header, description = "The last id this client saw")),
    responses(
        (status = 200, description = "text/event-stream: `unread` and `notification` events", content_type = "text/event-stream", body = NotificationView),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 429, description = "Too many event streams open for this user or instance", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn events(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    parts: Parts,
    Query(q): Query<EventsQuery>,
) -> AppResult<Response> {
    let last_seen = parts
        .headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.after);
    let Some(user) = user else {
        if crate::account::ssr::sign_in::needs_refresh(&state, &parts) {
            // EventSource follows redirects: fresh cookies, then back here.
            let back = match last_seen {
                Some(id) => format!("{EVENTS_URL}?after={id}"),
                None => EVENTS_URL.to_string(),
            };
            let to = format!("/api/v1/auth/refresh?return_to={}", crate::platform::ui::encode_component(&back));
            return Ok(Redirect::to(&to).into_response());
        }
        return Err(AppError::Unauthorized);
    };
    let stream = service::follow(&state, &user, last_seen).await?.map(|live| {
        let event = match live {
            Live::Unread { unread, cursor } => {
                Event::default().event("unread").id(cursor.to_string()).json_data(Unread { unread })
            }
            Live::Notification(n) => Event::default().event("notification").id(n.id.to_string()).json_data(&n),
        };
        Ok::<_, std::convert::Infallible>(event.unwrap_or_else(|_| Event::default().comment("?")))
    });
    // Frequent keep-alives also notice a client that went away within seconds.
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(5))).into_response())
}

/// Mark notifications read: the ids named, and/or every one up to and
/// including `up_to`. Other open tabs get the new count.
#[utoipa::path(post, path = "/me/notifications/read", tag = "notifications",
    request_body = MarkRead,
    responses(
        (status = 200, description = "The unread count now", body = Unread),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "Neither ids nor up_to, or too many ids", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn mark_read(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<MarkRead>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Json<Unread>> {
    let Json(body) = body.map_err(|e| AppError::validation("body", e.body_text()))?;
    Ok(Json(Unread { unread: service::mark_read(&state, &user.user_id, &body).await? }))
}

/// Mute a résumé you can read: its likes, comments and replies notify you
/// no more (idempotent).
#[utoipa::path(put, path = "/resumes/{id}/mute", tag = "notifications",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 200, description = "Muted", body = MuteState),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such résumé you can read", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn mute(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Json<MuteState>> {
    Ok(Json(service::set_mute(&state, &user.user_id, &id, true).await?))
}

/// Hear about a résumé again (idempotent).
#[utoipa::path(delete, path = "/resumes/{id}/mute", tag = "notifications",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 200, description = "Not muted", body = MuteState),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such résumé you can read", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn unmute(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<MuteState>> {
    Ok(Json(service::set_mute(&state, &user.user_id, &id, false).await?))
}
