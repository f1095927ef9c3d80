//! `/api/v1/jobs/{id}` and its server-sent events: any background job of
//! the caller's (an import, a résumé being written), followed the same way.
//! Jobs are private to their owner: anyone else gets 404.

use crate::account::ssr::extract::AuthUser;
use crate::platform::api::ErrorBody;
use crate::platform::jobs::JobView;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{Path, State},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
    Json,
};
use futures::StreamExt;
use std::time::Duration;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_job)).routes(routes!(events))
}

async fn own_job(state: &AppState, user: &AuthUser, id: &str) -> AppResult<JobView> {
    match state.jobs.get(id).await? {
        Some(job) if job.owner_id.as_deref() == Some(user.user_id.as_str()) => Ok(super::jobs::view(&job)),
        _ => Err(AppError::NotFound),
    }
}

/// One of the caller's background jobs: its status, progress and outcome.
#[utoipa::path(get, path = "/jobs/{id}", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobView),
        (status = 404, description = "No such job of yours", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_job(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<JobView>> {
    own_job(&state, &user, &id).await.map(Json)
}

/// A job's progress as server-sent events: one `progress` event with its
/// state now, one per change, and a final `done` event.
#[utoipa::path(get, path = "/jobs/{id}/events", tag = "jobs",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "text/event-stream of JobView objects", content_type = "text/event-stream", body = JobView),
        (status = 404, description = "No such job of yours", body = ErrorBody),
        (status = 429, description = "Too many event streams open for this user or instance", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn events(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Response> {
    own_job(&state, &user, &id).await?;
    job_events(&state, &id, &user.user_id).await
}

/// A job as server-sent events: `progress` for its state now and every
/// change, then `done`. Shared by imports and résumés. A user has a few
/// streams open at once at most (429 beyond), and the watcher ends as soon
/// as the client goes away.
pub async fn job_events(state: &AppState, job_id: &str, viewer: &str) -> AppResult<Response> {
    let stream = state.jobs.watch(job_id, viewer).await?.map(|view| {
        let finished = view.status.is_finished();
        let event = Event::default().event(if finished { "done" } else { "progress" });
        Ok::<_, std::convert::Infallible>(event.json_data(&view).unwrap_or_else(|_| Event::default().comment("?")))
    });
    // Frequent keep-alives also notice a client that went away within seconds.
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(5))).into_response())
}
