//! `/api/v1/imports` and `/api/v1/me/skills`: start a GitHub import, follow
//! it (JSON or server-sent events), read the skill profile, hide and show
//! repositories and skills.

use crate::account::ssr::extract::AuthUser;
use crate::github::ssr::import::{self, source_for, StartError};
use crate::platform::api::{ErrorBody, ErrorDetail};
use crate::platform::jobs::JobView;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::profile::ssr::profiles::{self, HiddenKind};
use crate::profile::types::SkillsView;
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
    OpenApiRouter::new()
        .routes(routes!(start_import))
        .routes(routes!(get_import))
        .routes(routes!(import_events))
        .routes(routes!(my_skills))
        .routes(routes!(hide, unhide))
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

/// The signed-in user's skill profile with its evidence: languages and
/// technologies ranked, each with the repositories, bytes, manifests,
/// dates and stars behind it; repositories ranked by how well they show
/// the user's own work. Hidden items are listed apart.
#[utoipa::path(get, path = "/me/skills", tag = "profile",
    responses(
        (status = 200, description = "The profile (`profile` is null before the first import)", body = SkillsView),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn my_skills(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<SkillsView>> {
    let can_import = source_for(&state.db, &state.auth, &user.user_id).await?.is_some();
    Ok(Json(profiles::view(&state.db, &state.jobs, &user.user_id, can_import).await?))
}

fn hidden_kind(kind: &str) -> AppResult<HiddenKind> {
    HiddenKind::parse(kind).ok_or_else(|| AppError::validation("kind", "must be `repository` or `skill`"))
}

/// Hide a repository (`owner/name`, URL-encoded) or a skill (its id) from
/// the profile and everything built from it. Survives re-imports.
#[utoipa::path(put, path = "/me/hidden/{kind}/{key}", tag = "profile",
    params(
        ("kind" = String, Path, description = "`repository` or `skill`"),
        ("key" = String, Path, description = "`owner/name` (URL-encoded) or a skill id"),
    ),
    responses((status = 204, description = "Hidden"), (status = 422, description = "Bad kind or key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn hide(
    State(state): State<AppState>,
    user: AuthUser,
    Path((kind, key)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    profiles::set_hidden(&state.db, &user.user_id, hidden_kind(&kind)?, &key, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Show a hidden repository or skill again.
#[utoipa::path(delete, path = "/me/hidden/{kind}/{key}", tag = "profile",
    params(
        ("kind" = String, Path, description = "`repository` or `skill`"),
        ("key" = String, Path, description = "`owner/name` (URL-encoded) or a skill id"),
    ),
    responses((status = 204, description = "Shown again"), (status = 422, description = "Bad kind or key", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unhide(
    State(state): State<AppState>,
    user: AuthUser,
    Path((kind, key)): Path<(String, String)>,
) -> AppResult<StatusCode> {
    profiles::set_hidden(&state.db, &user.user_id, hidden_kind(&kind)?, &key, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
