//! `/api/v1/resumes/{id}/visibility`, `/share`, `/like` and `/api/v1/r/{slug}`:
//! share a résumé by link, read a shared one, like it.

use super::comments;
use super::service::{self, Reader};
use crate::account::ssr::extract::{AuthUser, Client, MaybeUser};
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::share::types::{
    CommentView, EditComment, LikeState, NewComment, PublicResume, ReportComment, ShareSettings, ShareView, Shared,
};
use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(share_of))
        .routes(routes!(set_visibility))
        .routes(routes!(read))
        .routes(routes!(like, unlike))
        .routes(routes!(comments_list, comment_create))
        .routes(routes!(comment_edit, comment_delete))
        .routes(routes!(comment_report))
}

/// The comments on a résumé you can read: threads (oldest first) with
/// their replies, each with where it points now.
#[utoipa::path(get, path = "/resumes/{id}/comments", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "Threads", body = Vec<CommentView>), (status = 404, description = "No such résumé you can read", body = ErrorBody)))]
pub async fn comments_list(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
) -> AppResult<Json<Vec<CommentView>>> {
    Ok(Json(comments::list(&state, user.as_ref().map(|u| u.user_id.as_str()), &id).await?))
}

/// Comment on a résumé you can read, or reply to a comment (one level:
/// a reply to a reply joins the thread). Optionally anchored to a section
/// or a line. Plain text, at most 2,000 characters; 10 a minute.
#[utoipa::path(post, path = "/resumes/{id}/comments", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Posted; the threads as they are now", body = Vec<CommentView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such résumé you can read", body = ErrorBody),
        (status = 422, description = "Empty, too long, a bad anchor or parent (`fields`)", body = ErrorBody),
        (status = 429, description = "Too many comments; wait a minute", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn comment_create(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    body: Result<Json<NewComment>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Response> {
    let Json(body) = body.map_err(|e| AppError::validation("body", e.body_text()))?;
    comments::create(&state, &user.user_id, &id, &body).await?;
    let threads = comments::list(&state, Some(&user.user_id), &id).await?;
    Ok((StatusCode::CREATED, Json(threads)).into_response())
}

/// Change your comment's text.
#[utoipa::path(patch, path = "/comments/{id}", tag = "sharing",
    params(("id" = String, Path, description = "Comment id")),
    request_body = EditComment,
    responses((status = 204, description = "Changed"), (status = 403, description = "Not yours", body = ErrorBody), (status = 404, description = "No such comment you can see", body = ErrorBody), (status = 422, description = "Empty or too long", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn comment_edit(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<EditComment>,
) -> AppResult<StatusCode> {
    comments::edit(&state, &user.user_id, &id, &body.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete your comment, or any comment on your résumé (replies go with it).
#[utoipa::path(delete, path = "/comments/{id}", tag = "sharing",
    params(("id" = String, Path, description = "Comment id")),
    responses((status = 204, description = "Deleted"), (status = 403, description = "Neither yours nor on your résumé", body = ErrorBody), (status = 404, description = "No such comment you can see", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn comment_delete(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<StatusCode> {
    comments::delete(&state, &user.user_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Report a comment as abusive (once per user).
#[utoipa::path(post, path = "/comments/{id}/report", tag = "sharing",
    params(("id" = String, Path, description = "Comment id")),
    request_body = ReportComment,
    responses((status = 204, description = "Reported"), (status = 404, description = "No such comment you can see", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn comment_report(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ReportComment>,
) -> AppResult<StatusCode> {
    comments::report(&state, &user.user_id, &id, &body.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How the résumé is shared and read: visibility, link, views (total,
/// distinct viewers, the last 30 days), likes. Owner only.
#[utoipa::path(get, path = "/resumes/{id}/share", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "Sharing and counts", body = ShareView), (status = 404, description = "No such résumé of yours", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn share_of(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<ShareView>> {
    Ok(Json(service::view(&state, &user.user_id, &id).await?))
}

/// Share the résumé: `private` (only you; the default), `unlisted` (anyone
/// with the link, not indexed) or `public` (also in the gallery), under a
/// slug (default: from your nickname). A changed slug's old link answers
/// 301 to the new one.
#[utoipa::path(put, path = "/resumes/{id}/visibility", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    request_body = ShareSettings,
    responses(
        (status = 200, description = "Shared so", body = ShareView),
        (status = 404, description = "No such résumé of yours", body = ErrorBody),
        (status = 409, description = "Not written yet", body = ErrorBody),
        (status = 422, description = "A bad or taken slug (`fields.slug`)", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn set_visibility(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
    body: Result<Json<ShareSettings>, axum::extract::rejection::JsonRejection>,
) -> AppResult<Json<ShareView>> {
    let Json(body) = body.map_err(|e| AppError::validation("body", e.body_text()))?;
    Ok(Json(service::set(&state, &user.user_id, &id, &body).await?))
}

/// A shared résumé by its link (counts as a view, once an hour per
/// reader). Private or unknown: 404. An old slug: 301 to the current one.
#[utoipa::path(get, path = "/r/{slug}", tag = "sharing",
    params(("slug" = String, Path, description = "The link's slug")),
    responses(
        (status = 200, description = "The résumé as readers see it", body = PublicResume),
        (status = 301, description = "The slug changed; `Location` has the new one"),
        (status = 404, description = "No such shared résumé", body = ErrorBody),
    ))]
pub async fn read(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    Client(client): Client,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let reader = Reader {
        user_id: user.as_ref().map(|u| u.user_id.as_str()),
        address: client.ip.as_deref().unwrap_or_default(),
        user_agent: client.user_agent.as_deref().unwrap_or_default(),
    };
    Ok(match service::read(&state, &slug, &reader).await? {
        Shared::Found(r) => Json(*r).into_response(),
        Shared::Moved(to) => {
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, format!("/api/v1/r/{to}"))]).into_response()
        }
    })
}

/// Like a résumé you can read (idempotent).
#[utoipa::path(put, path = "/resumes/{id}/like", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "Liked; the count", body = LikeState), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "No such résumé you can read", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn like(State(state): State<AppState>, user: AuthUser, Path(id): Path<String>) -> AppResult<Json<LikeState>> {
    Ok(Json(service::like(&state, &user.user_id, &id, true).await?))
}

/// Take your like back (idempotent).
#[utoipa::path(delete, path = "/resumes/{id}/like", tag = "sharing",
    params(("id" = String, Path, description = "Résumé id")),
    responses((status = 200, description = "Not liked; the count", body = LikeState), (status = 401, description = "Not signed in", body = ErrorBody), (status = 404, description = "No such résumé you can read", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn unlike(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> AppResult<Json<LikeState>> {
    Ok(Json(service::like(&state, &user.user_id, &id, false).await?))
}
