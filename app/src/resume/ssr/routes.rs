//! `/api/v1/resumes`: generate a résumé from the skill profile (202, then
//! follow it as server-sent events), read it, export it as JSON Resume,
//! rewrite one section. Résumés are private to their owner: anyone else
//! gets 404.

use crate::account::ssr::extract::AuthUser;
use crate::platform::api::{ErrorBody, ErrorDetail};
use crate::platform::jobs::JobView;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::generate::StartError;
use crate::resume::types::{NewResume, ResumeView};
use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(get_one))
        .routes(routes!(events))
        .routes(routes!(export))
        .routes(routes!(regenerate))
}

#[derive(Serialize, ToSchema)]
pub struct ResumeStarted {
    pub id: String,
    pub status_url: String,
    pub events_url: String,
}

fn start_error(e: StartError) -> Response {
    match e {
        StartError::Busy(id) => {
            let mut fields = BTreeMap::new();
            if let Some(id) = id {
                fields.insert("resume_id".to_string(), id);
            }
            let body = ErrorBody {
                error: ErrorDetail {
                    code: "conflict".into(),
                    message: "A résumé is being written for you already; wait for it to finish.".into(),
                    fields,
                },
            };
            (StatusCode::CONFLICT, Json(body)).into_response()
        }
        StartError::NoProfile => {
            AppError::validation("profile", "Import your GitHub work first (My skills → Import from GitHub).")
                .into_response()
        }
        StartError::Quota { retry_after_secs } => AppError::RateLimited { retry_after_secs }.into_response(),
        StartError::Failed(e) => e.into_response(),
    }
}

/// Write a résumé from the signed-in user's skill profile, in Korean or
/// English, optionally for a target role. One at a time per user (409);
/// a daily quota per user (429 with Retry-After).
#[utoipa::path(post, path = "/resumes", tag = "resumes", request_body = NewResume,
    responses(
        (status = 202, description = "Being written; follow `events_url`", body = ResumeStarted),
        (status = 409, description = "Another generation is running (`fields.resume_id`)", body = ErrorBody),
        (status = 422, description = "Bad language or role, or no profile yet", body = ErrorBody),
        (status = 429, description = "Daily quota used up", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn create(State(state): State<AppState>, user: AuthUser, Json(body): Json<NewResume>) -> Response {
    match state.writer.start(&user.user_id, &body).await {
        Ok(id) => (
            StatusCode::ACCEPTED,
            Json(ResumeStarted {
                status_url: format!("/api/v1/resumes/{id}"),
                events_url: format!("/api/v1/resumes/{id}/events"),
                id,
            }),
        )
            .into_response(),
        Err(e) => start_error(e),
    }
}

/// The signed-in user's résumés, newest first (documents included).
#[utoipa::path(get, path = "/resumes", tag = "resumes",
    responses((status = 200, description = "Résumés", body = Vec<ResumeView>)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, user: AuthUser) -> AppResult<Json<Vec<ResumeView>>> {
    Ok(Json(state.writer.list(&user.user_id).await?))
}

/// One résumé: status, writer, model, token use, estimated cost, and the
/// JSON Resume document once complete.
#[utoipa::path(get, path = "/resumes/{id}", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "The résumé", body = ResumeView), (status = 404, description = "No such résumé of yours", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<ResumeView>> {
    state.writer.view(&user.user_id, &id).await?.map(Json).ok_or(AppError::NotFound)
}

/// The generation as server-sent events: `progress` events whose
/// `progress.document` holds the sections written so far (already checked
/// against the profile), then one `done` event.
#[utoipa::path(get, path = "/resumes/{id}/events", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 200, description = "text/event-stream of JobView objects", content_type = "text/event-stream", body = JobView),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 429, description = "Too many event streams open for this user or instance", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn events(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Response> {
    let row = state.writer.owned(&user.user_id, &id).await?.ok_or(AppError::NotFound)?;
    // The job in flight, or the last one (its final state and `done`).
    let job_id = match row.job_id {
        Some(j) => j,
        None => state.writer.last_job(&id).await?.ok_or(AppError::NotFound)?,
    };
    crate::platform::ssr::job_routes::job_events(&state, &job_id, &user.user_id).await
}

/// The résumé as a JSON Resume file (valid against the official schema;
/// receipts under `x-evidence`, generation details under `meta`).
#[utoipa::path(get, path = "/resumes/{id}/export.json", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 200, description = "JSON Resume", content_type = "application/json"),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Not written yet", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn export(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Response> {
    let row = state.writer.owned(&user.user_id, &id).await?.ok_or(AppError::NotFound)?;
    let doc = row.document.ok_or_else(|| AppError::Conflict("the résumé is not written yet".into()))?;
    let body = serde_json::to_string_pretty(&doc).map_err(|e| AppError::Internal(e.into()))?;
    let short: String = id.chars().take(8).collect();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"resume-{short}.json\"")),
        ],
        body,
    )
        .into_response())
}

/// Rewrite one section (`summary`, `skills`, `projects` or `work`) of a
/// finished résumé without touching the rest.
#[utoipa::path(post, path = "/resumes/{id}/sections/{section}/regenerate", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"), ("section" = String, Path, description = "summary, skills, projects or work")),
    responses(
        (status = 202, description = "Being rewritten; follow the résumé's events"),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "A generation is running", body = ErrorBody),
        (status = 422, description = "Unknown section", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn regenerate(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, section)): Path<(String, String)>,
) -> Response {
    match state.writer.regenerate(&user.user_id, &id, &section).await {
        Ok(()) => (
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "id": id, "events_url": format!("/api/v1/resumes/{id}/events") })),
        )
            .into_response(),
        Err(e) => start_error(e),
    }
}
