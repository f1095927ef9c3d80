//! `/api/v1/admin/postings/*`: administrators start ingestion runs (a file
//! upload, or a configured source now) and read their reports. Only
//! administrators (`auth.admins`): 401 when not signed in, 403 for
//! everyone else.

use super::ingest::Format;
use super::runs::{self, IngestionRun, IngestionRuns};
use super::schedule::{self, Enqueued, SourceViews};
use crate::account::ssr::admins::AdminUser;
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use axum::{
    extract::{FromRequest, Path, Query, Request, State},
    http::{header, StatusCode},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

/// The largest file an administrator may upload (the body limit of the
/// import route is this plus room for the multipart framing). Records in
/// it are still limited one by one (a posting of 50 KB of text at most).
pub const UPLOAD_MAX: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    // Axum's extractors stop at 2 MB unless told; the upload may be larger
    // (the body-limit middleware still caps it first).
    let upload = OpenApiRouter::new()
        .routes(routes!(import))
        .layer(axum::extract::DefaultBodyLimit::max(UPLOAD_MAX + 64 * 1024));
    OpenApiRouter::new().merge(upload).routes(routes!(list_runs)).routes(routes!(get_run)).routes(routes!(list_sources))
}

/// Run a configured source now.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ImportSource {
    /// A configured source's key, as `GET /admin/postings/sources` lists
    /// them: `greenhouse:acme`, `lever:beta`, `feed:https://…`.
    pub source: String,
}

/// A file of postings.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportUpload {
    /// JSON Lines (`.jsonl`, `.ndjson`), CSV (`.csv`) or a corpus issue
    /// (`.json`), optionally gzip'd; at most 32 MiB. The format comes from
    /// the file name unless `format` says it.
    #[schema(content_media_type = "application/octet-stream")]
    pub file: Vec<u8>,
    /// `jsonl`, `csv` or `corpus`.
    pub format: Option<String>,
}

/// A run was queued: follow it at `run_url`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ImportAccepted {
    pub run_id: String,
    pub job_id: String,
    /// `queued`.
    pub status: String,
    /// `/api/v1/admin/postings/runs/{run_id}`
    pub run_url: String,
}

fn accepted(run_id: String, job_id: String) -> (StatusCode, Json<ImportAccepted>) {
    let run_url = format!("/api/v1/admin/postings/runs/{run_id}");
    (StatusCode::ACCEPTED, Json(ImportAccepted { run_id, job_id, status: "queued".into(), run_url }))
}

/// Import job postings: upload a file (multipart `file`, or the file itself
/// as the body with `Content-Type: application/x-ndjson` or `text/csv`), or
/// run a configured source now (`{"source": "greenhouse:acme"}`). Answers
/// at once with the run's id; the run reads in the background. Records
/// that cannot be read (a posting of 10 MB, binary junk, a CSV record with
/// broken quoting) are rejected one by one with a reason, and the rest is
/// imported.
#[utoipa::path(post, path = "/admin/postings/import", tag = "admin",
    request_body(content(
        (ImportSource = "application/json"),
        (ImportUpload = "multipart/form-data"),
        ("application/x-ndjson"),
        ("text/csv"),
    )),
    responses(
        (status = 202, description = "Queued; follow `run_url`", body = ImportAccepted),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Signed in, but not an administrator", body = ErrorBody),
        (status = 409, description = "A run of this source is already queued or running", body = ErrorBody),
        (status = 413, description = "A file larger than 32 MiB", body = ErrorBody),
        (status = 400, description = "Neither JSON, a multipart form, JSON Lines nor CSV", body = ErrorBody),
        (status = 422, description = "Not a configured source, an empty file, or an unknown format", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    req: Request,
) -> AppResult<(StatusCode, Json<ImportAccepted>)> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match content_type.as_str() {
        "application/json" => {
            let Json(body) = Json::<ImportSource>::from_request(req, &state)
                .await
                .map_err(|e| AppError::validation("source", e.body_text()))?;
            run_source(&state, &admin.user_id, body.source.trim()).await
        }
        "multipart/form-data" => {
            let form = axum::extract::Multipart::from_request(req, &state)
                .await
                .map_err(|e| AppError::validation("file", e.body_text()))?;
            let (name, declared, data) = read_form(form).await?;
            upload(&state, &admin.user_id, &name, declared.as_deref(), None, data).await
        }
        "application/x-ndjson" | "application/jsonl" | "application/json-lines" | "text/csv" => {
            let data = axum::body::to_bytes(req.into_body(), UPLOAD_MAX)
                .await
                .map_err(|_| AppError::TooLarge { limit_bytes: UPLOAD_MAX })?
                .to_vec();
            let by_type = if content_type == "text/csv" { Format::Csv } else { Format::JsonLines };
            upload(&state, &admin.user_id, "body", None, Some(by_type), data).await
        }
        other => Err(AppError::BadRequest(format!(
            "send application/json ({{\"source\": …}}), multipart/form-data (a file), application/x-ndjson or \
             text/csv, not {:?}",
            other.chars().take(60).collect::<String>()
        ))),
    }
}

