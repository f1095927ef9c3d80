//! `/api/v1/me/skills` and `/api/v1/me/hidden`: the signed-in user's skill
//! profile with its evidence, and hiding or showing repositories and skills.

use crate::account::ssr::extract::AuthUser;
use crate::github::ssr::import::source_for;
use crate::platform::api::ErrorBody;
use crate::platform::ssr::error::{AppError, AppResult};
use crate::platform::ssr::state::AppState;
use crate::profile::ssr::profiles::{self, HiddenKind};
use crate::profile::types::SkillsView;
use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(my_skills)).routes(routes!(hide, unhide))
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
