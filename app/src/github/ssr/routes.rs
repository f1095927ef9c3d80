//! `/api/v1/imports`: start a GitHub import, follow it (JSON or
//! server-sent events). The profile it writes is served by
//! `profile::ssr::routes`.

use crate::account::ssr::extract::AuthUser;
use crate::github::ssr::import::{self, StartError};
use crate::platform::api::{ErrorBody, ErrorDetail};
use crate::platform::jobs::JobView;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::profile::ssr::profiles;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(start_import)).routes(routes!(get_import)).routes(routes!(import_events))
}

#[derive(Serialize, ToSchema)]
pub struct ImportStarted {
    pub job_id: String,
    /// Where to follow it: JSON status, and server-sent events.
    pub status_url: String,
    pub events_url: String,
}

fn already_running(job_id: &str) -> Response {
    let mut fields = BTreeMap::new();
    fields.insert("job_id".to_string(), job_id.to_string());
    let body = ErrorBody {
        error: ErrorDetail {
            code: "conflict".into(),
            message: "An import is already running; follow it instead of starting another.".into(),
            fields,
        },
    };
    (StatusCode::CONFLICT, Json(body)).into_response()
}

fn not_linked() -> AppError {
    AppError::validation("github", "Link your GitHub account first (Settings → Sign-in methods).")
}

/// Start importing the signed-in user's GitHub work. One import per user at
/// a time: while one is queued or running this answers 409 with its id in
/// `fields.job_id`.
#[utoipa::path(post, path = "/imports", tag = "profile",
    responses(
        (status = 202, description = "Import queued", body = ImportStarted),
        (status = 409, description = "An import is already running (`fields.job_id`)", body = ErrorBody),
        (status = 422, description = "GitHub is not linked", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn start_import(State(state): State<AppState>, user: AuthUser) -> AppResult<Response> {
    match import::start(&state.db, &state.jobs, &state.auth, &user.user_id).await {
        Ok(id) => Ok((
            StatusCode::ACCEPTED,
            Json(ImportStarted {
                status_url: format!("/api/v1/imports/{id}"),
                events_url: format!("/api/v1/imports/{id}/events"),
                job_id: id,
            }),
        )
            .into_response()),
        Err(StartError::Running(id)) => Ok(already_running(&id)),
        Err(StartError::NotLinked) => Err(not_linked()),
        Err(StartError::Failed(e)) => Err(e),
    }
}

/// An import's status and progress (`progress` has `stage`,
/// `repositories_read`, `repositories_total`, `languages`, `manifests`,
/// `pull_requests`, `requests`, and `resumes_at` while paused).
#[utoipa::path(get, path = "/imports/{id}", tag = "profile",
    params(("id" = String, Path, description = "Job id from POST /imports")),
    responses(
        (status = 200, description = "The import", body = JobView),
        (status = 404, description = "No such import of yours", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_import(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<JobView>> {
    profiles::import_job(&state.jobs, &user.user_id, &id).await?.map(Json).ok_or(AppError::NotFound)
}

/// The import's progress as server-sent events: one `progress` event with
/// the current state, one per change, and a final `done` event.
#[utoipa::path(get, path = "/imports/{id}/events", tag = "profile",
    params(("id" = String, Path, description = "Job id")),
    responses(
        (status = 200, description = "text/event-stream of JobView objects", content_type = "text/event-stream", body = JobView),
        (status = 404, description = "No such import of yours", body = ErrorBody),
        (status = 429, description = "Too many event streams open for this user or instance", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn import_events(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    if profiles::import_job(&state.jobs, &user.user_id, &id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    crate::platform::ssr::job_routes::job_events(&state, &id, &user.user_id).await
}