async fn run_source(state: &AppState, admin: &str, key: &str) -> AppResult<(StatusCode, Json<ImportAccepted>)> {
    let Some(spec) = runs::configured_source(&state.settings.market, key) else {
        let known: Vec<String> = super::sources::configured(&state.settings.market).iter().map(|s| s.key()).collect();
        let msg = if known.is_empty() {
            "no source is configured (market.sources)".to_string()
        } else {
            format!("not a configured source; these are: {}", known.join(", "))
        };
        return Err(AppError::validation("source", msg));
    };
    match schedule::enqueue(&state.db, &state.jobs, &spec, "admin", true).await? {
        Enqueued::Started { run_id, job_id } => {
            tracing::info!(admin, source = key, run = %run_id, "ingestion run started by an administrator");
            Ok(accepted(run_id, job_id))
        }
        Enqueued::Busy { run_id } => Err(AppError::Conflict(format!(
            "a run of {key} is already queued or running{}",
            run_id.map(|r| format!(": {r}")).unwrap_or_default()
        ))),
        Enqueued::Lost | Enqueued::NotDue => {
            Err(AppError::Conflict(format!("a run of {key} was just started elsewhere")))
        }
    }
}

/// The `file` part (its name and bytes, at most [`UPLOAD_MAX`]) and the
/// optional `format` part of an upload form.
async fn read_form(mut form: axum::extract::Multipart) -> AppResult<(String, Option<String>, Vec<u8>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge { limit_bytes: UPLOAD_MAX }
        } else {
            AppError::validation("file", e.body_text())
        }
    };
    let (mut file, mut format) = (None, None);
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                let name = field.file_name().unwrap_or("upload").chars().take(200).collect::<String>();
                let mut data = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if data.len() + chunk.len() > UPLOAD_MAX {
                        return Err(AppError::TooLarge { limit_bytes: UPLOAD_MAX });
                    }
                    data.extend_from_slice(&chunk);
                }
                file = Some((name, data));
            }
            "format" => format = Some(field.text().await.map_err(bad)?.trim().to_ascii_lowercase()),
            _ => {}
        }
    }
    let (name, data) = file.ok_or_else(|| AppError::validation("file", "no file in the form (a part named `file`)"))?;
    Ok((name, format.filter(|f| !f.is_empty()), data))
}

async fn upload(
    state: &AppState,
    admin: &str,
    name: &str,
    declared: Option<&str>,
    by_type: Option<Format>,
    data: Vec<u8>,
) -> AppResult<(StatusCode, Json<ImportAccepted>)> {
    if data.iter().all(u8::is_ascii_whitespace) {
        return Err(AppError::validation("file", "the file is empty"));
    }
    let gzip = data.starts_with(&[0x1f, 0x8b]);
    let format = match declared {
        Some("jsonl" | "ndjson") => Format::JsonLines,
        Some("csv") => Format::Csv,
        Some("corpus" | "json") => Format::Corpus,
        Some(other) => {
            return Err(AppError::validation(
                "format",
                format!("{:?} is not jsonl, csv or corpus", other.chars().take(40).collect::<String>()),
            ))
        }
        None => match by_type.or_else(|| Format::of_path(std::path::Path::new(name)).map(|(f, _)| f)) {
            Some(f) => f,
            None => {
                return Err(AppError::validation(
                    "format",
                    "name the file .jsonl, .ndjson, .csv or .json (optionally .gz), or send format",
                ))
            }
        },
    };
    let size = data.len();
    let (run_id, job_id) = runs::queue_upload(&state.db, &state.jobs, name, format, gzip, data).await?;
    tracing::info!(admin, file = name, bytes = size, run = %run_id, "postings uploaded by an administrator");
    Ok(accepted(run_id, job_id))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct RunsQuery {
    /// How many, newest first (1–200, default 50).
    pub limit: Option<u64>,
}

/// Ingestion runs, newest first: what each read, its status, counts and
/// error.
#[utoipa::path(get, path = "/admin/postings/runs", tag = "admin",
    params(RunsQuery),
    responses(
        (status = 200, description = "Runs", body = IngestionRuns),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_runs(
    State(state): State<AppState>,
    _admin: AdminUser,
    Query(q): Query<RunsQuery>,
) -> AppResult<Json<IngestionRuns>> {
    Ok(Json(IngestionRuns { runs: runs::list_runs(&state.db, q.limit.unwrap_or(50)).await? }))
}

/// One run: its status and counts as it goes, then its outcome, with the
/// first 100 records it rejected and why.
#[utoipa::path(get, path = "/admin/postings/runs/{id}", tag = "admin",
    params(("id" = String, Path, description = "Run id")),
    responses(
        (status = 200, description = "The run", body = IngestionRun),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
        (status = 404, description = "No such run", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn get_run(
    State(state): State<AppState>,
    _admin: AdminUser,
    Path(id): Path<String>,
) -> AppResult<Json<IngestionRun>> {
    runs::get_run(&state.db, &id).await?.map(Json).ok_or(AppError::NotFound)
}

/// The configured sources with their schedules and last outcomes.
#[utoipa::path(get, path = "/admin/postings/sources", tag = "admin",
    responses(
        (status = 200, description = "Sources", body = SourceViews),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an administrator", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_sources(State(state): State<AppState>, _admin: AdminUser) -> AppResult<Json<SourceViews>> {
    Ok(Json(schedule::views(&state.db, &state.settings.market).await?))
}
