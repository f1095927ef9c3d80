//! `/api/v1/resumes`: generate a résumé from the skill profile (202, then
//! follow it as server-sent events), read it, save it (versioned, with
//! `If-Match`), its history and restore, rename, copy, delete, export it as
//! JSON Resume or Markdown, rewrite one section. Résumés are private to
//! their owner: anyone else gets 404.

use crate::account::ssr::extract::AuthUser;
use crate::platform::api::{ErrorBody, ErrorDetail};
use crate::platform::jobs::JobView;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::resume::ssr::generate::StartError;
use crate::resume::ssr::versions;
use crate::resume::types::{
    NewResume, RenameResume, ResumeView, RewriteProposal, RewriteRequest, SaveResume, VersionDiff, VersionInfo,
};
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
        .routes(routes!(import))
        .routes(routes!(get_one, save, rename, delete_one))
        .routes(routes!(versions_list))
        .routes(routes!(version_one))
        .routes(routes!(version_diff))
        .routes(routes!(rewrite_bullet))
        .routes(routes!(restore))
        .routes(routes!(duplicate))
        .routes(routes!(export_markdown))
        .routes(routes!(export_pdf))
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
pub async fn get_one(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Response> {
    let view = state.writer.view(&user.user_id, &id).await?.ok_or(AppError::NotFound)?;
    Ok(with_etag(view.version, Json(view)))
}

/// The version as an entity tag: what `If-Match` names.
fn with_etag(version: i32, body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    if let Ok(v) = header::HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The version a write was based on: `If-Match` (`"7"` or `W/"7"`) or the
/// body's `version`; one of them is required.
fn expected_version(headers: &header::HeaderMap, body: Option<i32>) -> AppResult<i32> {
    if let Some(v) = headers.get(header::IF_MATCH) {
        let tag = v.to_str().unwrap_or_default().trim().trim_start_matches("W/").trim_matches('"');
        return tag.parse().map_err(|_| AppError::validation("If-Match", "must be the résumé's version, e.g. \"7\""));
    }
    body.ok_or_else(|| AppError::validation("version", "name the version you edited (If-Match or `version`)"))
}

/// Save the whole document (JSON Resume, receipts under `x-evidence`).
/// The save must name the version it started from; if the résumé changed
/// since, nothing is written and the answer is 412 with the current
/// version (`ETag`, `fields.current_version`).
#[utoipa::path(put, path = "/resumes/{id}", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"),
           ("If-Match" = Option<String>, Header, description = "The version edited, e.g. \"7\" (or `version` in the body)")),
    request_body = SaveResume,
    responses(
        (status = 200, description = "Saved; the new version is in `version` and `ETag`", body = ResumeView),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Being written; try again when it is done", body = ErrorBody),
        (status = 412, description = "Changed since that version; `fields.current_version` says which is current", body = ErrorBody),
        (status = 413, description = "Larger than 512 KB", body = ErrorBody),
        (status = 422, description = "Not a valid JSON Resume document; `fields` say where", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn save(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    headers: header::HeaderMap,
    body: Result<Json<SaveResume>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Response> {
    let Json(body) = body.map_err(|e| AppError::validation("document", e.body_text()))?;
    let expected = expected_version(&headers, body.version)?;
    let reason = match body.reason.as_deref() {
        None | Some("save") => versions::Reason::Save,
        Some("rewrite") => versions::Reason::Rewrite,
        Some(_) => return Err(AppError::validation("reason", "`save` or `rewrite`")),
    };
    versions::save(&state.db, &user.user_id, &id, expected, &body.document, reason).await?;
    get_one(State(state), user, Path(id)).await
}

/// Rename a résumé (blank removes the name).
#[utoipa::path(patch, path = "/resumes/{id}", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    request_body = RenameResume,
    responses(
        (status = 200, description = "Renamed", body = ResumeView),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 422, description = "Longer than 100 characters", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn rename(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<RenameResume>,
) -> AppResult<Response> {
    versions::rename(&state.db, &user.user_id, &id, &body.title).await?;
    get_one(State(state), user, Path(id)).await
}

/// Delete a résumé and its history.
#[utoipa::path(delete, path = "/resumes/{id}", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Being written; delete it when it is done", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn delete_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    versions::delete(&state.db, &user.user_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The kept versions, newest first: a run of saves within five minutes is
/// one version; every generation, rewrite, restore and copy is its own;
/// the newest 50 are kept.
#[utoipa::path(get, path = "/resumes/{id}/versions", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "Versions", body = Vec<VersionInfo>), (status = 404, description = "No such résumé of yours", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn versions_list(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<VersionInfo>>> {
    Ok(Json(versions::list(&state.db, &user.user_id, &id).await?))
}

/// One kept version's document.
#[utoipa::path(get, path = "/resumes/{id}/versions/{n}", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"), ("n" = i32, Path, description = "Version")),
    responses((status = 200, description = "The document as it was", content_type = "application/json"), (status = 404, description = "No such résumé of yours, or version not kept", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn version_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, n)): Path<(String, i32)>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(versions::get(&state.db, &user.user_id, &id, n).await?))
}

/// Version `n` against the current document, line by line (both as the
/// Markdown export renders them).
#[utoipa::path(get, path = "/resumes/{id}/versions/{n}/diff", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"), ("n" = i32, Path, description = "Version")),
    responses((status = 200, description = "The changes from version `n` to the current one", body = VersionDiff), (status = 404, description = "No such résumé of yours, or version not kept", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn version_diff(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, n)): Path<(String, i32)>,
) -> AppResult<Json<VersionDiff>> {
    Ok(Json(versions::diff(&state.db, &user.user_id, &id, n).await?))
}

/// Propose a rewrite of one bullet (`work` or `projects`, item and bullet
/// by position): shorter, a stronger verb, more specific, or translated.
/// With a language model configured the proposal uses only the facts
/// behind that bullet's receipts, is checked like a generation, and costs
/// one unit of the daily quota; without one, rules propose what they can
/// honestly (422 `fields.mode` starting `needs_llm` when they cannot).
/// Nothing changes until the proposal is saved (`reason: "rewrite"`).
#[utoipa::path(post, path = "/resumes/{id}/bullets/rewrite", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    request_body = RewriteRequest,
    responses(
        (status = 200, description = "The proposal and its word diff", body = RewriteProposal),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 422, description = "No such bullet; or `needs_llm`; or the proposal was `unverified` and dropped", body = ErrorBody),
        (status = 429, description = "Daily quota used up", body = ErrorBody),
        (status = 502, description = "The language model failed", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn rewrite_bullet(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    body: Result<Json<RewriteRequest>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Json<RewriteProposal>> {
    let Json(body) = body.map_err(|e| AppError::validation("body", e.body_text()))?;
    state.writer.rewrite(&user.user_id, &id, &body).await.map(Json).map_err(|e| e.into_app())
}

/// Make version `n` current again (a new version; nothing is lost).
/// `If-Match` is optional here: with it, a stale current version is 412.
#[utoipa::path(post, path = "/resumes/{id}/versions/{n}/restore", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"), ("n" = i32, Path, description = "Version to restore")),
    responses(
        (status = 200, description = "Restored", body = ResumeView),
        (status = 404, description = "No such résumé of yours, or version not kept", body = ErrorBody),
        (status = 409, description = "Being written", body = ErrorBody),
        (status = 412, description = "Changed since the `If-Match` version", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn restore(
    State(state): State<AppState>,
    user: AuthUser,
    Path((id, n)): Path<(String, i32)>,
    headers: header::HeaderMap,
) -> AppResult<Response> {
    let expected = if headers.contains_key(header::IF_MATCH) { Some(expected_version(&headers, None)?) } else { None };
    versions::restore(&state.db, &user.user_id, &id, n, expected).await?;
    get_one(State(state), user, Path(id)).await
}

/// A copy of a written résumé ("a copy for this job"), with a history of
/// its own.
#[utoipa::path(post, path = "/resumes/{id}/duplicate", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 201, description = "The copy", body = ResumeView),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Not written yet", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn duplicate(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Response> {
    let copy = versions::duplicate(&state.db, &user.user_id, &id).await?;
    let view = state.writer.view(&user.user_id, &copy).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/resumes/{copy}"))], Json(view)).into_response())
}

/// The résumé as Markdown: every section, each line's receipts as links.
#[utoipa::path(get, path = "/resumes/{id}/export.md", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id")),
    responses(
        (status = 200, description = "Markdown", content_type = "text/markdown"),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Not written yet", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn export_markdown(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let doc = written(&state, &user, &id).await?;
    Ok(attachment(&id, "md", "text/markdown; charset=utf-8", super::markdown::render(&doc)))
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
    let doc = written(&state, &user, &id).await?;
    let body = serde_json::to_string_pretty(&doc).map_err(|e| AppError::Internal(e.into()))?;
    Ok(attachment(&id, "json", "application/json; charset=utf-8", body))
}

/// The owner's written document (404 for anyone else, 409 before it is written).
async fn written(state: &AppState, user: &AuthUser, id: &str) -> AppResult<serde_json::Value> {
    let row = state.writer.owned(&user.user_id, id).await?.ok_or(AppError::NotFound)?;
    row.document.ok_or_else(|| AppError::Conflict("the résumé is not written yet".into()))
}

/// A download named after the résumé.
fn attachment(id: &str, extension: &str, content_type: &'static str, body: impl IntoResponse) -> Response {
    let short: String = id.chars().take(8).collect();
    let disposition = format!("attachment; filename=\"resume-{short}.{extension}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
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

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct PdfQuery {
    /// `classic`, `compact` or `modern` (default: the résumé's own theme).
    pub theme: Option<String>,
}

/// The résumé as a PDF rendered on the server (no browser): selectable
/// text, receipts as links, Korean set with its own font; title, author and
/// language in the metadata.
#[utoipa::path(get, path = "/resumes/{id}/export.pdf", tag = "resumes",
    params(("id" = String, Path, description = "Résumé id"), PdfQuery),
    responses(
        (status = 200, description = "PDF", content_type = "application/pdf"),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Not written yet", body = ErrorBody),
        (status = 422, description = "Unknown theme", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn export_pdf(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PdfQuery>,
) -> AppResult<Response> {
    let doc = written(&state, &user, &id).await?;
    let theme = match q.theme.as_deref() {
        None | Some("") => super::pdf::Theme::parse(crate::resume::types::theme_of(&doc)).unwrap_or_default(),
        Some(t) => super::pdf::Theme::parse(t)
            .ok_or_else(|| AppError::validation("theme", "one of classic, compact, modern"))?,
    };
    let pdf = super::pdf::render(crate::resume::types::visible(&doc), theme).await?;
    Ok(attachment(&id, "pdf", "application/pdf", pdf))
}

/// Bring in a résumé as a JSON Resume document (the body itself, at most
/// 512 KB): validated against the official schema, field by field; unknown
/// fields are kept and come back in the export. Its lines have no receipts
/// until you attach them.
#[utoipa::path(post, path = "/resumes/import", tag = "resumes",
    request_body(content = Object, description = "A JSON Resume document"),
    responses(
        (status = 201, description = "The new résumé", body = ResumeView),
        (status = 413, description = "Larger than 512 KB", body = ErrorBody),
        (status = 422, description = "Not valid JSON Resume; `fields` say where", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    user: AuthUser,
    body: Result<Json<serde_json::Value>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Response> {
    let Json(doc) = body.map_err(|e| AppError::validation("document", e.body_text()))?;
    let id = versions::import(&state.db, &user.user_id, &doc).await?;
    let view = state.writer.view(&user.user_id, &id).await?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/resumes/{id}"))], Json(view)).into_response())
}
